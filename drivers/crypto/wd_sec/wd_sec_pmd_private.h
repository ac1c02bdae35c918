/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_SEC_PMD_PRIVATE_H_
#define _WD_SEC_PMD_PRIVATE_H_

#include <cryptodev_pmd.h>
#include <rte_log.h>

#include <bus_wd_driver.h>
#include <wd_sec.h>

#define CRYPTODEV_NAME_WD_SEC_PMD	crypto_wd_sec
#define WD_SEC_MAX_QPS			RTE_WD_MAX_QUEUES

extern int wd_sec_logtype;
extern uint8_t wd_sec_driver_id;

#define WD_SEC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, wd_sec_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/*
 * A session: a BD template with everything that does not change per
 * operation, and the keys it points at. It lives in the session mempool
 * (DPDK memory, so the device can read the keys) and is never written on
 * the data path, so any number of lcores can share it. BDs in flight
 * point at its keys: the application must not clear or free a session
 * while operations that use it are enqueued and not yet dequeued (DPDK's
 * rule for every PMD; see doc/guides/cryptodevs/wd_sec.rst).
 */
/*
 * DPDK 22.11's crypto scheduler, multi-core mode without ordering: when a
 * worker accepts only part of a burst the scheduler's worker core offers
 * again, the worker core restores the scheduler's session on a wrong
 * count of the ops left over (scheduler_multicore.c compares with
 * pending_deq_ops, not pending_enq_ops), and on its next try maps those
 * ops' sessions a second time: it reads this PMD's private session data
 * as its own struct scheduler_session_ctx { uint32_t ref_cnt;
 * struct rte_cryptodev_sym_session *worker_sess[8]; } and puts
 * worker_sess[worker index] in op->sym->session. With the session's own
 * address in those slots, the second mapping is the identity.
 */
#define WD_SEC_SCHED_WORKERS	8	/* RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS */

struct wd_sec_sched_self {
	uint64_t rsvd;		/* scheduler_session_ctx.ref_cnt */
	struct rte_cryptodev_sym_session *self[WD_SEC_SCHED_WORKERS];
};

struct wd_sec_session {
	struct wd_sec_sched_self sched;	/* must stay first: see above */
	struct hisi_sec_bd tmpl __rte_aligned(64);
	uint8_t cipher_key[64];
	uint8_t auth_key[64];	/* zero-padded to whole words */
	uint16_t iv_offset;	/* in the op */
	uint8_t iv_len;		/* copied to the slot's IV buffer per op */
	uint8_t has_cipher;
	uint8_t has_auth;
} __rte_aligned(64);

/*
 * Device memory of one hardware ring slot, in an IOVA-contiguous memzone:
 * the source and destination hardware SGLs (64-byte aligned, as SEC v1
 * requires) and the op's IV, copied there at enqueue (op->phys_addr is
 * not trusted: applications may keep ops where it is never set).
 */
#define WD_SEC_SGL_STRIDE	RTE_ALIGN_CEIL(sizeof(struct hisi_sec_sgl), 64)
#define WD_SEC_SLOT_IV_OFF	(2 * WD_SEC_SGL_STRIDE)
#define WD_SEC_SLOT_SIZE	(WD_SEC_SLOT_IV_OFF + 64)

/*
 * Descriptors per queue pair: up to HISI_SEC_MAX_INFLIGHT go to the
 * hardware ring, the rest wait in order in a software ring in front of it
 * (as Linux's SEC v1 driver queues requests behind its hardware queue).
 */
#define WD_SEC_MAX_DESC		32768

/* Per queue pair: one WrapDrive queue and its backlog. */
struct wd_sec_qp {
	struct wd_sec_ring *ring;	/* of q */
	uint8_t *dmem;			/* WD_SEC_SLOT_SIZE per ring slot */
	rte_iova_t dmem_iova;
	struct rte_crypto_op **backlog;	/* FIFO of accepted ops not yet on the ring */
	uint32_t bl_mask;
	uint32_t bl_head;		/* free-running: next to move to the ring */
	uint32_t bl_tail;		/* free-running: next free entry */
	uint32_t nb_desc;		/* ops accepted and not yet dequeued, at most */
	struct rte_cryptodev_stats stats;
	const struct rte_memzone *mz;
	struct wd_queue q;
	struct rte_wd_device *wdev;
	uint16_t id;
} __rte_cache_aligned;

struct wd_sec_private {
	struct rte_wd_device *wdev;
	unsigned int max_qps;	/* queues=N when given, else what is free */
	/* what this device was seen to do at probe (END-terminated) */
	struct rte_cryptodev_capabilities caps[24];
};

/* Probe which capabilities work on @dev's device; fills priv->caps. */
int wd_sec_caps_probe(struct rte_cryptodev *dev);
/* Complete every op still held by @qp with @status (queue pair release). */
unsigned int wd_sec_qp_flush(struct wd_sec_qp *qp, uint8_t status);

extern struct rte_cryptodev_ops *wd_sec_pmd_ops;

uint16_t wd_sec_enqueue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);
uint16_t wd_sec_dequeue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);

#endif /* _WD_SEC_PMD_PRIVATE_H_ */
