/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * User driver of "hisi_sec_v1": checks and starts the queue, then moves
 * BDs through the inline ring of wd_sec.h. Plain loads and stores only.
 */

#include <errno.h>
#include <string.h>

#include "wd_private.h"
#include "wd_sec.h"

static int
sec_init(struct wd_queue *q)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);
	size_t regs_size, ring_size;
	char *ring;
	uint32_t depth;

	r->regs = wd_queue_region(q, WD_REGION_REGS, &regs_size);
	ring = wd_queue_region(q, WD_REGION_RING, &ring_size);
	if (r->regs == NULL || ring == NULL || regs_size < HISI_SEC_REGS_SIZE ||
	    ring_size < HISI_SEC_RING_SIZE) {
		WD_ERR("%s: queue %s lacks its registers or rings", q->dev_name, q->uuid);
		return -ENXIO;
	}
	depth = (wd_sec_reg_read(r, HISI_SEC_Q_DEPTH_CFG) & 0xfff) + 1;
	if (depth != HISI_SEC_DEPTH) {
		WD_ERR("%s: SEC queue depth %u, expected %u", q->dev_name, depth,
		       HISI_SEC_DEPTH);
		return -ENOTSUP;
	}
	r->bd = (struct hisi_sec_bd *)(ring + HISI_SEC_RING_CMD_OFF);
	r->cq = (volatile uint16_t *)(ring + HISI_SEC_RING_CQ_OFF);
	/* Continue where the engine is; a fresh queue has everything at 0. */
	r->tail = wd_sec_reg_read(r, HISI_SEC_Q_WR_PTR) % HISI_SEC_DEPTH;
	r->ci = r->tail;
	r->cq_rd = wd_sec_reg_read(r, HISI_SEC_OUTORDER_RD_PTR) % HISI_SEC_DEPTH;
	memset(r->ecc, 0, sizeof(r->ecc));
	q->impl->depth = HISI_SEC_MAX_INFLIGHT;
	wd_sec_reg_write(r, HISI_SEC_Q_CFG, HISI_SEC_Q_CFG_REORDER);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	return 0;
}

static void
sec_uninit(struct wd_queue *q)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);

	if (r->regs != NULL)
		wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 0);
}

static int
sec_send(struct wd_queue *q, void *req)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);
	struct wd_sec_msg *m = req;
	struct hisi_sec_bd *bd;

	if (m == NULL)
		return -EINVAL;
	bd = wd_sec_ring_next(r);
	if (bd == NULL)
		return -EBUSY;
	*bd = m->bd;
	bd->w0 &= ~HISI_SEC_W0_DONE;
	wd_sec_ring_commit(r, m);
	wd_sec_ring_doorbell(r);
	return 0;
}

static int
sec_recv(struct wd_queue *q, void **resp)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);
	struct hisi_sec_bd *bd;
	struct wd_sec_msg *m;
	void *cookie;

	wd_sec_ring_reap(r);
	bd = wd_sec_ring_oldest(r, &cookie);
	if (bd == NULL)
		return -EAGAIN;
	m = cookie;
	m->bd = *bd;
	m->status = wd_sec_ring_status(r, bd);
	wd_sec_ring_retire(r);
	*resp = m;
	return 0;
}

struct wd_sec_ring *
wd_sec_ring(struct wd_queue *q)
{
	return wd_queue_drv_priv(q);
}

const struct wd_drv wd_drv_sec = {
	.device_api = HISI_SEC_API,
	.priv_size = sizeof(struct wd_sec_ring),
	.init = sec_init,
	.uninit = sec_uninit,
	.send = sec_send,
	.recv = sec_recv,
};
