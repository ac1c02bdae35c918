/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_HNS_H_
#define _WD_HNS_H_

/**
 * @file
 * User driver of device_api "hisi_hns_v1": one HNS ring pair (an RX and a
 * TX ring) per queue. Two ways to drive it, not to be mixed on one queue:
 *
 *  - messages (wd_send/wd_recv): struct wd_hns_msg sends one single-BD
 *    frame (WD_HNS_OP_TX) or posts one receive buffer (WD_HNS_OP_RX);
 *    wd_recv returns filled receive buffers first, then sent frames;
 *  - the inline ring below, for frameworks that keep their own buffers
 *    (DPDK's net_wd and raw_wd_hns): BDs written in place, one doorbell
 *    per burst, no message objects, no system calls.
 */

#include <errno.h>
#include <stdint.h>

#include "wd.h"
#include "wd_arch.h"
#include "wd_notify.h"
#include "hisi_hns_v1.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WD_HNS_OP_TX	0	/**< send the frame in buf[0..len) */
#define WD_HNS_OP_RX	1	/**< post buf (the ring's buffer size) for receiving */

/** One request. IOVAs of memory shared with wd_mem_share() are its
 *  addresses: (uint64_t)(uintptr_t)ptr. */
struct wd_hns_msg {
	uint64_t iova;		/**< buffer */
	uint32_t len;		/**< TX: frame bytes; RX out: bytes received */
	uint16_t op;		/**< WD_HNS_OP_* */
	uint16_t status;	/**< out: TX HNS_TX_ST_*; RX 0 or HNS_RXD_* error bits >> 16 */
	uint32_t rx_flags;	/**< out (RX): the BD's HNS_RXD_* word */
	uint16_t pkt_len;	/**< out (RX): the whole frame (spans BDs when > len) */
	uint16_t pad;
	void *user;		/**< the caller's, untouched */
};

/** Ring state of a queue as the driver sees it. Counters run free; slot
 *  = counter & mask. */
struct wd_hns_ring {
	volatile uint32_t *regs;	/**< registers page */
	struct hns_rx_desc *rxd;	/**< RX ring */
	struct hns_tx_desc *txd;	/**< TX ring */
	uint32_t depth;			/**< BDs per ring */
	uint32_t mask;			/**< depth - 1 */
	uint32_t bufsize;		/**< RX buffer bytes (BD_LEN) */
	/* TX */
	uint32_t tx_use;		/**< next BD to write */
	uint32_t tx_clean;		/**< oldest BD not reclaimed */
	uint32_t tx_rung;		/**< tx_use at the last doorbell */
	/* RX */
	uint32_t rx_use;		/**< next BD to post a buffer into */
	uint32_t rx_clean;		/**< next BD to read */
	uint32_t rx_rung;		/**< rx_use at the last doorbell */
	volatile uint32_t *notify;	/**< engine's notify word (wd_notify.h) or NULL */
};

/** The ring of a hisi_hns_v1 queue (valid until the queue is released). */
struct wd_hns_ring *wd_hns_ring(struct wd_queue *q);

/**
 * Set the RX buffer size (512, 1024, 2048 or 4096 bytes) while the ring
 * pair is disabled. @return 0, -EINVAL, or -EBUSY if enabled.
 */
int wd_hns_set_bufsize(struct wd_queue *q, uint32_t bytes);

/** Enable (1) or disable (0) the ring pair. Both reset it first (the
 *  device forgets every posted BD); disabling waits up to @p timeout_ms
 *  for posted frames to leave before that.
 *  @return 0, -ETIMEDOUT (frames were dropped; the rings are reset
 *  anyway), or -EIO if the device did not acknowledge the reset (2 s). */
int wd_hns_enable(struct wd_queue *q, int on, unsigned int timeout_ms);

/** Internal loopback (1: TX goes to our own RX, the wire is ignored). */
void wd_hns_set_loopback(struct wd_queue *q, int on);

/** Flow control: HNS_FC_* bits (802.3x pause). */
void wd_hns_set_fc(struct wd_queue *q, uint32_t fc);

/** The engine's counters (HNS_STAT_*, in register order). */
void wd_hns_stats(struct wd_queue *q, uint64_t st[HNS_NB_STATS]);

/** One engine counter (@p off = HNS_STAT_*). */
static inline uint64_t
wd_hns_stats_one(struct wd_queue *q, unsigned int off)
{
	return wd_read64_relaxed((const volatile char *)wd_hns_ring(q)->regs + off);
}

/** Fetch a line for writing (a BD shared with the device): PREFETCHW on
 *  x86, which compilers emit for __builtin_prefetch(p, 1) only with
 *  -march flags that generic builds lack. */
static inline void
wd_hns_prefetchw(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetchw %0" : : "m"(*(const volatile char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/** A register read (status, indexes): later accesses to the rings do not
 *  pass it. */
static inline uint32_t
wd_hns_reg_read(const struct wd_hns_ring *r, unsigned int off)
{
	return wd_read32(&r->regs[off / 4]);
}

/**
 * Add @p n to a count register (HNS_TX_TAIL, HNS_RX_HEAD; HNS_RX_FBDNUM
 * with -n). The hisi_hns_v1 engines (the in-process model and wd_hns.ko)
 * keep the registers page in memory they poll and take a count register
 * whole with an atomic exchange, so the add must be an atomic
 * read-modify-write there, with release order: the BDs written before it
 * are seen first. (A hardware HNS adds the value written to its TAIL/HEAD
 * itself; the write would be wd_write32() of @p n.)
 */
static inline void
wd_hns_reg_add(struct wd_hns_ring *r, unsigned int off, uint32_t n)
{
	__atomic_fetch_add((uint32_t *)(uintptr_t)&r->regs[off / 4], n, __ATOMIC_RELEASE);
}

/** 1 when the wire is up. */
static inline int
wd_hns_link(const struct wd_hns_ring *r)
{
	return wd_hns_reg_read(r, HNS_REG_LINK) == 1;
}

/* --- TX ---------------------------------------------------------------- */

/** BDs that can be written now. */
static inline uint32_t
wd_hns_tx_space(const struct wd_hns_ring *r)
{
	return r->mask - (r->tx_use - r->tx_clean);
}

/**
 * Write one BD of a frame of @p nb_bds BDs (call once per BD, in order,
 * @p last on the final one). The caller checked wd_hns_tx_space().
 * @return the BD's slot.
 */
static inline uint32_t
wd_hns_tx_bd(struct wd_hns_ring *r, uint64_t iova, uint16_t len, uint32_t nb_bds, int last)
{
	uint32_t slot = r->tx_use++ & r->mask;
	struct hns_tx_desc *d = &r->txd[slot];

	d->addr = iova;
	d->asid = 0;
	d->send_size = len;
	d->bufnum = (uint8_t)((nb_bds - 1) & HNS_TXD_BUFNUM_MASK);
	d->flags = (uint8_t)(HNS_TXD_VLD | (last ? HNS_TXD_FE : 0));
	d->ip_offset = 0;
	d->tse_vlan_snap_v6_sctp = 0;
	d->status = HNS_TX_ST_OK;
	return slot;
}

/**
 * Ask the device to fill in checksums of the packet whose first BD is in
 * @p slot (from wd_hns_tx_bd()): the IPv4 header checksum (@p l3) and the
 * TCP/UDP checksum, pseudo header included (@p l4), the IP header at
 * @p ip_offset bytes into the frame. The buffers are not modified.
 */
static inline void
wd_hns_tx_csum(struct wd_hns_ring *r, uint32_t slot, int l3, int l4, uint8_t ip_offset)
{
	struct hns_tx_desc *d = &r->txd[slot];

	d->flags |= (uint8_t)((l3 ? HNS_TXD_L3CS : 0) | (l4 ? HNS_TXD_L4CS : 0));
	d->ip_offset = ip_offset;
}

/** Hand the BDs written since the last doorbell to the device. */
static inline void
wd_hns_tx_doorbell(struct wd_hns_ring *r)
{
	uint32_t n = r->tx_use - r->tx_rung;

	if (n == 0)
		return;
	r->tx_rung = r->tx_use;
	wd_hns_reg_add(r, HNS_TX_TAIL, n);
	wd_notify(r->notify);
}

/** BDs the device has finished with since tx_clean (their buffers may be
 *  reused); the caller then calls wd_hns_tx_reclaim() with up to that many. */
static inline uint32_t
wd_hns_tx_done(const struct wd_hns_ring *r)
{
	uint32_t head = wd_hns_reg_read(r, HNS_TX_HEAD);
	uint32_t n = (head - r->tx_clean) & r->mask;

	if (n > r->tx_rung - r->tx_clean)	/* never trust the device past the tail */
		n = r->tx_rung - r->tx_clean;
	return n;
}

static inline void
wd_hns_tx_reclaim(struct wd_hns_ring *r, uint32_t n)
{
	r->tx_clean += n;
}

/* --- RX ---------------------------------------------------------------- */

/** BDs without a posted buffer. */
static inline uint32_t
wd_hns_rx_space(const struct wd_hns_ring *r)
{
	return r->depth - (r->rx_use - r->rx_clean);
}

/** Post a buffer of r->bufsize bytes. The caller checked wd_hns_rx_space().
 *  @return the BD's slot. */
static inline uint32_t
wd_hns_rx_post(struct wd_hns_ring *r, uint64_t iova)
{
	uint32_t slot = r->rx_use++ & r->mask;
	struct hns_rx_desc *d = &r->rxd[slot];

	d->addr = iova;
	d->ipoff_bnum_pid_flag = 0;
	d->pkt_len = 0;
	d->size = 0;
	return slot;
}

/** Give the buffers posted since the last doorbell to the device. */
static inline void
wd_hns_rx_doorbell(struct wd_hns_ring *r)
{
	uint32_t n = r->rx_use - r->rx_rung;

	if (n == 0)
		return;
	r->rx_rung = r->rx_use;
	wd_hns_reg_add(r, HNS_RX_HEAD, n);
	/* a sender waiting for buffers (flow control) goes on */
	wd_notify(r->notify);
}

/** Filled BDs waiting at rx_clean. */
static inline uint32_t
wd_hns_rx_filled(const struct wd_hns_ring *r)
{
	uint32_t n = wd_hns_reg_read(r, HNS_RX_FBDNUM);
	uint32_t posted = r->rx_rung - r->rx_clean;

	return n <= posted ? n : posted;
}

/**
 * Whole frames' BDs filled at rx_clean, up to about @p max, found by
 * their VLD bits (the device writes a BD's flag word last) without
 * reading FBDNUM: an empty ring costs no register access.
 */
static inline uint32_t
wd_hns_rx_ready(const struct wd_hns_ring *r, uint32_t max)
{
	uint32_t n = 0, posted = r->rx_rung - r->rx_clean, f, nbd, i;
	uint32_t lim = max < posted ? max : posted;

	/* The device's core wrote these lines: ask for all of them at once,
	 * not one miss after another along the walk (each next BD's place
	 * depends on the flag word read before it). Two 32-byte BDs share a
	 * line of the page-aligned ring: one prefetch per even slot. */
	for (i = 0; i < lim; i++)
		if (i == 0 || ((r->rx_clean + i) & 1) == 0)
			__builtin_prefetch(&r->rxd[(r->rx_clean + i) & r->mask], 0, 3);
	while (n < max && n < posted) {
		f = __atomic_load_n(&r->rxd[(r->rx_clean + n) & r->mask].ipoff_bnum_pid_flag,
				    __ATOMIC_ACQUIRE);
		if (!(f & HNS_RXD_VLD))
			break;
		nbd = ((f & HNS_RXD_BUFNUM_MASK) >> HNS_RXD_BUFNUM_SHIFT) + 1;
		if (nbd > 1 && (n + nbd > posted ||
				!(__atomic_load_n(&r->rxd[(r->rx_clean + n + nbd - 1) &
							  r->mask].ipoff_bnum_pid_flag,
						  __ATOMIC_ACQUIRE) & HNS_RXD_VLD)))
			break;
		n += nbd;
	}
	return n;
}

/** The @p i-th filled BD from rx_clean. */
static inline const struct hns_rx_desc *
wd_hns_rx_desc(const struct wd_hns_ring *r, uint32_t i)
{
	return &r->rxd[(r->rx_clean + i) & r->mask];
}

/** Take @p n filled BDs (their slots are free to post into again). */
static inline void
wd_hns_rx_take(struct wd_hns_ring *r, uint32_t n)
{
	if (n == 0)
		return;
	r->rx_clean += n;
	wd_hns_reg_add(r, HNS_RX_FBDNUM, -n);
}

/** BDs of the frame whose first BD is @p d (BUFNUM + 1). */
static inline uint32_t
wd_hns_rx_bds(const struct hns_rx_desc *d)
{
	return ((d->ipoff_bnum_pid_flag & HNS_RXD_BUFNUM_MASK) >> HNS_RXD_BUFNUM_SHIFT) + 1;
}

/** 1 if the frame starting at @p d carries no packet (drop it). */
static inline int
wd_hns_rx_bad(const struct hns_rx_desc *d)
{
	return !(d->ipoff_bnum_pid_flag & HNS_RXD_VLD) ||
		(d->ipoff_bnum_pid_flag & HNS_RXD_ERR_MASK) || d->pkt_len == 0;
}

#ifdef __cplusplus
}
#endif

#endif /* _WD_HNS_H_ */
