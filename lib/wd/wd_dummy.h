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

#include <stdint.h>

#include "wd.h"
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

/*
 * Descriptor-level calls for frameworks that track their own jobs (the
 * DPDK dmadev): no message objects, the doorbell is separate, completions
 * are looked at by position. Do not mix with wd_send()/wd_recv() on the
 * same queue.
 */

/** Write one descriptor without ringing the doorbell.
 *  @return 0, or -EBUSY when the ring is full. */
int wd_dummy_enqueue(struct wd_queue *q, uint16_t op, uint64_t src, uint64_t dst,
	uint32_t len);

/** Hand every written descriptor to the device. */
void wd_dummy_doorbell(struct wd_queue *q);

/** Status (WD_DUMMY_ST_*) of the @p i-th oldest outstanding descriptor;
 *  WD_DUMMY_ST_PENDING while the device has not finished it. */
uint32_t wd_dummy_peek(const struct wd_queue *q, unsigned int i);

/** Forget the @p n oldest outstanding descriptors (all finished). */
void wd_dummy_retire(struct wd_queue *q, unsigned int n);

/** 1 while the device has doorbelled descriptors it has not finished. */
int wd_dummy_busy(const struct wd_queue *q);

#ifdef __cplusplus
}
#endif

#endif /* _WD_DUMMY_H_ */
