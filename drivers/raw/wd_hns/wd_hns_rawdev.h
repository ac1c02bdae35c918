/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_HNS_RAWDEV_H_
#define _WD_HNS_RAWDEV_H_

#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rawdev.h>
#include <rte_rawdev_pmd.h>

#include <bus_wd_driver.h>
#include <wd_hns.h>

#include "rte_pmd_wd_hns.h"

extern int wd_hns_raw_logtype;

#define WD_HNS_RAW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, wd_hns_raw_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

#define WD_HNS_RAW_MAX_QUEUES 16

/* One queue: one ring pair; mbufs per slot as in net_wd. */
struct wd_hns_rawq {
	struct wd_hns_ring *ring;
	struct rte_mempool *mp;
	struct rte_mbuf **rx_sw;
	struct rte_mbuf **tx_sw;
	uint32_t nb_desc;
	uint64_t enq, deq, enq_errors, nombuf, rx_bad;
	struct wd_queue q;
	int open;
} __rte_cache_aligned;

struct wd_hns_rawdev {
	struct rte_wd_device *wdev;
	uint16_t dev_id;
	uint16_t max_queues;
	uint16_t nb_queues;
	int loopback;
	int pause;		/* 802.3x flow control on every ring pair */
	struct wd_hns_rawq qs[WD_HNS_RAW_MAX_QUEUES];
};

int wd_hns_rawdev_selftest(uint16_t dev_id);

#endif /* _WD_HNS_RAWDEV_H_ */
