/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The "wd" bus: every WrapDrive accelerator libwd discovers becomes an
 * rte_device named after it (wd_dummy0, hisi_sec0...). Drivers match by
 * device_api and algorithm; the bus parses devargs, follows allow/block
 * lists, supports hotplug and rescans, and releases everything at cleanup.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <bus_driver.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_string_fns.h>

#include <wd_drv.h>

#include "bus_wd_driver.h"
#include "wd_bus_private.h"

TAILQ_HEAD(wd_device_list, rte_wd_device);
TAILQ_HEAD(wd_driver_list, rte_wd_driver);

struct wd_bus_state {
	struct rte_bus bus;
	struct wd_device_list devices;
	struct wd_driver_list drivers;
};

static struct wd_bus_state wd_bus;	/* defined with its operations at the end */

RTE_LOG_REGISTER_DEFAULT(wd_bus_logtype, NOTICE);

/* libwd's own lines go to the "lib.wd" log type. */
static int wd_lib_logtype = -1;

static void
wd_lib_log(int level, const char *msg)
{
	static const uint32_t map[] = {
		RTE_LOG_ERR, RTE_LOG_ERR, RTE_LOG_WARNING, RTE_LOG_INFO, RTE_LOG_DEBUG
	};

	rte_log(map[level < 0 || level > 4 ? 0 : level],
		wd_lib_logtype >= 0 ? (uint32_t)wd_lib_logtype : RTE_LOGTYPE_EAL,
		"WD: %s\n", msg);
}

RTE_INIT(wd_lib_log_init)
{
	wd_lib_logtype = rte_log_register_type_and_pick_level("lib.wd", RTE_LOG_NOTICE);
	wd_set_log_fn(wd_lib_log);
}

void
rte_wd_register(struct rte_wd_driver *drv)
{
	TAILQ_INSERT_TAIL(&wd_bus.drivers, drv, next);
}

void
rte_wd_unregister(struct rte_wd_driver *drv)
{
	TAILQ_REMOVE(&wd_bus.drivers, drv, next);
}

static struct rte_wd_device *
find_by_name(const char *name)
{
	struct rte_wd_device *dev;

	TAILQ_FOREACH(dev, &wd_bus.devices, next)
		if (strcmp(dev->info.name, name) == 0)
			return dev;
	return NULL;
}

static struct rte_devargs *
devargs_lookup(const char *name)
{
	struct rte_devargs *da;

	RTE_EAL_DEVARGS_FOREACH(RTE_WD_BUS_NAME, da)
		if (strcmp(da->name, name) == 0)
			return da;
	return NULL;
}

static void
device_free(struct rte_wd_device *dev)
{
	rte_kvargs_free(dev->kvargs);
	free(dev);
}

/* Insert keeping the list sorted by name. */
static void
device_insert(struct rte_wd_device *nd)
{
	struct rte_wd_device *dev;

	TAILQ_FOREACH(dev, &wd_bus.devices, next) {
		if (strcmp(nd->info.name, dev->info.name) < 0) {
			TAILQ_INSERT_BEFORE(dev, nd, next);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&wd_bus.devices, nd, next);
}

/* Add (or refresh) a device as discovered. */
static int
device_add(const struct wd_dev_info *info)
{
	struct rte_wd_device *dev = find_by_name(info->name);

	if (dev == NULL) {
		dev = calloc(1, sizeof(*dev));
		if (dev == NULL)
			return -ENOMEM;
		dev->info = *info;
		dev->device.name = dev->info.name;
		dev->device.bus = &wd_bus.bus;
		/* numa_zone_id, else where the queues' memory will be */
		dev->device.numa_node = info->numa_node >= 0 ? info->numa_node :
			wd_mem_node(NULL);
		device_insert(dev);
		WD_BUS_LOG(INFO, "found %s (%s, %s)", dev->info.name,
			   dev->info.types[0].device_api,
			   dev->info.emulated ? "emulated" : "vfio");
	} else {
		dev->info = *info;	/* name unchanged, counts refreshed */
	}
	dev->device.devargs = devargs_lookup(dev->info.name);
	return 0;
}

/* Safe to call again (hotplug rescans): known devices are refreshed,
 * vanished unprobed ones dropped, new ones added. */
static int
wd_bus_scan(void)
{
	struct rte_wd_device *dev, *tmp;
	struct wd_dev_info *infos = NULL;
	int n, i;

	/* A secondary takes the primary's devices, at probe time (its
	 * memory, where they are published, is not attached yet). */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	wd_bus_engine_place();
	n = wd_scan(&infos);
	if (n < 0) {
		WD_BUS_LOG(ERR, "WrapDrive discovery failed: %s", strerror(-n));
		return 0;	/* no devices is not an EAL failure */
	}
	RTE_TAILQ_FOREACH_SAFE(dev, &wd_bus.devices, next, tmp) {
		for (i = 0; i < n; i++)
			if (strcmp(infos[i].name, dev->info.name) == 0)
				break;
		if (i == n && dev->driver == NULL) {
			TAILQ_REMOVE(&wd_bus.devices, dev, next);
			device_free(dev);
		}
	}
	for (i = 0; i < n; i++) {
		if (device_add(&infos[i]) != 0) {
			free(infos);
			return -ENOMEM;
		}
	}
	free(infos);
	return 0;
}

static int
device_allowed(const struct rte_wd_device *dev)
{
	const struct rte_devargs *da = dev->device.devargs;

	if (da != NULL && da->policy == RTE_DEV_BLOCKED)
		return 0;
	if (wd_bus.bus.conf.scan_mode == RTE_BUS_SCAN_ALLOWLIST &&
	    (da == NULL || da->policy != RTE_DEV_ALLOWED))
		return 0;
	return 1;
}

static int
driver_matches(const struct rte_wd_driver *drv, const struct rte_wd_device *dev)
{
	const struct rte_wd_id *id;
	unsigned int t;

	for (id = drv->id_table; id->device_api != NULL; id++)
		for (t = 0; t < dev->info.nb_types; t++)
			if (strcmp(id->device_api, dev->info.types[t].device_api) == 0 &&
			    (id->alg == NULL || strcmp(id->alg, dev->info.types[t].name) == 0))
				return 1;
	return 0;
}

static int
key_valid(const struct rte_wd_driver *drv, const char *key)
{
	const char * const *k;

	if (strcmp(key, RTE_WD_ARG_QUEUES) == 0)
		return 1;
	for (k = drv->valid_args; k != NULL && *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

/* Parse @dev's devargs for @drv: unknown keys and bad values fail. */
static int
parse_devargs(struct rte_wd_device *dev, const struct rte_wd_driver *drv)
{
	const struct rte_devargs *da = dev->device.devargs;
	struct rte_kvargs *kv;
	unsigned int i;
	char *end;
	long v;
	int free_q;

	rte_kvargs_free(dev->kvargs);
	dev->kvargs = NULL;
	dev->queues = 1;
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(da->args, NULL);
	if (kv == NULL) {
		WD_BUS_LOG(ERR, "%s: cannot parse devargs '%s'", dev->info.name, da->args);
		return -EINVAL;
	}
	for (i = 0; i < kv->count; i++) {
		const struct rte_kvargs_pair *p = &kv->pairs[i];

		if (!key_valid(drv, p->key)) {
			WD_BUS_LOG(ERR, "%s: unknown devarg '%s' for %s", dev->info.name, p->key,
				   drv->driver.name);
			goto fail;
		}
		if (strcmp(p->key, RTE_WD_ARG_QUEUES) != 0)
			continue;
		errno = 0;
		v = p->value != NULL ? strtol(p->value, &end, 10) : 0;
		if (p->value == NULL || *end != '\0' || errno != 0 || v < 1 ||
		    v > RTE_WD_MAX_QUEUES) {
			WD_BUS_LOG(ERR, "%s: queues='%s' is not a number in 1..%d", dev->info.name,
				   p->value ? p->value : "", RTE_WD_MAX_QUEUES);
			goto fail;
		}
		/* a secondary opens no queue: the primary's count stands */
		free_q = rte_eal_process_type() == RTE_PROC_PRIMARY ?
			rte_wd_free_queues(dev, NULL) : RTE_WD_MAX_QUEUES;
		if (v > free_q) {
			WD_BUS_LOG(ERR, "%s: queues=%d but only %d free", dev->info.name, (int)v,
				   free_q);
			goto fail;
		}
		dev->queues = (unsigned int)v;
	}
	dev->kvargs = kv;
	return 0;
fail:
	rte_kvargs_free(kv);
	return -EINVAL;
}

static int
probe_one(struct rte_wd_device *dev)
{
	struct rte_wd_driver *drv;
	int rc;

	TAILQ_FOREACH(drv, &wd_bus.drivers, next) {
		if (!driver_matches(drv, dev))
			continue;
		rc = parse_devargs(dev, drv);
		if (rc != 0)
			return rc;
		rc = wd_bus_dma_init(dev->info.emulated);
		if (rc != 0)
			return rc;
		dev->driver = drv;
		dev->device.driver = &drv->driver;
		rc = drv->probe(drv, dev);
		if (rc == 0) {
			WD_BUS_LOG(INFO, "%s bound to %s", dev->info.name, drv->driver.name);
			return 0;
		}
		dev->driver = NULL;
		dev->device.driver = NULL;
		rte_kvargs_free(dev->kvargs);
		dev->kvargs = NULL;
		if (rc < 0) {
			WD_BUS_LOG(ERR, "%s: %s probe failed: %s", dev->info.name,
				   drv->driver.name, strerror(-rc));
			return rc;
		}
	}
	WD_BUS_LOG(DEBUG, "%s: no driver", dev->info.name);
	return 1;
}

/* Secondary: the primary's devices, once (their drivers attach to the
 * primary's queues, see wd_queue_attach()). */
static int
secondary_devices(void)
{
	static int done;
	struct wd_dev_info *infos = NULL;
	int n, i, rc = 0;

	if (done)
		return 0;
	done = 1;
	n = wd_bus_mp_devices(&infos);
	if (n < 0) {
		WD_BUS_LOG(ERR, "cannot read the primary's devices: %s", strerror(-n));
		return n;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = device_add(&infos[i]);
	free(infos);
	return rc;
}

/* Primary: what secondaries will see. */
static void
publish_devices(void)
{
	const struct wd_dev_info *list[WD_BUS_MP_MAX_DEVS];
	struct rte_wd_device *dev;
	unsigned int n = 0;

	TAILQ_FOREACH(dev, &wd_bus.devices, next) {
		if (n < RTE_DIM(list))
			list[n] = &dev->info;
		n++;
	}
	wd_bus_mp_publish(list, n);
}

static int
wd_bus_probe(void)
{
	struct rte_wd_device *dev;
	int failed = 0;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		publish_devices();
	else if (secondary_devices() != 0)
		return -1;
	TAILQ_FOREACH(dev, &wd_bus.devices, next) {
		if (dev->driver != NULL)
			continue;
		if (!device_allowed(dev)) {
			WD_BUS_LOG(INFO, "%s not probed (block/allow list)", dev->info.name);
			continue;
		}
		if (probe_one(dev) < 0)
			failed++;
	}
	return failed ? -1 : 0;
}

static struct rte_device *
wd_bus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp, const void *data)
{
	const struct rte_wd_device *wstart = start ? RTE_DEV_TO_WD(start) : NULL;
	struct rte_wd_device *dev;

	dev = wstart ? TAILQ_NEXT(wstart, next) : TAILQ_FIRST(&wd_bus.devices);
	for (; dev != NULL; dev = TAILQ_NEXT(dev, next))
		if (cmp(&dev->device, data) == 0)
			return &dev->device;
	return NULL;
}

static int
wd_bus_plug(struct rte_device *d)
{
	struct rte_wd_device *dev = RTE_DEV_TO_WD(d);
	int rc;

	if (dev->driver != NULL)
		return -EEXIST;
	dev->device.devargs = devargs_lookup(dev->info.name);
	rc = probe_one(dev);
	return rc > 0 ? -ENOENT : rc;
}

static int
wd_bus_unplug(struct rte_device *d)
{
	struct rte_wd_device *dev = RTE_DEV_TO_WD(d);
	unsigned int i, left = 0;
	int rc;

	if (dev->driver == NULL)
		return -ENOENT;
	rc = dev->driver->remove(dev);
	if (rc != 0) {
		WD_BUS_LOG(ERR, "%s: %s remove failed: %s", dev->info.name,
			   dev->driver->driver.name, strerror(-rc));
		return rc;
	}
	/* the driver is gone: what it forgot goes back to the device */
	for (i = 0; i < RTE_WD_MAX_QUEUES; i++) {
		if (dev->open_queues[i] == NULL)
			continue;
		left++;
		wd_release_queue(dev->open_queues[i]);
		dev->open_queues[i] = NULL;
	}
	if (left != 0)
		WD_BUS_LOG(ERR, "%s: %s left %u queues open, released", dev->info.name,
			   dev->driver->driver.name, left);
	dev->driver = NULL;
	dev->device.driver = NULL;
	rte_kvargs_free(dev->kvargs);
	dev->kvargs = NULL;
	return 0;
}

/* Claims the names of devices libwd knows (before the first scan too). */
static int
wd_bus_parse(const char *name, void *addr)
{
	struct wd_dev_info *infos = NULL;
	int n, i, found = 0;

	if (find_by_name(name) != NULL) {
		found = 1;
	} else {
		n = wd_scan(&infos);
		for (i = 0; i < n && !found; i++)
			found = strcmp(infos[i].name, name) == 0;
		free(infos);
	}
	if (found && addr != NULL)
		*(const char **)addr = name;
	return !found;
}

static int
dev_match(const struct rte_device *d, const void *arg)
{
	const struct rte_kvargs *kv = arg;
	const char *name;

	if (kv == NULL)
		return 0;
	name = rte_kvargs_get(kv, "name");
	return name != NULL && strcmp(name, d->name) != 0;
}

static void *
wd_bus_dev_iterate(const void *start, const char *str, const struct rte_dev_iterator *it)
{
	static const char * const keys[] = { "name", NULL };
	struct rte_kvargs *kv = NULL;
	struct rte_device *dev;

	if (str != NULL) {
		kv = rte_kvargs_parse(str, keys);
		if (kv == NULL) {
			WD_BUS_LOG(ERR, "cannot parse '%s' (valid key: name)", str);
			rte_errno = EINVAL;
			return NULL;
		}
	}
	dev = wd_bus_find_device(start, dev_match, kv);
	rte_kvargs_free(kv);
	return dev;
}

static enum rte_iova_mode
wd_bus_get_iommu_class(void)
{
	/* WrapDrive queues take any IOVA the process maps: VA is natural. */
	return TAILQ_EMPTY(&wd_bus.devices) ? RTE_IOVA_DC : RTE_IOVA_VA;
}

static int
wd_bus_dma_map_dev(struct rte_device *d, void *addr, uint64_t iova, size_t len)
{
	return wd_bus_dma_map(addr, iova, len, RTE_DEV_TO_WD(d)->info.emulated);
}

static int
wd_bus_dma_unmap_dev(struct rte_device *d, void *addr, uint64_t iova, size_t len)
{
	return wd_bus_dma_unmap(addr, iova, len, RTE_DEV_TO_WD(d)->info.emulated);
}

static int
wd_bus_cleanup(void)
{
	struct rte_wd_device *dev, *tmp;
	int rc = 0;

	RTE_TAILQ_FOREACH_SAFE(dev, &wd_bus.devices, next, tmp) {
		if (dev->driver != NULL && wd_bus_unplug(&dev->device) != 0)
			rc = -1;
		TAILQ_REMOVE(&wd_bus.devices, dev, next);
		device_free(dev);
	}
	wd_bus_dma_fini();
	return rc;
}

int
rte_wd_free_queues(const struct rte_wd_device *dev, const char *alg)
{
	struct wd_dev_info *infos = NULL;
	int n, i, avail = 0;
	unsigned int t;

	n = wd_scan(&infos);
	for (i = 0; i < n; i++) {
		if (strcmp(infos[i].name, dev->info.name) != 0)
			continue;
		for (t = 0; t < infos[i].nb_types; t++) {
			if (alg == NULL || strcmp(alg, infos[i].types[t].name) == 0) {
				avail = infos[i].types[t].available;
				break;
			}
		}
	}
	free(infos);
	return n < 0 ? n : avail;
}

int
rte_wd_queue_request(struct rte_wd_device *dev, const char *alg, struct wd_queue *q)
{
	struct wd_capa capa = { .alg = alg, .dev = dev->info.name, .numa_node = WD_NUMA_ANY };
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_WD_MAX_QUEUES; i++)
		if (dev->open_queues[i] == NULL)
			break;
	if (i == RTE_WD_MAX_QUEUES)
		return -ENOSPC;
	rc = wd_request_queue(q, &capa);
	if (rc != 0)
		return rc;
	dev->open_queues[i] = q;
	return 0;
}

int
rte_wd_dma_init(int emulated)
{
	return wd_bus_dma_init(emulated);
}

void
rte_wd_queue_release(struct rte_wd_device *dev, struct wd_queue *q)
{
	unsigned int i;

	for (i = 0; i < RTE_WD_MAX_QUEUES; i++)
		if (dev->open_queues[i] == q)
			dev->open_queues[i] = NULL;
	wd_release_queue(q);
}

static struct wd_bus_state wd_bus = {
	.bus = {
		.scan = wd_bus_scan,
		.probe = wd_bus_probe,
		.find_device = wd_bus_find_device,
		.plug = wd_bus_plug,
		.unplug = wd_bus_unplug,
		.parse = wd_bus_parse,
		.dma_map = wd_bus_dma_map_dev,
		.dma_unmap = wd_bus_dma_unmap_dev,
		.get_iommu_class = wd_bus_get_iommu_class,
		.dev_iterate = wd_bus_dev_iterate,
		.cleanup = wd_bus_cleanup,
	},
	.devices = TAILQ_HEAD_INITIALIZER(wd_bus.devices),
	.drivers = TAILQ_HEAD_INITIALIZER(wd_bus.drivers),
};

RTE_REGISTER_BUS(wd, wd_bus.bus);
