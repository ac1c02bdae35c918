// SPDX-License-Identifier: GPL-2.0
/*
 * wd_dummy.ko: a software memcpy/fill engine behind WrapDrive queues of
 * device_api "wd_dummy_v1" (the ABI is in wd_dummy_v1.h, shared with
 * libwd's user driver and its in-process model).
 *
 * Each device has one engine kthread that polls the producer index
 * (SQ_TAIL) of each enabled queue, like hardware, and moves data with
 * vfio_dma_rw() through a bounce buffer: user memory is reached by IOVA
 * in the queue's VFIO container, with the owner's current page tables and
 * nothing pinned, so it works in type1 v1 containers (DPDK's) and stays
 * right after madvise(MADV_DONTNEED). An IOVA that is not mapped gives an
 * error completion, never an access elsewhere.
 *
 * Idle: the engine polls for poll_us after its last work, then sleeps for
 * growing periods up to idle_us; with no queue open it sleeps until one
 * is. A write(2) to a queue's registers region wakes it at once.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "wd_k.h"
#include "wd_dummy_v1.h"

#ifdef __BIG_ENDIAN
#error "wd_dummy_v1 registers and descriptors are little-endian"
#endif

#define WDD_NAME		"wd_dummy"
#define WDD_CHUNK		(256u << 10)	/* bounce buffer bytes */
#define WDD_BUDGET_DESCS	64		/* per queue per pass */
#define WDD_BUDGET_BYTES	(4u << 20)
#define WDD_SLEEP_MIN_US	10
#define WDD_PRIORITY		10	/* software: below real hardware */
#define WDD_STOPPED		0xffffffffu	/* internal: queue closing */

static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of devices wd_dummy<n> (1..64, default 2)");

static unsigned int queues = 8;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Queues (mdev instances) per device (1..1024, default 8)");

static unsigned int poll_us = 50;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "Engine busy-polls this long after its last work before sleeping (default 50)");

static unsigned int idle_us = 1000;
module_param(idle_us, uint, 0644);
MODULE_PARM_DESC(idle_us, "Longest engine sleep while queues are open and idle (default 1000)");

static bool rt;
module_param(rt, bool, 0444);
MODULE_PARM_DESC(rt, "Run the engines SCHED_FIFO (low priority); they still sleep when idle");

static int cpu = -1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "Bind the engines to this CPU (-1: any, default)");

struct wdd_dev {
	struct wd_dev *wdev;
	struct task_struct *engine;
	struct mutex lock;		/* active list; held by the engine's pass */
	struct list_head active;
	atomic_t nactive;
	atomic_t waiters;		/* queue_stop() waiting for the lock */
	bool kick;			/* doorbell since the engine last looked */
	void *bounce;			/* WDD_CHUNK bytes */
	unsigned int id;
};

/*
 * Engine state of a queue: the registers page is the user's, so what the
 * engine owns (head, counters, depth) lives here.
 */
struct wdd_queue {
	struct wd_queue *q;
	struct wdd_dev *d;
	struct list_head node;
	__le32 *regs;
	struct wd_dummy_desc *ring;
	u32 depth;
	u32 head;
	u32 done;
	u32 errors;
	bool stop;
};

static struct wdd_dev *wdd_devs;
static unsigned int wdd_nr_devs;

static inline u32 wdd_reg_read(struct wdd_queue *wq, unsigned int off)
{
	return le32_to_cpu(READ_ONCE(wq->regs[off / 4]));
}

static inline void wdd_reg_write(struct wdd_queue *wq, unsigned int off,
				 u32 v)
{
	WRITE_ONCE(wq->regs[off / 4], cpu_to_le32(v));
}

/* Probe one byte: readable, and for @write also writable (same value). */
static int wdd_probe_byte(struct wdd_queue *wq, u64 iova, bool write)
{
	u8 b;
	int ret;

	ret = wd_queue_dma_rw(wq->q, iova, &b, 1, false);
	if (!ret && write)
		ret = wd_queue_dma_rw(wq->q, iova, &b, 1, true);
	return ret;
}

/*
 * A copy larger than one chunk is done in pieces: check both ends of both
 * ranges first, so the common faults (nothing mapped, a length past the
 * buffer, a read-only destination) touch nothing. A hole in the middle of
 * a range still leaves the part before it copied, as a DMA engine would.
 */
static u32 wdd_exec(struct wdd_queue *wq, const struct wd_dummy_desc *desc)
{
	struct wdd_dev *d = wq->d;
	u64 src = desc->src, dst = desc->dst;
	u32 len = desc->len, off, n;
	bool copy = desc->op == WD_DUMMY_OP_COPY;
	u8 *pat = d->bounce;
	unsigned int i;

	if (desc->op != WD_DUMMY_OP_COPY && desc->op != WD_DUMMY_OP_FILL)
		return WD_DUMMY_ST_INVAL;
	if (len == 0 || len > WD_DUMMY_MAX_LEN || desc->flags)
		return WD_DUMMY_ST_INVAL;
	if (dst + len < dst || (copy && src + len < src))
		return WD_DUMMY_ST_FAULT;

	if (len > WDD_CHUNK &&
	    (wdd_probe_byte(wq, dst, true) ||
	     wdd_probe_byte(wq, dst + len - 1, true) ||
	     (copy && (wdd_probe_byte(wq, src, false) ||
		       wdd_probe_byte(wq, src + len - 1, false)))))
		return WD_DUMMY_ST_FAULT;

	if (!copy) {
		/* dst byte i = byte (i % 8) of the little-endian pattern */
		for (i = 0; i < min_t(u32, len, WDD_CHUNK); i++)
			pat[i] = src >> (8 * (i % 8));
	}
	for (off = 0; off < len; off += n) {
		if (READ_ONCE(wq->stop))
			return WDD_STOPPED;
		n = min_t(u32, len - off, WDD_CHUNK);
		if (copy && wd_queue_dma_rw(wq->q, src + off, d->bounce, n,
					    false))
			return WD_DUMMY_ST_FAULT;
		if (wd_queue_dma_rw(wq->q, dst + off, d->bounce, n, true))
			return WD_DUMMY_ST_FAULT;
		if (len - off > n)
			cond_resched();
	}
	return WD_DUMMY_ST_OK;
}

/* Serve up to a budget of one queue's descriptors; returns how many. */
static unsigned int wdd_serve(struct wdd_queue *wq)
{
	struct wdd_dev *d = wq->d;
	unsigned int n = 0;
	size_t bytes = 0;
	u32 tail;

	if (wdd_reg_read(wq, WD_DUMMY_REG_ENABLE) != 1)
		return 0;
	/* Acquire: descriptors written before the tail are seen. */
	tail = le32_to_cpu(smp_load_acquire(&wq->regs[WD_DUMMY_REG_SQ_TAIL / 4]));
	if (tail - wq->head > wq->depth) {
		/* More submitted than the ring holds: a software bug. Stop
		 * the queue; software may set ENABLE again with a sane tail.
		 */
		dev_dbg(wd_queue_device(wq->q),
			"SQ_TAIL %u is more than %u ahead of SQ_HEAD %u: queue disabled\n",
			tail, wq->depth, wq->head);
		wdd_reg_write(wq, WD_DUMMY_REG_ENABLE, 0);
		return 0;
	}
	if (wq->head == tail)
		return 0;
	wd_queue_use_mm(wq->q);
	while (wq->head != tail && n < WDD_BUDGET_DESCS &&
	       bytes < WDD_BUDGET_BYTES && !atomic_read(&d->waiters)) {
		struct wd_dummy_desc *slot = &wq->ring[wq->head & (wq->depth - 1)];
		struct wd_dummy_desc desc;
		u32 st;

		/* The ring is shared with user space: read it once. */
		desc.src = READ_ONCE(slot->src);
		desc.dst = READ_ONCE(slot->dst);
		desc.len = READ_ONCE(slot->len);
		desc.op = READ_ONCE(slot->op);
		desc.flags = READ_ONCE(slot->flags);
		st = wdd_exec(wq, &desc);
		if (st == WDD_STOPPED)
			break;
		/* Status last (release), then the head. */
		smp_store_release(&slot->status, st);
		wq->head++;
		wq->done++;
		if (st != WD_DUMMY_ST_OK)
			wq->errors++;
		wdd_reg_write(wq, WD_DUMMY_REG_DONE, wq->done);
		wdd_reg_write(wq, WD_DUMMY_REG_ERRORS, wq->errors);
		/* Release: status and counters are seen before the head. */
		smp_store_release(&wq->regs[WD_DUMMY_REG_SQ_HEAD / 4],
				  cpu_to_le32(wq->head));
		n++;
		bytes += desc.len;
	}
	wd_queue_unuse_mm(wq->q);
	return n;
}

/* Sleep until woken (or @us microseconds have passed, if non-zero). */
static void wdd_sleep(struct wdd_dev *d, unsigned int us)
{
	set_current_state(TASK_IDLE);
	if (READ_ONCE(d->kick) || kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	if (us) {
		ktime_t t = ns_to_ktime((u64)us * NSEC_PER_USEC);

		schedule_hrtimeout_range(&t, (u64)us * NSEC_PER_USEC / 4,
					 HRTIMER_MODE_REL);
	} else if (!atomic_read(&d->nactive)) {
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int wdd_engine(void *arg)
{
	struct wdd_dev *d = arg;
	unsigned int sleep_us = 0;
	u64 last_work = ktime_get_ns();

	while (!kthread_should_stop()) {
		struct wdd_queue *wq;
		unsigned int work = 0;

		WRITE_ONCE(d->kick, false);
		mutex_lock(&d->lock);
		list_for_each_entry(wq, &d->active, node)
			work += wdd_serve(wq);
		mutex_unlock(&d->lock);

		if (work) {
			last_work = ktime_get_ns();
			sleep_us = 0;
			cond_resched();
			continue;
		}
		if (!atomic_read(&d->nactive)) {
			wdd_sleep(d, 0);
			last_work = ktime_get_ns();
			continue;
		}
		if (ktime_get_ns() - last_work < (u64)READ_ONCE(poll_us) * NSEC_PER_USEC) {
			cond_resched();
			continue;
		}
		sleep_us = clamp_t(unsigned int, sleep_us * 2, WDD_SLEEP_MIN_US,
				   max_t(unsigned int, READ_ONCE(idle_us),
					 WDD_SLEEP_MIN_US));
		wdd_sleep(d, sleep_us);
	}
	return 0;
}

static void wdd_wake(struct wdd_dev *d)
{
	WRITE_ONCE(d->kick, true);
	wake_up_process(d->engine);
}

static size_t wdd_ring_size(unsigned int depth)
{
	return (size_t)depth * sizeof(struct wd_dummy_desc);
}

static int wdd_queue_start(struct wd_queue *q)
{
	struct wdd_queue *wq = wd_queue_priv(q);
	struct wdd_dev *d = wd_dev_priv(wd_queue_dev(q));

	wq->q = q;
	wq->d = d;
	wq->regs = wd_queue_regs(q);
	wq->ring = wd_queue_ring(q);
	wq->depth = wd_queue_depth(q);
	wq->head = 0;
	wq->done = 0;
	wq->errors = 0;
	wq->stop = false;
	wdd_reg_write(wq, WD_DUMMY_REG_VERSION, WD_DUMMY_VERSION);
	wdd_reg_write(wq, WD_DUMMY_REG_DEPTH, wq->depth);

	mutex_lock(&d->lock);
	list_add_tail(&wq->node, &d->active);
	atomic_inc(&d->nactive);
	mutex_unlock(&d->lock);
	wdd_wake(d);
	return 0;
}

/* After this the engine never touches the queue (or its user's memory). */
static void wdd_queue_stop(struct wd_queue *q)
{
	struct wdd_queue *wq = wd_queue_priv(q);
	struct wdd_dev *d = wq->d;

	WRITE_ONCE(wq->stop, true);
	atomic_inc(&d->waiters);
	mutex_lock(&d->lock);
	list_del(&wq->node);
	atomic_dec(&d->nactive);
	mutex_unlock(&d->lock);
	atomic_dec(&d->waiters);
}

static void wdd_doorbell(struct wd_queue *q)
{
	wdd_wake(wd_dev_priv(wd_queue_dev(q)));
}

static const struct wd_queue_ops wdd_queue_ops = {
	.ring_size = wdd_ring_size,
	.queue_start = wdd_queue_start,
	.queue_stop = wdd_queue_stop,
	.doorbell = wdd_doorbell,
};

static struct wd_driver wdd_driver = {
	.name = WDD_NAME,
	.device_api = WD_DUMMY_API,
	.ops = &wdd_queue_ops,
	.regs_size = WD_DUMMY_REGS_SIZE,
	.depth_min = WD_DUMMY_DEPTH_MIN,
	.depth_max = WD_DUMMY_DEPTH_MAX,
	.depth_default = WD_DUMMY_DEPTH_DEFAULT,
	.queue_priv_size = sizeof(struct wdd_queue),
};

static const struct wd_alg wdd_algs[] = {
	{ .name = WD_DUMMY_ALG, .flags = 0 },
};

static void wdd_dev_destroy(struct wdd_dev *d)
{
	/* Queues first: closing them needs the engine's lock only. */
	wd_unregister_dev(d->wdev);
	kthread_stop(d->engine);
	vfree(d->bounce);
}

static int wdd_dev_create(struct wdd_dev *d, unsigned int id)
{
	int ret;

	d->id = id;
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->active);
	d->bounce = vmalloc(WDD_CHUNK);
	if (!d->bounce)
		return -ENOMEM;
	d->engine = kthread_create(wdd_engine, d, WDD_NAME "%u", id);
	if (IS_ERR(d->engine)) {
		ret = PTR_ERR(d->engine);
		goto err_free;
	}
	if (cpu >= 0)
		kthread_bind(d->engine, cpu);
	if (rt)
		sched_set_fifo_low(d->engine);
	wake_up_process(d->engine);

	d->wdev = wd_register_dev(&wdd_driver, NULL, wdd_algs,
				  ARRAY_SIZE(wdd_algs), NUMA_NO_NODE,
				  WDD_PRIORITY, d);
	if (IS_ERR(d->wdev)) {
		ret = PTR_ERR(d->wdev);
		goto err_stop;
	}
	return 0;

err_stop:
	kthread_stop(d->engine);
err_free:
	vfree(d->bounce);
	return ret;
}

static int __init wdd_init(void)
{
	unsigned int i;
	int ret;

	if (devices < 1 || devices > 64 || queues < 1 || queues > 1024)
		return -EINVAL;
	if (cpu >= 0 && (cpu >= nr_cpu_ids || !cpu_online(cpu)))
		return -EINVAL;
	wdd_driver.max_queues = queues;
	ret = wd_register_driver(&wdd_driver);
	if (ret)
		return ret;
	wdd_devs = kcalloc(devices, sizeof(*wdd_devs), GFP_KERNEL);
	if (!wdd_devs) {
		ret = -ENOMEM;
		goto err_drv;
	}
	for (i = 0; i < devices; i++) {
		ret = wdd_dev_create(&wdd_devs[i], i);
		if (ret)
			goto err_devs;
		wdd_nr_devs++;
	}
	pr_info(WDD_NAME ": %u devices, %u queues each\n", devices, queues);
	return 0;

err_devs:
	while (wdd_nr_devs)
		wdd_dev_destroy(&wdd_devs[--wdd_nr_devs]);
	kfree(wdd_devs);
err_drv:
	wd_unregister_driver(&wdd_driver);
	return ret;
}

static void __exit wdd_exit(void)
{
	while (wdd_nr_devs)
		wdd_dev_destroy(&wdd_devs[--wdd_nr_devs]);
	kfree(wdd_devs);
	wd_unregister_driver(&wdd_driver);
}

module_init(wdd_init);
module_exit(wdd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive software memcpy engine (device_api wd_dummy_v1)");
MODULE_AUTHOR("WrapDrive authors");
