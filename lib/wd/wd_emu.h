/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_EMU_H_
#define _WD_EMU_H_

/*
 * The emu backend's device-model interface. A model is the device side of
 * one device_api: it owns the registers page of each queue (and its ring
 * region, for device_apis that have one) and is polled by its device's
 * engine thread, like hardware polling a producer index. It reaches
 * memory only by IOVA, through the helpers below, which fail for anything
 * not mapped (an IOMMU fault).
 */

#include <stddef.h>
#include <stdint.h>

struct wd_emu_dev;
struct wd_iova_hint;

struct wd_emu_queue {
	struct wd_emu_dev *dev;
	void *regs;		/* WD_REGION_REGS */
	void *ring;		/* WD_REGION_RING, NULL if the model has none */
	size_t regs_size;
	size_t ring_size;	/* 0: no ring region */
	unsigned int depth;
	unsigned int type;	/* the queue's type: index in the model's algs[] */
	int share_all;		/* untranslated IOVAs are process addresses */
	uint32_t *notify;	/* 1 while the engine sleeps (wd_notify.h) */
	struct wd_iova_hint *hint;	/* the engine's last translations for this queue */
	void *model_priv;
	struct wd_emu_queue *next;
};

struct wd_emu_model {
	const char *device_api;
	const char *dev_prefix;	/* devices are <dev_prefix><n> */
	const char *drv_name;	/* type directory is <drv_name>-<alg> */
	const char *alg;	/* the device's one type, when algs is NULL */
	/* Or several types (NULL-terminated, at most WD_MAX_TYPES): each a
	 * queue of the same ABI; the device's instances (queues=) are shared
	 * by all of them, as mdev types of one parent share its capacity. */
	const char *const *algs;
	uint32_t flags;		/* WD_CAPA_* offered (share_all= adds SVA) */
	unsigned int queues;	/* instances per device by default */
	unsigned int depth;	/* ring depth by default */
	unsigned int depth_min, depth_max;
	size_t (*regs_size)(unsigned int depth);
	/* NULL or 0: no ring region (rings in the application's memory). */
	size_t (*ring_size)(unsigned int depth);
	/* Queue created: set up the registers (regions are zeroed). */
	int (*init)(struct wd_emu_queue *eq);
	void (*fini)(struct wd_emu_queue *eq);
	/* Serve up to @budget descriptors; return how many were served. */
	unsigned int (*poll)(struct wd_emu_queue *eq, unsigned int budget);
	/* Longest sleep in microseconds of @d's engine when it has inputs no
	 * driver notifies (a TAP wire, a peer device's engine); NULL or 0:
	 * MAX_SLEEP_NS (the engine sleeps until a driver notifies it; it
	 * still looks every so often, e.g. for keys to forget). */
	unsigned int (*max_sleep_us)(const struct wd_emu_dev *d);
};

/* Built-in models (listed in wd_emu.c). */
extern const struct wd_emu_model wd_emu_dummy_model;
extern const struct wd_emu_model wd_emu_sec_model;
extern const struct wd_emu_model wd_emu_hns_model;

/* The device of a queue, for models: its name, its instances (queues=)
 * and its wire= (-1 unset). */
const char *wd_emu_dev_name(const struct wd_emu_dev *d);
unsigned int wd_emu_dev_queues(const struct wd_emu_dev *d);
int wd_emu_dev_wire(const struct wd_emu_dev *d);

/*
 * DMA helpers for models, valid only inside poll(). Return 0, or -EFAULT
 * when the range is not mapped (nothing is touched then, except on
 * share_all queues whose memory is the whole address space).
 */
void *wd_emu_dma_ptr(const struct wd_emu_queue *eq, uint64_t iova, size_t len);
int wd_emu_dma_copy(const struct wd_emu_queue *eq, uint64_t dst, uint64_t src, size_t len);
int wd_emu_dma_fill(const struct wd_emu_queue *eq, uint64_t dst, uint64_t pattern, size_t len);

/* 32-bit little-endian register access shared with the driver. */
static inline uint32_t
wd_emu_reg_read(const struct wd_emu_queue *eq, unsigned int off)
{
	return __atomic_load_n((const uint32_t *)((const char *)eq->regs + off),
			       __ATOMIC_ACQUIRE);
}

static inline void
wd_emu_reg_write(const struct wd_emu_queue *eq, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)((char *)eq->regs + off), v, __ATOMIC_RELEASE);
}

#endif /* _WD_EMU_H_ */
