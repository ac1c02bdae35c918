/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_DUMMY_DMADEV_H_
#define _WD_DUMMY_DMADEV_H_

#include <rte_dmadev_pmd.h>
#include <rte_log.h>

#include <bus_wd_driver.h>
#include <wd_dummy.h>

extern int wd_dummy_dma_logtype;

#define WD_DMA_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, wd_dummy_dma_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/*
 * One vchan is one WrapDrive queue. Job ids are 16-bit and wrap:
 *
 *        done          last_submit         enq
 *         |                 |               |
 *   ...[completed][submitted, in device][written, no doorbell][free...]
 *
 * enq - done never exceeds nb_desc (<= the queue's ring depth).
 */
struct wd_dma_vchan {
	/* fast path */
	struct wd_dummy_ring *ring;	/* of q */
	uint16_t enq;		/* id of the next job */
	uint16_t last_submit;	/* enq at the last doorbell */
	uint16_t done;		/* id of the next job to complete */
	uint16_t nb_desc;
	struct rte_dma_stats stats;
	/* control path */
	struct wd_queue q;
	unsigned int depth;
} __rte_cache_aligned;

struct wd_dma_dev {
	struct rte_wd_device *wdev;
	int16_t dev_id;
	uint16_t max_vchans;	/* queues held, from the queues= devarg */
	uint16_t nb_vchans;	/* configured */
	int started;
	struct wd_dma_vchan vc[RTE_WD_MAX_QUEUES];
};

#endif /* _WD_DUMMY_DMADEV_H_ */
