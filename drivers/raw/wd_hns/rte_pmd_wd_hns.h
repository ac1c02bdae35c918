/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _RTE_PMD_WD_HNS_H_
#define _RTE_PMD_WD_HNS_H_

/**
 * @file
 * raw_wd_hns: a rawdev over WrapDrive HNS ring pairs (device_api
 * "hisi_hns_v1"), one rawdev per device, one ring pair per queue.
 *
 * - rte_rawdev_info_get(): dev_private -> struct rte_wd_hns_info
 * - rte_rawdev_configure(): struct rte_wd_hns_conf
 * - rte_rawdev_queue_setup(): struct rte_wd_hns_queue_conf (takes a ring
 *   pair from the device; rte_rawdev_queue_release() gives it back)
 * - rte_rawdev_enqueue_buffers(): buf_addr of each buffer is an rte_mbuf
 *   to send (single or multi-segment, freed by the driver once sent);
 *   context points to the uint16_t queue id (NULL: queue 0)
 * - rte_rawdev_dequeue_buffers(): buf_addr gets each received rte_mbuf
 * - attributes (rte_rawdev_get_attr/set_attr): "depth" (ring BDs; set:
 *   RX buffers kept posted and TX BDs in flight, 16..ring depth),
 *   "bufsize" (RX buffer bytes 512..4096, set while stopped), "loopback"
 *   (0/1: TX to our own RX), "pause" (0/1: 802.3x flow control, frames
 *   wait for RX buffers instead of being dropped), "link" (ro), "queues"
 *   (ro: configured)
 */

#include <stdint.h>

#include <rte_mempool.h>

#define RTE_WD_HNS_RAW_NAME "raw_wd_hns"

/** rte_rawdev_info_get() */
struct rte_wd_hns_info {
	char dev[64];		/**< WrapDrive device, e.g. "hisi_hns0" */
	uint16_t max_queues;	/**< ring pairs it may take (bus queues= devarg) */
	uint16_t nb_queues;	/**< configured */
	uint32_t depth;		/**< BDs per ring (0 until a queue is set up) */
};

/** rte_rawdev_configure() */
struct rte_wd_hns_conf {
	uint16_t nb_queues;	/**< 1..max_queues */
};

/** rte_rawdev_queue_setup() */
struct rte_wd_hns_queue_conf {
	struct rte_mempool *mp;	/**< mbufs for RX */
	uint16_t nb_desc;	/**< 0: the ring depth */
};

#endif /* _RTE_PMD_WD_HNS_H_ */
