/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The emu backend: in-process device models declared by WD_EMU.
 *
 * Each emulated device has an engine thread that polls its open queues
 * the way hardware polls producer indexes, spinning briefly when idle and
 * then sleeping with a growing back-off. Device memory access goes through
 * one IOVA table per process (the analogue of a VFIO container), filled
 * only by wd_mem_share()/wd_dma_map(); the engine holds the table's read
 * lock while it serves descriptors, so an unmap returns only after the
 * device has stopped touching the range.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wd_arch.h"
#include "wd_emu.h"
#include "wd_iova.h"
#include "wd_parse.h"
#include "wd_private.h"

#define POLL_BUDGET	64
#define IDLE_SPINS	2048		/* empty rounds before sleeping */
#define MAX_SLEEP_NS	(500 * 1000)	/* longest idle sleep */

struct wd_emu_dev {
	char name[WD_NAME_MAX];
	const struct wd_emu_model *model;
	int numa_node;
	int priority;
	unsigned int queues;
	unsigned int depth;
	int cpu;
	int share_all;
	int wire;		/* wire= of WD_EMU, -1 unset (NIC models) */

	pthread_mutex_t life;	/* serialises open/close and engine start/stop */
	pthread_mutex_t lock;	/* protects the queue list; held by the engine */
	struct wd_emu_queue *head;
	unsigned int nb_open;
	pthread_t engine;
	int running;
	int stop;		/* atomic: engine must exit */
};

/* --- model registry and the WD_EMU devices ----------------------------- */

static const struct wd_emu_model *const models[] = {
	&wd_emu_dummy_model,
	&wd_emu_sec_model,
	&wd_emu_hns_model,
};
#define nb_models (sizeof(models) / sizeof(models[0]))

static struct wd_emu_dev devs[WD_EMU_MAX_DEVS];
static unsigned int nb_devs;
static pthread_once_t devs_once = PTHREAD_ONCE_INIT;

static const struct wd_emu_model *
model_find(const char *device_api)
{
	unsigned int i;

	for (i = 0; i < nb_models; i++)
		if (strcmp(models[i]->device_api, device_api) == 0)
			return models[i];
	return NULL;
}

/* At exit, engines stop before anything they read is torn down (an
 * application may exit with queues open, and libraries' destructors or
 * DPDK's memory teardown may run after). */
static void
engines_stop(void)
{
	unsigned int i;

	for (i = 0; i < nb_devs; i++) {
		struct wd_emu_dev *d = &devs[i];

		if (!d->running)
			continue;
		__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
		pthread_join(d->engine, NULL);
		d->running = 0;
	}
}

static void
devs_init(void)
{
	struct wd_emu_spec spec[WD_EMU_MAX_DEVS];
	unsigned int idx[nb_models];
	const char *env = getenv("WD_EMU");
	const struct wd_emu_model *m;
	char err[160];
	int n, g;
	unsigned int i, mi;
	long v;

	memset(idx, 0, sizeof(idx));
	atexit(engines_stop);
	n = wd_parse_emu_spec(env, spec, WD_EMU_MAX_DEVS, err, sizeof(err));
	if (n < 0) {
		WD_ERR("WD_EMU='%s' ignored: %s", env, err);
		return;
	}
	/* Validate every group before creating anything. */
	for (g = 0; g < n; g++) {
		m = model_find(spec[g].device_api);
		if (m == NULL) {
			WD_ERR("WD_EMU='%s' ignored: no device model for '%s'", env,
			       spec[g].device_api);
			return;
		}
		if (spec[g].depth != 0 &&
		    (spec[g].depth < m->depth_min || spec[g].depth > m->depth_max)) {
			WD_ERR("WD_EMU='%s' ignored: %s depth must be %u..%u", env,
			       spec[g].device_api, m->depth_min, m->depth_max);
			return;
		}
	}
	for (g = 0; g < n; g++) {
		m = model_find(spec[g].device_api);
		for (mi = 0; models[mi] != m; mi++)
			;
		for (i = 0; i < spec[g].count; i++) {
			struct wd_emu_dev *d = &devs[nb_devs++];

			snprintf(d->name, sizeof(d->name), "%s%u", m->dev_prefix, idx[mi]++);
			d->model = m;
			d->numa_node = spec[g].numa_node;
			d->priority = spec[g].priority;
			d->queues = spec[g].queues ? spec[g].queues : m->queues;
			d->depth = spec[g].depth ? spec[g].depth : m->depth;
			d->cpu = spec[g].cpu;
			if (d->cpu < 0 &&
			    wd_parse_long(getenv("WD_EMU_ENGINE_CPU"), 0, 4095, &v) == 0)
				d->cpu = (int)v;
			d->share_all = spec[g].share_all;
			d->wire = spec[g].wire;
			pthread_mutex_init(&d->life, NULL);
			pthread_mutex_init(&d->lock, NULL);
		}
	}
}

static struct wd_emu_dev *
dev_find(const char *name)
{
	unsigned int i;

	pthread_once(&devs_once, devs_init);
	for (i = 0; i < nb_devs; i++)
		if (strcmp(devs[i].name, name) == 0)
			return &devs[i];
	return NULL;
}

/* The model's type @i (algorithm name), NULL past the last. */
static const char *
model_alg(const struct wd_emu_model *m, unsigned int i)
{
	if (m->algs == NULL)
		return i == 0 ? m->alg : NULL;
	return i < WD_MAX_TYPES ? m->algs[i] : NULL;
}

static uint32_t
dev_flags(const struct wd_emu_dev *d)
{
	return d->model->flags | (d->share_all ? WD_CAPA_SHARE_ALL : 0);
}

const char *
wd_emu_dev_name(const struct wd_emu_dev *d)
{
	return d->name;
}

unsigned int
wd_emu_dev_queues(const struct wd_emu_dev *d)
{
	return d->queues;
}

int
wd_emu_dev_wire(const struct wd_emu_dev *d)
{
	return d->wire;
}

/* --- the IOVA table ------------------------------------------------------ */

static struct {
	pthread_rwlock_t lock;
	struct wd_iova_table table;
} dom;

static void
dom_lock_init(void)
{
	pthread_rwlockattr_t a;

	/* Unshare must not starve behind a busy engine. */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&dom.lock, &a);
	pthread_rwlockattr_destroy(&a);
}

/*
 * fork(): the child has none of the engine threads, and the queues it
 * inherits belong to the parent (the OpenSSL provider opens its own in a
 * child, as DPDK's secondary processes never share a queue either). The
 * child starts with every device idle and all its instances free; the
 * parent's queue structures and IOVA table entries stay behind as the
 * child's copy of the parent's memory, never served. Locks are
 * re-initialised: another thread may have held them at fork time.
 */
static void
emu_atfork_child(void)
{
	unsigned int i;

	for (i = 0; i < nb_devs; i++) {
		struct wd_emu_dev *d = &devs[i];

		pthread_mutex_init(&d->life, NULL);
		pthread_mutex_init(&d->lock, NULL);
		d->head = NULL;
		d->nb_open = 0;
		d->running = 0;
		d->stop = 0;
	}
	dom_lock_init();
}

static void __attribute__((constructor))
dom_init(void)
{
	dom_lock_init();
	pthread_atfork(NULL, NULL, emu_atfork_child);
}

/* Read lock held (engine context). */
static void *
dom_translate(uint64_t iova, size_t len)
{
	static __thread struct wd_iova_hint hint;	/* per engine thread */

	return wd_iova_translate(&dom.table, iova, len, &hint);
}

void *
wd_emu_dma_ptr(const struct wd_emu_queue *eq, uint64_t iova, size_t len)
{
	return dom_translate(iova, len);
}

int
wd_emu_dma_copy(const struct wd_emu_queue *eq, uint64_t dst, uint64_t src, size_t len)
{
	void *d = dom_translate(dst, len);
	void *s = dom_translate(src, len);
	struct iovec liov, riov;

	if (d != NULL && s != NULL) {
		/* memmove only when the ranges overlap: memcpy is faster */
		if ((char *)d + len <= (char *)s || (char *)s + len <= (char *)d)
			memcpy(d, s, len);
		else
			memmove(d, s, len);
		return 0;
	}
	if (!eq->share_all)
		return -EFAULT;
	/* SVA: any address of the process; the kernel checks both ranges. */
	liov = (struct iovec){ .iov_base = d ? d : (void *)(uintptr_t)dst, .iov_len = len };
	riov = (struct iovec){ .iov_base = s ? s : (void *)(uintptr_t)src, .iov_len = len };
	if (process_vm_readv(getpid(), &liov, 1, &riov, 1, 0) != (ssize_t)len)
		return -EFAULT;
	return 0;
}

int
wd_emu_dma_fill(const struct wd_emu_queue *eq, uint64_t dst, uint64_t pattern, size_t len)
{
	char *d = dom_translate(dst, len);
	uint64_t chunk[512];
	struct iovec liov, riov;
	size_t i, n;

	if (d != NULL) {
		for (i = 0; i + 8 <= len; i += 8)
			memcpy(d + i, &pattern, 8);
		memcpy(d + i, &pattern, len - i);
		return 0;
	}
	if (!eq->share_all)
		return -EFAULT;
	for (i = 0; i < sizeof(chunk) / 8; i++)
		chunk[i] = pattern;
	for (i = 0; i < len; i += n) {
		n = len - i < sizeof(chunk) ? len - i : sizeof(chunk);
		liov = (struct iovec){ .iov_base = chunk, .iov_len = n };
		riov = (struct iovec){ .iov_base = (void *)(uintptr_t)(dst + i), .iov_len = n };
		if (process_vm_writev(getpid(), &liov, 1, &riov, 1, 0) != (ssize_t)n)
			return -EFAULT;
	}
	return 0;
}

/* --- the engine ------------------------------------------------------------ */

static void
idle_sleep(unsigned int idle)
{
	unsigned int shift = idle - IDLE_SPINS;
	struct timespec ts = { 0, 1000 };

	if (idle < IDLE_SPINS) {
		wd_cpu_relax();
		return;
	}
	if (shift < 10)
		ts.tv_nsec <<= shift;
	if (shift >= 10 || ts.tv_nsec > MAX_SLEEP_NS)
		ts.tv_nsec = MAX_SLEEP_NS;
	nanosleep(&ts, NULL);
}

static void
engine_setup(struct wd_emu_dev *d)
{
	struct sched_param sp = { .sched_priority = 1 };
	const char *rt = getenv("WD_EMU_ENGINE_RT");
	char name[16];
	cpu_set_t set;

	snprintf(name, sizeof(name), "wd-emu-%s", d->name);
	pthread_setname_np(pthread_self(), name);
	/* Short sleeps must stay short. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	if (d->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(d->cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
			WD_WARN("%s: cannot pin the engine to CPU %d", d->name, d->cpu);
	}
	if (rt != NULL && strcmp(rt, "1") == 0 &&
	    pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0)
		WD_WARN("%s: cannot give the engine SCHED_FIFO (needs CAP_SYS_NICE)", d->name);
}

static void *
engine_main(void *arg)
{
	struct wd_emu_dev *d = arg;
	struct wd_emu_queue *eq;
	unsigned int idle = 0, done;

	engine_setup(d);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		done = 0;
		pthread_rwlock_rdlock(&dom.lock);
		pthread_mutex_lock(&d->lock);
		for (eq = d->head; eq != NULL; eq = eq->next)
			done += d->model->poll(eq, POLL_BUDGET);
		pthread_mutex_unlock(&d->lock);
		pthread_rwlock_unlock(&dom.lock);
		if (done != 0) {
			idle = 0;
			continue;
		}
		if (idle < UINT32_MAX)
			idle++;
		idle_sleep(idle);
	}
	return NULL;
}

/* --- backend operations ---------------------------------------------------- */

static int
emu_scan(struct wd_dev_info **out, int *n)
{
	struct wd_dev_info info;
	struct wd_type_info *t;
	const char *alg;
	unsigned int i, k;
	int rc, avail;

	pthread_once(&devs_once, devs_init);
	for (i = 0; i < nb_devs; i++) {
		struct wd_emu_dev *d = &devs[i];

		memset(&info, 0, sizeof(info));
		snprintf(info.name, sizeof(info.name), "%s", d->name);
		info.numa_node = d->numa_node;
		info.priority = d->priority;
		info.emulated = 1;
		pthread_mutex_lock(&d->life);
		avail = (int)(d->queues - d->nb_open);
		pthread_mutex_unlock(&d->life);
		/* One type per algorithm class, all drawing on the same instances. */
		for (k = 0; (alg = model_alg(d->model, k)) != NULL; k++) {
			t = &info.types[info.nb_types++];
			snprintf(t->type, sizeof(t->type), "%s-%s", d->model->drv_name, alg);
			snprintf(t->name, sizeof(t->name), "%s", alg);
			snprintf(t->device_api, sizeof(t->device_api), "%s",
				 d->model->device_api);
			t->flags = dev_flags(d);
			t->available = avail;
		}
		rc = wd_scan_append(out, n, &info);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The device's registers and rings: in the queue's memory (shared with
 * other processes when the framework gives shared memory), while the
 * engine and its state stay with the process that opened the queue. */
static void *
alloc_region(const struct wd_queue *q, size_t size)
{
	return wd_queue_mem_alloc(q, (size + 4095) & ~(size_t)4095, 4096, NULL);
}

static void
queue_free(const struct wd_queue *q, struct wd_emu_queue *eq)
{
	wd_queue_mem_free(q, eq->regs);
	wd_queue_mem_free(q, eq->ring);
	free(eq);
}

static int
emu_open(struct wd_queue *q, const struct wd_dev_info *info, const struct wd_type_info *t)
{
	struct wd_emu_dev *d = dev_find(info->name);
	const struct wd_emu_model *m;
	struct wd_emu_queue *eq;
	const char *alg;
	unsigned int type;
	int rc;

	if (d == NULL)
		return -ENODEV;
	m = d->model;
	for (type = 0; (alg = model_alg(m, type)) != NULL; type++)
		if (strcmp(alg, t->name) == 0)
			break;
	if (alg == NULL)
		return -ENODEV;
	eq = calloc(1, sizeof(*eq));
	if (eq == NULL)
		return -ENOMEM;
	eq->dev = d;
	eq->depth = d->depth;
	eq->type = type;
	eq->regs_size = m->regs_size(d->depth);
	eq->ring_size = m->ring_size != NULL ? m->ring_size(d->depth) : 0;
	eq->regs = alloc_region(q, eq->regs_size);
	if (eq->ring_size != 0)
		eq->ring = alloc_region(q, eq->ring_size);
	eq->share_all = !!(q->flags & WD_CAPA_SHARE_ALL);
	if (eq->regs == NULL || (eq->ring_size != 0 && eq->ring == NULL)) {
		queue_free(q, eq);
		return -ENOMEM;
	}
	rc = m->init(eq);
	if (rc != 0) {
		queue_free(q, eq);
		return rc;
	}

	pthread_mutex_lock(&d->life);
	if (d->nb_open >= d->queues) {
		pthread_mutex_unlock(&d->life);
		if (m->fini != NULL)
			m->fini(eq);
		queue_free(q, eq);
		return -EBUSY;
	}
	if (!d->running) {
		__atomic_store_n(&d->stop, 0, __ATOMIC_RELEASE);
		rc = pthread_create(&d->engine, NULL, engine_main, d);
		if (rc != 0) {
			pthread_mutex_unlock(&d->life);
			WD_ERR("%s: cannot start the engine thread: %s", d->name, strerror(rc));
			if (m->fini != NULL)
				m->fini(eq);
			queue_free(q, eq);
			return -rc;
		}
		d->running = 1;
	}
	d->nb_open++;
	pthread_mutex_lock(&d->lock);
	eq->next = d->head;
	d->head = eq;
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&d->life);

	wd_uuid_generate(q->uuid);
	q->impl->be_priv = eq;
	q->impl->regions[WD_REGION_REGS] = (struct wd_region){ eq->regs, eq->regs_size };
	if (eq->ring != NULL)
		q->impl->regions[WD_REGION_RING] = (struct wd_region){ eq->ring, eq->ring_size };
	return 0;
}

static void
emu_close(struct wd_queue *q)
{
	struct wd_emu_queue *eq = q->impl->be_priv, **pp;
	struct wd_emu_dev *d = eq->dev;

	pthread_mutex_lock(&d->life);
	pthread_mutex_lock(&d->lock);
	for (pp = &d->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == eq) {
			*pp = eq->next;
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
	/* The engine no longer sees the queue: its memory can go. */
	if (--d->nb_open == 0 && d->running) {
		__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
		pthread_join(d->engine, NULL);
		d->running = 0;
	}
	pthread_mutex_unlock(&d->life);
	if (d->model->fini != NULL)
		d->model->fini(eq);
	queue_free(q, eq);
	q->impl->be_priv = NULL;
}

static int
emu_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	int rc;

	pthread_rwlock_wrlock(&dom.lock);
	rc = wd_iova_add(&dom.table, va, iova, size);
	pthread_rwlock_unlock(&dom.lock);
	return rc < 0 ? rc : 0;
}

/* Taking the write lock waits for the engine to finish the descriptors
 * it is serving: after this returns the range is never touched. */
static int
emu_dma_unmap(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	int rc;

	pthread_rwlock_wrlock(&dom.lock);
	rc = wd_iova_del(&dom.table, iova, size);
	/* A framework (q NULL) may free part of what it mapped. */
	if (rc == -ENOENT && q == NULL)
		rc = wd_iova_punch(&dom.table, iova, size);
	pthread_rwlock_unlock(&dom.lock);
	return rc < 0 ? rc : 0;
}

static int
emu_reclaim(const char *dev)
{
	/* In-process queues die with their owner: never orphaned. */
	return 0;
}

const struct wd_backend wd_backend_emu = {
	.name = "emu",
	.scan = emu_scan,
	.open = emu_open,
	.close = emu_close,
	.dma_map = emu_dma_map,
	.dma_unmap = emu_dma_unmap,
	.reclaim = emu_reclaim,
};
