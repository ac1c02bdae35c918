/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * User driver of "wd_dummy_v1": messages in, descriptors out. Only plain
 * loads and stores to the mapped registers page and ring.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wd_dummy.h"
#include "wd_private.h"

struct dummy_q {
	volatile uint32_t *regs;
	struct wd_dummy_desc *ring;
	uint32_t mask;
	uint32_t tail;		/* next slot to fill */
	uint32_t ci;		/* next slot to complete */
	struct wd_dummy_msg **msgs;	/* per slot */
};

static inline uint32_t
reg_read(const struct dummy_q *dq, unsigned int off)
{
	return __atomic_load_n(&dq->regs[off / 4], __ATOMIC_ACQUIRE);
}

static inline void
reg_write(struct dummy_q *dq, unsigned int off, uint32_t v)
{
	__atomic_store_n(&dq->regs[off / 4], v, __ATOMIC_RELEASE);
}

static int
dummy_init(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);
	size_t regs_size, ring_size;
	uint32_t depth;

	dq->regs = wd_queue_region(q, WD_REGION_REGS, &regs_size);
	dq->ring = wd_queue_region(q, WD_REGION_RING, &ring_size);
	if (dq->regs == NULL || dq->ring == NULL || regs_size < WD_DUMMY_REGS_SIZE) {
		WD_ERR("%s: queue %s lacks its registers or ring region", q->dev_name, q->uuid);
		return -ENXIO;
	}
	if (reg_read(dq, WD_DUMMY_REG_VERSION) >> 16 != WD_DUMMY_VERSION >> 16) {
		WD_ERR("%s: unsupported wd_dummy version 0x%x", q->dev_name,
		       reg_read(dq, WD_DUMMY_REG_VERSION));
		return -ENOTSUP;
	}
	depth = reg_read(dq, WD_DUMMY_REG_DEPTH);
	if (depth < WD_DUMMY_DEPTH_MIN || depth > WD_DUMMY_DEPTH_MAX || (depth & (depth - 1)) ||
	    (size_t)depth * sizeof(struct wd_dummy_desc) > ring_size) {
		WD_ERR("%s: bad ring depth %u (ring region %zu bytes)", q->dev_name, depth,
		       ring_size);
		return -EINVAL;
	}
	dq->msgs = calloc(depth, sizeof(*dq->msgs));
	if (dq->msgs == NULL)
		return -ENOMEM;
	dq->mask = depth - 1;
	/* Start where the device is (a fresh queue has both at 0). */
	dq->tail = reg_read(dq, WD_DUMMY_REG_SQ_TAIL);
	dq->ci = dq->tail;
	q->impl->depth = depth;
	reg_write(dq, WD_DUMMY_REG_ENABLE, 1);
	return 0;
}

static void
dummy_uninit(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	if (dq->regs != NULL)
		reg_write(dq, WD_DUMMY_REG_ENABLE, 0);
	free(dq->msgs);
	dq->msgs = NULL;
}

/* Write one descriptor; the doorbell is the caller's. */
static inline int
dummy_write(struct dummy_q *dq, uint16_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	struct wd_dummy_desc *d;

	if (dq->tail - dq->ci > dq->mask)
		return -EBUSY;
	d = &dq->ring[dq->tail & dq->mask];
	d->src = src;
	d->dst = dst;
	d->len = len;
	d->op = op;
	d->flags = 0;
	d->cookie = dq->tail;
	d->status = WD_DUMMY_ST_PENDING;
	dq->tail++;
	return 0;
}

static inline int
dummy_fill(struct dummy_q *dq, struct wd_dummy_msg *m)
{
	int rc = dummy_write(dq, m->op, m->src, m->dst, m->len);

	if (rc == 0)
		dq->msgs[(dq->tail - 1) & dq->mask] = m;
	return rc;
}

static inline int
dummy_take(struct dummy_q *dq, struct wd_dummy_msg **out)
{
	struct wd_dummy_desc *d;
	uint32_t st;

	if (dq->ci == dq->tail)
		return -EAGAIN;
	d = &dq->ring[dq->ci & dq->mask];
	st = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
	if (st == WD_DUMMY_ST_PENDING)
		return -EAGAIN;
	*out = dq->msgs[dq->ci & dq->mask];
	(*out)->status = (uint16_t)st;
	dq->ci++;
	return 0;
}

static int
dummy_send(struct wd_queue *q, void *req)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);
	int rc;

	if (req == NULL)
		return -EINVAL;
	rc = dummy_fill(dq, req);
	if (rc == 0)
		reg_write(dq, WD_DUMMY_REG_SQ_TAIL, dq->tail);
	return rc;
}

static int
dummy_recv(struct wd_queue *q, void **resp)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	return dummy_take(dq, (struct wd_dummy_msg **)resp);
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
		if (dummy_fill(dq, msgs[i]) != 0)
			break;
	if (i != 0)
		reg_write(dq, WD_DUMMY_REG_SQ_TAIL, dq->tail);
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
		if (dummy_take(dq, &msgs[i]) != 0)
			break;
	return (int)i;
}

unsigned int
wd_dummy_inflight(const struct wd_queue *q)
{
	const struct dummy_q *dq = wd_queue_drv_priv(q);

	return dq->tail - dq->ci;
}

int
wd_dummy_enqueue(struct wd_queue *q, uint16_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	return dummy_write(wd_queue_drv_priv(q), op, src, dst, len);
}

void
wd_dummy_doorbell(struct wd_queue *q)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	reg_write(dq, WD_DUMMY_REG_SQ_TAIL, dq->tail);
}

uint32_t
wd_dummy_peek(const struct wd_queue *q, unsigned int i)
{
	const struct dummy_q *dq = wd_queue_drv_priv(q);

	if (i >= dq->tail - dq->ci)
		return WD_DUMMY_ST_PENDING;
	return __atomic_load_n(&dq->ring[(dq->ci + i) & dq->mask].status, __ATOMIC_ACQUIRE);
}

void
wd_dummy_retire(struct wd_queue *q, unsigned int n)
{
	struct dummy_q *dq = wd_queue_drv_priv(q);

	dq->ci += n;
}

int
wd_dummy_busy(const struct wd_queue *q)
{
	const struct dummy_q *dq = wd_queue_drv_priv(q);

	return reg_read(dq, WD_DUMMY_REG_SQ_HEAD) != reg_read(dq, WD_DUMMY_REG_SQ_TAIL);
}

const struct wd_drv wd_drv_dummy = {
	.device_api = WD_DUMMY_API,
	.priv_size = sizeof(struct dummy_q),
	.init = dummy_init,
	.uninit = dummy_uninit,
	.send = dummy_send,
	.recv = dummy_recv,
};
