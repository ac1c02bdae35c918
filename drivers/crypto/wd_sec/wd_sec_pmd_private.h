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
 * the data path, so any number of lcores can share it.
 */
struct wd_sec_session {
	struct hisi_sec_bd tmpl;
	uint8_t cipher_key[64];
	uint8_t auth_key[64];	/* zero-padded to whole words */
	uint16_t iv_offset;	/* in the op */
	uint8_t has_cipher;
	uint8_t has_auth;
} __rte_aligned(64);

/* Per queue pair: one WrapDrive queue. */
struct wd_sec_qp {
	struct wd_sec_ring *ring;	/* of q */
	uint32_t max_inflight;
	struct hisi_sec_sgl *sgl;	/* two per ring slot: source, destination */
	rte_iova_t sgl_iova;
	struct rte_cryptodev_stats stats;
	struct wd_queue q;
	struct rte_wd_device *wdev;
	uint16_t id;
} __rte_cache_aligned;

struct wd_sec_private {
	struct rte_wd_device *wdev;
	unsigned int max_qps;	/* queues=N when given, else what is free */
};

extern struct rte_cryptodev_ops *wd_sec_pmd_ops;

uint16_t wd_sec_enqueue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);
uint16_t wd_sec_dequeue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);

#endif /* _WD_SEC_PMD_PRIVATE_H_ */
