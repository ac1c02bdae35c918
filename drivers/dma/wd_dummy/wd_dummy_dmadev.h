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
 *        done          hw_next          last_submit         enq
 *         |               |                  |               |
 *   ...[completed][in the hardware ring][backlog, submitted][written][free...]
 *
 * Jobs [done, hw_next) are in the hardware ring (at most its depth), in
 * order; when nb_desc is larger than the ring, later jobs wait in a
 * software backlog (indexed by id) and enter the ring, once submitted, as
 * completions make room. Jobs written without a doorbell sit at the end
 * of the ring when the backlog is empty. enq - done never exceeds nb_desc.
 */
struct wd_dma_job {
	uint64_t src;		/* source IOVA or fill pattern */
	uint64_t dst;
	uint32_t len;
	uint16_t op;
};

struct wd_dma_vchan {
	/* fast path */
	struct wd_dummy_ring *ring;	/* of q */
	uint16_t enq;		/* id of the next job */
	uint16_t last_submit;	/* enq at the last doorbell */
	uint16_t done;		/* id of the next job to complete */
	uint16_t hw_next;	/* id of the next job to enter the ring */
	uint16_t nb_desc;
	uint16_t bl_mask;	/* backlog slots - 1 */
	struct wd_dma_job *backlog;	/* NULL: nb_desc fits the ring */
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
