/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The WrapDrive_u API: device choice, queue life cycle, memory sharing,
 * and dispatch of the data path to the user driver of the queue's
 * device_api.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wd_arch.h"
#include "wd_private.h"

#ifndef MPOL_F_NODE
#define MPOL_F_NODE	(1 << 0)	/* <numaif.h>, not always installed */
#define MPOL_F_ADDR	(1 << 1)
#endif

#define MAX_DRIVERS 8

/* Built-in user drivers are listed, not self-registered: constructors of
 * unreferenced objects vanish when libwd is linked statically. */
static const struct wd_drv *drivers[MAX_DRIVERS] = {
	&wd_drv_dummy,
	&wd_drv_sec,
	&wd_drv_hns,
};
static unsigned int nb_drivers = 3;
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct wd_backend *const backends[] = {
	&wd_backend_vfio,
	&wd_backend_emu,
};

void
wd_drv_register(const struct wd_drv *drv)
{
	if (nb_drivers < MAX_DRIVERS)
		drivers[nb_drivers++] = drv;
}

const struct wd_drv *
wd_drv_find(const char *device_api)
{
	unsigned int i;

	for (i = 0; i < nb_drivers; i++)
		if (strcmp(drivers[i]->device_api, device_api) == 0)
			return drivers[i];
	return NULL;
}

void *
wd_queue_drv_priv(const struct wd_queue *q)
{
	return q->impl->drv_priv;
}

void *
wd_queue_region(const struct wd_queue *q, unsigned int index, size_t *size)
{
	if (index >= WD_NUM_REGIONS || q->impl->regions[index].addr == NULL)
		return NULL;
	if (size != NULL)
		*size = q->impl->regions[index].size;
	return q->impl->regions[index].addr;
}

unsigned int
wd_queue_depth(const struct wd_queue *q)
{
	return q != NULL && q->impl != NULL ? q->impl->depth : 0;
}

int
wd_mem_node(const void *addr)
{
	volatile char here = 0;	/* a page of the calling thread's stack */
	unsigned int cpu, node;
	int mnode = -1;

	if (addr == NULL)
		addr = (const void *)&here;
	/* device memory (PFN maps) has no node: the caller's memory then */
	if (syscall(SYS_get_mempolicy, &mnode, NULL, 0UL, addr, MPOL_F_NODE | MPOL_F_ADDR) != 0 &&
	    addr != (const void *)&here)
		(void)syscall(SYS_get_mempolicy, &mnode, NULL, 0UL, (const void *)&here,
			      MPOL_F_NODE | MPOL_F_ADDR);
	if (mnode >= 0)
		return mnode;
	/* no NUMA policy support (seccomp, !CONFIG_NUMA): the CPU's node */
	if (syscall(SYS_getcpu, &cpu, &node, NULL) == 0)
		return (int)node;
	return 0;
}

static int
cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct wd_dev_info *)a)->name,
		      ((const struct wd_dev_info *)b)->name);
}

int
wd_scan(struct wd_dev_info **devs)
{
	struct wd_dev_info *list = NULL;
	unsigned int i;
	int n = 0, rc;

	if (devs == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		rc = backends[i]->scan(&list, &n);
		if (rc != 0) {
			free(list);
			return rc;
		}
	}
	if (n > 0)
		qsort(list, (size_t)n, sizeof(*list), cmp_dev);
	*devs = list;
	return n;
}

void
wd_free_scan(struct wd_dev_info *devs)
{
	free(devs);
}

int
wd_reclaim_orphans(const char *dev)
{
	unsigned int i;
	int rc, total = 0;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		rc = backends[i]->reclaim(dev);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

/* A device type that fits the request, and how good a fit it is. */
struct candidate {
	const struct wd_dev_info *dev;
	const struct wd_type_info *type;
};

/* Why nothing fits, in increasing order of closeness. */
enum miss { MISS_NODEV, MISS_FLAGS, MISS_BUSY };

static int
better(const struct candidate *a, const struct candidate *b, int node)
{
	int an = node != WD_NUMA_ANY && a->dev->numa_node == node;
	int bn = node != WD_NUMA_ANY && b->dev->numa_node == node;

	if (an != bn)
		return an > bn;
	if (a->dev->priority != b->dev->priority)
		return a->dev->priority > b->dev->priority;
	return a->type->available > b->type->available;
}

/* Rank fitting types best first into @c; returns how many. */
static int
rank(const struct wd_dev_info *devs, int n, const struct wd_capa *capa,
	struct candidate *c, int max, enum miss *miss)
{
	int i, k, nc = 0;
	unsigned int t;

	*miss = MISS_NODEV;
	for (i = 0; i < n; i++) {
		if (capa->dev != NULL && strcmp(capa->dev, devs[i].name) != 0)
			continue;
		for (t = 0; t < devs[i].nb_types; t++) {
			const struct wd_type_info *ty = &devs[i].types[t];
			struct candidate x = { &devs[i], ty };

			if ((capa->alg != NULL && strcmp(capa->alg, ty->name) != 0) ||
			    (capa->device_api != NULL &&
			     strcmp(capa->device_api, ty->device_api) != 0))
				continue;
			if ((ty->flags & capa->flags) != capa->flags) {
				if (*miss < MISS_FLAGS)
					*miss = MISS_FLAGS;
				continue;
			}
			if (ty->available <= 0) {
				*miss = MISS_BUSY;
				continue;
			}
			if (nc == max)
				continue;
			/* insertion sort: lists are short */
			for (k = nc; k > 0 && better(&x, &c[k - 1], capa->numa_node); k--)
				c[k] = c[k - 1];
			c[k] = x;
			nc++;
		}
	}
	return nc;
}

/* --- queue memory ------------------------------------------------------------ */

static struct wd_mem_ops mem_ops;	/* under wd_lock; alloc NULL: the heap */

void
wd_set_mem_ops(const struct wd_mem_ops *ops)
{
	pthread_mutex_lock(&wd_lock);
	if (ops != NULL && ops->alloc != NULL && ops->free != NULL)
		mem_ops = *ops;
	else
		memset(&mem_ops, 0, sizeof(mem_ops));
	pthread_mutex_unlock(&wd_lock);
}

void *
wd_mem_alloc(const struct wd_mem_ops *ops, size_t size, size_t align, uint64_t *iova)
{
	uint64_t unused;
	void *p;

	if (iova == NULL)
		iova = &unused;
	*iova = WD_IOVA_UNMAPPED;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (ops != NULL && ops->alloc != NULL)
		return ops->alloc(ops->arg, size, align, WD_NUMA_ANY, iova);
	size = (size + align - 1) & ~(align - 1);
	p = aligned_alloc(align, size);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
wd_mem_free(const struct wd_mem_ops *ops, void *p)
{
	if (p == NULL)
		return;
	if (ops != NULL && ops->alloc != NULL)
		ops->free(ops->arg, p);
	else
		free(p);
}

void *
wd_queue_mem_alloc(const struct wd_queue *q, size_t size, size_t align, uint64_t *iova)
{
	return wd_mem_alloc(&q->impl->mem, size, align, iova);
}

void
wd_queue_mem_free(const struct wd_queue *q, void *p)
{
	wd_mem_free(&q->impl->mem, p);
}

int
wd_queue_mem_shared(const struct wd_queue *q)
{
	return q->impl->mem.alloc != NULL;
}

static void
queue_free(struct wd_queue *q)
{
	struct wd_mem_ops ops;

	if (q->impl != NULL) {
		ops = q->impl->mem;
		wd_mem_free(&ops, q->impl->drv_priv);
		wd_mem_free(&ops, q->impl);
	}
	memset(q, 0, sizeof(*q));
}

/* Open a queue of @c: backend first, then the user driver. */
static int
queue_open(struct wd_queue *q, const struct candidate *c, const struct wd_capa *capa)
{
	const struct wd_backend *be = c->dev->emulated ? &wd_backend_emu : &wd_backend_vfio;
	const struct wd_drv *drv = wd_drv_find(c->type->device_api);
	size_t priv = 64;
	int rc;

	if (drv == NULL) {
		WD_ERR("%s: no user driver for device_api '%s'", c->dev->name,
		       c->type->device_api);
		return -ENOENT;
	}
	memset(q, 0, sizeof(*q));
	snprintf(q->dev_name, sizeof(q->dev_name), "%s", c->dev->name);
	snprintf(q->type_name, sizeof(q->type_name), "%s", c->type->type);
	snprintf(q->alg, sizeof(q->alg), "%s", c->type->name);
	snprintf(q->device_api, sizeof(q->device_api), "%s", c->type->device_api);
	q->numa_node = c->dev->numa_node;
	q->flags = capa->flags;
	q->emulated = c->dev->emulated;
	/* Where the queue lives: processes sharing memory can all drive it. */
	q->impl = wd_mem_alloc(&mem_ops, sizeof(*q->impl), 64, NULL);
	if (drv->priv_size > priv)
		priv = (drv->priv_size + 63) & ~(size_t)63;
	if (q->impl != NULL) {
		q->impl->mem = mem_ops;
		q->impl->drv_priv = wd_mem_alloc(&mem_ops, priv, 64, NULL);
	}
	if (q->impl == NULL || q->impl->drv_priv == NULL) {
		queue_free(q);
		return -ENOMEM;
	}
	q->impl->be = be;
	q->impl->drv = drv;
	rc = be->open(q, c->dev, c->type);
	if (rc != 0) {
		queue_free(q);
		return rc;
	}
	rc = drv->init(q);
	if (rc != 0) {
		WD_ERR("%s: %s driver refused queue %s: %s", q->dev_name, drv->device_api,
		       q->uuid, strerror(-rc));
		be->close(q);
		if (drv->fini != NULL)
			drv->fini(q);
		queue_free(q);
		return rc;
	}
	/* no numa_zone_id: the node of the memory the queue was made in */
	if (q->numa_node < 0)
		q->numa_node = wd_mem_node(q->impl->regions[WD_REGION_RING].addr);
	return 0;
}

int
wd_request_queue(struct wd_queue *q, const struct wd_capa *capa)
{
	struct candidate c[64];
	struct wd_dev_info *devs = NULL;
	enum miss miss = MISS_NODEV;
	int n, nc, i, attempt, rc = -ENODEV;

	if (q == NULL || capa == NULL) {
		WD_ERR("wd_request_queue: NULL %s", q == NULL ? "queue" : "capability");
		return -EINVAL;
	}
	if (capa->flags & ~WD_CAPA_ALL) {
		WD_ERR("wd_request_queue: unknown capability flags 0x%x", capa->flags);
		return -EINVAL;
	}
	pthread_mutex_lock(&wd_lock);
	for (attempt = 0; attempt < 2; attempt++) {
		n = wd_scan(&devs);
		if (n < 0) {
			rc = n;
			break;
		}
		nc = rank(devs, n, capa, c, (int)(sizeof(c) / sizeof(c[0])), &miss);
		for (i = 0; i < nc; i++) {
			rc = queue_open(q, &c[i], capa);
			/* Lost a race for the last instance: try the next one. */
			if (rc != -EBUSY && rc != -EUSERS)
				break;
			miss = MISS_BUSY;
		}
		wd_free_scan(devs);
		devs = NULL;
		if (nc > 0 && i < nc)
			break;
		/* Nothing free: instances held by dead owners come back once. */
		if (miss != MISS_BUSY || attempt > 0 || wd_reclaim_orphans(NULL) <= 0)
			break;
	}
	pthread_mutex_unlock(&wd_lock);
	if (rc == 0)
		return 0;
	if (rc == -ENODEV || rc == -EBUSY || rc == -EUSERS) {
		static const char *const why[] = {
			[MISS_NODEV] = "no device matches",
			[MISS_FLAGS] = "no matching device offers the requested flags",
			[MISS_BUSY] = "no instance is free",
		};
		static const int err[] = {
			[MISS_NODEV] = -ENODEV, [MISS_FLAGS] = -ENOTSUP, [MISS_BUSY] = -EBUSY,
		};

		WD_ERR("wd_request_queue(alg=%s, device_api=%s, dev=%s, flags=0x%x): %s",
		       capa->alg ? capa->alg : "any",
		       capa->device_api ? capa->device_api : "any",
		       capa->dev ? capa->dev : "any", capa->flags, why[miss]);
		rc = err[miss];
	}
	return rc;
}

void
wd_release_queue(struct wd_queue *q)
{
	if (q == NULL || q->impl == NULL)
		return;
	pthread_mutex_lock(&wd_lock);
	q->impl->drv->uninit(q);
	q->impl->be->close(q);
	/* Only now can nothing of the device touch the driver's memory. */
	if (q->impl->drv->fini != NULL)
		q->impl->drv->fini(q);
	pthread_mutex_unlock(&wd_lock);
	queue_free(q);
}

/* The opener's impl->be is an address in its process: choose here. */
static const struct wd_backend *
local_backend(const struct wd_queue *q)
{
	return q->emulated ? &wd_backend_emu : &wd_backend_vfio;
}

int
wd_queue_attach(struct wd_queue *q)
{
	const struct wd_backend *be;

	if (q == NULL || q->impl == NULL)
		return -EINVAL;
	be = local_backend(q);
	return be->attach != NULL ? be->attach(q) : 0;
}

void
wd_queue_detach(struct wd_queue *q)
{
	const struct wd_backend *be;

	if (q == NULL || q->impl == NULL)
		return;
	be = local_backend(q);
	if (be->detach != NULL)
		be->detach(q);
}

int
wd_send(struct wd_queue *q, void *req)
{
	if (q == NULL || q->impl == NULL)
		return -EINVAL;
	return q->impl->drv->send(q, req);
}

int
wd_recv(struct wd_queue *q, void **resp)
{
	if (q == NULL || q->impl == NULL || resp == NULL)
		return -EINVAL;
	return q->impl->drv->recv(q, resp);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Wait between polls: spin first (the device is usually quick), then
 * yield the CPU with short sleeps. */
static void
poll_wait(unsigned int round)
{
	struct timespec ts = { 0, 10000 };

	if (round < 256)
		wd_cpu_relax();
	else
		nanosleep(&ts, NULL);
}

int
wd_send_sync(struct wd_queue *q, void *req, unsigned int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	unsigned int round = 0;
	int rc;

	while ((rc = wd_send(q, req)) == -EBUSY) {
		if (now_ns() >= deadline)
			return -ETIMEDOUT;
		poll_wait(round++);
	}
	return rc;
}

int
wd_recv_sync(struct wd_queue *q, void **resp, unsigned int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	unsigned int round = 0;
	int rc;

	while ((rc = wd_recv(q, resp)) == -EAGAIN) {
		if (now_ns() >= deadline)
			return -ETIMEDOUT;
		poll_wait(round++);
	}
	return rc;
}

int
wd_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	unsigned int i;
	int rc = 0;

	if ((q != NULL && q->impl == NULL) || va == NULL || size == 0)
		return -EINVAL;
	if (q != NULL) {
		rc = q->impl->be->dma_map(q, va, iova, size);
	} else {
		/* Every backend's process-wide address space. */
		for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
			rc = backends[i]->dma_map(NULL, va, iova, size);
			if (rc != 0) {
				while (i-- > 0)
					backends[i]->dma_unmap(NULL, va, iova, size);
				break;
			}
		}
	}
	if (rc != 0)
		WD_ERR("%s: cannot map %zu bytes at IOVA 0x%" PRIx64 ": %s",
		       q != NULL ? q->dev_name : "all devices", size, iova, strerror(-rc));
	return rc;
}

int
wd_dma_unmap_va(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	unsigned int i;
	int rc = 0, r;

	if ((q != NULL && q->impl == NULL) || size == 0)
		return -EINVAL;
	if (q != NULL) {
		rc = q->impl->be->dma_unmap(q, va, iova, size);
	} else {
		for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
			r = backends[i]->dma_unmap(NULL, va, iova, size);
			if (r != 0)
				rc = r;
		}
	}
	if (rc != 0)
		WD_ERR("%s: cannot unmap %zu bytes at IOVA 0x%" PRIx64 ": %s",
		       q != NULL ? q->dev_name : "all devices", size, iova, strerror(-rc));
	return rc;
}

int
wd_dma_unmap(struct wd_queue *q, uint64_t iova, size_t size)
{
	return wd_dma_unmap_va(q, NULL, iova, size);
}

int
wd_mem_share(struct wd_queue *q, const void *addr, size_t size, int flags)
{
	if (flags != 0) {
		WD_ERR("wd_mem_share: unknown flags 0x%x", flags);
		return -EINVAL;
	}
	/* The whole address space is the device's already. */
	if (q != NULL && (q->flags & WD_CAPA_SHARE_ALL))
		return 0;
	return wd_dma_map(q, (void *)(uintptr_t)addr, (uint64_t)(uintptr_t)addr, size);
}

int
wd_mem_unshare(struct wd_queue *q, const void *addr, size_t size)
{
	if (q != NULL && (q->flags & WD_CAPA_SHARE_ALL))
		return 0;
	return wd_dma_unmap_va(q, (void *)(uintptr_t)addr, (uint64_t)(uintptr_t)addr, size);
}
