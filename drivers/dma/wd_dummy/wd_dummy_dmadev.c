/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * dma_wd_dummy: a DPDK dmadev over WrapDrive "wd_dummy_v1" memcpy queues,
 * one vchan per queue. The data path writes descriptors into the mapped
 * ring and rings the doorbell; completions are read back in order.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dmadev.h>
#include <rte_dmadev_pmd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "wd_dummy_dmadev.h"

#define MIN_DESC 32
#define MAX_DESC 16384		/* beyond the ring's depth, in the backlog */
#define STOP_TIMEOUT_MS 1000

RTE_LOG_REGISTER_DEFAULT(wd_dummy_dma_logtype, NOTICE);

/* --- data path ---------------------------------------------------------- */

/* Submitted backlog jobs enter the ring as far as it has room. */
static inline void
vc_drain(struct wd_dma_vchan *vc)
{
	const struct wd_dma_job *j;
	uint16_t moved = 0;

	while ((uint16_t)(vc->hw_next - vc->done) < (uint16_t)(vc->last_submit - vc->done)) {
		j = &vc->backlog[vc->hw_next & vc->bl_mask];
		if (wd_dummy_ring_enqueue(vc->ring, j->op, j->src, j->dst, j->len) != 0)
			break;
		vc->hw_next++;
		moved++;
	}
	if (moved != 0)
		wd_dummy_ring_doorbell(vc->ring);
}

static inline void
vc_submit(struct wd_dma_vchan *vc)
{
	vc->stats.submitted += (uint16_t)(vc->enq - vc->last_submit);
	vc->last_submit = vc->enq;
	if (unlikely(vc->hw_next != vc->enq))
		vc_drain(vc);
	wd_dummy_ring_doorbell(vc->ring);
}

static inline int
vc_enqueue(struct wd_dma_vchan *vc, uint16_t op, uint64_t src, rte_iova_t dst,
	uint32_t len, uint64_t flags)
{
	struct wd_dma_job *j;
	uint16_t id;

	if (unlikely(len == 0 || len > WD_DUMMY_MAX_LEN))
		return -EINVAL;
	if (unlikely((uint16_t)(vc->enq - vc->done) >= vc->nb_desc))
		return -ENOSPC;
	/* straight into the ring while nothing waits in the backlog */
	if (likely(vc->hw_next == vc->enq) &&
	    likely(wd_dummy_ring_enqueue(vc->ring, op, src, dst, len) == 0)) {
		vc->hw_next++;
	} else {
		if (unlikely(vc->backlog == NULL))
			return -ENOSPC;
		j = &vc->backlog[vc->enq & vc->bl_mask];
		j->src = src;
		j->dst = dst;
		j->len = len;
		j->op = op;
	}
	id = vc->enq++;
	/* The engine serves descriptors in order: a fence holds by itself. */
	if (flags & RTE_DMA_OP_FLAG_SUBMIT)
		vc_submit(vc);
	return id;
}

static int
wd_dma_copy(void *dev_private, uint16_t vchan, rte_iova_t src, rte_iova_t dst,
	uint32_t length, uint64_t flags)
{
	struct wd_dma_dev *dd = dev_private;

	return vc_enqueue(&dd->vc[vchan], WD_DUMMY_OP_COPY, src, dst, length, flags);
}

static int
wd_dma_fill(void *dev_private, uint16_t vchan, uint64_t pattern, rte_iova_t dst,
	uint32_t length, uint64_t flags)
{
	struct wd_dma_dev *dd = dev_private;

	return vc_enqueue(&dd->vc[vchan], WD_DUMMY_OP_FILL, pattern, dst, length, flags);
}

static int
wd_dma_submit(void *dev_private, uint16_t vchan)
{
	struct wd_dma_dev *dd = dev_private;

	vc_submit(&dd->vc[vchan]);
	return 0;
}

static inline void
vc_retire(struct wd_dma_vchan *vc, uint16_t n, uint16_t *last_idx)
{
	wd_dummy_ring_retire(vc->ring, n);
	vc->done += n;
	vc->stats.completed += n;
	*last_idx = vc->done - 1;
	if (unlikely(vc->backlog != NULL) && n != 0)
		vc_drain(vc);
}

/* Successful jobs up to the first failure, which stays for
 * completed_status() to report. */
static uint16_t
wd_dma_completed(void *dev_private, uint16_t vchan, const uint16_t nb_cpls,
	uint16_t *last_idx, bool *has_error)
{
	struct wd_dma_vchan *vc = &((struct wd_dma_dev *)dev_private)->vc[vchan];
	uint16_t n = (uint16_t)wd_dummy_ring_done_ok(vc->ring, nb_cpls);

	if (unlikely(n < nb_cpls)) {
		uint32_t st = wd_dummy_ring_status(vc->ring, n);

		if (st != WD_DUMMY_ST_PENDING && st != WD_DUMMY_ST_OK)
			*has_error = true;
	}
	vc_retire(vc, n, last_idx);
	return n;
}

static enum rte_dma_status_code
status_code(uint32_t st)
{
	switch (st) {
	case WD_DUMMY_ST_OK:
		return RTE_DMA_STATUS_SUCCESSFUL;
	case WD_DUMMY_ST_FAULT:
		return RTE_DMA_STATUS_INVALID_ADDR;
	case WD_DUMMY_ST_INVAL:
		return RTE_DMA_STATUS_INVALID_LENGTH;
	default:
		return RTE_DMA_STATUS_ERROR_UNKNOWN;
	}
}

static uint16_t
wd_dma_completed_status(void *dev_private, uint16_t vchan, const uint16_t nb_cpls,
	uint16_t *last_idx, enum rte_dma_status_code *status)
{
	struct wd_dma_vchan *vc = &((struct wd_dma_dev *)dev_private)->vc[vchan];
	uint16_t pending = vc->last_submit - vc->done;
	uint16_t n = 0;
	uint32_t st;

	while (n < nb_cpls && n < pending) {
		st = wd_dummy_ring_status(vc->ring, n);
		if (st == WD_DUMMY_ST_PENDING)
			break;
		status[n] = status_code(st);
		vc->stats.errors += st != WD_DUMMY_ST_OK;
		n++;
	}
	vc_retire(vc, n, last_idx);
	return n;
}

static uint16_t
wd_dma_burst_capacity(const void *dev_private, uint16_t vchan)
{
	const struct wd_dma_vchan *vc = &((const struct wd_dma_dev *)dev_private)->vc[vchan];

	return vc->nb_desc - (uint16_t)(vc->enq - vc->done);
}

/* --- control path -------------------------------------------------------- */

static int
wd_dma_info_get(const struct rte_dma_dev *dev, struct rte_dma_info *info, uint32_t info_sz)
{
	const struct wd_dma_dev *dd = dev->data->dev_private;

	info->dev_capa = RTE_DMA_CAPA_MEM_TO_MEM | RTE_DMA_CAPA_OPS_COPY |
		RTE_DMA_CAPA_OPS_FILL | RTE_DMA_CAPA_HANDLES_ERRORS;
	info->max_vchans = dd->max_vchans;
	/* the ring's depth, and a software backlog behind it up to MAX_DESC */
	info->max_desc = MAX_DESC;
	info->min_desc = MIN_DESC;
	info->max_sges = 0;
	return 0;
}

static int
wd_dma_configure(struct rte_dma_dev *dev, const struct rte_dma_conf *conf, uint32_t conf_sz)
{
	struct wd_dma_dev *dd = dev->data->dev_private;

	if (rte_wd_primary_only(dev->data->dev_name, "configure") != 0)
		return -E_RTE_SECONDARY;
	if (conf->nb_vchans > dd->max_vchans)
		return -EINVAL;
	dd->nb_vchans = conf->nb_vchans;
	return 0;
}

/*
 * Start the vchan afresh: jobs written without a doorbell and backlog
 * entries are dropped, doorbelled ones are waited for (never replayed),
 * and job ids start again at 0.
 */
static int
vc_reset(struct wd_dma_vchan *vc)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * STOP_TIMEOUT_MS / 1000;

	while (wd_dummy_ring_reset(vc->ring) != 0) {
		if (rte_get_timer_cycles() > end)
			return -ETIMEDOUT;
		rte_pause();
	}
	vc->enq = vc->done = vc->last_submit = vc->hw_next = 0;
	return 0;
}

/* Wait until the device has finished what it was given. */
static int
vc_quiesce(struct wd_dma_vchan *vc)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * STOP_TIMEOUT_MS / 1000;

	while (wd_dummy_ring_busy(vc->ring)) {
		if (rte_get_timer_cycles() > end)
			return -ETIMEDOUT;
		rte_pause();
	}
	return 0;
}

static int
wd_dma_vchan_setup(struct rte_dma_dev *dev, uint16_t vchan,
	const struct rte_dma_vchan_conf *conf, uint32_t conf_sz)
{
	struct wd_dma_dev *dd = dev->data->dev_private;
	struct wd_dma_vchan *vc = &dd->vc[vchan];
	uint32_t slots;

	if (rte_wd_primary_only(dev->data->dev_name, "vchan setup") != 0)
		return -E_RTE_SECONDARY;
	if (conf->direction != RTE_DMA_DIR_MEM_TO_MEM || conf->nb_desc < MIN_DESC ||
	    conf->nb_desc > MAX_DESC)
		return -EINVAL;
	if (vc_reset(vc) != 0) {
		WD_DMA_LOG(ERR, "%s: queue %s did not drain", dev->data->dev_name, vc->q.uuid);
		return -EBUSY;
	}
	rte_free(vc->backlog);
	vc->backlog = NULL;
	vc->bl_mask = 0;
	if (conf->nb_desc > vc->depth) {
		slots = rte_align32pow2(conf->nb_desc);
		vc->backlog = rte_zmalloc_socket("wd_dma_backlog", slots * sizeof(*vc->backlog),
						 RTE_CACHE_LINE_SIZE, dev->data->numa_node);
		if (vc->backlog == NULL)
			return -ENOMEM;
		vc->bl_mask = (uint16_t)(slots - 1);
	}
	vc->nb_desc = conf->nb_desc;
	memset(&vc->stats, 0, sizeof(vc->stats));
	return 0;
}

static int
wd_dma_start(struct rte_dma_dev *dev)
{
	struct wd_dma_dev *dd = dev->data->dev_private;
	uint16_t i;

	if (rte_wd_primary_only(dev->data->dev_name, "start") != 0)
		return -E_RTE_SECONDARY;
	/* what was abandoned at stop stays abandoned; ids restart at 0 */
	for (i = 0; i < dd->nb_vchans; i++) {
		if (vc_reset(&dd->vc[i]) != 0) {
			WD_DMA_LOG(ERR, "%s: queue %s did not drain", dev->data->dev_name,
				   dd->vc[i].q.uuid);
			return -EBUSY;
		}
	}
	dd->started = 1;
	return 0;
}

static int
wd_dma_stop(struct rte_dma_dev *dev)
{
	struct wd_dma_dev *dd = dev->data->dev_private;
	uint16_t i;
	int rc = 0;

	if (rte_wd_primary_only(dev->data->dev_name, "stop") != 0)
		return -E_RTE_SECONDARY;
	for (i = 0; i < dd->nb_vchans; i++)
		if (vc_quiesce(&dd->vc[i]) != 0)
			rc = -EBUSY;
	dd->started = 0;
	return rc;
}

static void
release_queues(struct wd_dma_dev *dd)
{
	uint16_t i;

	for (i = 0; i < dd->max_vchans; i++) {
		rte_wd_queue_release(dd->wdev, &dd->vc[i].q);
		rte_free(dd->vc[i].backlog);
		dd->vc[i].backlog = NULL;
	}
	dd->max_vchans = 0;
}

static int
wd_dma_close(struct rte_dma_dev *dev)
{
	if (rte_wd_primary_only(dev->data->dev_name, "close") != 0)
		return -E_RTE_SECONDARY;
	release_queues(dev->data->dev_private);
	return 0;
}

static int
wd_dma_stats_get(const struct rte_dma_dev *dev, uint16_t vchan, struct rte_dma_stats *stats,
	uint32_t stats_sz)
{
	const struct wd_dma_dev *dd = dev->data->dev_private;
	uint16_t i;

	if (vchan != RTE_DMA_ALL_VCHAN) {
		*stats = dd->vc[vchan].stats;
		return 0;
	}
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < dd->nb_vchans; i++) {
		stats->submitted += dd->vc[i].stats.submitted;
		stats->completed += dd->vc[i].stats.completed;
		stats->errors += dd->vc[i].stats.errors;
	}
	return 0;
}

static int
wd_dma_stats_reset(struct rte_dma_dev *dev, uint16_t vchan)
{
	struct wd_dma_dev *dd = dev->data->dev_private;
	uint16_t i;

	for (i = 0; i < dd->nb_vchans; i++)
		if (vchan == RTE_DMA_ALL_VCHAN || vchan == i)
			memset(&dd->vc[i].stats, 0, sizeof(dd->vc[i].stats));
	return 0;
}

static int
wd_dma_vchan_status(const struct rte_dma_dev *dev, uint16_t vchan,
	enum rte_dma_vchan_status *status)
{
	const struct wd_dma_dev *dd = dev->data->dev_private;

	*status = wd_dummy_ring_busy(dd->vc[vchan].ring) ? RTE_DMA_VCHAN_ACTIVE :
		RTE_DMA_VCHAN_IDLE;
	return 0;
}

static int
wd_dma_dump(const struct rte_dma_dev *dev, FILE *f)
{
	const struct wd_dma_dev *dd = dev->data->dev_private;
	uint16_t i;

	/* dd->wdev is the primary's pointer: read the queue's own fields */
	fprintf(f, "  device: %s (%s), %u queues, %u vchans configured, %s\n",
		dd->vc[0].q.dev_name, dd->vc[0].q.emulated ? "emulated" : "vfio",
		dd->max_vchans, dd->nb_vchans, dd->started ? "started" : "stopped");
	for (i = 0; i < dd->max_vchans; i++) {
		const struct wd_dma_vchan *vc = &dd->vc[i];

		fprintf(f, "  vchan %u: queue %s depth %u nb_desc %u next id %u done %u "
			"in flight %u (ring %u, backlog %u) submitted %" PRIu64 " completed %"
			PRIu64 " errors %" PRIu64 "\n", i, vc->q.uuid, vc->depth, vc->nb_desc,
			vc->enq, vc->done, (uint16_t)(vc->enq - vc->done),
			(uint16_t)(vc->hw_next - vc->done), (uint16_t)(vc->enq - vc->hw_next),
			vc->stats.submitted, vc->stats.completed, vc->stats.errors);
	}
	return 0;
}

static const struct rte_dma_dev_ops wd_dma_ops = {
	.dev_info_get = wd_dma_info_get,
	.dev_configure = wd_dma_configure,
	.dev_start = wd_dma_start,
	.dev_stop = wd_dma_stop,
	.dev_close = wd_dma_close,
	.vchan_setup = wd_dma_vchan_setup,
	.stats_get = wd_dma_stats_get,
	.stats_reset = wd_dma_stats_reset,
	.vchan_status = wd_dma_vchan_status,
	.dev_dump = wd_dma_dump,
};

/* --- bus driver ----------------------------------------------------------- */

/* The vchans' queues into @qs. */
static unsigned int
vchan_queues(struct wd_dma_dev *dd, struct wd_queue **qs)
{
	unsigned int i;

	for (i = 0; i < dd->max_vchans; i++)
		qs[i] = &dd->vc[i].q;
	return i;
}

static void
set_ops(struct rte_dma_dev *dev, struct rte_wd_device *wdev)
{
	dev->device = &wdev->device;
	dev->dev_ops = &wd_dma_ops;
	dev->fp_obj->dev_private = dev->data->dev_private;
	dev->fp_obj->copy = wd_dma_copy;
	dev->fp_obj->fill = wd_dma_fill;
	dev->fp_obj->submit = wd_dma_submit;
	dev->fp_obj->completed = wd_dma_completed;
	dev->fp_obj->completed_status = wd_dma_completed_status;
	dev->fp_obj->burst_capacity = wd_dma_burst_capacity;
	dev->state = RTE_DMA_DEV_READY;
	wdev->priv = dev;
}

static int
wd_dma_probe(struct rte_wd_driver *drv, struct rte_wd_device *wdev)
{
	struct rte_dma_dev *dev;
	struct wd_dma_dev *dd;
	unsigned int i;
	int rc;

	dev = rte_dma_pmd_allocate(wdev->info.name, wdev->device.numa_node, sizeof(*dd));
	if (dev == NULL) {
		WD_DMA_LOG(ERR, "%s: cannot %s a dmadev", wdev->info.name,
			   rte_eal_process_type() == RTE_PROC_PRIMARY ? "allocate" :
			   "find the primary's");
		return -ENOMEM;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		/* the primary's device and queues, in shared memory */
		struct wd_queue *qs[RTE_WD_MAX_QUEUES];

		dd = dev->data->dev_private;
		rc = rte_wd_queues_attach(wdev->info.name, qs, vchan_queues(dd, qs));
		if (rc != 0) {
			dev->state = RTE_DMA_DEV_REGISTERED;
			rte_dma_pmd_release(wdev->info.name);
			return rc;
		}
		set_ops(dev, wdev);
		WD_DMA_LOG(INFO, "%s: dmadev %d of the primary process", wdev->info.name,
			   dev->data->dev_id);
		return 0;
	}
	dd = dev->data->dev_private;
	dd->wdev = wdev;
	dd->dev_id = dev->data->dev_id;
	for (i = 0; i < wdev->queues; i++) {
		rc = rte_wd_queue_request(wdev, WD_DUMMY_ALG, &dd->vc[i].q);
		if (rc != 0) {
			WD_DMA_LOG(ERR, "%s: queue %u of %u: %s", wdev->info.name, i + 1,
				   wdev->queues, strerror(-rc));
			release_queues(dd);
			rte_dma_pmd_release(wdev->info.name);
			return rc;
		}
		dd->max_vchans = (uint16_t)(i + 1);
		dd->vc[i].ring = wd_dummy_ring(&dd->vc[i].q);
		dd->vc[i].depth = wd_queue_depth(&dd->vc[i].q);
		dd->vc[i].nb_desc = (uint16_t)RTE_MIN(dd->vc[i].depth, (unsigned int)UINT16_MAX);
	}

	set_ops(dev, wdev);
	WD_DMA_LOG(INFO, "%s: dmadev %d with %u vchans", wdev->info.name, dd->dev_id,
		   dd->max_vchans);
	return 0;
}

static int
wd_dma_remove(struct rte_wd_device *wdev)
{
	struct rte_dma_dev *dev = wdev->priv;
	struct wd_dma_dev *dd;

	if (dev == NULL)
		return -ENODEV;
	wdev->priv = NULL;
	/* rte_dma_close() by the application released it (and its queues) */
	if (dev->data == NULL)
		return 0;
	dd = dev->data->dev_private;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		struct wd_queue *qs[RTE_WD_MAX_QUEUES];

		rte_wd_queues_detach(qs, vchan_queues(dd, qs));
		/* detach only: not READY, so the release does not close it */
		dev->state = RTE_DMA_DEV_REGISTERED;
		return rte_dma_pmd_release(wdev->info.name);
	}
	if (dd->started)
		rte_dma_stop(dd->dev_id);
	/* closes the device (releasing its queues) if the app did not */
	return rte_dma_pmd_release(wdev->info.name);
}

static const struct rte_wd_id wd_dma_ids[] = {
	{ .device_api = WD_DUMMY_API, .alg = WD_DUMMY_ALG },
	{ .device_api = NULL },
};

static struct rte_wd_driver wd_dma_driver = {
	.id_table = wd_dma_ids,
	.probe = wd_dma_probe,
	.remove = wd_dma_remove,
};

RTE_PMD_REGISTER_WD(dma_wd_dummy, wd_dma_driver);
