/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * wd-dma-perf: copy throughput of DPDK dmadevs measured in one run, for
 * comparing dma_wd_dummy with Debian's dma_skeleton (DPDK 22.11 has no
 * dma-perf app). Every dmadev found is measured for 64 B..64 KiB with a
 * burst of 32 copies in flight, started only while it is measured; the
 * table ends with each device's ratio to the first one.
 *
 *   WD_EMU=wd_dummy_v1:1:cpu=1 devtools/wd-env build/app/wd-dma-perf/wd-dma-perf \
 *       -l 0 --no-huge -m 512 --no-pci --vdev dma_skeleton,lcore=1 -- --time 300
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#define MAX_DEVS 8
#define BURST 32
#define NB_DESC 256

static const uint32_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
#define NB_SIZES RTE_DIM(sizes)

struct result {
	double mops;
	uint64_t errors;
};

/* Keep BURST copies in flight for @ms milliseconds. */
static struct result
measure(int16_t id, rte_iova_t src, rte_iova_t dst, uint32_t size, unsigned int ms)
{
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles();
	uint64_t end = start + hz * ms / 1000, ops = 0, now;
	struct result r = { 0, 0 };
	enum rte_dma_status_code st[BURST];
	unsigned int inflight = 0, i;
	uint16_t last, n;
	bool err;

	do {
		while (inflight < BURST) {
			i = inflight;
			if (rte_dma_copy(id, 0, src + (rte_iova_t)i * size,
					 dst + (rte_iova_t)i * size, size, 0) < 0)
				break;
			inflight++;
		}
		rte_dma_submit(id, 0);
		err = false;
		n = rte_dma_completed(id, 0, BURST, &last, &err);
		if (unlikely(err)) {
			n += rte_dma_completed_status(id, 0, BURST, &last, st);
			r.errors++;
		}
		inflight -= n;
		ops += n;
		now = rte_get_timer_cycles();
	} while (now < end);
	while (inflight > 0) {
		n = rte_dma_completed_status(id, 0, BURST, &last, st);
		inflight -= n;
	}
	r.mops = (double)ops / ((double)(now - start) / (double)hz) / 1e6;
	return r;
}

static int
setup(int16_t id)
{
	const struct rte_dma_conf conf = { .nb_vchans = 1 };
	struct rte_dma_vchan_conf vconf = { .direction = RTE_DMA_DIR_MEM_TO_MEM,
					    .nb_desc = NB_DESC };
	struct rte_dma_info info;

	if (rte_dma_info_get(id, &info) != 0)
		return -1;
	vconf.nb_desc = RTE_MAX(RTE_MIN(NB_DESC, info.max_desc), info.min_desc);
	if (rte_dma_configure(id, &conf) != 0 || rte_dma_vchan_setup(id, 0, &vconf) != 0)
		return -1;
	return 0;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--time MS]\n"
	       "Measures every dmadev: copies of 64 B..64 KiB, %d in flight, MS ms each\n"
	       "(default 300); prints Mops/s, GB/s and the ratio to the first device.\n",
	       prog, BURST);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double mops[MAX_DEVS][NB_SIZES];
	char names[MAX_DEVS][64];
	int16_t ids[MAX_DEVS];
	unsigned int ms = 300, s, nd = 0, d;
	uint8_t *src, *dst;
	int rc, c, status = 0;
	int16_t id;
	char *end;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "wd-dma-perf: EAL init failed\n");
		return 2;
	}
	argc -= rc;
	argv += rc;
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			ms = (unsigned int)strtoul(optarg, &end, 10);
			if (*end != '\0' || ms == 0) {
				fprintf(stderr, "wd-dma-perf: bad --time '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	src = rte_malloc(NULL, (size_t)BURST * 65536, 4096);
	dst = rte_malloc(NULL, (size_t)BURST * 65536, 4096);
	if (src == NULL || dst == NULL) {
		fprintf(stderr, "wd-dma-perf: no memory\n");
		return 2;
	}
	memset(src, 0x5a, (size_t)BURST * 65536);
	RTE_DMA_FOREACH_DEV(id) {
		struct rte_dma_info info;

		if (nd == MAX_DEVS || rte_dma_info_get(id, &info) != 0 || setup(id) != 0)
			continue;
		snprintf(names[nd], sizeof(names[nd]), "%s", info.dev_name);
		ids[nd++] = id;
	}
	if (nd == 0) {
		fprintf(stderr, "wd-dma-perf: no dmadev (use --vdev dma_skeleton or WD_EMU)\n");
		return 2;
	}
	printf("%-16s %8s %10s %8s %8s\n", "device", "size", "Mops/s", "GB/s", "ratio");
	for (s = 0; s < NB_SIZES; s++) {
		for (d = 0; d < nd; d++) {
			struct result r = { 0, 0 };

			/* Only the device measured is started: an idle peer's
			 * thread (dma_skeleton's wakes every 10 us) must not take
			 * the measured one's CPU. */
			if (rte_dma_start(ids[d]) != 0) {
				fprintf(stderr, "wd-dma-perf: cannot start %s\n", names[d]);
				status = 1;
			} else {
				r = measure(ids[d], rte_malloc_virt2iova(src),
					    rte_malloc_virt2iova(dst), sizes[s], ms);
				rte_dma_stop(ids[d]);
			}

			mops[d][s] = r.mops;
			printf("%-16s %8u %10.3f %8.2f %8.2f\n", names[d], sizes[s], r.mops,
			       r.mops * sizes[s] / 1e3, r.mops / mops[0][s]);
			if (r.errors != 0) {
				fprintf(stderr, "wd-dma-perf: %s reported %" PRIu64 " errors\n",
					names[d], r.errors);
				status = 1;
			}
		}
	}
	for (d = 0; d < nd; d++)
		rte_dma_stop(ids[d]);
	rte_free(src);
	rte_free(dst);
	rte_eal_cleanup();
	return status;
}
