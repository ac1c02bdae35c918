/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_H_
#define _WD_H_

/**
 * @file
 * WrapDrive_u: user-space access to accelerator queues.
 *
 * A queue is requested by capability (algorithm, device_api, flags, NUMA
 * preference); the library picks the best device with a free instance,
 * creates the queue (a VFIO mediated device, or an in-process emulated
 * device), maps its registers and rings, and binds the user driver that
 * matches the device's device_api. After that, wd_send() and wd_recv() are
 * plain memory accesses to the mapped queue: no system call per request.
 *
 * Memory the device reads or writes must be shared first (wd_mem_share());
 * the IOVA of shared memory is its virtual address. A request pointing at
 * memory that is not shared completes with an error status, as an IOMMU
 * fault would; it never touches that memory.
 *
 * Thread safety: wd_request_queue(), wd_release_queue(), wd_mem_share(),
 * wd_mem_unshare(), wd_dma_map(), wd_dma_unmap(), wd_scan() and
 * wd_reclaim_orphans() may be called from any thread. The data path of one
 * queue (wd_send*, wd_recv* and the user drivers' own burst functions) is
 * not locked: use one queue per thread, or serialise the calls on a queue
 * yourself. Different queues need no locking.
 *
 * Errors: every function returns a negative errno (or NULL) and logs one
 * line saying why; none aborts or exits.
 *
 * Environment:
 *  - WD_SYSFS_ROOT: prefix of /sys for discovery (default "/"), for tests
 *    on fake trees.
 *  - WD_EMU: emulated devices, e.g. "wd_dummy_v1:2,hisi_sec_v1:1"; see
 *    wd_emu_spec in the documentation for per-device attributes.
 *  - WD_LOG_LEVEL: 1 (errors) .. 4 (debug); default 2 (warnings).
 */

#include <stddef.h>
#include <stdint.h>

#include "wd_uapi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WD_NAME_MAX	64	/**< bytes in a device, type or API name */
#define WD_UUID_LEN	37	/**< "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */
#define WD_MAX_TYPES	8	/**< types (algorithms) per device */
#define WD_NUMA_ANY	(-1)	/**< no NUMA preference */

/** What the caller needs from a queue. */
struct wd_capa {
	const char *alg;	/**< type name ("memcpy", "cipher"...); NULL: any */
	const char *device_api;	/**< e.g. "wd_dummy_v1"; NULL: any */
	const char *dev;	/**< a device by name; NULL: any */
	uint32_t flags;		/**< WD_CAPA_* the queue must offer */
	int numa_node;		/**< preferred NUMA node or WD_NUMA_ANY */
};

struct wd_queue_impl;

/** A queue. Fields are set by wd_request_queue() and are read-only. */
struct wd_queue {
	char dev_name[WD_NAME_MAX];	/**< device, e.g. "wd_dummy0" */
	char type_name[WD_NAME_MAX];	/**< mdev type, e.g. "wd_dummy-memcpy" */
	char alg[WD_NAME_MAX];		/**< algorithm, e.g. "memcpy" */
	char device_api[WD_NAME_MAX];	/**< queue ABI, e.g. "wd_dummy_v1" */
	char uuid[WD_UUID_LEN];		/**< the queue (mdev) UUID */
	int numa_node;			/**< device's NUMA node; where unknown, the
					 *   node of the queue's memory (>= 0) */
	uint32_t flags;			/**< WD_CAPA_* granted to this queue */
	int emulated;			/**< 1: emu backend, 0: vfio */
	struct wd_queue_impl *impl;	/**< library private */
};

/** One type (algorithm) of a device, as discovered. */
struct wd_type_info {
	char type[WD_NAME_MAX];		/**< directory name "<drv>-<algo>" */
	char name[WD_NAME_MAX];		/**< algorithm ("name" attribute) */
	char device_api[WD_NAME_MAX];	/**< selects the user driver */
	uint32_t flags;			/**< WD_CAPA_* bits */
	int available;			/**< available_instances */
};

/** One accelerator device, as discovered (real or emulated). */
struct wd_dev_info {
	char name[WD_NAME_MAX];		/**< e.g. "wd_dummy0" */
	int numa_node;			/**< numa_zone_id, -1 unknown */
	int priority;			/**< higher is preferred */
	int emulated;			/**< 1: from WD_EMU */
	unsigned int nb_types;
	struct wd_type_info types[WD_MAX_TYPES];
};

/**
 * Request a queue matching @p capa and open it.
 *
 * Devices whose type matches (alg, device_api, dev, all flags) and that
 * have an available instance are ranked: the requested NUMA node first,
 * then higher priority, then more available instances. If none has an
 * instance free, orphans (queues whose owner process died) are reclaimed
 * once and the search repeated.
 *
 * @return 0; -ENODEV no device matches; -ENOTSUP devices match but none
 *   offers the requested flags; -EBUSY no instance free; -ENOENT no user
 *   driver for the device_api; other negative errno from the backend.
 */
int wd_request_queue(struct wd_queue *q, const struct wd_capa *capa);

/** Close @p q, unmap it and remove the queue (mdev) it created. */
void wd_release_queue(struct wd_queue *q);

/**
 * Submit one request (a device_api specific message, e.g. struct
 * wd_dummy_msg) and ring the doorbell. The message must stay valid until
 * wd_recv() returns it.
 * @return 0, or -EBUSY when the ring is full, -EINVAL for a bad message.
 */
int wd_send(struct wd_queue *q, void *req);

/**
 * Take the oldest completed request, in submission order.
 * @return 0 and *resp set (check the message's status), or -EAGAIN.
 */
int wd_recv(struct wd_queue *q, void **resp);

/** wd_send(), retrying while the ring is full, for up to @p timeout_ms.
 *  @return 0 or -ETIMEDOUT (or another wd_send() error). */
int wd_send_sync(struct wd_queue *q, void *req, unsigned int timeout_ms);

/** wd_recv(), waiting up to @p timeout_ms. @return 0 or -ETIMEDOUT. */
int wd_recv_sync(struct wd_queue *q, void **resp, unsigned int timeout_ms);

/**
 * Make [addr, addr + size) reachable by the device at IOVA == addr.
 * Sharing the same range again takes a reference. Ranges must not
 * partially overlap a shared range (-EEXIST).
 * @param flags 0 (reserved)
 */
int wd_mem_share(struct wd_queue *q, const void *addr, size_t size, int flags);

/**
 * Drop one reference to a range shared with wd_mem_share() (same addr and
 * size). When the last goes, the device can no longer reach it; requests
 * still in flight that point there complete with an error. Returns after
 * the device has stopped touching the range.
 * @return 0, -ENOENT if the range was not shared.
 */
int wd_mem_unshare(struct wd_queue *q, const void *addr, size_t size);

/** Map [va, va + size) at @p iova for the device (for frameworks such as
 *  DPDK whose IOVAs need not equal virtual addresses). With @p q NULL, the
 *  range goes into every backend's process-wide address space (emulated
 *  devices, and libwd's own VFIO container, now and for later queues). */
int wd_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size);

/** Undo wd_dma_map() (same @p q, iova and size). With @p q NULL the range
 *  may also be part of what was mapped with @p q NULL: the mapping is
 *  split (DPDK frees memory page by page). */
int wd_dma_unmap(struct wd_queue *q, uint64_t iova, size_t size);

/** Number of descriptors the queue's ring holds. */
unsigned int wd_queue_depth(const struct wd_queue *q);

/**
 * Discover devices: real ones under <WD_SYSFS_ROOT>/sys/class/wd_dev and
 * emulated ones from WD_EMU. Devices with malformed or missing attributes
 * are skipped with a warning.
 * @param[out] devs malloc'ed array (free with wd_free_scan()), sorted by name
 * @return number of devices (>= 0) or negative errno
 */
int wd_scan(struct wd_dev_info **devs);

/** Free the result of wd_scan(). */
void wd_free_scan(struct wd_dev_info *devs);

/**
 * Remove queues of @p dev (NULL: all devices) whose owner process is gone
 * and that nobody has open, so their instances are free again.
 * @return number removed, or negative errno
 */
int wd_reclaim_orphans(const char *dev);

/** Log sink: level 1 error .. 4 debug; @p msg has no trailing newline. */
typedef void (*wd_log_fn_t)(int level, const char *msg);

/** Route libwd's log lines to @p fn (NULL: back to stderr). */
void wd_set_log_fn(wd_log_fn_t fn);

#ifdef __cplusplus
}
#endif

#endif /* _WD_H_ */
