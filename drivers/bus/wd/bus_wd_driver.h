/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _BUS_WD_DRIVER_H_
#define _BUS_WD_DRIVER_H_

/**
 * @file
 * The "wd" bus, driver side: WrapDrive accelerators (real ones under
 * /sys/class/wd_dev and emulated ones from WD_EMU) as DPDK devices, and
 * the queue API their PMDs use. One device feeds any number of
 * queue-backed PMD resources (queue pairs, vchans, ports).
 */

#include <dev_driver.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_kvargs.h>

#include <wd.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_WD_BUS_NAME "wd"
#define RTE_WD_MAX_QUEUES 64	/**< queues one device hands out */

/** Devargs key understood by the bus for every driver. */
#define RTE_WD_ARG_QUEUES "queues"

struct rte_wd_driver;

/** A WrapDrive accelerator on the bus. */
struct rte_wd_device {
	RTE_TAILQ_ENTRY(rte_wd_device) next;
	struct rte_device device;		/**< generic device, named info.name */
	struct wd_dev_info info;		/**< as discovered by libwd */
	struct rte_wd_driver *driver;		/**< driver bound by probe */
	unsigned int queues;			/**< queues=N devarg (default 1) */
	struct rte_kvargs *kvargs;		/**< parsed devargs, for the driver */
	struct wd_queue *open_queues[RTE_WD_MAX_QUEUES]; /**< to release at cleanup */
	void *priv;				/**< the driver's */
};

/** The rte_wd_device that embeds @p d. */
#define RTE_DEV_TO_WD(d) container_of((d), struct rte_wd_device, device)

/** What a driver handles: a device_api and, optionally, an algorithm. */
struct rte_wd_id {
	const char *device_api;		/**< NULL ends the table */
	const char *alg;		/**< NULL: any algorithm of that API */
};

typedef int (rte_wd_probe_t)(struct rte_wd_driver *drv, struct rte_wd_device *dev);
typedef int (rte_wd_remove_t)(struct rte_wd_device *dev);

/** A PMD of the wd bus. */
struct rte_wd_driver {
	RTE_TAILQ_ENTRY(rte_wd_driver) next;
	struct rte_driver driver;
	const struct rte_wd_id *id_table;
	/** Devargs keys the driver accepts besides "queues" (NULL-ended). */
	const char * const *valid_args;
	/** Return 0 bound, > 0 "not mine", < 0 error. */
	rte_wd_probe_t *probe;
	rte_wd_remove_t *remove;
};

/** Register a driver (use RTE_PMD_REGISTER_WD). */
__rte_internal
void rte_wd_register(struct rte_wd_driver *drv);

/** Unregister a driver. */
__rte_internal
void rte_wd_unregister(struct rte_wd_driver *drv);

#define RTE_PMD_REGISTER_WD(nm, drv) \
	RTE_INIT(wdinitfn_ ##nm) \
	{ \
		(drv).driver.name = RTE_STR(nm); \
		rte_wd_register(&(drv)); \
	} \
	RTE_PMD_EXPORT_NAME(nm, __COUNTER__)

/**
 * Number of instances of @p alg (NULL: the device's first type) that are
 * free on @p dev right now (rescans libwd).
 */
__rte_internal
int rte_wd_free_queues(const struct rte_wd_device *dev, const char *alg);

/**
 * Request a queue of @p dev for @p alg (NULL: any of its algorithms). DPDK
 * memory is already reachable by the device; the bus releases queues a
 * driver forgets at cleanup.
 * @return 0 or negative errno (-EBUSY: no instance free).
 */
__rte_internal
int rte_wd_queue_request(struct rte_wd_device *dev, const char *alg, struct wd_queue *q);

/** Release a queue from rte_wd_queue_request(). */
__rte_internal
void rte_wd_queue_release(struct rte_wd_device *dev, struct wd_queue *q);

/**
 * Make DPDK memory reachable by WrapDrive queues that a PMD requests from
 * libwd itself (a vdev such as net_wd, not through this bus): queues of
 * real devices open into EAL's VFIO container, and for @p emulated
 * devices every memseg (and memory added later) enters libwd's IOVA
 * table. Idempotent; the bus undoes it at cleanup.
 */
__rte_internal
int rte_wd_dma_init(int emulated);

/**
 * Devices and their queues belong to the primary process; a secondary
 * only drives queues the primary set up. 0 in the primary; in a
 * secondary, logs that @p what of device @p name is for the primary and
 * returns -E_RTE_SECONDARY (for a PMD's control operations).
 */
__rte_internal
int rte_wd_primary_only(const char *name, const char *what);

/**
 * Secondary process: make the primary's queues @p qs[0..n) (NULL entries
 * skipped) usable here (wd_queue_attach()). All or none: on an error the
 * ones attached are detached again, and the error is logged for @p name.
 */
__rte_internal
int rte_wd_queues_attach(const char *name, struct wd_queue *const *qs, unsigned int n);

/** Undo rte_wd_queues_attach() (NULL entries skipped). */
__rte_internal
void rte_wd_queues_detach(struct wd_queue *const *qs, unsigned int n);

#ifdef __cplusplus
}
#endif

#endif /* _BUS_WD_DRIVER_H_ */
