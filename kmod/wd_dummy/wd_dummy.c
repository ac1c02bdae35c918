// SPDX-License-Identifier: GPL-2.0
/*
 * wd_dummy.ko: a software memcpy/fill engine behind WrapDrive queues of
 * device_api "wd_dummy_v1" (the ABI is in wd_dummy_v1.h, shared with
 * libwd's user driver and its in-process model).
 *
 * wd.ko's engine thread of each open queue calls wdd_serve(), which reads
 * the producer index (SQ_TAIL) like hardware and moves data with
 * vfio_dma_rw() through a bounce buffer: user memory is reached by IOVA
 * in the queue's VFIO container, with the owner's current page tables and
 * nothing pinned, so it works in type1 v1 containers (DPDK's) and stays
 * right after madvise(MADV_DONTNEED). An IOVA that is not mapped gives an
 * error completion, never an access elsewhere. Idle back-off, wake-up and
 * stopping are wd.ko's (module parameters poll_us, idle_us, rt, cpu).
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
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
#define WDD_BUDGET_BYTES	(4u << 20)	/* per serve() call */
#define WDD_PRIORITY		10	/* software: below real hardware */
#define WDD_STOPPED		0xffffffffu	/* internal: queue closing */

static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of devices wd_dummy<n> (1..64, default 2)");

static unsigned int queues = 8;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Queues (mdev instances) per device (1..1024, default 8)");

struct wdd_dev {
	struct wd_dev *wdev;
	unsigned int id;
};

/*
 * Engine state of a queue: the registers page is the user's, so what the
 * engine owns (head, counters, depth) lives here.
 */
struct wdd_queue {
	struct wd_queue *q;
	__le32 *regs;
	struct wd_dummy_desc *ring;
	void *bounce;			/* WDD_CHUNK bytes */
	u32 depth;
	u32 head;
	u32 done;
	u32 errors;
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
	u64 src = desc->src, dst = desc->dst;
	u32 len = desc->len, off, n;
	bool copy = desc->op == WD_DUMMY_OP_COPY;
	u8 *pat = wq->bounce;
	unsigned int i;

	if (desc->op != WD_DUMMY_OP_COPY && desc->op != WD_DUMMY_OP_FILL)
		return WD_DUMMY_ST_INVAL;
	if (len == 0 || len > WD_DUMMY_MAX_LEN || desc->flags)
		return WD_DUMMY_ST_INVAL;
	/* The last byte must be addressable: a range may end at 2^64. */
	if (dst + (len - 1) < dst || (copy && src + (len - 1) < src))
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
		if (wd_queue_stopping(wq->q))
			return WDD_STOPPED;
		n = min_t(u32, len - off, WDD_CHUNK);
		if (copy && wd_queue_dma_rw(wq->q, src + off, wq->bounce, n,
					    false))
			return WD_DUMMY_ST_FAULT;
		if (wd_queue_dma_rw(wq->q, dst + off, wq->bounce, n, true))
			return WD_DUMMY_ST_FAULT;
		if (len - off > n)
			cond_resched();
	}
	return WD_DUMMY_ST_OK;
}

/* wd.ko's engine thread: serve up to @budget descriptors. */
static unsigned int wdd_serve(struct wd_queue *q, unsigned int budget)
{
	struct wdd_queue *wq = wd_queue_priv(q);
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
	while (wq->head != tail && n < budget && bytes < WDD_BUDGET_BYTES) {
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
	return n;
}

static size_t wdd_ring_size(unsigned int depth)
{
	return (size_t)depth * sizeof(struct wd_dummy_desc);
}

static int wdd_queue_start(struct wd_queue *q)
{
	struct wdd_queue *wq = wd_queue_priv(q);

	wq->q = q;
	wq->regs = wd_queue_regs(q);
	wq->ring = wd_queue_ring(q);
	wq->depth = wd_queue_depth(q);
	wq->head = 0;
	wq->done = 0;
	wq->errors = 0;
	if (!wq->bounce)
		wq->bounce = vmalloc(WDD_CHUNK);
	if (!wq->bounce)
		return -ENOMEM;
	wdd_reg_write(wq, WD_DUMMY_REG_VERSION, WD_DUMMY_VERSION);
	wdd_reg_write(wq, WD_DUMMY_REG_DEPTH, wq->depth);
	return 0;
}

/* The engine has stopped: the bounce buffer goes with the queue. */
static void wdd_queue_stop(struct wd_queue *q)
{
	struct wdd_queue *wq = wd_queue_priv(q);

	vfree(wq->bounce);
	wq->bounce = NULL;
}

static const struct wd_queue_ops wdd_queue_ops = {
	.ring_size = wdd_ring_size,
	.queue_start = wdd_queue_start,
	.queue_stop = wdd_queue_stop,
	.serve = wdd_serve,
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
	{ .name = WD_DUMMY_ALG, .flags = 0,
	  .description = "memcpy and fill by IOVA, in order (device_api wd_dummy_v1)" },
};

static int wdd_dev_create(struct wdd_dev *d, unsigned int id)
{
	d->id = id;
	d->wdev = wd_register_dev(&wdd_driver, NULL, wdd_algs,
				  ARRAY_SIZE(wdd_algs), NUMA_NO_NODE,
				  WDD_PRIORITY, d);
	return PTR_ERR_OR_ZERO(d->wdev);
}

static int __init wdd_init(void)
{
	unsigned int i;
	int ret;

	if (devices < 1 || devices > 64 || queues < 1 || queues > 1024)
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
		wd_unregister_dev(wdd_devs[--wdd_nr_devs].wdev);
	kfree(wdd_devs);
err_drv:
	wd_unregister_driver(&wdd_driver);
	return ret;
}

static void __exit wdd_exit(void)
{
	while (wdd_nr_devs)
		wd_unregister_dev(wdd_devs[--wdd_nr_devs].wdev);
	kfree(wdd_devs);
	wd_unregister_driver(&wdd_driver);
}

module_init(wdd_init);
module_exit(wdd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive software memcpy engine (device_api wd_dummy_v1)");
MODULE_AUTHOR("WrapDrive authors");
