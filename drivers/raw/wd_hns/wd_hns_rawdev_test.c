/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * raw_wd_hns self test (rte_rawdev_selftest, run by dpdk-test's
 * rawdev_autotest for every rawdev): a real loopback through one ring
 * pair of the device in internal loopback, whatever its wire is. Frames
 * of many sizes, a two-segment frame and a frame spanning RX BDs come back
 * intact; attributes, xstats and error paths behave.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "wd_hns_rawdev.h"

/* Debian ships no rte_test.h: the same shape, printing on failure. */
#define TEST_ASSERT(cond, fmt, ...) do { \
	if (!(cond)) { \
		WD_HNS_RAW_LOG(ERR, "selftest: %s: " fmt, #cond, ##__VA_ARGS__); \
		goto fail; \
	} \
} while (0)

#define NB_FRAMES 48
#define TMO_MS 5000

static void
pattern(uint8_t *p, uint32_t n, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Build a frame of @len bytes (in @segs segments) with seed @seed. */
static struct rte_mbuf *
frame(struct rte_mempool *mp, uint32_t len, unsigned int segs, uint32_t seed)
{
	static uint8_t buf[HNS_MAX_FRAME];
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, part;
	unsigned int i;

	pattern(buf, len, seed);
	for (i = 0; i < segs; i++) {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL)
			goto fail;
		part = i == segs - 1 ? len - off : len / segs;
		if (part > rte_pktmbuf_tailroom(m)) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)part), buf + off, part);
		off += part;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			goto fail;
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* 0 if @m holds the frame of @len bytes made with @seed. */
static int
frame_check(const struct rte_mbuf *m, uint32_t len, uint32_t seed)
{
	static uint8_t want[HNS_MAX_FRAME], got[HNS_MAX_FRAME];

	if (m->pkt_len != len)
		return -1;
	pattern(want, len, seed);
	if (rte_pktmbuf_read(m, 0, len, got) == NULL)
		return -1;
	return memcmp(rte_pktmbuf_read(m, 0, len, got), want, len) == 0 ? 0 : -1;
}

/* Frame @i: short ones of many sizes, then 1514 bytes in 2 segments,
 * 3000 in 3, and 2000 in one (over two RX BDs of 1024). */
static const uint32_t sizes[] = { 14, 60, 64, 65, 127, 128, 256, 1000, 1514 };

static uint32_t
len_of(unsigned int i)
{
	return i < 45 ? sizes[i % RTE_DIM(sizes)] : i == 45 ? 1514 : i == 46 ? 3000 : 2000;
}

static unsigned int
segs_of(unsigned int i)
{
	return i == 45 ? 2 : i == 46 ? 3 : 1;
}

static unsigned int
dequeue_all(uint16_t dev_id, struct rte_mbuf **out, unsigned int want)
{
	struct rte_rawdev_buf bufs[NB_FRAMES], *bp[NB_FRAMES];
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * TMO_MS / 1000;
	unsigned int got = 0, i;
	uint16_t q = 0;
	int n;

	for (i = 0; i < NB_FRAMES; i++)
		bp[i] = &bufs[i];
	while (got < want && rte_get_timer_cycles() < end) {
		n = rte_rawdev_dequeue_buffers(dev_id, bp, want - got, &q);
		if (n < 0)
			break;
		for (i = 0; i < (unsigned int)n; i++)
			out[got++] = bufs[i].buf_addr;
	}
	return got;
}

/* The engine's counters trail the frames they count (it stores them after
 * a burst's BDs, as a hardware's counters trail its write-backs): wait
 * for @p want, and return the last value read. */
static uint64_t
wire_counter(uint16_t dev_id, const char *name, uint64_t want)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * TMO_MS / 1000;
	uint64_t v;

	while ((v = rte_rawdev_xstats_by_name_get(dev_id, name, NULL)) != want &&
	       rte_get_timer_cycles() < end)
		rte_delay_us_sleep(100);
	return v;
}

int
wd_hns_rawdev_selftest(uint16_t dev_id)
{
	struct rte_rawdev *dev = &rte_rawdevs[dev_id];
	struct rte_rawdev_buf bufs[NB_FRAMES], *bp[NB_FRAMES];
	struct rte_mbuf *rx[NB_FRAMES];
	struct rte_wd_hns_info info;
	struct rte_wd_hns_conf conf = { .nb_queues = 1 };
	struct rte_wd_hns_queue_conf qc = { .nb_desc = 0 };
	struct rte_rawdev_info ri = { .dev_private = &info };
	struct rte_mempool *mp = NULL;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint64_t v, before;
	unsigned int i, n, got, id;
	uint16_t q = 0, bad_q = 7;
	int rc, ret = -1;

	if (dev->started) {
		WD_HNS_RAW_LOG(ERR, "selftest: rawdev %u is in use (started)", dev_id);
		return -EBUSY;
	}
	snprintf(name, sizeof(name), "wd_hns_st_%u", dev_id);
	mp = rte_pktmbuf_pool_create(name, 4 * HNS_DEPTH_MAX, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	TEST_ASSERT(mp != NULL, "no mbuf pool");
	qc.mp = mp;

	rc = rte_rawdev_info_get(dev_id, &ri, sizeof(info));
	TEST_ASSERT(rc == 0 && info.max_queues >= 1, "info_get %d", rc);
	conf.nb_queues = (uint16_t)(info.max_queues + 1);
	TEST_ASSERT(rte_rawdev_configure(dev_id, &(struct rte_rawdev_info){
		.dev_private = &conf }, sizeof(conf)) == -EINVAL, "too many queues accepted");
	conf.nb_queues = 1;
	rc = rte_rawdev_configure(dev_id, &(struct rte_rawdev_info){ .dev_private = &conf },
				  sizeof(conf));
	TEST_ASSERT(rc == 0, "configure %d", rc);
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "depth", 256) == -ENODEV, "depth before setup");
	rc = rte_rawdev_queue_setup(dev_id, 0, &qc, sizeof(qc));
	TEST_ASSERT(rc == 0, "queue_setup %d (no free ring pair?)", rc);
	TEST_ASSERT(rte_rawdev_queue_count(dev_id) == 1, "queue count");

	/* attributes */
	TEST_ASSERT(rte_rawdev_get_attr(dev_id, "bufsize", &v) == 0 && v == 2048,
		    "bufsize %" PRIu64, v);
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "bufsize", 1000) != 0, "bufsize 1000 taken");
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "bufsize", 1024) == 0, "bufsize 1024");
	TEST_ASSERT(rte_rawdev_get_attr(dev_id, "depth", &v) == 0 && v >= HNS_DEPTH_MIN,
		    "depth");
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "depth", 8) == -EINVAL, "depth 8 taken");
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "depth", 256) == 0, "depth 256");
	TEST_ASSERT(rte_rawdev_get_attr(dev_id, "colour", &v) == -EINVAL, "unknown attr");
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "loopback", 1) == 0, "loopback");
	/* flow control: a burst larger than the RX ring is never dropped */
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "pause", 1) == 0, "pause");

	rc = rte_rawdev_start(dev_id);
	TEST_ASSERT(rc == 0, "start %d", rc);
	TEST_ASSERT(rte_rawdev_set_attr(dev_id, "bufsize", 2048) == -EBUSY, "bufsize while on");
	TEST_ASSERT(rte_rawdev_xstats_by_name_get(dev_id, "wire_tx_packets", &id) == 0 &&
		    id == 0, "xstats by name");
	before = 0;

	/* frames of many sizes, multi-segment, over several RX BDs of 1024 */
	for (i = 0; i < NB_FRAMES; i++) {
		bufs[i].buf_addr = frame(mp, len_of(i), segs_of(i), i);
		TEST_ASSERT(bufs[i].buf_addr != NULL, "frame %u", i);
		bp[i] = &bufs[i];
	}
	TEST_ASSERT(rte_rawdev_enqueue_buffers(dev_id, bp, 1, &bad_q) == -EINVAL, "queue 7");
	n = 0;
	while (n < NB_FRAMES) {
		rc = rte_rawdev_enqueue_buffers(dev_id, bp + n, NB_FRAMES - n, &q);
		TEST_ASSERT(rc >= 0, "enqueue %d", rc);
		n += (unsigned int)rc;
	}
	got = dequeue_all(dev_id, rx, NB_FRAMES);
	TEST_ASSERT(got == NB_FRAMES, "%u of %u frames came back", got, NB_FRAMES);
	for (i = 0; i < got; i++) {
		uint32_t len = len_of(i);

		TEST_ASSERT(frame_check(rx[i], len, i) == 0, "frame %u (%u bytes) differs "
			    "(got %u bytes, %u segs)", i, len, rx[i]->pkt_len, rx[i]->nb_segs);
		if (len > 1024)
			TEST_ASSERT(rx[i]->nb_segs == (len + 1023) / 1024, "segs %u",
				    rx[i]->nb_segs);
	}
	rte_pktmbuf_free_bulk(rx, got);

	/* an oversize frame is taken and dropped by the driver, counted */
	bufs[0].buf_addr = frame(mp, 60, 1, 0);
	TEST_ASSERT(bufs[0].buf_addr != NULL, "frame");
	((struct rte_mbuf *)bufs[0].buf_addr)->pkt_len = HNS_MAX_FRAME + 1;
	TEST_ASSERT(rte_rawdev_enqueue_buffers(dev_id, bp, 1, &q) == 1, "oversize not taken");
	TEST_ASSERT(rte_rawdev_xstats_by_name_get(dev_id, "enqueue_errors", NULL) == 1,
		    "enqueue_errors");
	v = wire_counter(dev_id, "wire_tx_packets", before + NB_FRAMES);
	TEST_ASSERT(v - before == NB_FRAMES, "wire_tx_packets %" PRIu64, v);
	v = wire_counter(dev_id, "wire_rx_packets", NB_FRAMES);
	TEST_ASSERT(v == NB_FRAMES, "wire_rx_packets %" PRIu64, v);
	TEST_ASSERT(rte_rawdev_get_attr(dev_id, "link", &v) == 0 && v == 1, "link");
	ret = 0;
fail:
	if (dev->started)
		rte_rawdev_stop(dev_id);
	rte_rawdev_set_attr(dev_id, "loopback", 0);
	rte_rawdev_set_attr(dev_id, "pause", 0);
	rte_rawdev_queue_release(dev_id, 0);
	rte_mempool_free(mp);
	WD_HNS_RAW_LOG(INFO, "selftest on rawdev %u: %s", dev_id, ret == 0 ? "passed" : "FAILED");
	return ret;
}
