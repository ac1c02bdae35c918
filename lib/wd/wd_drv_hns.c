/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * User driver of "hisi_hns_v1": an HNS ring pair through the inline ring
 * of wd_hns.h, and the message API (wd_send/wd_recv) on top of it. Only
 * loads and stores to the mapped registers page and rings, except for
 * the waits of wd_hns_enable().
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wd_hns.h"
#include "wd_private.h"

#define RESET_MS 2000	/* the engine acknowledges a reset within this */

struct hns_q {
	struct wd_hns_ring ring;
	struct wd_hns_msg **tx_msgs;	/* per TX slot, for wd_recv() */
	struct wd_hns_msg **rx_msgs;	/* per RX slot */
};

/* A control register: the engine acts on it, so wake it if it sleeps. */
static void
reg_write(struct wd_hns_ring *r, unsigned int off, uint32_t v)
{
	wd_write32(&r->regs[off / 4], v);
	wd_notify(r->notify);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
nap(void)
{
	struct timespec ts = { 0, 20000 };

	nanosleep(&ts, NULL);
}

static int
hns_init(struct wd_queue *q)
{
	struct hns_q *hq = wd_queue_drv_priv(q);
	struct wd_hns_ring *r = &hq->ring;
	size_t regs_size, ring_size;
	uint32_t depth, version;
	char *ring;

	r->regs = wd_queue_region(q, WD_REGION_REGS, &regs_size);
	ring = wd_queue_region(q, WD_REGION_RING, &ring_size);
	if (r->regs == NULL || ring == NULL || regs_size < HNS_REGS_SIZE) {
		WD_ERR("%s: queue %s lacks its registers or ring region", q->dev_name, q->uuid);
		return -ENXIO;
	}
	version = wd_hns_reg_read(r, HNS_REG_VERSION);
	if (version >> 16 != HNS_VERSION >> 16) {
		WD_ERR("%s: unsupported hisi_hns version 0x%x", q->dev_name, version);
		return -ENOTSUP;
	}
	depth = wd_hns_reg_read(r, HNS_RX_BD_NUM);
	if (depth < HNS_DEPTH_MIN || depth > HNS_DEPTH_MAX || (depth & (depth - 1)) ||
	    depth != wd_hns_reg_read(r, HNS_TX_BD_NUM) ||
	    wd_hns_reg_read(r, HNS_RX_BASEADDR_L) != 0 ||
	    wd_hns_reg_read(r, HNS_TX_BASEADDR_L) != depth * sizeof(struct hns_rx_desc) ||
	    (size_t)depth * (sizeof(struct hns_rx_desc) + sizeof(struct hns_tx_desc)) >
	    ring_size) {
		WD_ERR("%s: bad ring depth %u or layout (ring region %zu bytes)", q->dev_name,
		       depth, ring_size);
		return -EINVAL;
	}
	hq->tx_msgs = calloc(depth, sizeof(*hq->tx_msgs));
	hq->rx_msgs = calloc(depth, sizeof(*hq->rx_msgs));
	if (hq->tx_msgs == NULL || hq->rx_msgs == NULL) {
		free(hq->tx_msgs);
		free(hq->rx_msgs);
		return -ENOMEM;
	}
	r->rxd = (struct hns_rx_desc *)ring;
	r->txd = (struct hns_tx_desc *)(ring + depth * sizeof(struct hns_rx_desc));
	r->depth = depth;
	r->mask = depth - 1;
	r->bufsize = HNS_BD_LEN_BYTES(wd_hns_reg_read(r, HNS_RX_BD_LEN) & 3);
	r->notify = wd_queue_notify_word(q);
	q->impl->depth = depth;
	/* A fresh ring pair starts at 0; one used before is reset first. */
	return wd_hns_enable(q, 1, 0);
}

static void
hns_uninit(struct wd_queue *q)
{
	struct hns_q *hq = wd_queue_drv_priv(q);

	if (hq->ring.regs != NULL)
		wd_hns_enable(q, 0, 100);
	free(hq->tx_msgs);
	free(hq->rx_msgs);
	hq->tx_msgs = hq->rx_msgs = NULL;
}

struct wd_hns_ring *
wd_hns_ring(struct wd_queue *q)
{
	struct hns_q *hq = wd_queue_drv_priv(q);

	return &hq->ring;
}

int
wd_hns_set_bufsize(struct wd_queue *q, uint32_t bytes)
{
	struct wd_hns_ring *r;
	uint32_t code;

	if (q == NULL || q->impl == NULL)
		return -EINVAL;
	r = wd_hns_ring(q);
	for (code = HNS_BD_LEN_512; code <= HNS_BD_LEN_4096; code++)
		if (HNS_BD_LEN_BYTES(code) == bytes)
			break;
	if (code > HNS_BD_LEN_4096)
		return -EINVAL;
	if (wd_hns_reg_read(r, HNS_PREFETCH_EN) != 0)
		return -EBUSY;
	reg_write(r, HNS_RX_BD_LEN, code);
	r->bufsize = bytes;
	return 0;
}

int
wd_hns_enable(struct wd_queue *q, int on, unsigned int timeout_ms)
{
	struct wd_hns_ring *r;
	uint64_t end = now_ms() + timeout_ms;
	int rc = 0;

	if (q == NULL || q->impl == NULL)
		return -EINVAL;
	r = wd_hns_ring(q);
	if (!on) {
		/* Let posted frames leave while the wire takes them. */
		wd_hns_tx_doorbell(r);
		while (wd_hns_reg_read(r, HNS_PREFETCH_EN) == 1 &&
		       (wd_hns_reg_read(r, HNS_TX_FBDNUM) != 0 ||
			wd_hns_reg_read(r, HNS_TX_TAIL) != 0)) {
			if (now_ms() >= end) {
				rc = -ETIMEDOUT;
				break;
			}
			nap();
		}
	}
	reg_write(r, HNS_PREFETCH_EN, 0);
	/* Reset, and wait for the engine: afterwards it never touches the
	 * buffers posted before. */
	reg_write(r, HNS_REG_RESET, 1);
	end = now_ms() + RESET_MS;
	while (wd_hns_reg_read(r, HNS_REG_RESET) != 0) {
		if (now_ms() >= end) {
			WD_ERR("%s: queue %s: the device did not reset its ring pair", q->dev_name,
			       q->uuid);
			return -EIO;
		}
		nap();
	}
	r->tx_use = r->tx_clean = r->tx_rung = 0;
	r->rx_use = r->rx_clean = r->rx_rung = 0;
	memset(r->rxd, 0, r->depth * sizeof(*r->rxd));
	memset(r->txd, 0, r->depth * sizeof(*r->txd));
	if (on)
		reg_write(r, HNS_PREFETCH_EN, 1);
	return rc;
}

void
wd_hns_set_loopback(struct wd_queue *q, int on)
{
	if (q != NULL && q->impl != NULL)
		reg_write(wd_hns_ring(q), HNS_REG_LOOPBACK, on ? 1 : 0);
}

void
wd_hns_set_fc(struct wd_queue *q, uint32_t fc)
{
	if (q != NULL && q->impl != NULL)
		reg_write(wd_hns_ring(q), HNS_REG_FC, fc & (HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE));
}

void
wd_hns_stats(struct wd_queue *q, uint64_t st[HNS_NB_STATS])
{
	const volatile char *regs = (const volatile char *)wd_hns_ring(q)->regs;
	unsigned int i;

	for (i = 0; i < HNS_NB_STATS; i++)
		st[i] = wd_read64_relaxed(regs + HNS_STAT_TX_PKTS + 8 * i);
}

/* --- messages ------------------------------------------------------------ */

static int
hns_send(struct wd_queue *q, void *req)
{
	struct hns_q *hq = wd_queue_drv_priv(q);
	struct wd_hns_ring *r = &hq->ring;
	struct wd_hns_msg *m = req;
	uint32_t slot;

	if (m == NULL)
		return -EINVAL;
	switch (m->op) {
	case WD_HNS_OP_TX:
		if (m->len == 0 || m->len > HNS_TX_MAX_SIZE)
			return -EINVAL;
		if (wd_hns_tx_space(r) == 0)
			return -EBUSY;
		slot = wd_hns_tx_bd(r, m->iova, (uint16_t)m->len, 1, 1);
		hq->tx_msgs[slot] = m;
		wd_hns_tx_doorbell(r);
		return 0;
	case WD_HNS_OP_RX:
		if (m->len < r->bufsize)
			return -EINVAL;
		if (wd_hns_rx_space(r) == 0)
			return -EBUSY;
		slot = wd_hns_rx_post(r, m->iova);
		hq->rx_msgs[slot] = m;
		wd_hns_rx_doorbell(r);
		return 0;
	default:
		return -EINVAL;
	}
}

static int
hns_recv(struct wd_queue *q, void **resp)
{
	struct hns_q *hq = wd_queue_drv_priv(q);
	struct wd_hns_ring *r = &hq->ring;
	const struct hns_rx_desc *d;
	struct wd_hns_msg *m;
	uint32_t slot;

	if (wd_hns_rx_filled(r) > 0) {
		d = wd_hns_rx_desc(r, 0);
		slot = r->rx_clean & r->mask;
		m = hq->rx_msgs[slot];
		m->rx_flags = d->ipoff_bnum_pid_flag;
		m->pkt_len = d->pkt_len;
		m->len = d->size;
		m->status = (uint16_t)((d->ipoff_bnum_pid_flag & HNS_RXD_ERR_MASK) >> 16);
		if (!(d->ipoff_bnum_pid_flag & HNS_RXD_VLD))
			m->status |= HNS_RXD_VLD >> 16;
		hq->rx_msgs[slot] = NULL;
		wd_hns_rx_take(r, 1);
		*resp = m;
		return 0;
	}
	if (wd_hns_tx_done(r) > 0) {
		slot = r->tx_clean & r->mask;
		m = hq->tx_msgs[slot];
		m->status = r->txd[slot].status;
		hq->tx_msgs[slot] = NULL;
		wd_hns_tx_reclaim(r, 1);
		*resp = m;
		return 0;
	}
	return -EAGAIN;
}

const struct wd_drv wd_drv_hns = {
	.device_api = HNS_API,
	.priv_size = sizeof(struct hns_q),
	.init = hns_init,
	.uninit = hns_uninit,
	.send = hns_send,
	.recv = hns_recv,
};
