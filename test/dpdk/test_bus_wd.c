/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The wd bus and dma_wd_dummy inside a real EAL, on emulated devices.
 * One scenario per run (EAL initialises once per process):
 *   test_bus_wd <scenario> [EAL args...]
 * Scenarios: scan, allow, block, baddevargs, hotplug, dma, fakesysfs,
 * numa, leavestarted, dmaring, netwd.
 * WD_EMU must declare two wd_dummy_v1 devices with 4 queues each (numa and
 * leavestarted add a hisi_sec_v1 and a hisi_hns_v1 device). After
 * rte_eal_cleanup() every device has all its instances free again.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_rawdev.h>

#include <rte_pmd_wd_hns.h>
#include <wd.h>
#include <wd_drv.h>

#include "../unit/fake_sysfs.h"
#include "../unit/wd_test.h"

static char logbuf[1 << 16];
static FILE *logf;

/* Log lines of this run so far. */
static const char *
logs(void)
{
	fflush(logf);
	return logbuf;
}

static int
free_instances(const char *dev)
{
	struct wd_dev_info *devs;
	int n, i, avail = -1;

	n = wd_scan(&devs);
	for (i = 0; i < n; i++)
		if (strcmp(devs[i].name, dev) == 0)
			avail = devs[i].types[0].available;
	wd_free_scan(devs);
	return avail;
}

static int
max_vchans(const char *name)
{
	struct rte_dma_info info;
	int id = rte_dma_get_dev_id_by_name(name);

	if (id < 0 || rte_dma_info_get((int16_t)id, &info) != 0)
		return -1;
	return info.max_vchans;
}

static void
scenario_scan(void)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;
	struct rte_bus *bus = rte_bus_find_by_name("wd");
	int n = 0;

	CHECK(bus != NULL, "bus wd registered");
	RTE_DEV_FOREACH(dev, "bus=wd", &it) {
		CHECK(strcmp(rte_dev_name(dev), n == 0 ? "wd_dummy0" : "wd_dummy1") == 0,
		      "device %d is %s", n, rte_dev_name(dev));
		CHECK(rte_dev_numa_node(dev) == 0, "numa %d", rte_dev_numa_node(dev));
		CHECK(rte_dev_is_probed(dev), "%s probed", rte_dev_name(dev));
		n++;
	}
	CHECK(n == 2, "2 devices on the bus, found %d", n);
	n = 0;
	RTE_DEV_FOREACH(dev, "bus=wd,name=wd_dummy1", &it)
		n++;
	CHECK(n == 1, "iterate by name found %d", n);
	CHECK(max_vchans("wd_dummy0") == 1 && max_vchans("wd_dummy1") == 1,
	      "one vchan each by default");
	CHECK(free_instances("wd_dummy0") == 3, "one queue taken: %d free",
	      free_instances("wd_dummy0"));
	CHECK(rte_dma_count_avail() == 2, "2 dmadevs, got %u", rte_dma_count_avail());
}

static void
scenario_allow(void)
{
	CHECK(max_vchans("wd_dummy0") == -1, "wd_dummy0 not allowed, yet probed");
	CHECK(max_vchans("wd_dummy1") == 2, "queues=2 devarg: %d", max_vchans("wd_dummy1"));
	CHECK(free_instances("wd_dummy1") == 2 && free_instances("wd_dummy0") == 4,
	      "instances %d %d", free_instances("wd_dummy1"), free_instances("wd_dummy0"));
}

static void
scenario_block(void)
{
	CHECK(max_vchans("wd_dummy0") == -1, "wd_dummy0 blocked, yet probed");
	CHECK(max_vchans("wd_dummy1") == 1, "wd_dummy1 probed");
}

static void
scenario_baddevargs(void)
{
	CHECK(max_vchans("wd_dummy0") == -1, "probed with an unknown devarg");
	CHECK(strstr(logs(), "wd_dummy0: unknown devarg 'colour' for dma_wd_dummy") != NULL,
	      "clear error line for the unknown key");
	CHECK(max_vchans("wd_dummy1") == -1, "probed with queues=9 of 4");
	CHECK(strstr(logs(), "wd_dummy1: queues=9 but only 4 free") != NULL,
	      "clear error line for too many queues");
	CHECK(free_instances("wd_dummy0") == 4 && free_instances("wd_dummy1") == 4,
	      "failed probes hold no queue");
	/* The same through hotplug. */
	CHECK(rte_dev_probe("wd:wd_dummy0,queues=0") < 0, "queues=0 accepted");
	CHECK(strstr(logs(), "queues='0' is not a number in 1..64") != NULL, "queues=0 line");
	CHECK(rte_dev_probe("wd:wd_dummy0,queues=two") < 0, "queues=two accepted");
	CHECK(rte_dev_probe("wd:wd_dummy0,queues") < 0, "queues without value accepted");
	CHECK(rte_dev_probe("wd:wd_nosuch0") < 0, "unknown device probed");
	CHECK(free_instances("wd_dummy0") == 4, "failed hotplug holds no queue");
}

static void
scenario_hotplug(void)
{
	struct rte_dev_iterator it;
	struct rte_device *dev = NULL, *d;
	int round;

	CHECK(max_vchans("wd_dummy0") == -1, "blocked at start");
	for (round = 0; round < 3; round++) {
		CHECK_RC(rte_dev_probe("wd:wd_dummy0,queues=3"), 0);
		CHECK(max_vchans("wd_dummy0") == 3, "hotplugged with 3 vchans");
		CHECK(free_instances("wd_dummy0") == 1, "3 queues taken: %d free",
		      free_instances("wd_dummy0"));
		/* EAL reports a second probe as done (for secondary processes'
		 * sake); the device must stay as it is. */
		rte_dev_probe("wd:wd_dummy0");
		CHECK(max_vchans("wd_dummy0") == 3 && free_instances("wd_dummy0") == 1,
		      "second probe changed the device");
		dev = NULL;
		RTE_DEV_FOREACH(d, "bus=wd,name=wd_dummy0", &it)
			dev = d;
		CHECK(dev != NULL, "device found");
		if (dev == NULL)
			return;
		CHECK_RC(rte_dev_remove(dev), 0);
		CHECK(max_vchans("wd_dummy0") == -1, "dmadev gone after remove");
		CHECK(free_instances("wd_dummy0") == 4, "instances back after remove: %d",
		      free_instances("wd_dummy0"));
	}
	CHECK(rte_dev_remove(dev) < 0, "removed twice");
}

static int
dma_run(int16_t id, rte_iova_t src, rte_iova_t dst, uint32_t len,
	enum rte_dma_status_code *st)
{
	uint16_t last;
	int i;

	if (rte_dma_copy(id, 0, src, dst, len, RTE_DMA_OP_FLAG_SUBMIT) < 0)
		return -1;
	for (i = 0; i < 10000000; i++)
		if (rte_dma_completed_status(id, 0, 1, &last, st) == 1)
			return 0;
	return -2;
}

static void
scenario_dma(void)
{
	static const uint32_t sizes[] = { 1, 2, 3, 63, 64, 65, 1000, 4096, 65535, 65536,
					  262147, 1 << 20 };
	const struct rte_dma_vchan_conf vconf = { .direction = RTE_DMA_DIR_MEM_TO_MEM,
						  .nb_desc = 128 };
	const struct rte_dma_conf conf = { .nb_vchans = 1 };
	int16_t id = (int16_t)rte_dma_get_dev_id_by_name("wd_dummy0");
	size_t max = 1 << 20;
	uint8_t *src = rte_malloc(NULL, max, 64), *dst = rte_malloc(NULL, max, 64);
	uint8_t *ext = aligned_alloc(4096, 1 << 16);
	enum rte_dma_status_code st;
	struct rte_dma_stats stats;
	struct rte_device *dev = NULL, *d;
	struct rte_dev_iterator it;
	unsigned int i, j;

	CHECK(id >= 0 && src != NULL && dst != NULL && ext != NULL, "set-up");
	CHECK_RC(rte_dma_configure(id, &conf), 0);
	CHECK_RC(rte_dma_vchan_setup(id, 0, &vconf), 0);
	CHECK_RC(rte_dma_start(id), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < sizes[i]; j++)
			src[j] = (uint8_t)(j * 7 + i);
		memset(dst, 0, max);
		CHECK(dma_run(id, rte_malloc_virt2iova(src), rte_malloc_virt2iova(dst), sizes[i],
			      &st) == 0 && st == RTE_DMA_STATUS_SUCCESSFUL,
		      "copy of %u bytes: status %d", sizes[i], st);
		CHECK(memcmp(src, dst, sizes[i]) == 0, "%u bytes differ", sizes[i]);
		CHECK(sizes[i] == max || dst[sizes[i]] == 0, "wrote past %u bytes", sizes[i]);
	}
	/* Memory outside DPDK is not the device's: a fault, nothing written. */
	memset(ext, 0x33, 1 << 16);
	CHECK(dma_run(id, rte_malloc_virt2iova(src), (uintptr_t)ext, 4096, &st) == 0 &&
	      st == RTE_DMA_STATUS_INVALID_ADDR, "unmapped destination: status %d", st);
	CHECK(ext[0] == 0x33 && ext[4095] == 0x33, "unmapped destination written");
	/* ...until it is mapped through the bus. */
	RTE_DEV_FOREACH(d, "bus=wd,name=wd_dummy0", &it)
		dev = d;
	CHECK(dev != NULL, "device");
	if (dev != NULL) {
		/* DPDK's rule for external memory: register, then map per device. */
		CHECK_RC(rte_extmem_register(ext, 1 << 16, NULL, 0, 4096), 0);
		CHECK_RC(rte_dev_dma_map(dev, ext, (uintptr_t)ext, 1 << 16), 0);
		CHECK(dma_run(id, rte_malloc_virt2iova(src), (uintptr_t)ext, 4096, &st) == 0 &&
		      st == RTE_DMA_STATUS_SUCCESSFUL, "external memory mapped: status %d", st);
		CHECK(memcmp(ext, src, 4096) == 0, "external copy");
		CHECK_RC(rte_dev_dma_unmap(dev, ext, (uintptr_t)ext, 1 << 16), 0);
		CHECK(dma_run(id, rte_malloc_virt2iova(src), (uintptr_t)ext, 64, &st) == 0 &&
		      st == RTE_DMA_STATUS_INVALID_ADDR, "unmapped again: status %d", st);
		CHECK_RC(rte_extmem_unregister(ext, 1 << 16), 0);
	}
	/* Bad lengths are refused at enqueue. */
	CHECK(rte_dma_copy(id, 0, rte_malloc_virt2iova(src), rte_malloc_virt2iova(dst), 0, 0) ==
	      -EINVAL, "zero length accepted");
	CHECK_RC(rte_dma_stats_get(id, 0, &stats), 0);
	CHECK(stats.submitted == sizeof(sizes) / sizeof(sizes[0]) + 3 &&
	      stats.completed == stats.submitted && stats.errors == 2,
	      "stats: submitted %" PRIu64 " completed %" PRIu64 " errors %" PRIu64,
	      stats.submitted, stats.completed, stats.errors);
	CHECK_RC(rte_dma_dump(id, logf), 0);
	CHECK(strstr(logs(), "vchan 0: queue") != NULL, "dump names the queue");
	CHECK_RC(rte_dma_stop(id), 0);
	rte_free(src);
	rte_free(dst);
	free(ext);
}

/* Every device reports a real NUMA node (numa_zone_id unknown in WD_EMU
 * here): the node of the memory the queues are made in, never -1. */
static void
scenario_numa(void)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;
	struct rte_dma_info info;
	int16_t id;
	uint16_t port;
	int n = 0, node = wd_mem_node(NULL);

	CHECK(node >= 0, "node of this thread's memory %d", node);
	RTE_DEV_FOREACH(dev, "bus=wd", &it) {
		CHECK(rte_dev_numa_node(dev) == node, "%s: numa_node %d, memory on %d",
		      rte_dev_name(dev), rte_dev_numa_node(dev), node);
		n++;
	}
	CHECK(n == 4, "4 devices on the bus, found %d", n);
	for (id = 0; id < 2; id++) {
		CHECK_RC(rte_dma_info_get(id, &info), 0);
		CHECK(info.numa_node == node, "dmadev %d numa_node %d", id, info.numa_node);
	}
	CHECK(rte_cryptodev_count() == 1, "%u cryptodevs", rte_cryptodev_count());
	CHECK(rte_cryptodev_socket_id(0) == node, "cryptodev socket %d",
	      rte_cryptodev_socket_id(0));
	CHECK(rte_rawdev_count() == 1 && rte_rawdev_socket_id(0) == node, "rawdev socket %d",
	      rte_rawdev_socket_id(0));
	CHECK_RC(rte_dev_probe("net_wd0,dev=hisi_hns0"), 0);
	n = 0;
	RTE_ETH_FOREACH_DEV(port) {
		CHECK(rte_eth_dev_socket_id(port) == node, "port %u socket %d", port,
		      rte_eth_dev_socket_id(port));
		n++;
	}
	CHECK(n == 1, "%d ports", n);
}

/* An application that exits without stopping anything (dmadev with jobs in
 * flight, cryptodev, ethdev, rawdev): rte_eal_cleanup() stops, closes and
 * returns every queue (checked in main). */
static void
scenario_leavestarted(void)
{
	const struct rte_dma_vchan_conf vconf = { .direction = RTE_DMA_DIR_MEM_TO_MEM,
						  .nb_desc = 64 };
	const struct rte_dma_conf dconf = { .nb_vchans = 1 };
	struct rte_cryptodev_config cconf = { .socket_id = 0, .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qconf = { .nb_descriptors = 128 };
	struct rte_eth_conf econf;
	struct rte_mempool *mp;
	uint8_t *buf = rte_malloc(NULL, 8192, 64);
	int16_t id = (int16_t)rte_dma_get_dev_id_by_name("wd_dummy0");
	int cid = rte_cryptodev_get_dev_id("hisi_sec0");
	uint16_t port;
	int i, rid;

	memset(&econf, 0, sizeof(econf));
	CHECK(id >= 0 && cid >= 0 && buf != NULL, "dmadev %d, cryptodev %d", id, cid);
	if (id < 0 || cid < 0 || buf == NULL)
		return;
	CHECK_RC(rte_dma_configure(id, &dconf), 0);
	CHECK_RC(rte_dma_vchan_setup(id, 0, &vconf), 0);
	CHECK_RC(rte_dma_start(id), 0);
	/* jobs left in flight, never completed by the application */
	for (i = 0; i < 8; i++)
		CHECK(rte_dma_copy(id, 0, rte_malloc_virt2iova(buf),
				   rte_malloc_virt2iova(buf) + 4096, 4096, 0) >= 0, "copy %d", i);
	CHECK_RC(rte_dma_submit(id, 0), 0);
	CHECK_RC(rte_cryptodev_configure((uint8_t)cid, &cconf), 0);
	CHECK_RC(rte_cryptodev_queue_pair_setup((uint8_t)cid, 0, &qconf, 0), 0);
	CHECK_RC(rte_cryptodev_start((uint8_t)cid), 0);
	CHECK(free_instances("hisi_sec0") >= 0, "sec device");
	mp = rte_pktmbuf_pool_create("ls_mp", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	CHECK(mp != NULL, "mbuf pool");
	CHECK_RC(rte_dev_probe("net_wd0,dev=hisi_hns0,queues=2"), 0);
	CHECK_RC(rte_eth_dev_get_port_by_name("net_wd0", &port), 0);
	CHECK_RC(rte_eth_dev_configure(port, 2, 2, &econf), 0);
	for (i = 0; i < 2 && mp != NULL; i++) {
		CHECK_RC(rte_eth_rx_queue_setup(port, (uint16_t)i, 128, 0, NULL, mp), 0);
		CHECK_RC(rte_eth_tx_queue_setup(port, (uint16_t)i, 128, 0, NULL), 0);
	}
	CHECK_RC(rte_eth_dev_start(port), 0);
	/* raw_wd_hns on the same device: one ring pair, started */
	rid = rte_rawdev_get_dev_id("hisi_hns0");
	CHECK(rid >= 0, "rawdev %d", rid);
	if (rid >= 0 && mp != NULL) {
		struct rte_wd_hns_conf rc_conf = { .nb_queues = 1 };
		struct rte_wd_hns_queue_conf rq_conf = { .mp = mp, .nb_desc = 64 };

		CHECK_RC(rte_rawdev_configure((uint16_t)rid, &(struct rte_rawdev_info){
			.dev_private = &rc_conf }, sizeof(rc_conf)), 0);
		CHECK_RC(rte_rawdev_queue_setup((uint16_t)rid, 0, &rq_conf, sizeof(rq_conf)), 0);
		CHECK_RC(rte_rawdev_start((uint16_t)rid), 0);
	}
	CHECK(free_instances("wd_dummy0") == 3 && free_instances("hisi_sec0") == 15 &&
	      free_instances("hisi_hns0") == 13, "queues taken: %d %d %d",
	      free_instances("wd_dummy0"), free_instances("hisi_sec0"),
	      free_instances("hisi_hns0"));
	/* the buffers and pool stay: DPDK frees its memory itself */
}

/* Copies of 64 bytes each into their own slot of dst, @n of them. */
static int
dma_batch(int16_t id, rte_iova_t src, rte_iova_t dst, unsigned int first, unsigned int n,
	int submit)
{
	unsigned int i;
	uint64_t fl;
	int rc;

	for (i = 0; i < n; i++) {
		fl = submit && (i % 32 == 31 || i == n - 1) ? RTE_DMA_OP_FLAG_SUBMIT : 0;
		rc = rte_dma_copy(id, 0, src + (first + i) * 64, dst + (first + i) * 64, 64, fl);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Wait for @n completions in order; returns how many came, checks ids. */
static unsigned int
dma_drain(int16_t id, unsigned int n, uint16_t first_id)
{
	unsigned int got = 0;
	uint16_t last = 0, c;
	bool err = false;
	long spins;

	for (spins = 0; got < n && spins < 200000000; spins++) {
		c = rte_dma_completed(id, 0, 64, &last, &err);
		if (c == 0)
			continue;
		got += c;
		CHECK(!err && last == (uint16_t)(first_id + got - 1),
		      "completion: last %u (%u), %s", last, (uint16_t)(first_id + got - 1),
		      err ? "error" : "ok");
		if (err)
			break;
	}
	return got;
}

/* Rings larger than the device's (depth 512 here), as dmafwd asks (2048);
 * stop/start and vchan_setup start afresh and never replay abandoned jobs. */
static void
scenario_dmaring(void)
{
	const unsigned int nb = 4096, n_all = 3 * 4096;
	const struct rte_dma_conf conf = { .nb_vchans = 1 };
	struct rte_dma_vchan_conf vconf = { .direction = RTE_DMA_DIR_MEM_TO_MEM };
	int16_t id = (int16_t)rte_dma_get_dev_id_by_name("wd_dummy0");
	uint8_t *src = rte_malloc(NULL, n_all * 64, 64), *dst = rte_zmalloc(NULL, n_all * 64, 64);
	rte_iova_t s_iova, d_iova;
	struct rte_dma_info info;
	struct rte_dma_stats st;
	unsigned int i, bad = 0;
	int rc;

	CHECK(id >= 0 && src != NULL && dst != NULL, "set-up");
	if (id < 0 || src == NULL || dst == NULL)
		return;
	s_iova = rte_malloc_virt2iova(src);
	d_iova = rte_malloc_virt2iova(dst);
	for (i = 0; i < n_all * 64; i++)
		src[i] = (uint8_t)(i * 13 + i / 64 + 1);
	CHECK_RC(rte_dma_info_get(id, &info), 0);
	CHECK(info.max_desc >= 2048, "max_desc %u", info.max_desc);
	CHECK_RC(rte_dma_configure(id, &conf), 0);
	vconf.nb_desc = nb;
	CHECK_RC(rte_dma_vchan_setup(id, 0, &vconf), 0);
	CHECK_RC(rte_dma_start(id), 0);
	CHECK_RC(rte_dma_burst_capacity(id, 0), nb);
	/* a full ring of jobs, eight times the device's */
	CHECK_RC(dma_batch(id, s_iova, d_iova, 0, nb, 1), 0);
	CHECK_RC(rte_dma_burst_capacity(id, 0), 0);
	CHECK_RC(rte_dma_copy(id, 0, s_iova, d_iova, 64, 0), -ENOSPC);
	CHECK_RC(dma_drain(id, nb, 0), nb);
	for (i = 0; i < nb * 64; i++)
		bad += dst[i] != src[i];
	CHECK(bad == 0, "%u bytes differ after %u jobs", bad, nb);
	CHECK_RC(rte_dma_stats_get(id, 0, &st), 0);
	CHECK(st.submitted == nb && st.completed == nb && st.errors == 0,
	      "stats %" PRIu64 " %" PRIu64 " %" PRIu64, st.submitted, st.completed, st.errors);
	/* ids go on across the 16-bit wrap with the backlog in use */
	for (rc = 0; rc < 20; rc++) {
		CHECK_RC(dma_batch(id, s_iova, d_iova, 0, nb, 1), 0);
		CHECK_RC(dma_drain(id, nb, (uint16_t)((rc + 1) * nb)), nb);
	}

	/* written, never submitted, then stop/start: dropped, ids from 0 */
	CHECK_RC(dma_batch(id, s_iova, d_iova, nb, 600, 0), 0);
	CHECK_RC(rte_dma_stop(id), 0);
	CHECK_RC(rte_dma_start(id), 0);
	CHECK_RC(rte_dma_copy(id, 0, s_iova, d_iova + 2 * nb * 64, 64, RTE_DMA_OP_FLAG_SUBMIT), 0);
	CHECK_RC(dma_drain(id, 1, 0), 1);
	CHECK(memcmp(dst + 2 * nb * 64, src, 64) == 0, "copy after restart");
	rte_delay_ms(50);
	for (i = nb * 64, bad = 0; i < 2 * nb * 64; i++)
		bad += dst[i] != 0;
	CHECK(bad == 0, "abandoned jobs ran after stop/start: %u bytes written", bad);
	/* the same across vchan_setup */
	CHECK_RC(dma_batch(id, s_iova, d_iova, nb, 600, 0), 0);
	CHECK_RC(rte_dma_stop(id), 0);
	vconf.nb_desc = 2048;
	CHECK_RC(rte_dma_vchan_setup(id, 0, &vconf), 0);
	CHECK_RC(rte_dma_start(id), 0);
	rte_delay_ms(50);
	for (i = nb * 64, bad = 0; i < 2 * nb * 64; i++)
		bad += dst[i] != 0;
	CHECK(bad == 0, "abandoned jobs replayed by vchan_setup: %u bytes written", bad);
	CHECK_RC(rte_dma_copy(id, 0, s_iova, d_iova, 64, RTE_DMA_OP_FLAG_SUBMIT), 0);
	CHECK_RC(dma_drain(id, 1, 0), 1);
	CHECK_RC(rte_dma_stop(id), 0);
	rte_free(src);
	rte_free(dst);
}

static struct rte_mbuf *
eth_frame(struct rte_mempool *mp, uint32_t len, uint8_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;
	uint32_t i;

	if (m == NULL || (p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i + tag);
	memset(p, 0xff, 6);		/* broadcast */
	p[12] = 0x88;
	p[13] = 0xb5;
	return m;
}

/* net_wd tells the truth about the frames its RX buffers hold, scatters
 * only with the scatter offload, and counts ierrors as DPDK defines them:
 * frames the device lost (longer than the buffers hold) and frames over
 * the MTU it dropped. */
static void
scenario_netwd(void)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	struct rte_mempool *small, *big;
	struct rte_mbuf *tx[3], *rx[8];
	uint16_t port, n = 0;
	int i, spins;

	memset(&conf, 0, sizeof(conf));
	/* RX buffers of 512 bytes; TX frames up to 4 KiB in one mbuf */
	small = rte_pktmbuf_pool_create("nw_small", 1023, 0, 0, RTE_PKTMBUF_HEADROOM + 512, 0);
	big = rte_pktmbuf_pool_create("nw_big", 63, 0, 0, RTE_PKTMBUF_HEADROOM + 4096, 0);
	CHECK(small != NULL && big != NULL, "pools");
	CHECK_RC(rte_dev_probe("net_wd0,dev=hisi_hns0"), 0);
	CHECK_RC(rte_eth_dev_get_port_by_name("net_wd0", &port), 0);
	if (small == NULL || big == NULL)
		return;
	CHECK_RC(rte_eth_dev_info_get(port, &info), 0);
	CHECK(info.max_rx_pktlen == 9600, "device limit %u", info.max_rx_pktlen);
	CHECK_RC(rte_eth_dev_configure(port, 1, 1, &conf), 0);
	/* 1518-byte frames in 512-byte buffers: not without scatter */
	CHECK_RC(rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, small), -EINVAL);
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	CHECK_RC(rte_eth_dev_configure(port, 1, 1, &conf), 0);
	CHECK_RC(rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, small), 0);
	CHECK_RC(rte_eth_tx_queue_setup(port, 0, 256, 0, NULL), 0);
	CHECK_RC(rte_eth_dev_info_get(port, &info), 0);
	CHECK(info.max_rx_pktlen == 2048 && info.max_mtu == 2048 - 18,
	      "4 x 512-byte buffers: max_rx_pktlen %u max_mtu %u", info.max_rx_pktlen,
	      info.max_mtu);
	CHECK_RC(rte_eth_dev_start(port), 0);
	CHECK_RC(rte_eth_promiscuous_enable(port), 0);
	CHECK(rte_eth_dev_set_mtu(port, 3000) < 0, "MTU 3000 over 4 x 512-byte buffers");
	CHECK_RC(rte_eth_stats_reset(port), 0);
	/* on the looped wire: fits (2 BDs), over the MTU, over the buffers */
	tx[0] = eth_frame(big, 1000, 1);
	tx[1] = eth_frame(big, 1600, 2);
	tx[2] = eth_frame(big, 3000, 3);
	CHECK(tx[0] != NULL && tx[1] != NULL && tx[2] != NULL, "frames");
	if (tx[0] == NULL || tx[1] == NULL || tx[2] == NULL)
		return;
	CHECK_RC(rte_eth_tx_burst(port, 0, tx, 3), 3);
	for (spins = 0; spins < 2000 && n == 0; spins++) {
		n = rte_eth_rx_burst(port, 0, rx, 8);
		if (n == 0)
			rte_delay_ms(1);
	}
	rte_delay_ms(50);
	for (i = 0; i < 100; i++)
		n += rte_eth_rx_burst(port, 0, rx + n, (uint16_t)(8 - n));
	CHECK(n == 1 && rx[0]->pkt_len == 1000 && rx[0]->nb_segs == 2,
	      "%u frames, first %u bytes in %u segments", n, n ? rx[0]->pkt_len : 0,
	      n ? rx[0]->nb_segs : 0);
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(rx[i]);
	CHECK_RC(rte_eth_stats_get(port, &st), 0);
	CHECK(st.ipackets == 1 && st.ibytes == 1000 && st.ierrors == 2 && st.imissed == 0,
	      "ipackets %" PRIu64 " ibytes %" PRIu64 " ierrors %" PRIu64 " imissed %" PRIu64,
	      st.ipackets, st.ibytes, st.ierrors, st.imissed);
	CHECK(st.opackets == 3 && st.oerrors == 0, "opackets %" PRIu64, st.opackets);
	CHECK_RC(rte_eth_dev_stop(port), 0);
	CHECK_RC(rte_eth_dev_close(port), 0);
}

/* A kernel device on a fake sysfs tree next to the emulated ones: on the
 * bus, its probe fails cleanly (no mdev behind it), the others work. */
static char *fake;

static void
fake_setup(void)
{
	static const struct fake_dev d = {
		"wd_dummy7", "0\n", "90\n", "wd_dummy-memcpy", "memcpy\n", "0\n", "2\n",
		"wd_dummy_v1\n"
	};

	fake = fake_root();
	fake_dev(fake, &d);
	setenv("WD_SYSFS_ROOT", fake, 1);
}

static void
scenario_fakesysfs(void)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;
	int n = 0, probed = 0;

	RTE_DEV_FOREACH(dev, "bus=wd", &it) {
		n++;
		probed += rte_dev_is_probed(dev);
		if (strcmp(rte_dev_name(dev), "wd_dummy7") == 0)
			CHECK(!rte_dev_is_probed(dev), "fake kernel device probed");
	}
	CHECK(n == 3 && probed == 2, "%d devices, %d probed", n, probed);
	CHECK(strstr(logs(), "wd_dummy7: dma_wd_dummy probe failed") != NULL,
	      "one clear line for the failed probe");
	CHECK(max_vchans("wd_dummy0") == 1 && max_vchans("wd_dummy1") == 1,
	      "emulated devices unaffected");
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} scenarios[] = {
		{ "scan", scenario_scan }, { "allow", scenario_allow },
		{ "block", scenario_block }, { "baddevargs", scenario_baddevargs },
		{ "hotplug", scenario_hotplug }, { "dma", scenario_dma },
		{ "fakesysfs", scenario_fakesysfs }, { "numa", scenario_numa },
		{ "leavestarted", scenario_leavestarted }, { "dmaring", scenario_dmaring },
		{ "netwd", scenario_netwd },
	};
	struct wd_dev_info *before = NULL;
	unsigned int i;
	int nb_before, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s scenario [EAL args]\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "fakesysfs") == 0)
		fake_setup();
	nb_before = wd_scan(&before);
	CHECK(nb_before >= 2, "%d devices before EAL", nb_before);
	logf = fmemopen(logbuf, sizeof(logbuf) - 1, "w");
	rte_openlog_stream(logf);
	rc = rte_eal_init(argc - 1, argv + 1);
	if (rc < 0) {
		fprintf(stderr, "EAL init failed:\n%s\n", logs());
		return 1;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[1], scenarios[i].name) == 0)
			scenarios[i].fn();
	CHECK_RC(rte_eal_cleanup(), 0);
	CHECK(strstr(logs(), "remove failed") == NULL && strstr(logs(), "left") == NULL,
	      "cleanup complained");
	/* Cleanup released every queue. */
	CHECK(free_instances("wd_dummy0") == 4 && free_instances("wd_dummy1") == 4,
	      "after cleanup: %d %d free", free_instances("wd_dummy0"),
	      free_instances("wd_dummy1"));
	for (rc = 0; rc < nb_before; rc++)
		CHECK(free_instances(before[rc].name) == before[rc].types[0].available,
		      "after cleanup %s has %d of %d free", before[rc].name,
		      free_instances(before[rc].name), before[rc].types[0].available);
	wd_free_scan(before);
	rte_openlog_stream(stderr);
	if (fake != NULL)
		fake_cleanup(fake);
	if (wd_test_failures)
		fprintf(stderr, "--- EAL log ---\n%s\n", logbuf);
	return wd_test_done(argv[1]);
}
