/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_PRIVATE_H_
#define _WD_PRIVATE_H_

#include <limits.h>
#include <stdbool.h>

#include "wd_drv.h"

#define WD_LOG_ERR	1
#define WD_LOG_WARNING	2
#define WD_LOG_INFO	3
#define WD_LOG_DEBUG	4

void wd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define WD_ERR(...)	wd_log(WD_LOG_ERR, __VA_ARGS__)
#define WD_WARN(...)	wd_log(WD_LOG_WARNING, __VA_ARGS__)
#define WD_INFO(...)	wd_log(WD_LOG_INFO, __VA_ARGS__)
#define WD_DEBUG(...)	wd_log(WD_LOG_DEBUG, __VA_ARGS__)

struct wd_backend;

/** A mapped queue region. */
struct wd_region {
	void *addr;
	size_t size;
};

struct wd_queue_impl {
	struct wd_mem_ops mem;	/* what this impl and the queue's memory came from */
	const struct wd_backend *be;
	const struct wd_drv *drv;
	struct wd_region regions[WD_NUM_REGIONS];
	uint64_t region_off[WD_NUM_REGIONS];	/* vfio: mmap offset in the device file */
	void *be_priv;		/* backend's per-queue state (opener's process) */
	void *drv_priv;		/* driver's per-queue state */
	uint32_t *notify;	/* engine's notify word (wd_notify.h), NULL: none */
	unsigned int depth;	/* set by the driver's init */
};

/*
 * A backend: where devices come from and how a queue is opened and given
 * memory. "vfio" (mdev + VFIO, kernel modules or hardware) and "emu"
 * (in-process device models).
 */
struct wd_backend {
	const char *name;
	/* Append discovered devices to *devs (realloc'ed), updating *n. */
	int (*scan)(struct wd_dev_info **devs, int *n);
	/* Create and open a queue of type @t on @dev; map its regions into
	 * q->impl->regions. */
	int (*open)(struct wd_queue *q, const struct wd_dev_info *dev,
		    const struct wd_type_info *t);
	void (*close)(struct wd_queue *q);
	int (*dma_map)(struct wd_queue *q, void *va, uint64_t iova, size_t size);
	int (*dma_unmap)(struct wd_queue *q, void *va, uint64_t iova, size_t size);
	/* Remove orphaned queues; returns how many. */
	int (*reclaim)(const char *dev);
	/* Optional: reach a queue another process opened (wd_queue_attach). */
	int (*attach)(struct wd_queue *q);
	void (*detach)(struct wd_queue *q);
};

/* Built-in user drivers. */
extern const struct wd_drv wd_drv_dummy;
extern const struct wd_drv wd_drv_sec;
extern const struct wd_drv wd_drv_hns;

extern const struct wd_backend wd_backend_vfio;
extern const struct wd_backend wd_backend_emu;

/* sysfs side of the vfio backend (wd_sysfs.c). */
const char *wd_sysfs_root(void);
int wd_read_attr(const char *path, char *buf, size_t len);
int wd_write_attr(const char *path, const char *val);
int wd_uuid_generate(char out[WD_UUID_LEN]);
int wd_sysfs_scan(struct wd_dev_info **devs, int *n);
int wd_sysfs_reclaim(const char *dev);
int wd_mdev_create(const char *dev, const char *type, char uuid[WD_UUID_LEN]);
int wd_mdev_remove(const char *uuid);
/* Queues of @type on @dev created ahead by a process that is gone and
 * never opened: up to @max UUIDs; returns how many. */
int wd_mdev_adoptable(const char *dev, const char *type, char (*uuids)[WD_UUID_LEN], int max);

/* wd_dma_unmap() that also names the address mapped (a framework's VFIO
 * container, e.g. DPDK's, finds a mapping by address and IOVA). */
int wd_dma_unmap_va(struct wd_queue *q, void *va, uint64_t iova, size_t size);

/* Memory from @ops (NULL: the heap), zeroed; see struct wd_mem_ops. */
void *wd_mem_alloc(const struct wd_mem_ops *ops, size_t size, size_t align, uint64_t *iova);
void wd_mem_free(const struct wd_mem_ops *ops, void *p);

/* Append one device to a scan result. */
int wd_scan_append(struct wd_dev_info **devs, int *n, const struct wd_dev_info *d);

#endif /* _WD_PRIVATE_H_ */
