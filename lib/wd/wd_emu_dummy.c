/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Device model of "wd_dummy_v1" (see wd_dummy_v1.h): serves descriptors in
 * order from SQ_HEAD to SQ_TAIL, validates each one before touching any
 * memory and writes the status last.
 */

#include <errno.h>
#include <stdlib.h>

#include "wd_dummy_v1.h"
#include "wd_emu.h"
#include "wd_uapi.h"

static size_t
dummy_regs_size(unsigned int depth)
{
	return WD_DUMMY_REGS_SIZE;
}

static size_t
dummy_ring_size(unsigned int depth)
{
	return (size_t)depth * sizeof(struct wd_dummy_desc);
}

/* The engine's own counters: like the kernel engine, it never reads back
 * what software may have written over in the registers page. */
struct dummy_state {
	uint32_t head, done, errors;
};

static int
dummy_init(struct wd_emu_queue *eq)
{
	eq->model_priv = calloc(1, sizeof(struct dummy_state));
	if (eq->model_priv == NULL)
		return -ENOMEM;
	wd_emu_reg_write(eq, WD_DUMMY_REG_VERSION, WD_DUMMY_VERSION);
	wd_emu_reg_write(eq, WD_DUMMY_REG_DEPTH, eq->depth);
	return 0;
}

static void
dummy_fini(struct wd_emu_queue *eq)
{
	free(eq->model_priv);
	eq->model_priv = NULL;
}

static uint32_t
dummy_exec(const struct wd_emu_queue *eq, const struct wd_dummy_desc *d)
{
	int rc;

	if (d->len == 0 || d->len > WD_DUMMY_MAX_LEN || d->flags != 0)
		return WD_DUMMY_ST_INVAL;
	switch (d->op) {
	case WD_DUMMY_OP_COPY:
		rc = wd_emu_dma_copy(eq, d->dst, d->src, d->len);
		break;
	case WD_DUMMY_OP_FILL:
		rc = wd_emu_dma_fill(eq, d->dst, d->src, d->len);
		break;
	default:
		return WD_DUMMY_ST_INVAL;
	}
	return rc == 0 ? WD_DUMMY_ST_OK : WD_DUMMY_ST_FAULT;
}

static unsigned int
dummy_poll(struct wd_emu_queue *eq, unsigned int budget)
{
	struct wd_dummy_desc *ring = eq->ring;
	struct dummy_state *s = eq->model_priv;
	uint32_t head = s->head, tail, st, mask = eq->depth - 1;
	uint32_t done = s->done, errors = s->errors;
	unsigned int n = 0;

	if (wd_emu_reg_read(eq, WD_DUMMY_REG_ENABLE) != 1)
		return 0;
	tail = wd_emu_reg_read(eq, WD_DUMMY_REG_SQ_TAIL);
	/* A tail more than a ring ahead is a driver bug: stop the queue, as
	 * wd_dummy.ko does, rather than serve descriptors nobody wrote. */
	if (tail - head > eq->depth) {
		wd_emu_reg_write(eq, WD_DUMMY_REG_ENABLE, 0);
		return 0;
	}
	if (head == tail)
		return 0;
	while (head != tail && n < budget) {
		struct wd_dummy_desc *slot = &ring[head & mask];
		struct wd_dummy_desc d = *slot;	/* validate what is used */

		st = dummy_exec(eq, &d);
		__atomic_store_n(&slot->status, st, __ATOMIC_RELEASE);
		errors += st != WD_DUMMY_ST_OK;
		done++;
		head++;
		n++;
	}
	s->head = head;
	s->done = done;
	s->errors = errors;
	wd_emu_reg_write(eq, WD_DUMMY_REG_DONE, done);
	wd_emu_reg_write(eq, WD_DUMMY_REG_ERRORS, errors);
	wd_emu_reg_write(eq, WD_DUMMY_REG_SQ_HEAD, head);
	return n;
}

const struct wd_emu_model wd_emu_dummy_model = {
	.device_api = WD_DUMMY_API,
	.dev_prefix = "wd_dummy",
	.drv_name = "wd_dummy",
	.alg = WD_DUMMY_ALG,
	.flags = 0,
	.queues = 16,
	.depth = WD_DUMMY_DEPTH_DEFAULT,
	.depth_min = WD_DUMMY_DEPTH_MIN,
	.depth_max = WD_DUMMY_DEPTH_MAX,
	.regs_size = dummy_regs_size,
	.ring_size = dummy_ring_size,
	.init = dummy_init,
	.fini = dummy_fini,
	.poll = dummy_poll,
};
