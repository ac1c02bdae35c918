/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * WrapDrive: what every queue shares between kernel, device models and
 * user space (libwd). One queue is one VFIO mediated device; its regions
 * and capability flags are fixed here.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#ifndef _UAPI_WD_UAPI_H_
#define _UAPI_WD_UAPI_H_

#include <linux/types.h>

/* VFIO region indices of a queue (VFIO_DEVICE_GET_REGION_INFO). */
#define WD_REGION_REGS		0	/* registers page, device_api defined */
#define WD_REGION_RING		1	/* descriptor rings, device_api defined */
#define WD_NUM_REGIONS		2

/*
 * Where each region lives in the VFIO device file (the offset that
 * VFIO_DEVICE_GET_REGION_INFO reports, for mmap and pread/pwrite): region
 * i starts at i << WD_REGION_SHIFT, as vfio-pci does. Use the reported
 * offset; this is its documentation.
 */
#define WD_REGION_SHIFT		40
#define WD_REGION_OFFSET(i)	((__u64)(i) << WD_REGION_SHIFT)

/*
 * Bits of a type's "flags" attribute and of struct wd_capa's flags: what
 * a queue of that type can do beyond plain DMA of shared memory.
 */
#define WD_CAPA_SHARE_ALL	(1u << 0)	/* whole address space (SVA) */
#define WD_CAPA_ALLOW_LEGACY	(1u << 1)	/* data via read/write on the queue */
#define WD_CAPA_ALL		(WD_CAPA_SHARE_ALL | WD_CAPA_ALLOW_LEGACY)

/* Limits of the sysfs attributes of /sys/class/wd_dev/<dev>/wrapdrive_dev/ */
#define WD_PRIORITY_MIN		0
#define WD_PRIORITY_MAX		100

#endif /* _UAPI_WD_UAPI_H_ */
