/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_BUS_PRIVATE_H_
#define _WD_BUS_PRIVATE_H_

#include <rte_log.h>

extern int wd_bus_logtype;

#define WD_BUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, wd_bus_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* DMA for WrapDrive devices (wd_bus_dma.c). */
/* Emulated engines' CPUs, from the EAL lcore set (before lcores are pinned). */
void wd_bus_engine_place(void);

int wd_bus_dma_init(int have_emulated);
void wd_bus_dma_fini(void);
int wd_bus_dma_map(void *addr, uint64_t iova, size_t len, int emulated);
int wd_bus_dma_unmap(void *addr, uint64_t iova, size_t len, int emulated);

/* Devices across processes (wd_bus_mp.c): the primary publishes what
 * it found (@n devices, of which @devs holds the first
 * WD_BUS_MP_MAX_DEVS), a secondary reads it (malloc'ed array, count
 * returned). */
#define WD_BUS_MP_MAX_DEVS	128
struct wd_dev_info;
int wd_bus_mp_publish(const struct wd_dev_info *const *devs, unsigned int n);
int wd_bus_mp_devices(struct wd_dev_info **infos);

#endif /* _WD_BUS_PRIVATE_H_ */
