// SPDX-License-Identifier: GPL-2.0
/*
 * wd.ko: WrapDrive_k, accelerator queues as VFIO mediated devices.
 *
 * Sysfs made here (doc/guides/kernel.rst has the full ABI):
 *
 *   /sys/bus/wd/devices/<drv><n>            one accelerator device, bound to
 *   /sys/class/wd_dev/<drv><n> -> (link)     the bus driver named <drv>
 *       wrapdrive_dev/{numa_zone_id,priority,max_queues}
 *       mdev_supported_types/<drv>-<alg>/    (made by the mdev core from the
 *           {name,device_api,available_instances,create,devices/,
 *            description}                    (description: the driver's)
 *           flags                            (added here, see below)
 *   /sys/bus/mdev/devices/<uuid>             one queue
 *       params/{owner,uid,state,depth}
 *
 * The mdev core names a type directory after dev_driver_string() of the
 * parent, so each accelerator device sits on the small bus "wd" and is
 * bound to a bus driver of the accelerator driver's name: that gives the
 * seed's "<drv>-<alg>" names. /sys/class/wd_dev is a compat class of links
 * to those devices.
 *
 * A queue's life: "created" (by a write to create; owner = the writer's
 * process), "open" (VFIO device opened; owner = the opener's process;
 * regions allocated, its engine thread serves the rings), "released"
 * (closed, also by the owner's death: engine and driver stopped, regions
 * freed). It holds its instance until it is removed through its "remove"
 * attribute. Only its creator's user (or root's queues: anyone the VFIO
 * group node lets in) may open it.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mdev.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vmalloc.h>

#include "wd_k.h"

/* Engine threads of software engines (doc/guides/kernel.rst). */
static unsigned int poll_us = 50;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "An engine busy-polls this long after its last work before sleeping (default 50; not with rt)");

static unsigned int idle_us = 1000;
module_param(idle_us, uint, 0644);
MODULE_PARM_DESC(idle_us, "Longest engine sleep while its queue is open and idle (default 1000)");

static bool rt;
module_param(rt, bool, 0444);
MODULE_PARM_DESC(rt, "Run engines SCHED_FIFO (low priority); they never busy-poll and yield 100 us per ms of work");

static int cpu = -1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "Bind engine threads to this CPU (-1: any, default)");

#define WD_ENGINE_BUDGET	64	/* descriptors per serve() call */
#define WD_ENGINE_SLEEP_MIN_US	10
#define WD_RT_RUN_NS		(1000 * NSEC_PER_USEC)
#define WD_RT_YIELD_US		100

#define WD_REGION_MASK		(BIT_ULL(WD_REGION_SHIFT) - 1)
#define WD_REGION_PG_SHIFT	(WD_REGION_SHIFT - PAGE_SHIFT)

enum wd_queue_state {
	WD_Q_CREATED,
	WD_Q_OPEN,
	WD_Q_RELEASED,
};

static const char * const wd_state_names[] = {
	[WD_Q_CREATED] = "created",
	[WD_Q_OPEN] = "open",
	[WD_Q_RELEASED] = "released",
};

/* An mdev type: one algorithm of one device. */
struct wd_mtype {
	struct mdev_type mtype;
	struct wd_alg alg;
	struct wd_dev *wdev;
	bool has_flags;
};

struct wd_dev {
	struct device dev;
	struct wd_driver *drv;
	struct mdev_parent parent;
	void *priv;
	int id;
	int node;		/* numa_zone_id */
	int priority;
	unsigned int nr_types;
	struct mdev_type **type_ptrs;
	struct wd_mtype types[];
};

struct wd_queue {
	struct vfio_device vdev;	/* first: vfio_alloc_device() */
	struct wd_dev *wdev;
	const struct wd_alg *alg;
	struct mutex lock;		/* state, owner, depth, regions, engine */
	enum wd_queue_state state;
	struct pid *owner;
	kuid_t uid;			/* the creator's: who may open it */
	bool running;			/* between queue_start and queue_stop */
	struct task_struct *engine;	/* software engines, while running */
	spinlock_t engine_lock;		/* engine, for wd_queue_kick() */
	bool kick;			/* doorbell since the engine last looked */
	unsigned int depth;
	void *regs;
	void *ring;
	size_t regs_size;
	size_t ring_size;
	struct mm_struct *mm;		/* the opener's (mmgrab), while open */
	bool mm_used;			/* the engine borrowed it */
	u64 priv[];			/* the driver's, queue_priv_size */
};

/* vfio_alloc_device() and to_wd_queue() rely on this. */
static_assert(offsetof(struct wd_queue, vdev) == 0);

static struct class_compat *wd_class;
static struct device *wd_root;

static struct wd_dev *to_wd_dev(struct device *dev)
{
	return container_of(dev, struct wd_dev, dev);
}

static struct wd_queue *to_wd_queue(struct vfio_device *vdev)
{
	return container_of(vdev, struct wd_queue, vdev);
}

/* ---- the bus: binds each device to a driver of its driver's name ---- */

static int wd_bus_match(struct device *dev, struct device_driver *drv)
{
	return &to_wd_dev(dev)->drv->drv == drv;
}

static struct bus_type wd_bus = {
	.name = "wd",
	.match = wd_bus_match,
};

/* ---- /sys/class/wd_dev/<dev>/wrapdrive_dev/ ---- */

static ssize_t numa_zone_id_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_wd_dev(dev)->node));
}

static ssize_t numa_zone_id_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	int node, ret;

	ret = kstrtoint(buf, 10, &node);
	if (ret)
		return ret;
	if (node != NUMA_NO_NODE &&
	    (node < 0 || node >= MAX_NUMNODES || !node_online(node)))
		return -EINVAL;
	WRITE_ONCE(to_wd_dev(dev)->node, node);
	return count;
}
static DEVICE_ATTR_RW(numa_zone_id);

static ssize_t priority_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_wd_dev(dev)->priority));
}

static ssize_t priority_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	int prio, ret;

	ret = kstrtoint(buf, 10, &prio);
	if (ret)
		return ret;
	if (prio < WD_PRIORITY_MIN || prio > WD_PRIORITY_MAX)
		return -ERANGE;
	WRITE_ONCE(to_wd_dev(dev)->priority, prio);
	return count;
}
static DEVICE_ATTR_RW(priority);

static ssize_t max_queues_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_wd_dev(dev)->drv->max_queues);
}
static DEVICE_ATTR_RO(max_queues);

static struct attribute *wd_dev_attrs[] = {
	&dev_attr_numa_zone_id.attr,
	&dev_attr_priority.attr,
	&dev_attr_max_queues.attr,
	NULL,
};

static const struct attribute_group wd_dev_group = {
	.name = "wrapdrive_dev",
	.attrs = wd_dev_attrs,
};

static const struct attribute_group *wd_dev_groups[] = {
	&wd_dev_group,
	NULL,
};

/* ---- the type's "flags" ---- */

/*
 * The mdev core (drivers/vfio/mdev/mdev_sysfs.c in 6.1) makes a type's
 * attributes itself and has no hook for more. Its kobject's sysfs_ops cast
 * every attribute to its private struct mdev_type_attribute: a struct
 * attribute, then show(mtype, attr, buf), then store(mtype, attr, buf,
 * count). This struct has exactly that layout, so a "flags" file added to
 * the type's kobject is shown through the core's own sysfs_ops.
 */
struct wd_mtype_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *mtype,
			struct wd_mtype_attribute *attr, char *buf);
	ssize_t (*store)(struct mdev_type *mtype,
			 struct wd_mtype_attribute *attr, const char *buf,
			 size_t count);
};

static ssize_t flags_show(struct mdev_type *mtype,
			  struct wd_mtype_attribute *attr, char *buf)
{
	struct wd_mtype *t = container_of(mtype, struct wd_mtype, mtype);

	return sysfs_emit(buf, "0x%x\n", t->alg.flags);
}

static struct wd_mtype_attribute wd_mtype_attr_flags = __ATTR_RO(flags);

/* The standard "description": the driver's words, then the flags spelled. */
static ssize_t wd_show_description(struct mdev_type *mtype, char *buf)
{
	struct wd_mtype *t = container_of(mtype, struct wd_mtype, mtype);
	u32 f = t->alg.flags;

	return sysfs_emit(buf, "%s; flags 0x%x%s%s\n",
			  t->alg.description ? t->alg.description : t->alg.name,
			  f, f & WD_CAPA_SHARE_ALL ? " share_all" : "",
			  f & WD_CAPA_ALLOW_LEGACY ? " allow_legacy" : "");
}

/* ---- a queue's params/ ---- */

static struct wd_queue *dev_to_queue(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t owner_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct wd_queue *q = dev_to_queue(dev);
	pid_t pid;

	mutex_lock(&q->lock);
	pid = pid_vnr(q->owner);
	mutex_unlock(&q->lock);
	return sysfs_emit(buf, "%d\n", pid);
}
static DEVICE_ATTR_RO(owner);

/* The user the queue is bound to (its creator), in the reader's namespace. */
static ssize_t uid_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct wd_queue *q = dev_to_queue(dev);

	return sysfs_emit(buf, "%u\n",
			  from_kuid_munged(current_user_ns(), q->uid));
}
static DEVICE_ATTR_RO(uid);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct wd_queue *q = dev_to_queue(dev);
	enum wd_queue_state state;

	mutex_lock(&q->lock);
	state = q->state;
	mutex_unlock(&q->lock);
	return sysfs_emit(buf, "%s\n", wd_state_names[state]);
}
static DEVICE_ATTR_RO(state);

static ssize_t depth_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct wd_queue *q = dev_to_queue(dev);
	unsigned int depth;

	mutex_lock(&q->lock);
	depth = q->depth;
	mutex_unlock(&q->lock);
	return sysfs_emit(buf, "%u\n", depth);
}

static ssize_t depth_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct wd_queue *q = dev_to_queue(dev);
	struct wd_driver *drv = q->wdev->drv;
	unsigned int depth;
	int ret;

	ret = kstrtouint(buf, 10, &depth);
	if (ret)
		return ret;
	if (!is_power_of_2(depth) || depth < drv->depth_min ||
	    depth > drv->depth_max)
		return -EINVAL;
	mutex_lock(&q->lock);
	if (q->state == WD_Q_OPEN) {
		ret = -EBUSY;
	} else {
		q->depth = depth;
		ret = count;
	}
	mutex_unlock(&q->lock);
	return ret;
}
static DEVICE_ATTR_RW(depth);

static struct attribute *wd_queue_attrs[] = {
	&dev_attr_owner.attr,
	&dev_attr_uid.attr,
	&dev_attr_state.attr,
	&dev_attr_depth.attr,
	NULL,
};

static const struct attribute_group wd_queue_group = {
	.name = "params",
	.attrs = wd_queue_attrs,
};

static const struct attribute_group *wd_queue_groups[] = {
	&wd_queue_group,
	NULL,
};

/* ---- the engine of a software queue ---- */

/*
 * The engine borrows the opener's address space around each serve(), so
 * its wd_queue_dma_rw() calls save two mm switches each. False (nothing to
 * undo) if the owner's address space is gone.
 */
static bool wd_queue_use_mm(struct wd_queue *q)
{
	if (current->mm || !q->mm || !mmget_not_zero(q->mm))
		return false;
	kthread_use_mm(q->mm);
	q->mm_used = true;
	return true;
}

static void wd_queue_unuse_mm(struct wd_queue *q)
{
	q->mm_used = false;
	kthread_unuse_mm(q->mm);
	/* If the owner died meanwhile, tear its mm down elsewhere. */
	mmput_async(q->mm);
}

/* Sleep @us (0: a scheduler tick's worth is not wanted, return) unless kicked. */
static void wd_engine_sleep(struct wd_queue *q, unsigned int us, bool wakeable)
{
	ktime_t t = ns_to_ktime((u64)us * NSEC_PER_USEC);

	set_current_state(TASK_IDLE);
	if ((wakeable && READ_ONCE(q->kick)) || kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	schedule_hrtimeout_range(&t, (u64)us * NSEC_PER_USEC / 4,
				 HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
}

/*
 * One thread per open queue, so a queue whose user memory faults slowly
 * (userfaultfd, FUSE) stalls only itself. It polls while there is work,
 * for poll_us more, then sleeps 10 us, 20 us, ... up to idle_us; a
 * write(2) doorbell or wd_queue_kick() wakes it at once.
 */
static int wd_engine(void *arg)
{
	struct wd_queue *q = arg;
	unsigned int (*serve)(struct wd_queue *q, unsigned int budget) =
		q->wdev->drv->ops->serve;
	u64 now, last_work = ktime_get_ns(), run_start = last_work;
	unsigned int sleep_us = 0, n;
	bool mm;

	while (!kthread_should_stop()) {
		WRITE_ONCE(q->kick, false);
		mm = wd_queue_use_mm(q);
		n = serve(q, WD_ENGINE_BUDGET);
		if (mm)
			wd_queue_unuse_mm(q);
		now = ktime_get_ns();
		if (n) {
			last_work = now;
			sleep_us = 0;
			if (rt && now - run_start > WD_RT_RUN_NS) {
				/* SCHED_FIFO never yields to normal tasks */
				wd_engine_sleep(q, WD_RT_YIELD_US, false);
				run_start = ktime_get_ns();
			} else {
				cond_resched();
			}
			continue;
		}
		if (!rt && now - last_work < (u64)READ_ONCE(poll_us) * NSEC_PER_USEC) {
			cond_resched();
			continue;
		}
		sleep_us = clamp_t(unsigned int, sleep_us * 2,
				   WD_ENGINE_SLEEP_MIN_US,
				   max_t(unsigned int, READ_ONCE(idle_us),
					 WD_ENGINE_SLEEP_MIN_US));
		wd_engine_sleep(q, sleep_us, true);
		run_start = ktime_get_ns();
	}
	return 0;
}

void wd_queue_kick(struct wd_queue *q)
{
	unsigned long flags;

	WRITE_ONCE(q->kick, true);
	spin_lock_irqsave(&q->engine_lock, flags);
	if (q->engine)
		wake_up_process(q->engine);
	spin_unlock_irqrestore(&q->engine_lock, flags);
}
EXPORT_SYMBOL_GPL(wd_queue_kick);

bool wd_queue_stopping(struct wd_queue *q)
{
	return kthread_should_stop();
}
EXPORT_SYMBOL_GPL(wd_queue_stopping);

/* Start serving a queue whose regions are allocated and zeroed. */
static int wd_queue_run(struct wd_queue *q)
{
	const struct wd_queue_ops *ops = q->wdev->drv->ops;
	struct task_struct *t;
	int ret;

	lockdep_assert_held(&q->lock);
	ret = ops->queue_start(q);
	if (ret)
		return ret;
	q->running = true;
	if (!ops->serve)
		return 0;
	WRITE_ONCE(q->kick, false);
	t = kthread_create(wd_engine, q, "wdq/%.8s", dev_name(q->vdev.dev));
	if (IS_ERR(t)) {
		ops->queue_stop(q);
		q->running = false;
		return PTR_ERR(t);
	}
	if (cpu >= 0)
		kthread_bind(t, cpu);
	if (rt)
		sched_set_fifo_low(t);
	spin_lock_irq(&q->engine_lock);
	q->engine = t;
	spin_unlock_irq(&q->engine_lock);
	wake_up_process(t);
	return 0;
}

/* Stop the engine, then the driver; nothing touches the regions after. */
static void wd_queue_halt(struct wd_queue *q)
{
	struct task_struct *t;

	lockdep_assert_held(&q->lock);
	if (!q->running)
		return;
	spin_lock_irq(&q->engine_lock);
	t = q->engine;
	q->engine = NULL;
	spin_unlock_irq(&q->engine_lock);
	if (t)
		kthread_stop(t);
	q->wdev->drv->ops->queue_stop(q);
	q->running = false;
}

/* ---- the queue as a VFIO device ---- */

static int wd_vfio_init(struct vfio_device *vdev)
{
	struct wd_queue *q = to_wd_queue(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct wd_mtype *t = container_of(mdev->type, struct wd_mtype, mtype);

	q->wdev = t->wdev;
	q->alg = &t->alg;
	mutex_init(&q->lock);
	spin_lock_init(&q->engine_lock);
	q->state = WD_Q_CREATED;
	/* The creator: the process that wrote "create", and its user. */
	q->owner = get_task_pid(current, PIDTYPE_TGID);
	q->uid = current_euid();
	q->depth = t->wdev->drv->depth_default;
	return 0;
}

static void wd_vfio_release(struct vfio_device *vdev)
{
	struct wd_queue *q = to_wd_queue(vdev);

	put_pid(q->owner);
	mutex_destroy(&q->lock);
	vfio_free_device(vdev);
}

static void wd_queue_free_regions(struct wd_queue *q)
{
	vfree(q->regs);
	vfree(q->ring);
	q->regs = NULL;
	q->ring = NULL;
}

/*
 * A queue is bound to the user that created it: only that user (or an
 * administrator) opens it. Queues created by root, as wd-devbind.py
 * --create does for others, are open to whoever may open the group node.
 */
static bool wd_may_open(struct wd_queue *q)
{
	return uid_eq(q->uid, current_euid()) ||
	       uid_eq(q->uid, GLOBAL_ROOT_UID) || capable(CAP_SYS_ADMIN);
}

static int wd_vfio_open(struct vfio_device *vdev)
{
	struct wd_queue *q = to_wd_queue(vdev);
	struct wd_driver *drv = q->wdev->drv;
	int ret;

	mutex_lock(&q->lock);
	if (!wd_may_open(q)) {
		ret = -EPERM;
		goto err_unlock;
	}
	q->regs_size = drv->regs_size;
	q->ring_size = drv->ops->ring_size ?
		       PAGE_ALIGN(drv->ops->ring_size(q->depth)) : 0;
	q->regs = vmalloc_user(q->regs_size);
	if (q->ring_size)
		q->ring = vmalloc_user(q->ring_size);
	if (!q->regs || (q->ring_size && !q->ring)) {
		ret = -ENOMEM;
		goto err_free;
	}
	q->mm = current->mm;
	if (q->mm)
		mmgrab(q->mm);
	ret = wd_queue_run(q);
	if (ret)
		goto err_mm;
	q->state = WD_Q_OPEN;
	put_pid(q->owner);
	q->owner = get_task_pid(current, PIDTYPE_TGID);
	mutex_unlock(&q->lock);
	return 0;

err_mm:
	if (q->mm)
		mmdrop(q->mm);
	q->mm = NULL;
err_free:
	wd_queue_free_regions(q);
err_unlock:
	mutex_unlock(&q->lock);
	return ret;
}

/* Also when the owner was killed: no user mm here, none needed. */
static void wd_vfio_close(struct vfio_device *vdev)
{
	struct wd_queue *q = to_wd_queue(vdev);

	mutex_lock(&q->lock);
	wd_queue_halt(q);
	wd_queue_free_regions(q);
	if (q->mm)
		mmdrop(q->mm);
	q->mm = NULL;
	q->state = WD_Q_RELEASED;
	mutex_unlock(&q->lock);
}

/*
 * Regions are allocated before the device file exists and freed after it
 * is gone (open_device/close_device), and only zeroed in between (reset),
 * so the file operations below need no lock to look at them. A region of
 * size 0 is absent (no ring region: the rings are in user memory).
 */
static void *wd_queue_region(struct wd_queue *q, unsigned int index,
			     size_t *size)
{
	switch (index) {
	case WD_REGION_REGS:
		*size = q->regs_size;
		return q->regs;
	case WD_REGION_RING:
		*size = q->ring_size;
		return q->ring;
	default:
		return NULL;
	}
}

/*
 * Registers by read(2)/write(2): whole aligned 32-bit words only, each
 * moved with one load or store, so the engine never sees half a doorbell;
 * a write then wakes the engine.
 */
static ssize_t wd_regs_rw(struct wd_queue *q, char __user *ubuf, size_t count,
			  u64 off, bool write)
{
	u32 *regs = q->regs;
	size_t done;
	u32 v;

	if (off % 4 || count % 4 || !count)
		return -EINVAL;
	count = min_t(size_t, count, q->regs_size - off);
	for (done = 0; done < count; done += 4) {
		u32 __user *up = (u32 __user *)(ubuf + done);

		if (write) {
			if (get_user(v, up))
				break;
			WRITE_ONCE(regs[(off + done) / 4], v);
		} else {
			v = READ_ONCE(regs[(off + done) / 4]);
			if (put_user(v, up))
				break;
		}
	}
	if (write && done)
		wd_queue_kick(q);
	return done ? done : -EFAULT;
}

static ssize_t wd_vfio_rw(struct wd_queue *q, char __user *ubuf, size_t count,
			  loff_t *ppos, bool write)
{
	u64 pos = *ppos;
	u64 off = pos & WD_REGION_MASK;
	size_t size;
	void *base;
	ssize_t ret;

	base = wd_queue_region(q, pos >> WD_REGION_SHIFT, &size);
	if (!base || off >= size)
		return -EINVAL;
	if (base == q->regs) {
		ret = wd_regs_rw(q, ubuf, count, off, write);
		if (ret > 0)
			*ppos += ret;
		return ret;
	}
	count = min_t(size_t, count, size - off);
	if (write) {
		if (copy_from_user(base + off, ubuf, count))
			return -EFAULT;
	} else if (copy_to_user(ubuf, base + off, count)) {
		return -EFAULT;
	}
	*ppos += count;
	return count;
}

static ssize_t wd_vfio_read(struct vfio_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos)
{
	return wd_vfio_rw(to_wd_queue(vdev), buf, count, ppos, false);
}

static ssize_t wd_vfio_write(struct vfio_device *vdev, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	return wd_vfio_rw(to_wd_queue(vdev), (char __user *)buf, count, ppos,
			  true);
}

static int wd_vfio_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct wd_queue *q = to_wd_queue(vdev);
	unsigned long index = vma->vm_pgoff >> WD_REGION_PG_SHIFT;
	unsigned long pgoff = vma->vm_pgoff & (BIT(WD_REGION_PG_SHIFT) - 1);
	size_t size;
	void *base;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (index >= WD_NUM_REGIONS)
		return -EINVAL;
	base = wd_queue_region(q, index, &size);
	if (!base)
		return -EINVAL;
	/* A child after fork() must open its own queue, never share this. */
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND;
	/* remap_vmalloc_range() refuses a range beyond the region. */
	return remap_vmalloc_range(vma, base, pgoff);
}

/*
 * VFIO_DEVICE_RESET: the queue as just opened. If the driver cannot start
 * again, the queue stays stopped (its file still works, the engine does
 * not) until the next reset or close.
 */
static int wd_queue_reset(struct wd_queue *q)
{
	int ret;

	mutex_lock(&q->lock);
	wd_queue_halt(q);
	memset(q->regs, 0, q->regs_size);
	if (q->ring)
		memset(q->ring, 0, q->ring_size);
	ret = wd_queue_run(q);
	mutex_unlock(&q->lock);
	return ret;
}

static long wd_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			  unsigned long arg)
{
	struct wd_queue *q = to_wd_queue(vdev);
	void __user *uarg = (void __user *)arg;
	unsigned long minsz;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info info;

		minsz = offsetofend(struct vfio_device_info, num_irqs);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = WD_NUM_REGIONS;
		info.num_irqs = 0;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info info;
		size_t size;

		minsz = offsetofend(struct vfio_region_info, offset);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		if (info.index >= WD_NUM_REGIONS)
			return -EINVAL;
		info.offset = WD_REGION_OFFSET(info.index);
		/* An absent region: size 0, no access. */
		info.size = 0;
		info.flags = 0;
		if (wd_queue_region(q, info.index, &size)) {
			info.size = size;
			info.flags = VFIO_REGION_INFO_FLAG_READ |
				     VFIO_REGION_INFO_FLAG_WRITE |
				     VFIO_REGION_INFO_FLAG_MMAP;
		}
		info.cap_offset = 0;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info info;

		minsz = offsetofend(struct vfio_irq_info, count);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		/* A queue has no interrupts: every index is out of range. */
		return -EINVAL;
	}
	case VFIO_DEVICE_SET_IRQS:
		return -EINVAL;
	case VFIO_DEVICE_RESET:
		return wd_queue_reset(q);
	}
	return -ENOTTY;
}

/* "remove" written while the queue is open: the core waits for close. */
static void wd_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct wd_queue *q = to_wd_queue(vdev);
	pid_t pid;

	if (count)
		return;
	mutex_lock(&q->lock);
	pid = pid_nr(q->owner);
	mutex_unlock(&q->lock);
	dev_notice(vdev->dev,
		   "remove waits until the queue's user (pid %d) closes it\n",
		   pid);
}

/*
 * Nothing is pinned: wd_queue_dma_rw() looks every IOVA up again under the
 * container's lock, so once VFIO_IOMMU_UNMAP_DMA returns the engine can no
 * longer reach the range (type1 calls this only for pinned ranges anyway).
 */
static void wd_vfio_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
}

static const struct vfio_device_ops wd_vfio_ops = {
	.name = "wd-queue",
	.init = wd_vfio_init,
	.release = wd_vfio_release,
	.open_device = wd_vfio_open,
	.close_device = wd_vfio_close,
	.read = wd_vfio_read,
	.write = wd_vfio_write,
	.ioctl = wd_vfio_ioctl,
	.mmap = wd_vfio_mmap,
	.request = wd_vfio_request,
	.dma_unmap = wd_vfio_dma_unmap,
};

/* ---- the mdev driver: one per wd_driver (one per device_api) ---- */

static int wd_mdev_probe(struct mdev_device *mdev)
{
	struct wd_mtype *t = container_of(mdev->type, struct wd_mtype, mtype);
	struct wd_driver *drv = t->wdev->drv;
	struct vfio_device *vdev;
	int ret;

	vdev = _vfio_alloc_device(sizeof(struct wd_queue) +
				  drv->queue_priv_size, &mdev->dev,
				  &wd_vfio_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	dev_set_drvdata(&mdev->dev, to_wd_queue(vdev));
	ret = vfio_register_emulated_iommu_dev(vdev);
	if (ret) {
		dev_set_drvdata(&mdev->dev, NULL);
		vfio_put_device(vdev);
	}
	return ret;
}

static void wd_mdev_remove(struct mdev_device *mdev)
{
	struct wd_queue *q = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&q->vdev);
	vfio_put_device(&q->vdev);
}

int __wd_register_driver(struct wd_driver *drv, struct module *owner)
{
	const struct wd_queue_ops *ops = drv->ops;
	int ret;

	if (!drv->name || !drv->device_api || !ops ||
	    !ops->queue_start || !ops->queue_stop || !drv->max_queues ||
	    !drv->regs_size || !PAGE_ALIGNED(drv->regs_size) ||
	    !is_power_of_2(drv->depth_min) || !is_power_of_2(drv->depth_max) ||
	    !is_power_of_2(drv->depth_default) ||
	    drv->depth_default < drv->depth_min ||
	    drv->depth_default > drv->depth_max)
		return -EINVAL;

	drv->owner = owner;
	ida_init(&drv->ida);
	memset(&drv->drv, 0, sizeof(drv->drv));
	drv->drv.name = drv->name;
	drv->drv.bus = &wd_bus;
	drv->drv.owner = owner;
	drv->drv.suppress_bind_attrs = true;
	ret = driver_register(&drv->drv);
	if (ret)
		return ret;

	memset(&drv->mdrv, 0, sizeof(drv->mdrv));
	drv->mdrv.device_api = drv->device_api;
	drv->mdrv.max_instances = drv->max_queues;
	drv->mdrv.show_description = wd_show_description;
	drv->mdrv.probe = wd_mdev_probe;
	drv->mdrv.remove = wd_mdev_remove;
	drv->mdrv.driver.name = drv->name;
	drv->mdrv.driver.owner = owner;
	drv->mdrv.driver.dev_groups = wd_queue_groups;
	drv->mdrv.driver.suppress_bind_attrs = true;
	ret = mdev_register_driver(&drv->mdrv);
	if (ret) {
		driver_unregister(&drv->drv);
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(__wd_register_driver);

void wd_unregister_driver(struct wd_driver *drv)
{
	mdev_unregister_driver(&drv->mdrv);
	driver_unregister(&drv->drv);
	ida_destroy(&drv->ida);
}
EXPORT_SYMBOL_GPL(wd_unregister_driver);

/* ---- devices ---- */

/* Last reference: the device and the mdev types that point to it. */
static void wd_dev_release(struct device *dev)
{
	struct wd_dev *wdev = to_wd_dev(dev);

	kfree(wdev->type_ptrs);
	kfree(wdev);
}

static void wd_dev_remove_flags(struct wd_dev *wdev)
{
	unsigned int i;

	for (i = 0; i < wdev->nr_types; i++) {
		if (!wdev->types[i].has_flags)
			continue;
		sysfs_remove_file(&wdev->types[i].mtype.kobj,
				  &wd_mtype_attr_flags.attr);
		wdev->types[i].has_flags = false;
	}
}

struct wd_dev *wd_register_dev(struct wd_driver *drv, struct device *parent,
			       const struct wd_alg *algs, unsigned int nr_algs,
			       int node, int priority, void *priv)
{
	struct wd_dev *wdev;
	unsigned int i;
	int ret;

	if (!nr_algs || priority < WD_PRIORITY_MIN ||
	    priority > WD_PRIORITY_MAX)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < nr_algs; i++)
		if (!algs[i].name || algs[i].flags & ~WD_CAPA_ALL)
			return ERR_PTR(-EINVAL);

	wdev = kzalloc(struct_size(wdev, types, nr_algs), GFP_KERNEL);
	if (!wdev)
		return ERR_PTR(-ENOMEM);
	wdev->type_ptrs = kcalloc(nr_algs, sizeof(*wdev->type_ptrs),
				  GFP_KERNEL);
	if (!wdev->type_ptrs) {
		kfree(wdev);
		return ERR_PTR(-ENOMEM);
	}
	wdev->id = ida_alloc(&drv->ida, GFP_KERNEL);
	if (wdev->id < 0) {
		ret = wdev->id;
		kfree(wdev->type_ptrs);
		kfree(wdev);
		return ERR_PTR(ret);
	}
	wdev->drv = drv;
	wdev->priv = priv;
	wdev->node = node;
	wdev->priority = priority;
	wdev->nr_types = nr_algs;
	for (i = 0; i < nr_algs; i++) {
		wdev->types[i].alg = algs[i];
		wdev->types[i].wdev = wdev;
		wdev->types[i].mtype.sysfs_name = algs[i].name;
		wdev->types[i].mtype.pretty_name = algs[i].name;
		wdev->type_ptrs[i] = &wdev->types[i].mtype;
	}

	device_initialize(&wdev->dev);
	wdev->dev.bus = &wd_bus;
	wdev->dev.parent = parent ? parent : wd_root;
	wdev->dev.groups = wd_dev_groups;
	wdev->dev.release = wd_dev_release;
	ret = dev_set_name(&wdev->dev, "%s%d", drv->name, wdev->id);
	if (ret)
		goto err_put;
	ret = device_add(&wdev->dev);
	if (ret)
		goto err_put;
	/* Bound by wd_bus_match(): the type names need the driver's name. */
	if (!wdev->dev.driver) {
		ret = -ENODEV;
		goto err_del;
	}
	ret = class_compat_create_link(wd_class, &wdev->dev, NULL);
	if (ret)
		goto err_del;
	ret = mdev_register_parent(&wdev->parent, &wdev->dev, &drv->mdrv,
				   wdev->type_ptrs, nr_algs);
	if (ret)
		goto err_unlink;
	for (i = 0; i < nr_algs; i++) {
		ret = sysfs_create_file(&wdev->types[i].mtype.kobj,
					&wd_mtype_attr_flags.attr);
		if (ret)
			goto err_flags;
		wdev->types[i].has_flags = true;
	}
	return wdev;

err_flags:
	wd_dev_remove_flags(wdev);
	mdev_unregister_parent(&wdev->parent);
err_unlink:
	class_compat_remove_link(wd_class, &wdev->dev, NULL);
err_del:
	device_del(&wdev->dev);
err_put:
	ida_free(&drv->ida, wdev->id);
	put_device(&wdev->dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(wd_register_dev);

void wd_unregister_dev(struct wd_dev *wdev)
{
	struct wd_driver *drv = wdev->drv;

	wd_dev_remove_flags(wdev);
	mdev_unregister_parent(&wdev->parent);
	class_compat_remove_link(wd_class, &wdev->dev, NULL);
	device_del(&wdev->dev);
	ida_free(&drv->ida, wdev->id);
	put_device(&wdev->dev);
}
EXPORT_SYMBOL_GPL(wd_unregister_dev);

void *wd_dev_priv(const struct wd_dev *wdev)
{
	return wdev->priv;
}
EXPORT_SYMBOL_GPL(wd_dev_priv);

const char *wd_dev_name(const struct wd_dev *wdev)
{
	return dev_name(&wdev->dev);
}
EXPORT_SYMBOL_GPL(wd_dev_name);

/* ---- queue accessors ---- */

struct wd_dev *wd_queue_dev(const struct wd_queue *q)
{
	return q->wdev;
}
EXPORT_SYMBOL_GPL(wd_queue_dev);

void *wd_queue_priv(struct wd_queue *q)
{
	return q->priv;
}
EXPORT_SYMBOL_GPL(wd_queue_priv);

void *wd_queue_regs(const struct wd_queue *q)
{
	return q->regs;
}
EXPORT_SYMBOL_GPL(wd_queue_regs);

void *wd_queue_ring(const struct wd_queue *q)
{
	return q->ring;
}
EXPORT_SYMBOL_GPL(wd_queue_ring);

unsigned int wd_queue_depth(const struct wd_queue *q)
{
	return q->depth;
}
EXPORT_SYMBOL_GPL(wd_queue_depth);

const struct wd_alg *wd_queue_alg(const struct wd_queue *q)
{
	return q->alg;
}
EXPORT_SYMBOL_GPL(wd_queue_alg);

struct device *wd_queue_device(struct wd_queue *q)
{
	return q->vdev.dev;
}
EXPORT_SYMBOL_GPL(wd_queue_device);

int wd_queue_dma_rw(struct wd_queue *q, u64 iova, void *buf, size_t len,
		    bool write)
{
	int ret = vfio_dma_rw(&q->vdev, iova, buf, len, write);

	/*
	 * With the opener's mm borrowed, vfio_dma_rw() refuses (-EFAULT) a
	 * mapping made by another process: try again the slow way, where it
	 * borrows the mapping's own mm.
	 */
	if (ret == -EFAULT && q->mm_used) {
		kthread_unuse_mm(q->mm);
		ret = vfio_dma_rw(&q->vdev, iova, buf, len, write);
		kthread_use_mm(q->mm);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(wd_queue_dma_rw);

/* ---- module ---- */

static int __init wd_init(void)
{
	int ret;

	ret = bus_register(&wd_bus);
	if (ret)
		return ret;
	wd_class = class_compat_register("wd_dev");
	if (!wd_class) {
		ret = -ENOMEM;
		goto err_bus;
	}
	wd_root = root_device_register("wd");
	if (IS_ERR(wd_root)) {
		ret = PTR_ERR(wd_root);
		goto err_class;
	}
	return 0;

err_class:
	class_compat_unregister(wd_class);
err_bus:
	bus_unregister(&wd_bus);
	return ret;
}

static void __exit wd_exit(void)
{
	root_device_unregister(wd_root);
	class_compat_unregister(wd_class);
	bus_unregister(&wd_bus);
}

module_init(wd_init);
module_exit(wd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive_k: accelerator queues as VFIO mediated devices");
MODULE_AUTHOR("WrapDrive authors");
MODULE_SOFTDEP("pre: mdev vfio_iommu_type1");
