/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_DRV_H_
#define _WD_DRV_H_

/**
 * @file
 * libwd's interface for user drivers (one per device_api) and for
 * frameworks that own VFIO themselves (the DPDK bus).
 */

#include <stddef.h>
#include <stdint.h>

#include "wd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A user driver: turns messages into a device_api's descriptors. */
struct wd_drv {
	const char *device_api;		/**< e.g. "wd_dummy_v1" */
	size_t priv_size;		/**< bytes of per-queue state */
	/** Queue mapped: check the registers, set up state. */
	int (*init)(struct wd_queue *q);
	/** Before the backend closes the queue: stop it (the queue's DMA
	 *  mappings still work here, e.g. to unmap what init mapped). */
	void (*uninit)(struct wd_queue *q);
	/** Optional, after the backend closed the queue (also when init
	 *  failed): the device can no longer reach anything, so memory it
	 *  used (rings in process memory) can be freed. */
	void (*fini)(struct wd_queue *q);
	int (*send)(struct wd_queue *q, void *req);
	int (*recv)(struct wd_queue *q, void **resp);
};

/** Register a user driver (normally from a constructor). */
void wd_drv_register(const struct wd_drv *drv);

/** The registered driver for @p device_api, or NULL. */
const struct wd_drv *wd_drv_find(const char *device_api);

/** The driver's per-queue state (priv_size bytes, zeroed, 64-byte aligned). */
void *wd_queue_drv_priv(const struct wd_queue *q);

/**
 * A mapped region of the queue (WD_REGION_REGS, WD_REGION_RING).
 * @return its address and, in *size, its length; NULL if absent (a
 * region the device reports with size 0, e.g. the ring region of a
 * device_api whose rings live in process memory).
 */
void *wd_queue_region(const struct wd_queue *q, unsigned int index, size_t *size);

/**
 * The queue's notify word for wd_notify() (wd_notify.h) after a doorbell:
 * set by engines that sleep when idle (the emulated devices), NULL for
 * hardware and kernel engines.
 */
volatile uint32_t *wd_queue_notify_word(const struct wd_queue *q);

/**
 * NUMA node of the memory at @p addr (NULL: of the calling thread's
 * memory); when the kernel cannot tell (device memory, no NUMA support),
 * the node of the CPU the caller runs on. Never negative: for devices
 * whose numa_zone_id is unknown (-1).
 */
int wd_mem_node(const void *addr);

/**
 * Where the emulated devices' engine threads run when WD_EMU does not say
 * (cpu=, WD_EMU_ENGINE_CPU): on the @p n CPUs in @p cpus (n 0: anywhere).
 * @p shared: those CPUs also run the application's polling threads, so an
 * engine runs SCHED_FIFO (when permitted; WD_EMU_ENGINE_RT=0/1 overrides).
 * For
 * frameworks that know the application's threads (the DPDK bus); engines
 * already running keep their place.
 */
void wd_emu_engine_placement(const unsigned int *cpus, unsigned int n, int shared);

/**
 * How a framework opens VFIO devices itself (e.g. DPDK's EAL, so queues
 * join its container and all its memory is mapped). When hooks are set,
 * the vfio backend calls them instead of making its own container; DMA
 * mapping for such queues goes to @c dma_map / @c dma_unmap.
 */
struct wd_vfio_hooks {
	/** Open mdev @p uuid (under @p sysfs_dir, e.g. /sys/bus/mdev/devices)
	 *  and return its VFIO device fd in *fd. */
	int (*open)(void *arg, const char *sysfs_dir, const char *uuid, int *fd);
	/** Close what open() opened. */
	void (*close)(void *arg, const char *sysfs_dir, const char *uuid, int fd);
	int (*dma_map)(void *arg, void *va, uint64_t iova, size_t size);
	int (*dma_unmap)(void *arg, void *va, uint64_t iova, size_t size);
	void *arg;
};

/** Install (or with NULL remove) the VFIO hooks; affects queues opened later. */
void wd_set_vfio_hooks(const struct wd_vfio_hooks *hooks);

/** wd_mem_ops::alloc sets this IOVA for memory the caller must map itself. */
#define WD_IOVA_UNMAPPED	UINT64_MAX

/**
 * Where a queue's memory comes from: its library state, the user
 * driver's state and rings, and an emulated device's registers and rings.
 * By default that is the process's own heap. A framework whose processes
 * share memory at the same addresses (DPDK's primary and secondaries)
 * gives its shared memory here, so that a queue opened in one process can
 * be driven from another (the emulated engine keeps running where the
 * queue was opened). Memory is always freed through the ops that
 * allocated it.
 */
struct wd_mem_ops {
	/** @p size bytes, zeroed, aligned to @p align (a power of two, at
	 *  most 4096), preferably on NUMA node @p node (-1: any). Sets *iova
	 *  to the IOVA at which every device already reaches the block
	 *  (IOVA-contiguous), or to WD_IOVA_UNMAPPED. NULL when out of memory. */
	void *(*alloc)(void *arg, size_t size, size_t align, int node, uint64_t *iova);
	void (*free)(void *arg, void *p);
	void *arg;
};

/** Install (or with NULL remove) the memory ops; affects queues opened
 *  later. */
void wd_set_mem_ops(const struct wd_mem_ops *ops);

/**
 * Allocate queue memory for a user driver, from the ops the queue was
 * opened with (see struct wd_mem_ops). Freed by wd_queue_mem_free().
 */
void *wd_queue_mem_alloc(const struct wd_queue *q, size_t size, size_t align, uint64_t *iova);

/** Free what wd_queue_mem_alloc() gave for @p q. */
void wd_queue_mem_free(const struct wd_queue *q, void *p);

/** 1 if @p q was opened with struct wd_mem_ops installed (its memory is
 *  the framework's), else 0. */
int wd_queue_mem_shared(const struct wd_queue *q);

/**
 * Make @p q, opened by another process whose memory this one shares at
 * the same addresses (struct wd_mem_ops; a DPDK secondary and its
 * primary), usable here: the data path (the user drivers' inline ring
 * functions, not wd_send()/wd_recv()) then works in both. A vfio queue's
 * device file is opened through the VFIO hooks and its regions mapped at
 * the opener's addresses; an emulated queue needs nothing. The queue
 * stays the opener's: only it may release it.
 * @return 0; -ENOTSUP vfio without hooks; -EEXIST a region's address is
 *   taken in this process; other negative errno.
 */
int wd_queue_attach(struct wd_queue *q);

/** Undo wd_queue_attach() in this process (the queue is untouched). */
void wd_queue_detach(struct wd_queue *q);

#ifdef __cplusplus
}
#endif

#endif /* _WD_DRV_H_ */
