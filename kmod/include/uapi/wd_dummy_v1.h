/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * Queue ABI of device_api "wd_dummy_v1": a memcpy/fill engine.
 * Shared by libwd's user driver, libwd's emu model and wd_dummy.ko.
 *
 * Region WD_REGION_REGS (one page):
 *   0x00 VERSION  ro  WD_DUMMY_VERSION
 *   0x04 DEPTH    ro  descriptors in the ring (a power of two)
 *   0x08 ENABLE   rw  1 = engine serves the queue
 *   0x10 SQ_TAIL  rw  producer index (free running u32); the doorbell
 *   0x14 SQ_HEAD  ro  engine's consumer index (free running u32)
 *   0x18 DONE     ro  descriptors completed (counter)
 *   0x1C ERRORS   ro  descriptors completed with an error (counter)
 *
 * Region WD_REGION_RING: DEPTH descriptors of 32 bytes. The producer fills
 * ring[tail % DEPTH] with status = 0, then stores tail + 1 in SQ_TAIL. The
 * engine handles descriptors in order, writes status last (release) and
 * advances SQ_HEAD; software sees a completion when status != 0.
 *
 *   tail (sw)           head (engine)
 *      |                    |
 *   [free..][submitted......][completed, status != 0 .....][free..]
 */
#ifndef _UAPI_WD_DUMMY_V1_H_
#define _UAPI_WD_DUMMY_V1_H_

#include <linux/types.h>

#define WD_DUMMY_API		"wd_dummy_v1"
#define WD_DUMMY_ALG		"memcpy"
#define WD_DUMMY_VERSION	0x00010000u

#define WD_DUMMY_REG_VERSION	0x00
#define WD_DUMMY_REG_DEPTH	0x04
#define WD_DUMMY_REG_ENABLE	0x08
#define WD_DUMMY_REG_SQ_TAIL	0x10
#define WD_DUMMY_REG_SQ_HEAD	0x14
#define WD_DUMMY_REG_DONE	0x18
#define WD_DUMMY_REG_ERRORS	0x1C
#define WD_DUMMY_REGS_SIZE	4096

#define WD_DUMMY_DEPTH_DEFAULT	512
#define WD_DUMMY_DEPTH_MIN	16
#define WD_DUMMY_DEPTH_MAX	4096
#define WD_DUMMY_MAX_LEN	(64u << 20)	/* bytes per descriptor */

/* op */
#define WD_DUMMY_OP_COPY	0	/* dst[0..len) = src[0..len) */
#define WD_DUMMY_OP_FILL	1	/* dst[0..len) = 8-byte pattern in src */

/* status, written by the engine */
#define WD_DUMMY_ST_PENDING	0
#define WD_DUMMY_ST_OK		1
#define WD_DUMMY_ST_FAULT	2	/* IOVA not mapped for DMA */
#define WD_DUMMY_ST_INVAL	3	/* unknown op, zero or oversize length */

struct wd_dummy_desc {
	__u64 src;		/* source IOVA, or the pattern for FILL */
	__u64 dst;		/* destination IOVA */
	__u32 len;		/* bytes */
	__u16 op;		/* WD_DUMMY_OP_* */
	__u16 flags;		/* reserved, 0 */
	__u32 status;		/* WD_DUMMY_ST_*; written last by the engine */
	__u32 cookie;		/* software's, returned untouched */
};

#endif /* _UAPI_WD_DUMMY_V1_H_ */
