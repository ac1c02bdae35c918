/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * DPDK memory for WrapDrive devices, without the application doing
 * anything:
 *  - vfio devices: queues are opened into EAL's default VFIO container
 *    (rte_vfio_setup_device), which maps all DPDK memory, also memory
 *    added later; external memory comes through rte_dev_dma_map();
 *  - emulated devices: every memseg, and memory added later (mem event
 *    callback), is entered in libwd's IOVA table;
 *  - queues themselves (libwd's state, rings, an emulated device's
 *    registers) live in DPDK memory, so secondary processes reach them
 *    at the same addresses.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_vfio.h>

#include <wd_drv.h>

#include "wd_bus_private.h"

#define MEM_CB_NAME "bus_wd"

static int hooks_set;
static int emu_mapped;

static int
vfio_open(void *arg, const char *sysfs_dir, const char *uuid, int *fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int rc;

	rc = rte_vfio_setup_device(sysfs_dir, uuid, fd, &info);
	if (rc != 0) {
		WD_BUS_LOG(ERR, "queue %s: rte_vfio_setup_device failed (%d)", uuid, rc);
		return -ENXIO;
	}
	return 0;
}

static void
vfio_close(void *arg, const char *sysfs_dir, const char *uuid, int fd)
{
	if (rte_vfio_release_device(sysfs_dir, uuid, fd) != 0)
		WD_BUS_LOG(ERR, "queue %s: rte_vfio_release_device failed", uuid);
}

static int
vfio_map(void *arg, void *va, uint64_t iova, size_t size)
{
	if (rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)va, iova,
				       size) != 0)
		return rte_errno ? -rte_errno : -EIO;
	return 0;
}

static int
vfio_unmap(void *arg, void *va, uint64_t iova, size_t size)
{
	if (rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)va, iova,
					 size) != 0)
		return rte_errno ? -rte_errno : -EIO;
	return 0;
}

/* IOVA-contiguous DPDK memory, already mapped for every device. */
static void *
mem_alloc(void *arg, size_t size, size_t align, int node, uint64_t *iova)
{
	rte_iova_t base;
	size_t off, pg = 4096;
	void *p;

	p = rte_zmalloc_socket("wd_queue", size, align, node < 0 ? SOCKET_ID_ANY : node);
	if (p == NULL)
		return NULL;
	base = rte_malloc_virt2iova(p);
	/* IOVA as VA is contiguous; physical addresses may not be */
	for (off = pg; base != RTE_BAD_IOVA && off < size; off += pg)
		if (rte_mem_virt2iova((char *)p + off) != base + off)
			base = RTE_BAD_IOVA;
	*iova = base == RTE_BAD_IOVA ? WD_IOVA_UNMAPPED : base;
	return p;
}

static void
mem_free(void *arg, void *p)
{
	rte_free(p);
}

static const struct wd_mem_ops eal_mem = {
	.alloc = mem_alloc,
	.free = mem_free,
};

static const struct wd_vfio_hooks eal_hooks = {
	.open = vfio_open,
	.close = vfio_close,
	.dma_map = vfio_map,
	.dma_unmap = vfio_unmap,
};

/* Runs of memsegs contiguous in IOVA: one table entry each, not one per
 * page (65536 of them for 256 MB of 4 KiB pages). */
static int
map_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len, void *arg)
{
	int unmap = *(int *)arg;

	if (msl->external || ms->iova == RTE_BAD_IOVA)
		return 0;
	WD_BUS_LOG(DEBUG, "%s %zu bytes at IOVA 0x%" PRIx64 " for emulated devices",
		   unmap ? "unmapping" : "mapping", len, ms->iova);
	if (unmap)
		wd_dma_unmap(NULL, ms->iova, len);
	else if (wd_dma_map(NULL, ms->addr, ms->iova, len) != 0)
		return -1;
	return 0;
}

/* Memory added or removed at run time, page by page (the hotplug lock is
 * held: only lock-free lookups here). A page freed out of a run mapped at
 * start is punched out of that mapping. */
static void
mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	const char *cur = addr, *end = cur + len;
	const struct rte_memseg *ms;

	if (msl == NULL || msl->external)
		return;
	for (; cur < end; cur += msl->page_sz) {
		ms = rte_mem_virt2memseg(cur, msl);
		if (ms == NULL || ms->iova == RTE_BAD_IOVA)
			continue;
		if (type == RTE_MEM_EVENT_ALLOC) {
			if (wd_dma_map(NULL, ms->addr, ms->iova, ms->len) != 0)
				WD_BUS_LOG(ERR, "cannot map new memory at %p for emulated devices",
					   ms->addr);
		} else {
			wd_dma_unmap(NULL, ms->iova, ms->len);
		}
	}
}

int
wd_bus_dma_init(int have_emulated)
{
	int unmap = 0;

	if (!hooks_set) {
		wd_set_vfio_hooks(&eal_hooks);
		wd_set_mem_ops(&eal_mem);
		hooks_set = 1;
	}
	/* A secondary opens no queue and maps nothing: it attaches to the
	 * primary's queues (through EAL's VFIO, which asks the primary). */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (!have_emulated || emu_mapped)
		return 0;
	if (rte_memseg_contig_walk(map_seg, &unmap) != 0) {
		WD_BUS_LOG(ERR, "cannot map DPDK memory for emulated devices");
		unmap = 1;
		rte_memseg_contig_walk(map_seg, &unmap);
		return -ENOMEM;
	}
	if (rte_mem_event_callback_register(MEM_CB_NAME, mem_event, NULL) != 0 &&
	    rte_errno != ENOTSUP) {
		WD_BUS_LOG(ERR, "cannot follow memory hotplug: %s", rte_strerror(rte_errno));
		unmap = 1;
		rte_memseg_contig_walk(map_seg, &unmap);
		return -rte_errno;
	}
	emu_mapped = 1;
	return 0;
}

void
wd_bus_dma_fini(void)
{
	int unmap = 1;

	if (emu_mapped) {
		rte_mem_event_callback_unregister(MEM_CB_NAME, NULL);
		rte_memseg_contig_walk(map_seg, &unmap);
		emu_mapped = 0;
	}
	if (hooks_set) {
		wd_set_vfio_hooks(NULL);
		wd_set_mem_ops(NULL);
		hooks_set = 0;
	}
}

int
wd_bus_dma_map(void *addr, uint64_t iova, size_t len, int emulated)
{
	if (emulated)
		return wd_dma_map(NULL, addr, iova, len);
	return vfio_map(NULL, addr, iova, len);
}

int
wd_bus_dma_unmap(void *addr, uint64_t iova, size_t len, int emulated)
{
	if (emulated)
		return wd_dma_unmap(NULL, iova, len);
	return vfio_unmap(NULL, addr, iova, len);
}
