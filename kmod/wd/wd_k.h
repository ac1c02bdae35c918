/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WrapDrive_k: the in-kernel interface between wd.ko and accelerator
 * drivers (wd_dummy.ko, hardware drivers).
 *
 * An accelerator driver registers one struct wd_driver, then one struct
 * wd_dev per device with wd_register_dev(). wd.ko makes each device an
 * mdev parent under /sys/class/wd_dev/<name><n>, one mdev type per
 * algorithm, and each mdev (a queue) an emulated-IOMMU VFIO device with
 * up to two regions: the registers page and the descriptor ring
 * (wd_uapi.h). wd.ko owns the regions, the sysfs attributes, the queue's
 * lifetime and, for software engines, the engine: one kernel thread per
 * open queue that calls the driver's serve() while there is work and backs
 * off to sleep when idle. A software engine is then only its ABI and its
 * processing; a driver of real hardware gives no serve() and its queues
 * have no engine thread.
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
	const char *description; /* the type's "description", one line */
};

/*
 * What a driver does for its queues.
 *  ring_size    optional: bytes of the ring region for @depth descriptors
 *               (wd.ko rounds it up to pages). NULL or 0: no ring region
 *               (the rings live in user memory, as on hardware).
 *  queue_start  the queue was opened (or reset): its regions are
 *               allocated and zeroed; set up the registers. Called with
 *               the queue's lock held; may sleep.
 *  queue_stop   the queue is being closed (or reset), after its engine
 *               has stopped: free what queue_start took. Runs with no
 *               user mm (the owner may be dead). Queue lock held.
 *  serve        a software engine's work: serve up to @budget descriptors
 *               of the queue and return how many were served (0 = idle).
 *               Called only from the queue's own engine thread, between
 *               queue_start and queue_stop, never concurrently with
 *               itself, with the opener's address space borrowed (see
 *               wd_queue_dma_rw()); no wd.ko lock is held, so it may
 *               sleep and fault without blocking any other queue. Long
 *               jobs check wd_queue_stopping() between pieces. NULL for a
 *               driver of real hardware (no engine thread).
 */
struct wd_queue_ops {
	size_t (*ring_size)(unsigned int depth);
	int (*queue_start)(struct wd_queue *q);
	void (*queue_stop)(struct wd_queue *q);
	unsigned int (*serve)(struct wd_queue *q, unsigned int budget);
};

struct wd_driver {
	/* set by the driver */
	const char *name;		/* "wd_dummy": device and type prefix */
	const char *device_api;		/* "wd_dummy_v1" */
	const struct wd_queue_ops *ops;
	unsigned int max_queues;	/* instances per device, all types */
	size_t regs_size;		/* registers region, a page multiple */
	unsigned int depth_min, depth_max, depth_default; /* powers of 2 */
	/* (with no ring region, depth is informative: params/depth) */
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
 * The engine: ring the queue's doorbell from the kernel (wakes its engine
 * thread at once); true while the engine should give up its work (the
 * queue is closing or resetting).
 */
void wd_queue_kick(struct wd_queue *q);
bool wd_queue_stopping(struct wd_queue *q);

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

#endif /* _WD_K_H_ */
