/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The emu backend: in-process device models declared by WD_EMU.
 *
 * Each emulated device has an engine thread that polls its open queues
 * the way hardware polls producer indexes. When it has found no work for
 * ENGINE_SPIN_NS it goes to sleep with notification suppression (as a
 * virtio device does): it sets each queue's notify word, looks at the
 * rings once more, and waits on all the words at once (futex_waitv); a
 * driver's doorbell wakes it only when the word is set (wd_notify.h), so
 * a busy engine costs the application nothing and an idle one no CPU.
 * Device memory access goes through
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
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wd_arch.h"
#include "wd_emu.h"
#include "wd_iova.h"
#include "wd_parse.h"
#include "wd_private.h"

#define ALIGN64(x)	(((x) + 63) & ~(size_t)63)
#define POLL_BUDGET	64
#define BUSY_ROUNDS	16		/* rounds under one taking of the locks */
#define ENGINE_SPIN_NS	(200 * 1000)	/* default: polling after the last work */
#define CLOCK_EVERY	64		/* empty rounds between clock reads */
#define MAX_SLEEP_NS	(100 * 1000 * 1000ull)	/* longest sleep (a wake-up lost) */
#define NAP_NS		(500 * 1000)	/* longest sleep without futex_waitv */

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
	uint32_t wake;		/* bumped (and futex-woken) when stop or the list changes */
};

/* --- futexes: the engine's sleep ------------------------------------------ */

static long
futex_wake(uint32_t *word, int private)
{
	return syscall(SYS_futex, word, private ? FUTEX_WAKE_PRIVATE : FUTEX_WAKE, INT32_MAX,
		       NULL, NULL, 0);
}

/* Stop requested or the queue list changed: a sleeping engine looks again. */
static void
engine_wake(struct wd_emu_dev *d)
{
	__atomic_add_fetch(&d->wake, 1, __ATOMIC_SEQ_CST);
	futex_wake(&d->wake, 1);
}

void
wd_notify_wake(volatile uint32_t *word)
{
	/* Only the first of several producers pays for the system call. */
	if (__atomic_exchange_n(word, 0, __ATOMIC_SEQ_CST) != 0)
		futex_wake((uint32_t *)word, 0);
}

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
		engine_wake(d);
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

/* Read lock held (engine context: only the engine uses eq->hint). */
static void *
dom_translate(const struct wd_emu_queue *eq, uint64_t iova, size_t len)
{
	return wd_iova_translate(&dom.table, iova, len, eq->hint);
}

void *
wd_emu_dma_ptr(const struct wd_emu_queue *eq, uint64_t iova, size_t len)
{
	return dom_translate(eq, iova, len);
}

int
wd_emu_dma_copy(const struct wd_emu_queue *eq, uint64_t dst, uint64_t src, size_t len)
{
	void *d = dom_translate(eq, dst, len);
	void *s = dom_translate(eq, src, len);
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
	char *d = dom_translate(eq, dst, len);
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

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Where engines run unless WD_EMU says (wd_emu_engine_placement()). */
static struct {
	pthread_mutex_t lock;
	cpu_set_t cpus;
	int set;
	int shared;
} place = { .lock = PTHREAD_MUTEX_INITIALIZER };

void
wd_emu_engine_placement(const unsigned int *cpus, unsigned int n, int shared)
{
	unsigned int i;

	pthread_mutex_lock(&place.lock);
	CPU_ZERO(&place.cpus);
	for (i = 0; i < n; i++)
		if (cpus[i] < CPU_SETSIZE)
			CPU_SET(cpus[i], &place.cpus);
	place.set = CPU_COUNT(&place.cpus) != 0;
	place.shared = place.set && shared;
	pthread_mutex_unlock(&place.lock);
}

static void
engine_setup(struct wd_emu_dev *d)
{
	struct sched_param sp = { .sched_priority = 1 };
	const char *rt = getenv("WD_EMU_ENGINE_RT");
	char name[16];
	cpu_set_t set;
	int shared, want_rt;

	snprintf(name, sizeof(name), "wd-emu-%s", d->name);
	pthread_setname_np(pthread_self(), name);
	/* Short sleeps must stay short. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	pthread_mutex_lock(&place.lock);
	set = place.cpus;
	shared = d->cpu < 0 && place.shared;
	if (d->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(d->cpu, &set);
	}
	if ((d->cpu >= 0 || place.set) &&
	    pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		WD_WARN("%s: cannot pin the engine to CPU %d%s", d->name,
			d->cpu >= 0 ? d->cpu : -1, d->cpu >= 0 ? "" : " (the framework's set)");
	pthread_mutex_unlock(&place.lock);
	/* On CPUs the application polls on: run as soon as work comes. */
	want_rt = rt != NULL ? strcmp(rt, "1") == 0 : shared;
	if (want_rt && pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0) {
		if (rt != NULL)
			WD_WARN("%s: cannot give the engine SCHED_FIFO (needs CAP_SYS_NICE)",
				d->name);
		else
			WD_INFO("%s: engine shares an application CPU without SCHED_FIFO "
				"(needs CAP_SYS_NICE): it gets a fair share only", d->name);
	}
}

/* How long an engine polls after its last work before it sleeps. */
static uint64_t
engine_spin_ns(void)
{
	long v;

	if (wd_parse_long(getenv("WD_EMU_ENGINE_SPIN_US"), 0, 1000000, &v) == 0)
		return (uint64_t)v * 1000;
	return ENGINE_SPIN_NS;
}

/*
 * Rounds over the device's queues, while they find work, up to
 * BUSY_ROUNDS under one taking of the locks (the locks cost more than a
 * round's few descriptors: an unmap or a queue list change waits at most
 * that long); how many descriptors were served.
 */
static unsigned int
engine_poll(struct wd_emu_dev *d)
{
	struct wd_emu_queue *eq;
	unsigned int done = 0, round, r;

	pthread_rwlock_rdlock(&dom.lock);
	pthread_mutex_lock(&d->lock);
	for (r = 0; r < BUSY_ROUNDS; r++) {
		round = 0;
		for (eq = d->head; eq != NULL; eq = eq->next)
			round += d->model->poll(eq, POLL_BUDGET);
		done += round;
		if (round == 0)
			break;
	}
	pthread_mutex_unlock(&d->lock);
	pthread_rwlock_unlock(&dom.lock);
	return done;
}

static void
notify_words_set(struct wd_emu_dev *d, uint32_t v)
{
	struct wd_emu_queue *eq;

	pthread_mutex_lock(&d->lock);
	for (eq = d->head; eq != NULL; eq = eq->next)
		__atomic_store_n(eq->notify, v, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&d->lock);
}

/*
 * No work for a while: sleep until a driver notifies a queue, the queue
 * list changes or the engine must stop; at most max_sleep_us (models with
 * inputs of their own) or MAX_SLEEP_NS (so a lost wake-up, e.g. a driver
 * whose system calls are filtered, delays and never hangs; the SEC model
 * sweeps its cached keys then). Without futex_waitv (kernels before
 * 5.16, user-mode emulators) the engine naps NAP_NS at a time.
 */
static void
engine_sleep(struct wd_emu_dev *d)
{
	struct futex_waitv w[FUTEX_WAITV_MAX];
	struct wd_emu_queue *eq;
	struct timespec ts, nap;
	unsigned int n = 0;
	uint32_t seq = __atomic_load_n(&d->wake, __ATOMIC_SEQ_CST);
	uint64_t t;

	notify_words_set(d, 1);
	/* A doorbell rung before the words were set is seen here. */
	if (engine_poll(d) != 0 || __atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
		goto awake;
	pthread_mutex_lock(&d->lock);
	for (eq = d->head; eq != NULL && n < FUTEX_WAITV_MAX - 1; eq = eq->next)
		w[n++] = (struct futex_waitv){ .val = 1, .uaddr = (uintptr_t)eq->notify,
					       .flags = FUTEX_32 };
	if (eq != NULL)
		n = 0;	/* more queues than one wait takes: nap instead */
	pthread_mutex_unlock(&d->lock);
	w[n++] = (struct futex_waitv){ .val = seq, .uaddr = (uintptr_t)&d->wake,
				       .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
	t = d->model->max_sleep_us != NULL ? d->model->max_sleep_us(d) * 1000ull : 0;
	if (t == 0)
		t = MAX_SLEEP_NS;
	nap = (struct timespec){ 0, (long)(t < NAP_NS ? t : NAP_NS) };
	t += now_ns();
	ts = (struct timespec){ (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };
	if (n == 1 || syscall(SYS_futex_waitv, w, n, 0, &ts, CLOCK_MONOTONIC) < 0) {
		/* ETIMEDOUT, EAGAIN (a word changed), EINTR: look again. Other
		 * errors (ENOSYS): nap, the next round notices the work. */
		if (n == 1 || (errno != ETIMEDOUT && errno != EAGAIN && errno != EINTR))
			nanosleep(&nap, NULL);
	}
awake:
	notify_words_set(d, 0);
}

static void *
engine_main(void *arg)
{
	struct wd_emu_dev *d = arg;
	const uint64_t spin_ns = engine_spin_ns();
	unsigned int empty = 0;
	uint64_t idle_since = 0;
	int slept = 0;

	engine_setup(d);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		if (engine_poll(d) != 0) {
			empty = 0;
			slept = 0;
			continue;
		}
		/* Idle: keep polling for spin_ns (a request that follows its
		 * predecessor closely is served at once), then sleep; woken
		 * for nothing (a timeout, another queue's list change), sleep
		 * again at once. */
		if (spin_ns == 0 || slept) {
			engine_sleep(d);
			slept = 1;
			continue;
		}
		if (empty++ % CLOCK_EVERY != 0) {
			wd_cpu_relax();
			continue;
		}
		if (empty == 1)
			idle_since = now_ns();
		else if (now_ns() - idle_since >= spin_ns) {
			engine_sleep(d);
			empty = 0;
			slept = 1;
		}
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
	eq = calloc(1, sizeof(*eq) + sizeof(*eq->hint));
	if (eq == NULL)
		return -ENOMEM;
	eq->hint = (struct wd_iova_hint *)(eq + 1);
	eq->dev = d;
	eq->depth = d->depth;
	eq->type = type;
	eq->regs_size = m->regs_size(d->depth);
	eq->ring_size = m->ring_size != NULL ? m->ring_size(d->depth) : 0;
	/* The notify word: on a cache line of its own after the registers. */
	eq->regs = alloc_region(q, ALIGN64(eq->regs_size) + 64);
	if (eq->regs != NULL)
		eq->notify = (uint32_t *)((char *)eq->regs + ALIGN64(eq->regs_size));
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
	engine_wake(d);
	pthread_mutex_unlock(&d->life);

	wd_uuid_generate(q->uuid);
	q->impl->be_priv = eq;
	q->impl->regions[WD_REGION_REGS] = (struct wd_region){ eq->regs, eq->regs_size };
	q->impl->notify = eq->notify;
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
	/* Under the lock the engine polls under: no poll of another queue
	 * of the device (a model may link queues, e.g. a NIC's two ports)
	 * sees the queue half torn down. */
	if (d->model->fini != NULL)
		d->model->fini(eq);
	pthread_mutex_unlock(&d->lock);
	/* The engine no longer sees the queue (a sleeping one is woken to
	 * wait without it): its memory can go. */
	if (--d->nb_open == 0 && d->running)
		__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	engine_wake(d);
	if (d->nb_open == 0 && d->running) {
		pthread_join(d->engine, NULL);
		d->running = 0;
	}
	pthread_mutex_unlock(&d->life);
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
