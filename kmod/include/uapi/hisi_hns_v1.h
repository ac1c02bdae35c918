/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * Queue ABI of device_api "hisi_hns_v1": one HNS RCB ring pair (an RX and
 * a TX ring of 32-byte descriptors) of a Hisilicon Hip06/Hip07 NIC, as
 * mainline Linux drives it (drivers/net/ethernet/hisilicon/hns/, the "v2"
 * descriptor paths). Shared by libwd's user driver, libwd's emu model and
 * any kernel engine.
 *
 * Region WD_REGION_REGS (one page): the ring pair's registers at the HNS
 * offsets (RX at 0x00, TX at 0x40), then WrapDrive's own from 0x100.
 *
 * Region WD_REGION_RING: the RX ring (BD_NUM descriptors) at offset 0,
 * the TX ring (BD_NUM descriptors) right after it. BASEADDR_L/H report
 * these offsets; the rings never live in host memory.
 *
 * Count registers. On silicon, a write to TX TAIL or RX HEAD is an event
 * the NIC adds to its counters. On a WrapDrive register page (memory
 * shared with the engine) software adds the count atomically (lock add)
 * and the engine takes it with an atomic exchange to 0, so no write is
 * lost. RX FBDNUM counts filled BDs software has not taken yet: the
 * engine adds what it filled, software subtracts what it took.
 *
 * TX: software writes the BDs of whole packets at its next-to-use index
 * (buffer IOVA, send_size, BUFNUM = BDs of the packet - 1 in every BD,
 * VLD in every BD, FE in the last), then adds their count to TX TAIL.
 * The engine sends packets in order and advances TX HEAD, the absolute
 * index (0..BD_NUM-1) of the next BD it will read; BDs behind it are free
 * to reclaim. Keep at most BD_NUM - 1 BDs in flight, so that HEAD equal
 * to next-to-clean always means "nothing sent".
 *
 * RX: software writes a buffer IOVA into each BD (other words zero) and
 * adds the count to RX HEAD (all BD_NUM may be posted). The engine fills
 * posted BDs in ring order: a packet takes ceil(len / buffer size) BDs
 * (at most 4; BUFNUM = that - 1 in every BD), each with VLD set, size =
 * bytes in the BD, pkt_len = the whole packet, FE on the last. Then it
 * adds the count to FBDNUM. A BD with VLD clear, DROP or L2E set, or
 * pkt_len 0 carries no packet: drop it and reuse its buffer.
 * WrapDrive also guarantees that the engine writes a BD's flag word
 * (ipoff_bnum_pid_flag) last, and every filled BD has VLD set: software
 * that posts BDs with that word 0 may find filled BDs by polling VLD
 * (a whole frame when its last BD has VLD) instead of reading FBDNUM, and
 * still subtracts what it takes from FBDNUM.
 *
 *   RX ring:  [taken by sw, to refill][filled: FBDNUM][posted: free][..]
 *                                     ^ sw next-to-clean
 *   TX ring:  [free..][sent, to reclaim][posted, not sent yet][free..]
 *                     ^ next-to-clean   ^ TX HEAD             ^ next-to-use
 *
 * Reset (WrapDrive's stand-in for the RCB ring reset): with PREFETCH_EN
 * 0, software writes 1 to RESET and waits for it to read 0. The engine
 * then forgets every posted BD and pending count, and both rings start
 * again at index 0 with FBDNUM 0; buffers from before are never touched
 * again. Software starts its own indexes at 0 too.
 *
 * Flow control (802.3x, WrapDrive's FC register): a frame for an RX ring
 * without enough posted BDs waits in the sender's TX ring when the
 * receiver has HNS_FC_TX_PAUSE and the sender HNS_FC_RX_PAUSE (RX_PAUSES
 * counts the waits); otherwise the receiver drops it (RX_MISSED).
 *
 * Errors. A TX packet with a bad BD (VLD clear, zero or oversize
 * send_size, BUFNUM not matching, no FE within 8 BDs, a frame longer than
 * HNS_MAX_FRAME, or an IOVA the device may not read) is not sent: its
 * first BD gets a WrapDrive status byte (HNS_TX_ST_*) and the queue's
 * TX_ERRORS counter grows. An RX buffer the device may not write, or a
 * frame larger than the posted buffers, gives BDs with DROP and L2E set
 * and grows RX_ERRORS.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#ifndef _UAPI_HISI_HNS_V1_H_
#define _UAPI_HISI_HNS_V1_H_

#include <linux/types.h>

#define HNS_API			"hisi_hns_v1"
#define HNS_ALG			"ring_pair"
#define HNS_VERSION		0x00010000u

/* HNS ring pair registers (RX at 0x00, TX at 0x40) */
#define HNS_RX_BASEADDR_L	0x00	/* ro here: RX ring offset in the ring region */
#define HNS_RX_BASEADDR_H	0x04
#define HNS_RX_BD_NUM		0x08	/* ro: descriptors per ring */
#define HNS_RX_BD_LEN		0x0C	/* rw: RX buffer size code HNS_BD_LEN_* */
#define HNS_RX_TAIL		0x18	/* ro: engine's next BD to fill (index) */
#define HNS_RX_HEAD		0x1C	/* count: BDs refilled by software */
#define HNS_RX_FBDNUM		0x20	/* filled BDs not taken by software */
#define HNS_TX_BASEADDR_L	0x40	/* ro here: TX ring offset in the ring region */
#define HNS_TX_BASEADDR_H	0x44
#define HNS_TX_BD_NUM		0x48	/* ro: descriptors per ring */
#define HNS_TX_TAIL		0x58	/* count: new BDs posted by software */
#define HNS_TX_HEAD		0x5C	/* ro: engine's next BD to read (index) */
#define HNS_TX_FBDNUM		0x60	/* ro: BDs posted and not sent yet */
#define HNS_PREFETCH_EN		0x7C	/* rw: 1 = ring pair enabled */

/* WrapDrive registers */
#define HNS_REG_VERSION		0x100	/* ro: HNS_VERSION */
#define HNS_REG_QUEUE		0x104	/* ro: ring pair index in the device */
#define HNS_REG_LINK		0x108	/* ro: 1 = the wire is up */
#define HNS_REG_WIRE		0x10C	/* ro: HNS_WIRE_* */
#define HNS_REG_LOOPBACK	0x110	/* rw: 1 = TX goes to our own RX (self test) */
#define HNS_REG_MAX_FRAME	0x114	/* ro: longest frame the wire carries */
#define HNS_REG_RESET		0x118	/* 1 = reset the ring pair; reads 0 when done */
#define HNS_REG_FC		0x11C	/* rw: HNS_FC_* (802.3x pause) */

/* 64-bit counters (8-byte aligned, engine written, free running) */
#define HNS_STAT_TX_PKTS	0x140	/* packets put on the wire */
#define HNS_STAT_TX_BYTES	0x148
#define HNS_STAT_TX_ERRORS	0x150	/* packets refused for a bad BD */
#define HNS_STAT_TX_DROPS	0x158	/* packets dropped: link down */
#define HNS_STAT_RX_PKTS	0x160	/* packets placed in RX BDs */
#define HNS_STAT_RX_BYTES	0x168
#define HNS_STAT_RX_ERRORS	0x170	/* packets lost: fault, oversize */
#define HNS_STAT_RX_PAUSES	0x178	/* times the wire waited for RX BDs */
#define HNS_STAT_RX_MISSED	0x180	/* packets dropped: no RX BD posted */
#define HNS_NB_STATS		9
#define HNS_REGS_SIZE		4096

#define HNS_FC_RX_PAUSE		(1u << 0)	/* honour pause: TX waits for the receiver */
#define HNS_FC_TX_PAUSE		(1u << 1)	/* ask for pause when out of RX BDs */

#define HNS_WIRE_LOOP		0	/* TX to the ring pair's own RX */
#define HNS_WIRE_PAIR		1	/* ring pair i <-> i + queues / 2 */
#define HNS_WIRE_PEER		2	/* device 2k ring pair i <-> 2k + 1 i */
#define HNS_WIRE_TAP		3	/* a Linux TAP interface */
#define HNS_WIRE_KERNEL		4	/* wd_hns.ko: the device's kernel netdev */

#define HNS_BD_LEN_512		0
#define HNS_BD_LEN_1024		1
#define HNS_BD_LEN_2048		2	/* the default */
#define HNS_BD_LEN_4096		3
#define HNS_BD_LEN_BYTES(code)	(512u << (code))

#define HNS_DEPTH_DEFAULT	1024
#define HNS_DEPTH_MIN		16
#define HNS_DEPTH_MAX		1024
#define HNS_TX_MAX_BDS		8	/* BDs per TX packet */
#define HNS_RX_MAX_BDS		4	/* BDs per RX packet */
#define HNS_TX_MAX_SIZE		8191	/* bytes per TX BD */
#define HNS_MAX_FRAME		9600	/* bytes per frame */
#define HNS_MIN_FRAME		14	/* an Ethernet header */

/* TX descriptor: flags at +13 */
#define HNS_TXD_RI		(1u << 1)
#define HNS_TXD_L4CS		(1u << 2)
#define HNS_TXD_L3CS		(1u << 3)
#define HNS_TXD_FE		(1u << 4)	/* last BD of the packet */
#define HNS_TXD_VLD		(1u << 5)	/* BD valid */
#define HNS_TXD_BUFNUM_MASK	0x7u		/* at +12: BDs of the packet - 1 */

/* TX status (WrapDrive, +24 of the packet's first BD, written on error) */
#define HNS_TX_ST_OK		0
#define HNS_TX_ST_INVALID	1	/* VLD, BUFNUM, FE or length wrong */
#define HNS_TX_ST_OVERSIZE	2	/* frame longer than HNS_MAX_FRAME */
#define HNS_TX_ST_FAULT		3	/* IOVA not mapped for the device */

/* RX descriptor: ipoff_bnum_pid_flag at +8 */
#define HNS_RXD_IPOFFSET_MASK	0xffu
#define HNS_RXD_BUFNUM_SHIFT	8
#define HNS_RXD_BUFNUM_MASK	(0x3u << 8)
#define HNS_RXD_PORTID_SHIFT	10
#define HNS_RXD_PORTID_MASK	(0x7u << 10)
#define HNS_RXD_DMAC_MASK	(0x3u << 13)
#define HNS_RXD_VLAN_MASK	(0x3u << 15)
#define HNS_RXD_L3ID_SHIFT	17
#define HNS_RXD_L3ID_MASK	(0xfu << 17)
#define HNS_RXD_L4ID_SHIFT	21
#define HNS_RXD_L4ID_MASK	(0xfu << 21)
#define HNS_RXD_FE		(1u << 25)
#define HNS_RXD_FRAG		(1u << 26)
#define HNS_RXD_VLD		(1u << 27)
#define HNS_RXD_L2E		(1u << 28)
#define HNS_RXD_L3E		(1u << 29)
#define HNS_RXD_L4E		(1u << 30)
#define HNS_RXD_DROP		(1u << 31)
#define HNS_RXD_ERR_MASK	(HNS_RXD_L2E | HNS_RXD_DROP)

/* L3ID / L4ID values the model sets */
#define HNS_L3ID_IPV4		0
#define HNS_L3ID_IPV6		1
#define HNS_L3ID_ARP		2
#define HNS_L3ID_OTHER		15
#define HNS_L4ID_UDP		0
#define HNS_L4ID_TCP		1
#define HNS_L4ID_ICMP		4
#define HNS_L4ID_OTHER		15

struct hns_tx_desc {
	__u64 addr;		/* buffer IOVA */
	__u16 asid;
	__u16 send_size;	/* bytes in this BD */
	__u8 bufnum;		/* bits 2:0: BDs of the packet - 1 */
	__u8 flags;		/* HNS_TXD_* */
	__u8 ip_offset;
	__u8 tse_vlan_snap_v6_sctp;
	__u16 mss;
	__u8 l4_len;
	__u8 reserved1;
	__u16 paylen;
	__u8 vmid;
	__u8 qid;
	__u8 status;		/* WrapDrive: HNS_TX_ST_*, engine written */
	__u8 reserved2[7];
};

struct hns_rx_desc {
	__u64 addr;		/* buffer IOVA */
	__u32 ipoff_bnum_pid_flag;	/* HNS_RXD_* */
	__u16 pkt_len;		/* bytes in the whole packet */
	__u16 size;		/* bytes in this BD */
	__u32 vlan_cfi_pri;	/* VLANID 19:8, CFI 20, PRI 23:21 */
	__u32 rss_hash;
	__u32 reserved[2];
};

#endif /* _UAPI_HISI_HNS_V1_H_ */
