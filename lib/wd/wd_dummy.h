/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_DUMMY_H_
#define _WD_DUMMY_H_

/**
 * @file
 * User driver of device_api "wd_dummy_v1" (a memcpy/fill engine): the
 * message wd_send()/wd_recv() take, and burst calls for frameworks.
 */

#include <errno.h>
#include <stdint.h>

#include "wd.h"
#include "wd_arch.h"
#include "wd_notify.h"
#include "wd_dummy_v1.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One request. IOVAs of memory shared with wd_mem_share() are its
 *  addresses: (uint64_t)(uintptr_t)ptr. */
struct wd_dummy_msg {
	uint64_t src;		/**< source IOVA, or the 8-byte pattern for FILL */
	uint64_t dst;		/**< destination IOVA */
	uint32_t len;		/**< bytes, 1..WD_DUMMY_MAX_LEN */
	uint16_t op;		/**< WD_DUMMY_OP_COPY or WD_DUMMY_OP_FILL */
	uint16_t status;	/**< out: WD_DUMMY_ST_OK, _FAULT or _INVAL */
	void *user;		/**< the caller's, untouched */
};

/**
 * Submit up to @p n messages and ring the doorbell once.
 * @return number submitted (fewer when the ring fills), or -EINVAL.
 */
int wd_dummy_send_burst(struct wd_queue *q, struct wd_dummy_msg **msgs, unsigned int n);

/**
 * Take up to @p n completed messages, in submission order.
 * @return number returned (0 when none is ready), or -EINVAL.
 */
int wd_dummy_recv_burst(struct wd_queue *q, struct wd_dummy_msg **msgs, unsigned int n);

/** Descriptors submitted and not yet returned by wd_recv*. */
unsigned int wd_dummy_inflight(const struct wd_queue *q);

/**
 * The queue's ring as the driver sees it, for frameworks that track their
 * own jobs (the DPDK dmadev): no message objects, a separate doorbell,
 * completions looked at by position, all inline. Do not mix with
 * wd_send()/wd_recv() on the same queue.
 */
struct wd_dummy_ring {
	volatile uint32_t *regs;	/**< registers page */
	struct wd_dummy_desc *desc;	/**< descriptor ring */
	uint32_t mask;			/**< depth - 1 */
	uint32_t tail;			/**< next descriptor to write */
	uint32_t ci;			/**< oldest outstanding descriptor */
	uint32_t errors_seen;		/**< failed descriptors among the retired */
	uint32_t clean;			/**< descriptors before it are known OK */
	volatile uint32_t *notify;	/**< engine's notify word (wd_notify.h) or NULL */
	uint32_t rung;			/**< tail at the last doorbell */
};

/** The ring of a wd_dummy_v1 queue (valid until the queue is released). */
struct wd_dummy_ring *wd_dummy_ring(struct wd_queue *q);

static inline uint32_t
wd_dummy_reg_read(const struct wd_dummy_ring *r, unsigned int off)
{
	return wd_read32(&r->regs[off / 4]);
}

/** Descriptors written and not yet retired. */
static inline uint32_t
wd_dummy_ring_inflight(const struct wd_dummy_ring *r)
{
	return r->tail - r->ci;
}

/** Write one descriptor without ringing the doorbell.
 *  @return 0, or -EBUSY when the ring is full. */
static inline int
wd_dummy_ring_enqueue(struct wd_dummy_ring *r, uint16_t op, uint64_t src, uint64_t dst,
	uint32_t len)
{
	struct wd_dummy_desc *d;

	if (r->tail - r->ci > r->mask)
		return -EBUSY;
	d = &r->desc[r->tail & r->mask];
	d->src = src;
	d->dst = dst;
	d->len = len;
	d->op = op;
	d->flags = 0;
	d->cookie = r->tail;
	d->status = WD_DUMMY_ST_PENDING;
	r->tail++;
	return 0;
}

/** Hand every written descriptor to the device. */
static inline void
wd_dummy_ring_doorbell(struct wd_dummy_ring *r)
{
	/* Nothing new: no store (SQ_TAIL shares a cache line with the
	 * registers the engine writes) and no fence. */
	if (r->tail == r->rung)
		return;
	r->rung = r->tail;
	wd_write32(&r->regs[WD_DUMMY_REG_SQ_TAIL / 4], r->tail);
	wd_notify(r->notify);
}

/** Status (WD_DUMMY_ST_*) of the @p i-th oldest outstanding descriptor;
 *  WD_DUMMY_ST_PENDING while the device has not finished it. */
static inline uint32_t
wd_dummy_ring_status(const struct wd_dummy_ring *r, uint32_t i)
{
	if (i >= r->tail - r->ci)
		return WD_DUMMY_ST_PENDING;
	return __atomic_load_n(&r->desc[(r->ci + i) & r->mask].status, __ATOMIC_ACQUIRE);
}

/**
 * How many of the oldest outstanding descriptors are finished and all OK,
 * from two register reads when no error happened since the last call (one
 * look per descriptor otherwise, up to the first failure).
 *
 * The device publishes ERRORS before SQ_HEAD, so ERRORS read after SQ_HEAD
 * counts at least every failure before that head, and possibly failures
 * past it. errors_seen is the exact count among retired descriptors: if
 * ERRORS equals it, none of [ci, head) failed. Any other value only
 * costs a look at each status (the status, written last by the device, is
 * the authority), so a failure is never reported as a success whatever
 * the interleaving with the engine.
 */
static inline uint32_t
wd_dummy_ring_done_ok(struct wd_dummy_ring *r, uint32_t max)
{
	uint32_t head = wd_dummy_reg_read(r, WD_DUMMY_REG_SQ_HEAD);
	uint32_t errors = wd_dummy_reg_read(r, WD_DUMMY_REG_ERRORS);
	uint32_t n = head - r->ci, i;

	if (n > r->tail - r->ci)	/* never trust the device past the tail */
		n = r->tail - r->ci;
	if (n > max)
		n = max;
	if (errors != r->errors_seen) {
		for (i = 0; i < n; i++)
			if (wd_dummy_ring_status(r, i) != WD_DUMMY_ST_OK)
				break;
		n = i;
	}
	if ((int32_t)(r->ci + n - r->clean) > 0)
		r->clean = r->ci + n;
	return n;
}

/** Forget the @p n oldest outstanding descriptors (all finished). */
static inline void
wd_dummy_ring_retire(struct wd_dummy_ring *r, uint32_t n)
{
	uint32_t i = 0;

	/* failures among those not already known OK keep errors_seen exact */
	if ((int32_t)(r->clean - r->ci) > 0)
		i = r->clean - r->ci;
	for (; i < n; i++)
		r->errors_seen += wd_dummy_ring_status(r, i) != WD_DUMMY_ST_OK;
	r->ci += n;
}

/** 1 while the device has doorbelled descriptors it has not finished. */
static inline int
wd_dummy_ring_busy(const struct wd_dummy_ring *r)
{
	return wd_dummy_reg_read(r, WD_DUMMY_REG_SQ_HEAD) !=
		wd_dummy_reg_read(r, WD_DUMMY_REG_SQ_TAIL);
}

/**
 * Forget descriptors written but not handed to the device (no doorbell),
 * and, once the device is idle (wd_dummy_ring_busy() 0), every finished
 * one: the ring starts empty where the device stands.
 * @return 0, or -EBUSY while the device still works on doorbelled ones.
 */
static inline int
wd_dummy_ring_reset(struct wd_dummy_ring *r)
{
	r->tail = wd_dummy_reg_read(r, WD_DUMMY_REG_SQ_TAIL);
	r->rung = r->tail;
	if (wd_dummy_ring_busy(r))
		return -EBUSY;
	/* idle: SQ_HEAD == SQ_TAIL, and ERRORS (written before) is final */
	r->errors_seen = wd_dummy_reg_read(r, WD_DUMMY_REG_ERRORS);
	r->ci = r->tail;
	r->clean = r->ci;
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* _WD_DUMMY_H_ */
