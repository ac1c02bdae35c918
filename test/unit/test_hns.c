/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* End to end on the emu backend: the hisi_hns_v1 user driver against the
 * HNS device model and its wires (loop, pair, peer, link down), bad
 * descriptors, multi-BD frames, flow control and reset; the TAP wire
 * through a packet socket when CAP_NET_ADMIN allows (else skipped; the
 * DPDK test pings through it too).
 *
 * "test_hns --kernel" runs the same ring tests against wd_hns.ko (in the
 * VM, through VFIO): hisi_hns0's ring pairs in internal loopback, and the
 * kernel wire through a packet socket on wdhns1 (which must be up). */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wd.h"
#include "wd_hns.h"
#include "wd_test.h"

#define TMO 10000	/* ms */

/* hisi_hns0: loop; hisi_hns1: 2 ring pairs, 0<->1; hisi_hns2 <->
 * hisi_hns3 (peer), depth 64; hisi_hns4: TAP "hisi_hns4". */
static const char *const emu_spec =
	"hisi_hns_v1:1:wire=loop,hisi_hns_v1:1:queues=2:wire=pair,"
	"hisi_hns_v1:2:wire=peer:depth=64,hisi_hns_v1:1:wire=tap";

#define BUF 2048
#define NBUF 64
static uint8_t pool[2][NBUF][BUF] __attribute__((aligned(4096)));
static uint8_t unshared[BUF] __attribute__((aligned(64)));

static int kernel;	/* --kernel: wd_hns.ko's devices, not the model */

static struct wd_capa
capa_dev(const char *dev)
{
	return (struct wd_capa){ .device_api = HNS_API, .dev = dev, .numa_node = WD_NUMA_ANY };
}

static uint64_t
iova(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void
fill_frame(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	if (n >= 14) {
		p[12] = 0x08;	/* IPv4, UDP when long enough */
		p[13] = 0x00;
		if (n > 23)
			p[23] = 17;
	}
}

static uint64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A queue for the ring tests: on the kernel engine, in internal loopback
 * (the model's hisi_hns0 has a loop wire). */
static int
request(struct wd_queue *q, const struct wd_capa *c)
{
	int rc = wd_request_queue(q, c);

	if (rc == 0 && kernel)
		wd_hns_set_loopback(q, 1);
	return rc;
}

/* Wait until @n RX BDs are filled; @return the count seen. */
static uint32_t
wait_filled(struct wd_hns_ring *r, uint32_t n)
{
	uint64_t end = ms_now() + TMO;
	uint32_t f;

	while ((f = wd_hns_rx_filled(r)) < n && ms_now() < end)
		;
	return f;
}

/* Wait until the device has read @n TX BDs. */
static uint32_t
wait_sent(struct wd_hns_ring *r, uint32_t n)
{
	uint64_t end = ms_now() + TMO;
	uint32_t d;

	while ((d = wd_hns_tx_done(r)) < n && ms_now() < end)
		;
	return d;
}

static void
post_rx(struct wd_hns_ring *r, int p, unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		wd_hns_rx_post(r, iova(pool[p][first + i]));
	wd_hns_rx_doorbell(r);
}

/* Messages on a looped ring pair: frames of many sizes come back intact. */
static void
test_loop_messages(void)
{
	static const uint32_t sizes[] = { 14, 60, 64, 65, 128, 1514, 2048 };
	struct wd_capa c = capa_dev("hisi_hns0");
	struct wd_hns_msg tx, rx[8], *m;
	struct wd_queue q;
	uint64_t st[HNS_NB_STATS];
	void *resp;
	unsigned int i, k;
	int tx_seen;

	CHECK_RC(request(&q, &c), 0);
	if (q.impl == NULL)
		return;
	CHECK(wd_queue_depth(&q) == HNS_DEPTH_DEFAULT, "depth %u", wd_queue_depth(&q));
	CHECK_RC(wd_mem_share(&q, pool, sizeof(pool), 0), 0);
	for (k = 0; k < 8; k++) {
		rx[k] = (struct wd_hns_msg){ .op = WD_HNS_OP_RX, .iova = iova(pool[1][k]),
					     .len = BUF };
		CHECK_RC(wd_send(&q, &rx[k]), 0);
	}
	CHECK_RC(wd_send(&q, &(struct wd_hns_msg){ .op = WD_HNS_OP_RX, .len = 100 }), -EINVAL);
	CHECK_RC(wd_send(&q, &(struct wd_hns_msg){ .op = 7 }), -EINVAL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill_frame(pool[0][0], sizes[i], i);
		tx = (struct wd_hns_msg){ .op = WD_HNS_OP_TX, .iova = iova(pool[0][0]),
					  .len = sizes[i] };
		CHECK_RC(wd_send(&q, &tx), 0);
		/* The received frame and the sent one, in either order. */
		CHECK_RC(wd_recv_sync(&q, &resp, TMO), 0);
		tx_seen = resp == &tx;
		if (tx_seen) {
			CHECK(tx.status == HNS_TX_ST_OK, "tx status %u", tx.status);
			CHECK_RC(wd_recv_sync(&q, &resp, TMO), 0);
		}
		m = resp;
		CHECK(m == &rx[i % 8], "rx msg %p", resp);
		CHECK(m->status == 0 && m->len == sizes[i] && m->pkt_len == sizes[i],
		      "size %u: status %u len %u", sizes[i], m->status, m->len);
		CHECK(memcmp(pool[1][i % 8], pool[0][0], sizes[i]) == 0, "data %u", sizes[i]);
		CHECK(m->rx_flags & HNS_RXD_FE, "FE");
		if (sizes[i] >= 34)
			CHECK(((m->rx_flags & HNS_RXD_L4ID_MASK) >> HNS_RXD_L4ID_SHIFT) ==
			      HNS_L4ID_UDP, "l4 %x", m->rx_flags);
		if (!tx_seen) {
			CHECK_RC(wd_recv_sync(&q, &resp, TMO), 0);
			CHECK(resp == &tx && tx.status == HNS_TX_ST_OK, "tx status %u", tx.status);
		}
		/* post the buffer again */
		rx[i % 8].len = BUF;
		CHECK_RC(wd_send(&q, &rx[i % 8]), 0);
	}
	/* a TX BD over 8191 bytes is refused by the driver */
	tx.len = 8192;
	CHECK_RC(wd_send(&q, &tx), -EINVAL);
	wd_hns_stats(&q, st);
	CHECK(st[0] == 7 && st[4] == 7 && st[2] == 0 && st[6] == 0,
	      "stats tx %llu rx %llu", (unsigned long long)st[0], (unsigned long long)st[4]);
	CHECK(wd_hns_link(wd_hns_ring(&q)), "loop link up");
	CHECK_RC(wd_mem_unshare(&q, pool, sizeof(pool)), 0);
	wd_release_queue(&q);
}

/* Bad descriptors: unshared, zero length, oversize, broken chains. */
static void
test_bad_bds(void)
{
	struct wd_capa c = capa_dev("hisi_hns0");
	struct wd_hns_ring *r;
	struct wd_queue q;
	uint64_t st[HNS_NB_STATS];
	uint32_t s0, s1, s2, s3, i;

	CHECK_RC(request(&q, &c), 0);
	if (q.impl == NULL)
		return;
	r = wd_hns_ring(&q);
	CHECK_RC(wd_mem_share(&q, pool, sizeof(pool), 0), 0);
	post_rx(r, 1, 0, 16);
	/* unshared TX buffer */
	s0 = wd_hns_tx_bd(r, iova(unshared), 64, 1, 1);
	/* zero length */
	s1 = wd_hns_tx_bd(r, iova(pool[0][0]), 0, 1, 1);
	/* oversize: 2 x 8000 bytes > 9600 */
	s2 = wd_hns_tx_bd(r, iova(pool[0][0]), 8000, 2, 0);
	wd_hns_tx_bd(r, iova(pool[0][0]), 8000, 2, 1);
	/* FE missing on the last of 2 */
	s3 = wd_hns_tx_bd(r, iova(pool[0][0]), 100, 2, 0);
	wd_hns_tx_bd(r, iova(pool[0][0]), 100, 2, 0);
	/* then a good frame */
	fill_frame(pool[0][1], 100, 9);
	wd_hns_tx_bd(r, iova(pool[0][1]), 100, 1, 1);
	wd_hns_tx_doorbell(r);
	CHECK(wait_sent(r, 7) == 7, "all BDs read");
	CHECK(r->txd[s0].status == HNS_TX_ST_FAULT, "unshared: %u", r->txd[s0].status);
	CHECK(r->txd[s1].status == HNS_TX_ST_INVALID, "zero: %u", r->txd[s1].status);
	CHECK(r->txd[s2].status == HNS_TX_ST_OVERSIZE, "oversize: %u", r->txd[s2].status);
	CHECK(r->txd[s3].status == HNS_TX_ST_INVALID, "no FE: %u", r->txd[s3].status);
	wd_hns_tx_reclaim(r, 7);
	CHECK(wait_filled(r, 1) == 1, "good frame received");
	CHECK(!wd_hns_rx_bad(wd_hns_rx_desc(r, 0)) && wd_hns_rx_desc(r, 0)->pkt_len == 100,
	      "good frame ok");
	CHECK(memcmp(pool[1][0], pool[0][1], 100) == 0, "good frame data");
	wd_hns_rx_take(r, 1);

	/* an RX buffer the device may not write: DROP + L2E, frame lost */
	memset(unshared, 0x5a, sizeof(unshared));
	wd_hns_rx_post(r, iova(unshared));
	for (i = 1; i < 15; i++)
		wd_hns_rx_post(r, iova(pool[1][0]));
	wd_hns_rx_doorbell(r);
	/* the RX ring had 15 buffers left from the first post: use them up */
	for (i = 0; i < 15; i++)
		wd_hns_tx_bd(r, iova(pool[0][1]), 100, 1, 1);
	wd_hns_tx_doorbell(r);
	CHECK(wait_filled(r, 15) == 15, "15 frames");
	wd_hns_rx_take(r, 15);
	CHECK(wait_sent(r, 15) == 15, "sent");
	wd_hns_tx_reclaim(r, 15);
	wd_hns_tx_bd(r, iova(pool[0][1]), 100, 1, 1);
	wd_hns_tx_doorbell(r);
	CHECK(wait_filled(r, 1) == 1, "faulted frame");
	CHECK(wd_hns_rx_bad(wd_hns_rx_desc(r, 0)), "bad");
	CHECK((wd_hns_rx_desc(r, 0)->ipoff_bnum_pid_flag & HNS_RXD_ERR_MASK) ==
	      HNS_RXD_ERR_MASK, "DROP|L2E: %x", wd_hns_rx_desc(r, 0)->ipoff_bnum_pid_flag);
	for (i = 0; i < sizeof(unshared) && unshared[i] == 0x5a; i++)
		;
	CHECK(i == sizeof(unshared), "unshared RX buffer written at byte %u", i);
	wd_hns_rx_take(r, 1);
	CHECK(wait_sent(r, 1) == 1, "sent");
	wd_hns_tx_reclaim(r, 1);
	wd_hns_stats(&q, st);
	CHECK(st[2] == 4, "tx errors %llu", (unsigned long long)st[2]);
	CHECK(st[6] == 1, "rx errors %llu", (unsigned long long)st[6]);
	CHECK(st[0] == 17 && st[4] == 16, "tx %llu rx %llu", (unsigned long long)st[0],
	      (unsigned long long)st[4]);
	CHECK_RC(wd_mem_unshare(&q, pool, sizeof(pool)), 0);
	wd_release_queue(&q);
}

/* Multi-BD frames both ways: 3 TX BDs in, 3 RX BDs of 2048 out. */
static void
test_multi_bd(void)
{
	static uint8_t big[3][4096] __attribute__((aligned(4096)));
	static uint8_t out[8][4096] __attribute__((aligned(4096)));
	struct wd_capa c = capa_dev("hisi_hns0");
	const struct hns_rx_desc *d;
	struct wd_hns_ring *r;
	struct wd_queue q;
	uint32_t i, n, len = 3000 + 2000 + 1000, off = 0;

	CHECK_RC(request(&q, &c), 0);
	if (q.impl == NULL)
		return;
	r = wd_hns_ring(&q);
	CHECK_RC(wd_mem_share(&q, big, sizeof(big), 0), 0);
	CHECK_RC(wd_mem_share(&q, out, sizeof(out), 0), 0);
	CHECK_RC(wd_hns_set_bufsize(&q, 2048), -EBUSY);
	CHECK_RC(wd_hns_enable(&q, 0, TMO), 0);
	CHECK_RC(wd_hns_set_bufsize(&q, 1000), -EINVAL);
	CHECK_RC(wd_hns_set_bufsize(&q, 2048), 0);
	CHECK_RC(wd_hns_enable(&q, 1, 0), 0);
	for (i = 0; i < 8; i++)
		wd_hns_rx_post(r, iova(out[i]));
	wd_hns_rx_doorbell(r);
	fill_frame(big[0], 3000, 1);
	fill_frame(big[1], 2000, 2);
	fill_frame(big[2], 1000, 3);
	wd_hns_tx_bd(r, iova(big[0]), 3000, 3, 0);
	wd_hns_tx_bd(r, iova(big[1]), 2000, 3, 0);
	wd_hns_tx_bd(r, iova(big[2]), 1000, 3, 1);
	wd_hns_tx_doorbell(r);
	CHECK(wait_filled(r, 3) == 3, "3 RX BDs");
	CHECK(wd_hns_rx_ready(r, 64) == 3, "VLD scan finds the whole frame");
	CHECK(wd_hns_rx_ready(r, 1) == 3, "VLD scan never splits a frame");
	d = wd_hns_rx_desc(r, 0);
	n = wd_hns_rx_bds(d);
	CHECK(n == 3 && d->pkt_len == len && !wd_hns_rx_bad(d), "bds %u len %u", n, d->pkt_len);
	for (i = 0; i < 3; i++) {
		d = wd_hns_rx_desc(r, i);
		CHECK(d->size == (i < 2 ? 2048 : len - 4096), "size %u", d->size);
		CHECK(!!(d->ipoff_bnum_pid_flag & HNS_RXD_FE) == (i == 2), "FE on BD %u", i);
	}
	/* compare the reassembled frame */
	for (i = 0; i < 3; i++) {
		const uint8_t *src = big[i];
		uint32_t k, l = i == 0 ? 3000 : i == 1 ? 2000 : 1000;

		for (k = 0; k < l; k++, off++)
			if (out[off / 2048][off % 2048] != src[k])
				break;
		CHECK(k == l, "segment %u differs at %u", i, k);
	}
	wd_hns_rx_take(r, 3);
	CHECK(wd_hns_rx_ready(r, 64) == 0, "posted BDs are not ready");
	CHECK(wait_sent(r, 3) == 3, "sent");
	/* a frame needing more than 4 RX BDs of 512 is lost (RX error) */
	CHECK_RC(wd_hns_enable(&q, 0, TMO), 0);
	CHECK_RC(wd_hns_set_bufsize(&q, 512), 0);
	CHECK_RC(wd_hns_enable(&q, 1, 0), 0);
	CHECK(r->tx_use == 0 && r->rx_use == 0, "reset indexes");
	for (i = 0; i < 8; i++)
		wd_hns_rx_post(r, iova(out[i]));
	wd_hns_rx_doorbell(r);
	wd_hns_tx_bd(r, iova(big[0]), 3000, 1, 1);
	wd_hns_tx_bd(r, iova(big[1]), 2000, 1, 1);
	wd_hns_tx_doorbell(r);
	CHECK(wait_filled(r, 4) == 4, "second frame in 4 BDs");
	CHECK(wd_hns_rx_bds(wd_hns_rx_desc(r, 0)) == 4 &&
	      wd_hns_rx_desc(r, 0)->pkt_len == 2000, "4 x 512");
	CHECK(memcmp(out[0], big[1], 512) == 0, "data");
	CHECK_RC(wd_mem_unshare(&q, big, sizeof(big)), 0);
	CHECK_RC(wd_mem_unshare(&q, out, sizeof(out)), 0);
	wd_release_queue(&q);
}

/* Build an Ethernet + IPv4/IPv6 + UDP/TCP frame of @len bytes, checksums
 * as given (wrong on purpose, or 0). @return the L4 header offset. */
static uint32_t
ip_frame(uint8_t *p, uint32_t len, int v6, int tcp)
{
	uint32_t l4 = v6 ? 54 : 34, i;

	memset(p, 0, len);
	memcpy(p, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	for (i = l4 + (tcp ? 20 : 8); i < len; i++)
		p[i] = (uint8_t)(i * 31 + 7);
	if (v6) {
		p[12] = 0x86;
		p[13] = 0xdd;
		p[14] = 0x60;
		p[18] = (uint8_t)((len - l4) >> 8);
		p[19] = (uint8_t)(len - l4);
		p[20] = tcp ? 6 : 17;
		p[21] = 64;
		for (i = 22; i < 54; i++)
			p[i] = (uint8_t)(i * 3);
	} else {
		p[12] = 0x08;
		p[14] = 0x45;
		p[16] = (uint8_t)((len - 14) >> 8);
		p[17] = (uint8_t)(len - 14);
		p[22] = 64;
		p[23] = tcp ? 6 : 17;
		p[24] = 0x12;	/* a wrong header checksum */
		memcpy(p + 26, "\xc6\x12\0\x01\xc6\x12\0\x02", 8);
	}
	p[l4] = 0x30;
	p[l4 + 1] = 0x39;
	p[l4 + 3] = 0x50;
	if (tcp) {
		p[l4 + 12] = 0x50;
		p[l4 + 16] = 0xbe;	/* wrong checksums */
	} else {
		p[l4 + 4] = (uint8_t)((len - l4) >> 8);
		p[l4 + 5] = (uint8_t)(len - l4);
		p[l4 + 6] = 0xbe;
	}
	return l4;
}

/* RFC 1071 checksum over @len bytes plus @sum, independent of the model. */
static uint16_t
inet_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* 1 if the frame's IPv4 header (if any) and TCP/UDP checksums are right. */
static int
frame_sums_ok(const uint8_t *p, uint32_t len, int v6)
{
	uint32_t l4 = v6 ? 54 : 34, l4len = len - l4, ps;

	if (!v6 && inet_sum(p + 14, 20, 0) != 0xffff)
		return 0;
	ps = inet_sum(p + (v6 ? 22 : 26), v6 ? 32 : 8, 0) + p[v6 ? 20 : 23] + l4len;
	return inet_sum(p + l4, l4len, ps) == 0xffff;
}

/* Checksum offloads: TX L3CS/L4CS fill in the sums as the frame leaves
 * (the TX buffer untouched); RX L3E/L4E flag wrong ones, IPv4 and IPv6,
 * UDP and TCP, one and several BDs; a fragment is not checked (FRAG). */
static void
test_checksums(void)
{
	static uint8_t txb[2][4096] __attribute__((aligned(4096)));
	static uint8_t out[8][2048] __attribute__((aligned(4096)));
	static const uint32_t lens[] = { 78, 333, 1514, 3000 };
	struct wd_capa c = capa_dev("hisi_hns0");
	const struct hns_rx_desc *d;
	struct wd_hns_ring *r;
	struct wd_queue q;
	uint8_t copy[4096], got[4096];
	uint32_t i, k, f, len, n, slot;
	int v6, tcp, off;

	CHECK_RC(request(&q, &c), 0);
	if (q.impl == NULL)
		return;
	r = wd_hns_ring(&q);
	CHECK_RC(wd_mem_share(&q, txb, sizeof(txb), 0), 0);
	CHECK_RC(wd_mem_share(&q, out, sizeof(out), 0), 0);
	for (k = 0; k < 4 * 4 * 2; k++) {
		len = lens[k % 4];
		v6 = (k / 4) & 1;
		tcp = (k / 8) & 1;
		off = (int)(k / 16);	/* 0: offloads off, 1: on */
		ip_frame(txb[0], len, v6, tcp);
		memcpy(copy, txb[0], len);
		for (i = 0; i < 8; i++)
			wd_hns_rx_post(r, iova(out[i]));
		wd_hns_rx_doorbell(r);
		if (len > 2048) {
			/* two TX BDs, the checksum request on the first */
			memcpy(txb[1], txb[0] + 2000, len - 2000);
			slot = wd_hns_tx_bd(r, iova(txb[0]), 2000, 2, 0);
			wd_hns_tx_bd(r, iova(txb[1]), (uint16_t)(len - 2000), 2, 1);
		} else {
			slot = wd_hns_tx_bd(r, iova(txb[0]), (uint16_t)len, 1, 1);
		}
		if (off)
			wd_hns_tx_csum(r, slot, 1, 1, 14);
		wd_hns_tx_doorbell(r);
		n = len > 2048 ? 2 : 1;
		CHECK(wait_filled(r, n) == n, "frame %u back", k);
		d = wd_hns_rx_desc(r, 0);
		f = d->ipoff_bnum_pid_flag;
		CHECK(!wd_hns_rx_bad(d) && d->pkt_len == len && wd_hns_rx_bds(d) == n,
		      "frame %u: len %u bds %u", k, d->pkt_len, wd_hns_rx_bds(d));
		memcpy(got, out[0], len < 2048 ? len : 2048);
		if (len > 2048)
			memcpy(got + 2048, out[1], len - 2048);
		CHECK(memcmp(txb[0], copy, len) == 0, "TX buffer modified");
		CHECK(((f & HNS_RXD_L4ID_MASK) >> HNS_RXD_L4ID_SHIFT) ==
		      (uint32_t)(tcp ? HNS_L4ID_TCP : HNS_L4ID_UDP) &&
		      ((f & HNS_RXD_L3ID_MASK) >> HNS_RXD_L3ID_SHIFT) ==
		      (uint32_t)(v6 ? HNS_L3ID_IPV6 : HNS_L3ID_IPV4), "frame %u: ids %x", k, f);
		if (off) {
			CHECK(frame_sums_ok(got, len, v6),
			      "frame %u (%u B, %s, %s): sums not filled", k, len,
			      v6 ? "v6" : "v4", tcp ? "tcp" : "udp");
			CHECK(!(f & (HNS_RXD_L3E | HNS_RXD_L4E)), "frame %u: good sums flagged %x",
			      k, f);
		} else {
			CHECK(memcmp(got, copy, len) == 0, "frame %u changed without offload", k);
			CHECK(!!(f & HNS_RXD_L3E) == !v6, "frame %u: L3E %x", k, f);
			CHECK(v6 ? !!(f & HNS_RXD_L4E) : !(f & HNS_RXD_L4E),
			      "frame %u: L4E %x (v4: not checked behind a bad header)", k, f);
		}
		wd_hns_rx_take(r, n);
		CHECK(wait_sent(r, n) == n, "sent");
		wd_hns_tx_reclaim(r, n);
		/* drop the remaining posted buffers: reset the ring pair */
		CHECK_RC(wd_hns_enable(&q, 0, TMO), 0);
		CHECK_RC(wd_hns_enable(&q, 1, 0), 0);
	}
	/* a good IPv4 header, a wrong UDP sum: only L4E; a fragment: FRAG only */
	for (i = 0; i < 2; i++) {
		ip_frame(txb[0], 200, 0, 0);
		if (i == 1)
			txb[0][20] = 0x20;	/* more fragments */
		txb[0][24] = txb[0][25] = 0;
		{
			uint16_t s = (uint16_t)~inet_sum(txb[0] + 14, 20, 0);

			txb[0][24] = (uint8_t)(s >> 8);
			txb[0][25] = (uint8_t)s;
		}
		wd_hns_rx_post(r, iova(out[0]));
		wd_hns_rx_doorbell(r);
		wd_hns_tx_bd(r, iova(txb[0]), 200, 1, 1);
		wd_hns_tx_doorbell(r);
		CHECK(wait_filled(r, 1) == 1, "frame back");
		f = wd_hns_rx_desc(r, 0)->ipoff_bnum_pid_flag;
		if (i == 0)
			CHECK((f & (HNS_RXD_L3E | HNS_RXD_L4E | HNS_RXD_FRAG)) == HNS_RXD_L4E,
			      "bad UDP sum: %x", f);
		else
			CHECK((f & (HNS_RXD_L3E | HNS_RXD_L4E | HNS_RXD_FRAG)) == HNS_RXD_FRAG,
			      "fragment: %x", f);
		wd_hns_rx_take(r, 1);
		CHECK(wait_sent(r, 1) == 1, "sent");
		wd_hns_tx_reclaim(r, 1);
	}
	CHECK_RC(wd_mem_unshare(&q, txb, sizeof(txb)), 0);
	CHECK_RC(wd_mem_unshare(&q, out, sizeof(out)), 0);
	wd_release_queue(&q);
}

/* Two connected ring pairs: frames cross, flow control holds them while
 * the receiver has no buffers, and a lone ring pair's link is down. */
static void
test_connected(const char *dev_a, const char *dev_b, const char *what)
{
	struct wd_capa ca = capa_dev(dev_a), cb = capa_dev(dev_b);
	struct wd_hns_ring *ra, *rb;
	struct wd_queue qa, qb;
	uint64_t st[HNS_NB_STATS], end;
	uint32_t i;

	CHECK_RC(wd_request_queue(&qa, &ca), 0);
	if (qa.impl == NULL)
		return;
	ra = wd_hns_ring(&qa);
	CHECK_RC(wd_mem_share(&qa, pool, sizeof(pool), 0), 0);
	/* partner absent: link down, frames dropped */
	wd_hns_tx_bd(ra, iova(pool[0][0]), 60, 1, 1);
	wd_hns_tx_doorbell(ra);
	CHECK(wait_sent(ra, 1) == 1, "%s: sent into the void", what);
	wd_hns_tx_reclaim(ra, 1);
	CHECK(!wd_hns_link(ra), "%s: link down", what);
	wd_hns_stats(&qa, st);
	CHECK(st[3] == 1 && st[0] == 0, "%s: drops %llu", what, (unsigned long long)st[3]);

	/* the partner (on a pair device, the same device's next free half) */
	CHECK_RC(wd_request_queue(&qb, &cb), 0);
	if (qb.impl == NULL) {
		wd_release_queue(&qa);
		return;
	}
	rb = wd_hns_ring(&qb);
	/* no flow control: a frame for a ring without buffers is lost there */
	wd_hns_tx_bd(ra, iova(pool[0][0]), 60, 1, 1);
	wd_hns_tx_doorbell(ra);
	CHECK(wait_sent(ra, 1) == 1, "%s: sent", what);
	wd_hns_tx_reclaim(ra, 1);
	wd_hns_stats(&qb, st);
	CHECK(st[8] == 1 && st[4] == 0, "%s: missed %llu", what, (unsigned long long)st[8]);
	/* flow control on: no RX buffers yet, the frames wait, nothing is lost */
	wd_hns_set_fc(&qa, HNS_FC_RX_PAUSE);
	wd_hns_set_fc(&qb, HNS_FC_TX_PAUSE);
	for (i = 0; i < 10; i++) {
		fill_frame(pool[0][i], 60 + i, 100 + i);
		wd_hns_tx_bd(ra, iova(pool[0][i]), (uint16_t)(60 + i), 1, 1);
	}
	wd_hns_tx_doorbell(ra);
	end = ms_now() + 100;
	while (ms_now() < end)
		;
	CHECK(wd_hns_tx_done(ra) == 0, "%s: held by flow control", what);
	CHECK(wd_hns_link(ra) && wd_hns_link(rb), "%s: links up", what);
	wd_hns_stats(&qb, st);
	CHECK(st[7] >= 1, "%s: pauses %llu", what, (unsigned long long)st[7]);
	post_rx(rb, 1, 0, 16);
	CHECK(wait_filled(rb, 10) == 10, "%s: 10 frames crossed", what);
	for (i = 0; i < 10; i++) {
		const struct hns_rx_desc *d = wd_hns_rx_desc(rb, i);

		CHECK(d->pkt_len == 60 + i && !wd_hns_rx_bad(d), "%s: frame %u", what, i);
		CHECK(memcmp(pool[1][i], pool[0][i], 60 + i) == 0, "%s: data %u", what, i);
	}
	wd_hns_rx_take(rb, 10);
	CHECK(wait_sent(ra, 10) == 10, "%s: reclaimed", what);
	wd_hns_tx_reclaim(ra, 10);
	/* and back */
	post_rx(ra, 1, 16, 4);
	wd_hns_tx_bd(rb, iova(pool[0][20]), 80, 1, 1);
	wd_hns_tx_doorbell(rb);
	CHECK(wait_filled(ra, 1) == 1, "%s: reply", what);
	wd_hns_rx_take(ra, 1);
	/* the partner in loopback: its link ignores us */
	wd_hns_set_loopback(&qb, 1);
	wd_hns_tx_bd(ra, iova(pool[0][0]), 60, 1, 1);
	wd_hns_tx_doorbell(ra);
	CHECK(wait_sent(ra, 1) == 1, "%s: sent", what);
	wd_hns_stats(&qa, st);
	CHECK(st[3] == 2 && st[0] == 11, "%s: dropped while the peer loops: %llu", what,
	      (unsigned long long)st[3]);
	wd_hns_set_loopback(&qb, 0);
	wd_release_queue(&qb);
	CHECK_RC(wd_mem_unshare(&qa, pool, sizeof(pool)), 0);
	wd_release_queue(&qa);
}

/* Set @ifname up or down; @return 0 or -errno. */
static int
if_updown(const char *ifname, int up)
{
	struct ifreq ifr;
	int s, rc = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		rc = -errno;
	if (rc == 0) {
		ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			rc = -errno;
	}
	close(s);
	return rc;
}

/* wd_hns.ko: with the netdev down the link reads 0 and a frame the ring
 * pair sends is dropped (TX_DROPS); up again, the link comes back. */
static void
link_down_drops(struct wd_queue *q, const char *ifname)
{
	struct wd_hns_ring *r = wd_hns_ring(q);
	uint64_t drops = wd_hns_stats_one(q, HNS_STAT_TX_DROPS), end;

	CHECK_RC(if_updown(ifname, 0), 0);
	end = ms_now() + TMO;
	while (wd_hns_link(r) && ms_now() < end)
		;
	CHECK(!wd_hns_link(r), "link 0 with %s down", ifname);
	wd_hns_tx_bd(r, iova(pool[0][0]), 60, 1, 1);
	wd_hns_tx_doorbell(r);
	end = ms_now() + TMO;
	while (wd_hns_stats_one(q, HNS_STAT_TX_DROPS) == drops && ms_now() < end)
		;
	CHECK(wd_hns_stats_one(q, HNS_STAT_TX_DROPS) == drops + 1, "TX_DROPS %llu",
	      (unsigned long long)wd_hns_stats_one(q, HNS_STAT_TX_DROPS));
	CHECK_RC(if_updown(ifname, 1), 0);
	end = ms_now() + TMO;
	while (!wd_hns_link(r) && ms_now() < end)
		;
	CHECK(wd_hns_link(r), "link 1 with %s up again", ifname);
}

/* The TAP wire: a frame the kernel sends on hisi_hns4 (a packet socket)
 * lands in the RX ring, and one from the TX ring reaches the socket. The
 * same through wd_hns.ko's hisi_hns1 and its netdev wdhns1. */
static void
test_tap(void)
{
	struct wd_capa c = capa_dev(kernel ? "hisi_hns1" : "hisi_hns4");
	const char *ifname = kernel ? "wdhns1" : "hisi_hns4";
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint8_t frame[60], got[2048];
	struct wd_hns_ring *r;
	struct wd_queue q;
	uint64_t end;
	ssize_t n;
	int s, rc, seen = 0;

	rc = wd_request_queue(&q, &c);
	CHECK(!kernel || rc == 0, "queue on hisi_hns1: %d", rc);
	if (rc != 0) {
		printf("test_hns: TAP wire skipped (no CAP_NET_ADMIN or /dev/net/tun)\n");
		return;
	}
	r = wd_hns_ring(&q);
	end = ms_now() + TMO;
	while (!wd_hns_link(r) && ms_now() < end)
		;
	CHECK(wd_hns_link(r), "TAP link up");
	CHECK_RC(wd_mem_share(&q, pool, sizeof(pool), 0), 0);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	CHECK(s >= 0 && sll.sll_ifindex > 0, "packet socket on %s", ifname);
	if (s < 0 || sll.sll_ifindex <= 0 || bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto out;
	/* kernel -> ring: a local experimental ethertype, so the stack stays quiet */
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	frame[6] = 0x02;
	frame[12] = 0x88;
	frame[13] = 0xb5;
	memcpy(frame + 14, "wrapdrive tap wire", 18);
	if (kernel) {
		/* no RX BD posted: the kernel's frame is dropped and counted */
		CHECK(sendto(s, frame, sizeof(frame), 0, (struct sockaddr *)&sll,
			     sizeof(sll)) == (ssize_t)sizeof(frame), "send on %s", ifname);
		end = ms_now() + TMO;
		while (wd_hns_stats_one(&q, HNS_STAT_RX_MISSED) == 0 && ms_now() < end)
			;
		CHECK(wd_hns_stats_one(&q, HNS_STAT_RX_MISSED) >= 1, "RX_MISSED with no RX BD");
		CHECK(wd_hns_rx_filled(r) == 0, "nothing filled");
	}
	post_rx(r, 1, 0, 16);
	CHECK(sendto(s, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) ==
	      (ssize_t)sizeof(frame), "send on the TAP");
	end = ms_now() + TMO;
	while (!seen && ms_now() < end) {
		uint32_t k, f = wd_hns_rx_filled(r);

		/* the kernel may send its own frames too: look for ours */
		for (k = 0; k < f && !seen; k++)
			seen = wd_hns_rx_desc(r, k)->pkt_len == sizeof(frame) &&
				memcmp(pool[1][k], frame, sizeof(frame)) == 0;
	}
	CHECK(seen, "the kernel's frame reached the RX ring");
	/* ring -> kernel */
	memcpy(pool[0][0], frame, sizeof(frame));
	memcpy(pool[0][0] + 14, "from the TX ring!!", 18);
	wd_hns_tx_bd(r, iova(pool[0][0]), sizeof(frame), 1, 1);
	wd_hns_tx_doorbell(r);
	seen = 0;
	end = ms_now() + TMO;
	while (!seen && ms_now() < end) {
		n = recv(s, got, sizeof(got), MSG_DONTWAIT);
		seen = n == (ssize_t)sizeof(frame) && memcmp(got, pool[0][0], sizeof(frame)) == 0;
	}
	CHECK(seen, "the TX ring's frame reached the kernel");
	if (kernel)
		link_down_drops(&q, ifname);
out:
	if (s >= 0)
		close(s);
	CHECK_RC(wd_mem_unshare(&q, pool, sizeof(pool)), 0);
	wd_release_queue(&q);
}

int
main(int argc, char **argv)
{
	kernel = argc > 1 && strcmp(argv[1], "--kernel") == 0;
	unsetenv("WD_SYSFS_ROOT");
	if (!kernel) {
		setenv("WD_SYSFS_ROOT", "/nonexistent", 1);
		setenv("WD_EMU", emu_spec, 1);
	} else {
		unsetenv("WD_EMU");
	}
	test_loop_messages();
	test_bad_bds();
	test_multi_bd();
	test_checksums();
	if (!kernel) {
		test_connected("hisi_hns1", "hisi_hns1", "pair");
		test_connected("hisi_hns2", "hisi_hns3", "peer");
	}
	test_tap();
	return wd_test_done("test_hns");
}
