/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WrapDrive_k: the in-kernel interface between wd.ko and accelerator
 * drivers (wd_dummy.ko, hardware drivers).
 *
 * An accelerator driver registers one struct wd_driver, then one struct
 * wd_dev per device with wd_register_dev(). wd.ko makes each device an
 * mdev parent under /sys/class/wd_dev/<name><n>, one mdev type per
 * algorithm, and each mdev (a queue) an emulated-IOMMU VFIO device with
 * two regions: the registers page and the descriptor ring (wd_uapi.h).
 * wd.ko owns the regions, the sysfs attributes and the queue's lifetime;
 * the driver only serves the rings between queue_start() and queue_stop().
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#ifndef _WD_K_H_
#define _WD_K_H_

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/types.h>

#include "wd_uapi.h"

struct wd_dev;
struct wd_queue;

/* One algorithm (mdev type) of a device. */
struct wd_alg {
	const char *name;	/* "memcpy": the type's name, dir "<drv>-<name>" */
	u32 flags;		/* WD_CAPA_* */
};

/*
 * What a driver does for its queues. Called with the queue's lock held;
 * may sleep.
 *  ring_size    bytes of the ring region for @depth descriptors (wd.ko
 *               rounds it up to pages).
 *  queue_start  the queue was opened (or reset): its regions are
 *               allocated and zeroed; set up the registers and start
 *               serving the queue.
 *  queue_stop   the queue is being closed (or reset): when this returns,
 *               the driver must never touch the queue's regions or user
 *               memory again. Runs with no user mm (the owner may be dead).
 *  doorbell     optional: user space wrote the registers region with
 *               write(2) (a slow-path doorbell); the regions are valid.
 */
struct wd_queue_ops {
	size_t (*ring_size)(unsigned int depth);
	int (*queue_start)(struct wd_queue *q);
	void (*queue_stop)(struct wd_queue *q);
	void (*doorbell)(struct wd_queue *q);
};

struct wd_driver {
	/* set by the driver */
	const char *name;		/* "wd_dummy": device and type prefix */
	const char *device_api;		/* "wd_dummy_v1" */
	const struct wd_queue_ops *ops;
	unsigned int max_queues;	/* instances per device, all types */
	size_t regs_size;		/* registers region, a page multiple */
	unsigned int depth_min, depth_max, depth_default; /* powers of 2 */
	size_t queue_priv_size;		/* wd_queue_priv() bytes, zeroed */

	/* private to wd.ko */
	struct module *owner;
	struct mdev_driver mdrv;
	struct device_driver drv;
	struct ida ida;
};

int __wd_register_driver(struct wd_driver *drv, struct module *owner);
#define wd_register_driver(drv) __wd_register_driver(drv, THIS_MODULE)
void wd_unregister_driver(struct wd_driver *drv);

/*
 * Register a device: @parent may be NULL (then /sys/devices/wd/<name>).
 * @node is the initial numa_zone_id (NUMA_NO_NODE = unknown), @priority
 * the initial priority (WD_PRIORITY_MIN..MAX), @priv the driver's.
 * Returns the device or an ERR_PTR.
 */
struct wd_dev *wd_register_dev(struct wd_driver *drv, struct device *parent,
			       const struct wd_alg *algs, unsigned int nr_algs,
			       int node, int priority, void *priv);
/* Removes every queue of the device (waits for open ones to be closed). */
void wd_unregister_dev(struct wd_dev *wdev);

void *wd_dev_priv(const struct wd_dev *wdev);
const char *wd_dev_name(const struct wd_dev *wdev);

/* Queue accessors for drivers (valid from queue_start to queue_stop). */
struct wd_dev *wd_queue_dev(const struct wd_queue *q);
void *wd_queue_priv(struct wd_queue *q);
void *wd_queue_regs(const struct wd_queue *q);
void *wd_queue_ring(const struct wd_queue *q);
unsigned int wd_queue_depth(const struct wd_queue *q);
const struct wd_alg *wd_queue_alg(const struct wd_queue *q);
struct device *wd_queue_device(struct wd_queue *q);

/*
 * Read or write @len bytes of user memory at @iova, as mapped by the
 * queue's VFIO container (VFIO_IOMMU_MAP_DMA). Works from any context
 * that may sleep, including kthreads, with type1 v1 and v2 containers;
 * sees the owner's current page tables. Only between queue_start() and
 * the end of queue_stop(). Returns 0, -EINVAL when @iova is not mapped,
 * -EPERM for a write to a read-only mapping or a dead owner, -EFAULT when
 * the process's memory is gone.
 */
int wd_queue_dma_rw(struct wd_queue *q, u64 iova, void *buf, size_t len,
		    bool write);

/*
 * A kthread serving a batch of the queue's descriptors may borrow the
 * opener's address space around its wd_queue_dma_rw() calls, which then
 * save two mm switches each. wd_queue_use_mm() returns false (nothing to
 * undo) if the owner's address space is gone or the caller has one;
 * wd_queue_unuse_mm() ends the batch. Between queue_start and queue_stop.
 */
bool wd_queue_use_mm(struct wd_queue *q);
void wd_queue_unuse_mm(struct wd_queue *q);

#endif /* _WD_K_H_ */
