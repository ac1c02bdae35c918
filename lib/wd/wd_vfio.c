/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The vfio backend: a queue is a VFIO mediated device of a WrapDrive
 * device (/sys/class/wd_dev). libwd keeps one type1 v2 container per
 * process for its queues (or lets a framework open them through
 * wd_vfio_hooks, e.g. into DPDK's container). The container loses its
 * IOMMU when its last group leaves, so libwd keeps the table of shared
 * memory and replays it into the next container.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wd_iova.h"
#include "wd_parse.h"
#include "wd_private.h"

struct vfio_q {
	int group_fd;		/* -1 when opened through hooks */
	int dev_fd;
	struct wd_vfio_hooks hooks;	/* copy taken at open */
	int hooked;
};

static struct {
	pthread_mutex_t lock;
	int container;		/* -1 until the first queue */
	int iommu_set;		/* VFIO_SET_IOMMU done (a group is attached) */
	unsigned int groups;
	struct wd_iova_table table;
	struct wd_vfio_hooks hooks;
	int have_hooks;
} vf = { PTHREAD_MUTEX_INITIALIZER, -1, 0, 0, { NULL, 0, 0 }, { 0 }, 0 };

void
wd_set_vfio_hooks(const struct wd_vfio_hooks *hooks)
{
	pthread_mutex_lock(&vf.lock);
	vf.have_hooks = hooks != NULL;
	if (hooks != NULL)
		vf.hooks = *hooks;
	pthread_mutex_unlock(&vf.lock);
}

static int
container_open(void)
{
	int fd, v;

	if (vf.container >= 0)
		return 0;
	fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		v = -errno;
		WD_ERR("cannot open /dev/vfio/vfio: %s", strerror(errno));
		return v;
	}
	v = ioctl(fd, VFIO_GET_API_VERSION);
	if (v != VFIO_API_VERSION) {
		WD_ERR("VFIO API version %d, expected %d", v, VFIO_API_VERSION);
		close(fd);
		return -ENOTSUP;
	}
	if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		WD_ERR("VFIO type1 v2 IOMMU not supported");
		close(fd);
		return -ENOTSUP;
	}
	vf.container = fd;
	return 0;
}

static int
map_one(const struct wd_iova_map *m)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)m->va,
		.iova = m->iova,
		.size = m->size,
	};

	if (ioctl(vf.container, VFIO_IOMMU_MAP_DMA, &map) != 0) {
		int rc = -errno;

		WD_ERR("VFIO_IOMMU_MAP_DMA iova 0x%llx size %llu: %s",
		       (unsigned long long)m->iova, (unsigned long long)m->size,
		       strerror(errno));
		return rc;
	}
	return 0;
}

static int
unmap_one(uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(vf.container, VFIO_IOMMU_UNMAP_DMA, &unmap) != 0) {
		int rc = -errno;

		WD_ERR("VFIO_IOMMU_UNMAP_DMA iova 0x%llx: %s", (unsigned long long)iova,
		       strerror(errno));
		return rc;
	}
	return 0;
}

/* Attach @group_fd to libwd's container; the first group sets the IOMMU
 * and gets every shared range mapped again. vf.lock held. */
static int
group_attach(int group_fd, const char *uuid)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	unsigned int i;
	int rc;

	if (ioctl(group_fd, VFIO_GROUP_GET_STATUS, &st) != 0 ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		WD_ERR("queue %s: VFIO group not viable", uuid);
		return -EPERM;
	}
	rc = container_open();
	if (rc != 0)
		return rc;
	if (ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &vf.container) != 0) {
		rc = -errno;
		WD_ERR("queue %s: VFIO_GROUP_SET_CONTAINER: %s", uuid, strerror(errno));
		return rc;
	}
	if (!vf.iommu_set) {
		if (ioctl(vf.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) != 0) {
			rc = -errno;
			WD_ERR("queue %s: VFIO_SET_IOMMU(type1v2): %s", uuid, strerror(errno));
			ioctl(group_fd, VFIO_GROUP_UNSET_CONTAINER);
			return rc;
		}
		vf.iommu_set = 1;
		for (i = 0; i < vf.table.n; i++) {
			rc = map_one(&vf.table.maps[i]);
			if (rc != 0)
				break;
		}
		if (rc != 0) {
			ioctl(group_fd, VFIO_GROUP_UNSET_CONTAINER);
			vf.iommu_set = 0;
			return rc;
		}
	}
	vf.groups++;
	return 0;
}

static void
group_detach(int group_fd)
{
	ioctl(group_fd, VFIO_GROUP_UNSET_CONTAINER);
	if (--vf.groups == 0)
		vf.iommu_set = 0;	/* the container drops its IOMMU with the last group */
}

static int
open_group(const char *uuid)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	long id;
	int fd, i;

	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/iommu_group",
		 wd_sysfs_root(), uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		fd = -errno;
		WD_ERR("queue %s: no IOMMU group (%s): %s", uuid, path, strerror(errno));
		return fd;
	}
	link[n] = '\0';
	if (wd_parse_long(basename(link), 0, INT32_MAX, &id) != 0) {
		WD_ERR("queue %s: bad IOMMU group link %s", uuid, link);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%ld", id);
	/* A new queue's group node gets its group permissions from udev a
	 * moment after create returns: a non-root user waits up to 2 s. */
	for (i = 0; (fd = open(path, O_RDWR | O_CLOEXEC)) < 0 && (errno == EACCES ||
	     errno == ENOENT) && i < 200; i++)
		usleep(10000);
	if (fd < 0) {
		fd = -errno;
		WD_ERR("queue %s: cannot open %s: %s", uuid, path, strerror(-fd));
	}
	return fd;
}

static void
unmap_regions(struct wd_queue *q)
{
	unsigned int i;

	for (i = 0; i < WD_NUM_REGIONS; i++) {
		if (q->impl->regions[i].addr != NULL)
			munmap(q->impl->regions[i].addr, q->impl->regions[i].size);
		q->impl->regions[i].addr = NULL;
	}
}

static int
map_regions(struct wd_queue *q, int dev_fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r;
	unsigned int i;
	void *p;

	if (ioctl(dev_fd, VFIO_DEVICE_GET_INFO, &info) != 0) {
		WD_ERR("queue %s: VFIO_DEVICE_GET_INFO: %s", q->uuid, strerror(errno));
		return -errno;
	}
	if (info.num_regions < WD_NUM_REGIONS) {
		WD_ERR("queue %s: %u regions, need %d", q->uuid, info.num_regions,
		       WD_NUM_REGIONS);
		return -ENXIO;
	}
	for (i = 0; i < WD_NUM_REGIONS; i++) {
		r = (struct vfio_region_info){ .argsz = sizeof(r), .index = i };
		if (ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &r) != 0) {
			WD_ERR("queue %s: region %u info: %s", q->uuid, i, strerror(errno));
			unmap_regions(q);
			return -errno;
		}
		/* Size 0: the device_api has no such region (e.g. hisi_sec_v1's
		 * rings live in process memory); wd_queue_region() gives NULL. */
		if (r.size == 0)
			continue;
		if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
			WD_ERR("queue %s: region %u cannot be mapped", q->uuid, i);
			unmap_regions(q);
			return -ENXIO;
		}
		p = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd,
			 (off_t)r.offset);
		if (p == MAP_FAILED) {
			WD_ERR("queue %s: mmap region %u: %s", q->uuid, i, strerror(errno));
			unmap_regions(q);
			return -errno;
		}
		q->impl->regions[i] = (struct wd_region){ p, r.size };
		q->impl->region_off[i] = r.offset;
	}
	return 0;
}

/* Undo open_mdev(): regions, device fd, group (the mdev stays). */
static void
close_mdev(struct wd_queue *q, struct vfio_q *vq)
{
	char mdev_dir[PATH_MAX];

	unmap_regions(q);
	pthread_mutex_lock(&vf.lock);
	if (vq->hooked) {
		snprintf(mdev_dir, sizeof(mdev_dir), "%s/sys/bus/mdev/devices",
			 wd_sysfs_root());
		if (vq->dev_fd >= 0)
			vq->hooks.close(vq->hooks.arg, mdev_dir, q->uuid, vq->dev_fd);
	} else {
		if (vq->dev_fd >= 0) {
			close(vq->dev_fd);
			group_detach(vq->group_fd);
		}
		if (vq->group_fd >= 0)
			close(vq->group_fd);
	}
	pthread_mutex_unlock(&vf.lock);
	vq->dev_fd = -1;
	vq->group_fd = -1;
}

/* Make mdev q->uuid this queue's device: VFIO device fd and regions. On
 * failure everything it opened is closed again (the mdev stays). */
static int
open_mdev(struct wd_queue *q, struct vfio_q *vq)
{
	char mdev_dir[PATH_MAX];
	int rc;

	snprintf(mdev_dir, sizeof(mdev_dir), "%s/sys/bus/mdev/devices", wd_sysfs_root());
	vq->group_fd = -1;
	vq->dev_fd = -1;
	pthread_mutex_lock(&vf.lock);
	vq->hooked = vf.have_hooks;
	vq->hooks = vf.hooks;
	if (vq->hooked) {
		rc = vq->hooks.open(vq->hooks.arg, mdev_dir, q->uuid, &vq->dev_fd);
	} else {
		vq->group_fd = open_group(q->uuid);
		rc = vq->group_fd < 0 ? vq->group_fd : group_attach(vq->group_fd, q->uuid);
		if (rc == 0) {
			vq->dev_fd = ioctl(vq->group_fd, VFIO_GROUP_GET_DEVICE_FD, q->uuid);
			if (vq->dev_fd < 0) {
				rc = -errno;
				WD_ERR("queue %s: VFIO_GROUP_GET_DEVICE_FD: %s", q->uuid,
				       strerror(errno));
				group_detach(vq->group_fd);
			}
		}
	}
	pthread_mutex_unlock(&vf.lock);
	if (rc == 0)
		rc = map_regions(q, vq->dev_fd);
	if (rc != 0)
		close_mdev(q, vq);
	return rc;
}

static int
vfio_open(struct wd_queue *q, const struct wd_dev_info *dev, const struct wd_type_info *t)
{
	char cand[8][WD_UUID_LEN];
	struct vfio_q *vq;
	int rc, i, n;

	vq = calloc(1, sizeof(*vq));
	if (vq == NULL)
		return -ENOMEM;
	q->impl->be_priv = vq;
	/* Queues created ahead (e.g. by wd-devbind.py --create) whose creator
	 * is gone are taken first; a queue another process won is busy. */
	n = wd_mdev_adoptable(dev->name, t->type, cand, 8);
	for (i = 0; i < n; i++) {
		memcpy(q->uuid, cand[i], WD_UUID_LEN);
		if (open_mdev(q, vq) == 0) {
			WD_INFO("%s: took over queue %s created ahead", dev->name, q->uuid);
			return 0;
		}
	}
	rc = wd_mdev_create(dev->name, t->type, q->uuid);
	if (rc == 0) {
		rc = open_mdev(q, vq);
		if (rc != 0)
			wd_mdev_remove(q->uuid);
	}
	if (rc != 0) {
		free(vq);
		q->impl->be_priv = NULL;
	}
	return rc;
}

static void
vfio_close(struct wd_queue *q)
{
	struct vfio_q *vq = q->impl->be_priv;

	close_mdev(q, vq);
	/* The device is closed: the kernel lets the mdev go now. */
	wd_mdev_remove(q->uuid);
	free(vq);
	q->impl->be_priv = NULL;
}

/* VFIO maps whole pages: shares are widened to the pages they touch, the
 * same way on map and unmap (two shares of one page must be identical). */
static void
page_round(void **va, uint64_t *iova, size_t *size)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), off = *iova & (pg - 1);

	if (*va != NULL)
		*va = (char *)*va - off;
	*iova -= off;
	*size = (*size + off + pg - 1) & ~(pg - 1);
}

static int
vfio_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	struct vfio_q *vq = q != NULL ? q->impl->be_priv : NULL;
	int rc;

	if (vq != NULL && vq->hooked)
		return vq->hooks.dma_map(vq->hooks.arg, va, iova, size);
	page_round(&va, &iova, &size);
	pthread_mutex_lock(&vf.lock);
	rc = wd_iova_add(&vf.table, va, iova, size);
	if (rc == 1 && vf.iommu_set) {
		struct wd_iova_map m = { .iova = iova, .size = size, .va = va };

		rc = map_one(&m);
		if (rc != 0)
			wd_iova_del(&vf.table, iova, size);
	}
	pthread_mutex_unlock(&vf.lock);
	return rc < 0 ? rc : 0;
}

static int
vfio_dma_unmap(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	struct vfio_q *vq = q != NULL ? q->impl->be_priv : NULL;
	int rc;

	if (vq != NULL && vq->hooked)
		return vq->hooks.dma_unmap(vq->hooks.arg, va, iova, size);
	page_round(&va, &iova, &size);
	pthread_mutex_lock(&vf.lock);
	rc = wd_iova_del(&vf.table, iova, size);
	/* A framework (q NULL) unmaps what it mapped in other pieces (DPDK:
	 * runs of pages at start, single pages added later), as emu does. */
	if (rc == -ENOENT && q == NULL)
		rc = wd_iova_punch(&vf.table, iova, size);
	/* UNMAP_DMA returns once the kernel engine has dropped the range. */
	if (rc == 1 && vf.iommu_set)
		rc = unmap_one(iova, size);
	pthread_mutex_unlock(&vf.lock);
	return rc < 0 ? rc : 0;
}

/* --- queues of another process (wd_queue_attach) ------------------------- */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000	/* Linux 4.17 */
#endif
#define MAX_ATTACHED	256

/* Under vf.lock: queues attached here, and their device files. */
static struct {
	const struct wd_queue_impl *impl;
	int fd;
} attached[MAX_ATTACHED];

static void
unmap_attached(const struct wd_queue *q, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (q->impl->regions[i].addr != NULL)
			munmap(q->impl->regions[i].addr, q->impl->regions[i].size);
}

static int
vfio_attach(struct wd_queue *q)
{
	char mdev_dir[PATH_MAX];
	int fd = -1, rc = 0, slot = -1, k;
	unsigned int i;
	void *p;

	snprintf(mdev_dir, sizeof(mdev_dir), "%s/sys/bus/mdev/devices", wd_sysfs_root());
	pthread_mutex_lock(&vf.lock);
	for (k = 0; k < MAX_ATTACHED; k++) {
		if (attached[k].impl == q->impl)
			goto out;	/* already */
		if (attached[k].impl == NULL && slot < 0)
			slot = k;
	}
	if (slot < 0) {
		rc = -ENOSPC;
		WD_ERR("queue %s: %d queues attached already", q->uuid, MAX_ATTACHED);
		goto out;
	}
	/* Through the framework, so the device joins the opener's container. */
	if (!vf.have_hooks) {
		rc = -ENOTSUP;
		WD_ERR("queue %s: attaching needs the framework's VFIO hooks", q->uuid);
		goto out;
	}
	rc = vf.hooks.open(vf.hooks.arg, mdev_dir, q->uuid, &fd);
	if (rc != 0)
		goto out;
	/* The data path keeps the opener's addresses: map exactly there. */
	for (i = 0; i < WD_NUM_REGIONS; i++) {
		const struct wd_region *r = &q->impl->regions[i];

		if (r->addr == NULL)
			continue;
		p = mmap(r->addr, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE,
			 fd, (off_t)q->impl->region_off[i]);
		if (p == r->addr)
			continue;
		rc = p == MAP_FAILED ? -errno : -EEXIST;
		if (p != MAP_FAILED)
			munmap(p, r->size);
		WD_ERR("queue %s: cannot map region %u at %p, where the process that opened "
		       "it has it: %s", q->uuid, i, r->addr, strerror(-rc));
		unmap_attached(q, i);
		vf.hooks.close(vf.hooks.arg, mdev_dir, q->uuid, fd);
		goto out;
	}
	attached[slot].impl = q->impl;
	attached[slot].fd = fd;
out:
	pthread_mutex_unlock(&vf.lock);
	return rc;
}

static void
vfio_detach(struct wd_queue *q)
{
	char mdev_dir[PATH_MAX];
	int k;

	snprintf(mdev_dir, sizeof(mdev_dir), "%s/sys/bus/mdev/devices", wd_sysfs_root());
	pthread_mutex_lock(&vf.lock);
	for (k = 0; k < MAX_ATTACHED; k++) {
		if (attached[k].impl != q->impl)
			continue;
		unmap_attached(q, WD_NUM_REGIONS);
		if (vf.have_hooks)
			vf.hooks.close(vf.hooks.arg, mdev_dir, q->uuid, attached[k].fd);
		else
			close(attached[k].fd);
		attached[k].impl = NULL;
		break;
	}
	pthread_mutex_unlock(&vf.lock);
}

const struct wd_backend wd_backend_vfio = {
	.name = "vfio",
	.scan = wd_sysfs_scan,
	.open = vfio_open,
	.close = vfio_close,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
	.reclaim = wd_sysfs_reclaim,
	.attach = vfio_attach,
	.detach = vfio_detach,
};
