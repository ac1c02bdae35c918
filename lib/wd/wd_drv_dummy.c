/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * User driver of "wd_dummy_v1": messages in, descriptors out, through the
 * inline ring of wd_dummy.h. Only plain loads and stores to the mapped
 * registers page and ring.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wd_dummy.h"
#include "wd_private.h"

struct dummy_q {
	struct wd_dummy_ring ring;
	struct wd_dummy_msg **msgs;	/* per slot, for wd_recv() */
};

static int
dummy_init(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);
	struct wd_dummy_ring *r = &dq->ring;
	size_t regs_size, ring_size;
	uint32_t depth, version;

	r->regs = wd_queue_region(q, WD_REGION_REGS, &regs_size);
	r->desc = wd_queue_region(q, WD_REGION_RING, &ring_size);
	r->notify = wd_queue_notify_word(q);
	if (r->regs == NULL || r->desc == NULL || regs_size < WD_DUMMY_REGS_SIZE) {
		WD_ERR("%s: queue %s lacks its registers or ring region", q->dev_name, q->uuid);
		return -ENXIO;
	}
	version = wd_dummy_reg_read(r, WD_DUMMY_REG_VERSION);
	if (version >> 16 != WD_DUMMY_VERSION >> 16) {
		WD_ERR("%s: unsupported wd_dummy version 0x%x", q->dev_name, version);
		return -ENOTSUP;
	}
	depth = wd_dummy_reg_read(r, WD_DUMMY_REG_DEPTH);
	if (depth < WD_DUMMY_DEPTH_MIN || depth > WD_DUMMY_DEPTH_MAX || (depth & (depth - 1)) ||
	    (size_t)depth * sizeof(struct wd_dummy_desc) > ring_size) {
		WD_ERR("%s: bad ring depth %u (ring region %zu bytes)", q->dev_name, depth,
		       ring_size);
		return -EINVAL;
	}
	dq->msgs = calloc(depth, sizeof(*dq->msgs));
	if (dq->msgs == NULL)
		return -ENOMEM;
	r->mask = depth - 1;
	/* Start where the device is (a fresh queue has both at 0). */
	r->tail = wd_dummy_reg_read(r, WD_DUMMY_REG_SQ_TAIL);
	r->rung = r->tail;
	r->ci = r->tail;
	r->errors_seen = wd_dummy_reg_read(r, WD_DUMMY_REG_ERRORS);
	r->clean = r->ci;
	q->impl->depth = depth;
	wd_write32(&r->regs[WD_DUMMY_REG_ENABLE / 4], 1);
	return 0;
}

static void
dummy_uninit(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	if (dq->ring.regs != NULL)
		wd_write32(&dq->ring.regs[WD_DUMMY_REG_ENABLE / 4], 0);
	free(dq->msgs);
	dq->msgs = NULL;
}

static inline int
msg_enqueue(struct dummy_q *dq, struct wd_dummy_msg *m)
{
	struct wd_dummy_ring *r = &dq->ring;
	int rc = wd_dummy_ring_enqueue(r, m->op, m->src, m->dst, m->len);

	if (rc == 0)
		dq->msgs[(r->tail - 1) & r->mask] = m;
	return rc;
}

static inline int
msg_take(struct dummy_q *dq, struct wd_dummy_msg **out)
{
	struct wd_dummy_ring *r = &dq->ring;
	uint32_t st = wd_dummy_ring_status(r, 0);

	if (st == WD_DUMMY_ST_PENDING)
		return -EAGAIN;
	*out = dq->msgs[r->ci & r->mask];
	(*out)->status = (uint16_t)st;
	r->ci++;
	return 0;
}

static int
dummy_send(struct wd_queue *q, void *req)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);
	int rc;

	if (req == NULL)
		return -EINVAL;
	rc = msg_enqueue(dq, req);
	if (rc == 0)
		wd_dummy_ring_doorbell(&dq->ring);
	return rc;
}

static int
dummy_recv(struct wd_queue *q, void **resp)
{
	return msg_take(wd_queue_drv_priv(q), (struct wd_dummy_msg **)resp);
}

int
wd_dummy_send_burst(struct wd_queue *q, struct wd_dummy_msg **msgs, unsigned int n)
{
	struct dummy_q *dq;
	unsigned int i;

	if (q == NULL || q->impl == NULL || msgs == NULL)
		return -EINVAL;
	dq = wd_queue_drv_priv(q);
	for (i = 0; i < n; i++)
		if (msg_enqueue(dq, msgs[i]) != 0)
			break;
	if (i != 0)
		wd_dummy_ring_doorbell(&dq->ring);
	return (int)i;
}

int
wd_dummy_recv_burst(struct wd_queue *q, struct wd_dummy_msg **msgs, unsigned int n)
{
	struct dummy_q *dq;
	unsigned int i;

	if (q == NULL || q->impl == NULL || msgs == NULL)
		return -EINVAL;
	dq = wd_queue_drv_priv(q);
	for (i = 0; i < n; i++)
		if (msg_take(dq, &msgs[i]) != 0)
			break;
	return (int)i;
}

unsigned int
wd_dummy_inflight(const struct wd_queue *q)
{
	const struct dummy_q *dq = wd_queue_drv_priv(q);

	return wd_dummy_ring_inflight(&dq->ring);
}

struct wd_dummy_ring *
wd_dummy_ring(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	return &dq->ring;
}

const struct wd_drv wd_drv_dummy = {
	.device_api = WD_DUMMY_API,
	.priv_size = sizeof(struct dummy_q),
	.init = dummy_init,
	.uninit = dummy_uninit,
	.send = dummy_send,
	.recv = dummy_recv,
};
