// SPDX-License-Identifier: GPL-2.0
/*
 * wd_hns.ko: a software engine behind WrapDrive queues of device_api
 * "hisi_hns_v1" (HNS ring pairs; the ABI is hisi_hns_v1.h, shared with
 * libwd's user driver and its in-process model), each device bridged to a
 * kernel network device.
 *
 * Device hisi_hns<n> has ring_pairs queues (one mdev type, "ring_pair";
 * an open queue is a ring pair, HNS_REG_QUEUE its index) and a netdev
 * wdhns<n>. The wire of every ring pair is that netdev (HNS_WIRE_KERNEL):
 *
 *  - a frame the ring pair transmits is read by IOVA (wd_queue_dma_rw(),
 *    every BD checked first), becomes an skb and is received by the
 *    kernel on wdhns<n> (netif_rx);
 *  - a frame the kernel sends on wdhns<n> goes to one running ring pair,
 *    chosen by skb_get_hash() as RSS would: ndo_start_xmit cannot sleep,
 *    so it queues the skb on the ring pair (bounded: full is a drop) and
 *    kicks its engine thread, which writes it into the next posted RX BDs
 *    by IOVA. No RX BD posted: dropped and counted (RX_MISSED), the stack
 *    never waits.
 *
 * A ring pair runs while its queue is open with PREFETCH_EN 1 and not in
 * loopback; the carrier of wdhns<n> is on while at least one runs.
 * HNS_REG_LINK reads 1 while wdhns<n> is up (and in loopback). The
 * LOOPBACK register sends the ring pair's TX to its own RX, with 802.3x
 * pause (FC) as in the model, for self tests. wd.ko runs the engine
 * thread, maps the regions, resets and closes queues (owner death too).
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <linux/atomic.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/numa.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <asm/unaligned.h>

#include "wd_k.h"
#include "hisi_hns_v1.h"

#ifdef __BIG_ENDIAN
#error "hisi_hns_v1 registers and BDs are little-endian"
#endif

#define WHNS_NAME		"hisi_hns"
#define WHNS_NETDEV		"wdhns"
#define WHNS_PRIORITY		10	/* software: below real hardware */
#define WHNS_MAX_RP		64
#define WHNS_MAX_DEVS		16
#define WHNS_MAX_MTU		(HNS_MAX_FRAME - ETH_HLEN - VLAN_HLEN)

static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of devices hisi_hns<n> and netdevs wdhns<n> (1..16, default 2)");

static unsigned int ring_pairs = 4;
module_param(ring_pairs, uint, 0444);
MODULE_PARM_DESC(ring_pairs, "Ring pairs (queues) per device (1..64, default 4)");

static unsigned int backlog = 512;
module_param(backlog, uint, 0444);
MODULE_PARM_DESC(backlog, "Frames from the kernel waiting per ring pair for its engine (16..8192, default 512)");

/* Counters of one ring pair as the netdev sees them (cumulative). */
enum {
	WHNS_S_RX_PACKETS,	/* frames the ring pair sent, received here */
	WHNS_S_RX_BYTES,
	WHNS_S_RX_ERRORS,	/* packets refused for a bad TX BD */
	WHNS_S_RX_DROPPED,	/* the stack dropped them, or link down */
	WHNS_S_TX_PACKETS,	/* frames placed in the ring pair's RX BDs */
	WHNS_S_TX_BYTES,
	WHNS_S_TX_MISSED,	/* no RX BD posted */
	WHNS_S_TX_DROPPED,	/* backlog full, or the ring pair stopped */
	WHNS_S_TX_ERRORS,	/* RX buffer fault, or frame over 4 buffers */
	WHNS_NB_S
};

static const char * const whns_stat_names[WHNS_NB_S] = {
	"rx_packets", "rx_bytes", "rx_errors", "rx_dropped",
	"tx_packets", "tx_bytes", "tx_missed", "tx_dropped", "tx_errors",
};

struct whns_queue;

struct whns_dev {
	struct wd_dev *wdev;
	struct net_device *ndev;
	unsigned int id;
	spinlock_t lock;		/* used, run, nr_run */
	u64 used;			/* ring pair indexes of open queues */
	unsigned int nr_run;
	struct whns_queue *run[WHNS_MAX_RP];	/* running ring pairs, packed */
	atomic64_t no_ring;		/* kernel frames with no ring pair running */
	atomic64_t st[WHNS_MAX_RP][WHNS_NB_S];
};

/* Engine state of one open queue (a ring pair). */
struct whns_queue {
	struct wd_queue *q;
	struct whns_dev *hd;
	__le32 *regs;
	struct hns_rx_desc *rxd;
	struct hns_tx_desc *txd;
	u32 depth;
	unsigned int index;		/* ring pair */
	bool has_index;
	bool running;			/* in hd->run (hd->lock) */
	struct sk_buff_head backlog;	/* kernel frames for the RX ring */

	/* the engine's */
	u32 tx_head, tx_posted;
	u32 rx_fill, rx_avail;
	bool rx_paused;
	u64 tx_pkts, tx_bytes, tx_errors, tx_drops;
	u64 rx_pkts, rx_bytes, rx_errors, rx_pauses, rx_missed;
	atomic64_t rx_missed_async;	/* backlog drops, counted by xmit */
};

static struct whns_dev *whns_devs;
static unsigned int whns_nr_devs;

/* ---- registers ---- */

static inline u32 whns_reg(struct whns_queue *wq, unsigned int off)
{
	return le32_to_cpu(READ_ONCE(wq->regs[off / 4]));
}

static inline void whns_reg_set(struct whns_queue *wq, unsigned int off, u32 v)
{
	WRITE_ONCE(wq->regs[off / 4], cpu_to_le32(v));
}

/* A count register: software adds, the engine takes all with xchg. */
static inline u32 whns_reg_take(struct whns_queue *wq, unsigned int off)
{
	atomic_t *r = (atomic_t *)&wq->regs[off / 4];

	if (!atomic_read(r))
		return 0;
	return atomic_xchg(r, 0);
}

static inline void whns_stat_set(struct whns_queue *wq, unsigned int off, u64 v)
{
	WRITE_ONCE(*(u64 *)((u8 *)wq->regs + off), v);
}

static inline void whns_count(struct whns_queue *wq, unsigned int s, u64 n)
{
	atomic64_add(n, &wq->hd->st[wq->index][s]);
}

/* ---- frames: checksums and classification, as the NIC does them ---- */

struct whns_l3 {
	int ver;		/* 4, 6, or 0: not IP or unusable */
	bool bad, frag;
	u8 proto;
	u32 l3, l4, l4len;
};

static void whns_parse(const u8 *f, u32 len, u32 l3, struct whns_l3 *x)
{
	u32 ihl, tot;

	memset(x, 0, sizeof(*x));
	x->l3 = l3;
	if (len < l3 + 20)
		return;
	if ((f[l3] >> 4) == 4) {
		ihl = (f[l3] & 0xf) * 4;
		tot = get_unaligned_be16(f + l3 + 2);
		x->ver = 4;
		x->proto = f[l3 + 9];
		if (ihl < 20 || len < l3 + ihl || tot < ihl || len < l3 + tot) {
			x->bad = true;
			return;
		}
		x->frag = get_unaligned_be16(f + l3 + 6) & 0x3fff;
		x->l4 = l3 + ihl;
		x->l4len = x->frag ? 0 : tot - ihl;
	} else if ((f[l3] >> 4) == 6 && len >= l3 + 40) {
		tot = get_unaligned_be16(f + l3 + 4);
		x->ver = 6;
		x->proto = f[l3 + 6];	/* extension headers: not parsed */
		if (len < l3 + 40 + tot) {
			x->bad = true;
			return;
		}
		x->l4 = l3 + 40;
		x->l4len = tot;
	}
}

/* Offset of the TCP/UDP checksum in the L4 header, 0 for others. */
static u32 whns_l4_csum_off(const struct whns_l3 *x)
{
	if (x->proto == IPPROTO_TCP && x->l4len >= 20)
		return 16;
	if (x->proto == IPPROTO_UDP && x->l4len >= 8)
		return 6;
	return 0;
}

/* The TCP/UDP checksum of @f as it stands (0xffff-folded sum check). */
static __sum16 whns_l4_csum(const u8 *f, const struct whns_l3 *x)
{
	__wsum sum = csum_partial(f + x->l4, x->l4len, 0);

	if (x->ver == 4)
		return csum_tcpudp_magic(get_unaligned((__be32 *)(f + x->l3 + 12)),
					 get_unaligned((__be32 *)(f + x->l3 + 16)),
					 x->l4len, x->proto, sum);
	return csum_ipv6_magic((const struct in6_addr *)(f + x->l3 + 8),
			       (const struct in6_addr *)(f + x->l3 + 24),
			       x->l4len, x->proto, sum);
}

/* TX: fill in the checksums the first BD asks for (L3CS, L4CS). */
static void whns_tx_csum(u8 *f, u32 len, u8 flags, u8 ip_off)
{
	struct whns_l3 x;
	__sum16 c;
	u32 co;

	whns_parse(f, len, ip_off ? ip_off : ETH_HLEN, &x);
	if (!x.ver || x.bad)
		return;		/* sent as it is, as silicon would */
	if ((flags & HNS_TXD_L3CS) && x.ver == 4) {
		memset(f + x.l3 + 10, 0, 2);
		c = ip_fast_csum(f + x.l3, (x.l4 - x.l3) / 4);
		memcpy(f + x.l3 + 10, &c, 2);
	}
	co = whns_l4_csum_off(&x);
	if (!(flags & HNS_TXD_L4CS) || !co)
		return;
	memset(f + x.l4 + co, 0, 2);
	c = whns_l4_csum(f, &x);
	if (!c && x.proto == IPPROTO_UDP)
		c = CSUM_MANGLED_0;	/* 0 means "no checksum" in UDP */
	memcpy(f + x.l4 + co, &c, 2);
}

/* RX: L3ID/L4ID, and L3E/L4E/FRAG for the frame's checks. */
static u32 whns_classify(const u8 *f, u32 len)
{
	u32 l3 = HNS_L3ID_OTHER, l4 = HNS_L4ID_OTHER, err = 0, co;
	struct whns_l3 x;
	u16 type;
	u8 proto = 0;

	if (len < ETH_HLEN)
		goto out;
	type = get_unaligned_be16(f + 12);
	if (type == ETH_P_ARP) {
		l3 = HNS_L3ID_ARP;
		goto out;
	}
	if (type != ETH_P_IP && type != ETH_P_IPV6)
		goto out;
	whns_parse(f, len, ETH_HLEN, &x);
	if (type == ETH_P_IP && len >= ETH_HLEN + 20) {
		l3 = HNS_L3ID_IPV4;
		proto = f[ETH_HLEN + 9];
		if (x.ver != 4 || x.bad ||
		    ip_fast_csum(f + ETH_HLEN, (x.l4 - ETH_HLEN) / 4))
			err |= HNS_RXD_L3E;
	} else if (type == ETH_P_IPV6 && x.ver == 6) {
		l3 = HNS_L3ID_IPV6;
		proto = x.proto;
	}
	if (proto == IPPROTO_TCP)
		l4 = HNS_L4ID_TCP;
	else if (proto == IPPROTO_UDP)
		l4 = HNS_L4ID_UDP;
	else if (proto == IPPROTO_ICMP && l3 == HNS_L3ID_IPV4)
		l4 = HNS_L4ID_ICMP;
	if (err || l3 == HNS_L3ID_OTHER || x.bad)
		goto out;
	if (x.frag) {
		err |= HNS_RXD_FRAG;
	} else if (l4 == HNS_L4ID_TCP || l4 == HNS_L4ID_UDP) {
		co = whns_l4_csum_off(&x);
		if (!co)
			err |= HNS_RXD_L4E;	/* truncated header */
		else if (!(x.ver == 4 && l4 == HNS_L4ID_UDP &&
			   !get_unaligned((u16 *)(f + x.l4 + co))) &&
			 whns_l4_csum(f, &x))
			err |= HNS_RXD_L4E;
	}
out:
	return l3 << HNS_RXD_L3ID_SHIFT | l4 << HNS_RXD_L4ID_SHIFT | err;
}

/* ---- running ring pairs: what the netdev sends to ---- */

static void whns_set_running(struct whns_queue *wq, bool on)
{
	struct whns_dev *hd = wq->hd;
	unsigned int i;

	if (wq->running == on)
		return;
	spin_lock_bh(&hd->lock);
	if (on) {
		hd->run[hd->nr_run++] = wq;
	} else {
		for (i = 0; i < hd->nr_run; i++)
			if (hd->run[i] == wq)
				break;
		if (i < hd->nr_run)
			hd->run[i] = hd->run[--hd->nr_run];
	}
	wq->running = on;
	if (hd->nr_run)
		netif_carrier_on(hd->ndev);
	else
		netif_carrier_off(hd->ndev);
	spin_unlock_bh(&hd->lock);
	if (!on) {
		/* No xmit reaches the backlog now: what waits is lost. */
		u32 n = skb_queue_len(&wq->backlog);

		skb_queue_purge(&wq->backlog);
		whns_count(wq, WHNS_S_TX_DROPPED, n);
	}
}

/* ---- kernel -> ring pair (the RX ring) ---- */

/* Take the refill doorbell. */
static void whns_rx_collect(struct whns_queue *wq)
{
	wq->rx_avail += whns_reg_take(wq, HNS_RX_HEAD);
	if (wq->rx_avail > wq->depth)	/* a driver bug: trust one ring */
		wq->rx_avail = wq->depth;
}

static inline u32 whns_rx_bufsize(struct whns_queue *wq)
{
	return HNS_BD_LEN_BYTES(whns_reg(wq, HNS_RX_BD_LEN) & 3);
}

/* BDs a frame of @len takes, 0 if more than HNS_RX_MAX_BDS. */
static inline u32 whns_rx_bds(u32 len, u32 bufsize)
{
	u32 n = DIV_ROUND_UP(len, bufsize);

	return n <= HNS_RX_MAX_BDS ? n : 0;
}

/*
 * Write the frame @f of @len bytes into @n posted BDs from rx_fill, by
 * IOVA; a buffer the device may not write turns the whole frame into
 * DROP | L2E BDs. The flag word of each BD last (software may poll VLD).
 */
static void whns_rx_fill(struct whns_queue *wq, const u8 *f, u32 len, u32 n,
			 u32 bufsize, u32 hash, bool loop)
{
	u32 mask = wq->depth - 1, i, off, chunk, flags;
	struct hns_rx_desc *d;
	bool fault = false;

	for (i = 0, off = 0; i < n; i++, off += chunk) {
		d = &wq->rxd[(wq->rx_fill + i) & mask];
		chunk = min(len - off, bufsize);
		if (wd_queue_dma_rw(wq->q, le64_to_cpu(READ_ONCE(d->addr)),
				    (void *)(f + off), chunk, true)) {
			fault = true;
			break;
		}
	}
	flags = (n - 1) << HNS_RXD_BUFNUM_SHIFT | HNS_RXD_VLD;
	if (fault) {
		flags |= HNS_RXD_DROP | HNS_RXD_L2E;
		wq->rx_errors++;
		if (!loop)	/* the netdev's own frames only */
			whns_count(wq, WHNS_S_TX_ERRORS, 1);
	} else {
		flags |= whns_classify(f, len);
		wq->rx_pkts++;
		wq->rx_bytes += len;
	}
	for (i = 0, off = 0; i < n; i++, off += chunk) {
		d = &wq->rxd[(wq->rx_fill + i) & mask];
		chunk = min(len - off, bufsize);
		WRITE_ONCE(d->pkt_len, cpu_to_le16(fault ? 0 : len));
		WRITE_ONCE(d->size, cpu_to_le16(fault ? 0 : chunk));
		WRITE_ONCE(d->vlan_cfi_pri, 0);
		WRITE_ONCE(d->rss_hash, cpu_to_le32(hash));
		/* Release: the data and the words above before the flags. */
		smp_store_release(&d->ipoff_bnum_pid_flag,
				  cpu_to_le32(flags | (i == n - 1 ? HNS_RXD_FE : 0)));
	}
	wq->rx_fill = (wq->rx_fill + n) & mask;
	wq->rx_avail -= n;
}

/* Make @n filled BDs visible, publish the RX counters. */
static void whns_rx_publish(struct whns_queue *wq, u32 n)
{
	if (n)
		atomic_add(n, (atomic_t *)&wq->regs[HNS_RX_FBDNUM / 4]);
	whns_reg_set(wq, HNS_RX_TAIL, wq->rx_fill);
	whns_stat_set(wq, HNS_STAT_RX_PKTS, wq->rx_pkts);
	whns_stat_set(wq, HNS_STAT_RX_BYTES, wq->rx_bytes);
	whns_stat_set(wq, HNS_STAT_RX_ERRORS, wq->rx_errors);
	whns_stat_set(wq, HNS_STAT_RX_PAUSES, wq->rx_pauses);
	whns_stat_set(wq, HNS_STAT_RX_MISSED, wq->rx_missed +
		      atomic64_read(&wq->rx_missed_async));
}

/* Frames the kernel sent, from the backlog into posted RX BDs. */
static unsigned int whns_rx_serve(struct whns_queue *wq, unsigned int budget,
				  u32 *filled)
{
	u32 bufsize = whns_rx_bufsize(wq), need;
	struct sk_buff *skb;
	unsigned int n = 0;

	while (n < budget && (skb = skb_dequeue(&wq->backlog))) {
		n++;
		need = whns_rx_bds(skb->len, bufsize);
		if (!need || skb_linearize(skb)) {
			wq->rx_errors++;	/* longer than 4 buffers */
			whns_count(wq, WHNS_S_TX_ERRORS, 1);
		} else if (wq->rx_avail < need) {
			wq->rx_missed++;	/* no RX BD posted: lost */
			whns_count(wq, WHNS_S_TX_MISSED, 1);
		} else {
			whns_rx_fill(wq, skb->data, skb->len, need, bufsize,
				     skb_get_hash(skb), false);
			*filled += need;
			whns_count(wq, WHNS_S_TX_PACKETS, 1);
			whns_count(wq, WHNS_S_TX_BYTES, skb->len);
		}
		dev_consume_skb_any(skb);
	}
	return n;
}

/* ---- ring pair -> kernel (the TX ring) ---- */

/*
 * Check the packet at tx_head and read it into an skb. Returns
 * HNS_TX_ST_*, or -EAGAIN if not all its BDs are posted yet (as silicon
 * waits), -ENOMEM to try again later; *nb = its BDs.
 */
static int whns_tx_parse(struct whns_queue *wq, u32 *nb, struct sk_buff **pskb)
{
	u32 mask = wq->depth - 1, i, n, total = 0;
	struct hns_tx_desc *d;
	u16 size[HNS_TX_MAX_BDS];
	u64 addr[HNS_TX_MAX_BDS];
	struct sk_buff *skb;
	u8 bufnum, flags;

	d = &wq->txd[wq->tx_head];
	bufnum = READ_ONCE(d->bufnum) & HNS_TXD_BUFNUM_MASK;
	n = bufnum + 1;		/* at most HNS_TX_MAX_BDS: a chain ends */
	if (n > wq->tx_posted)
		return -EAGAIN;
	*nb = n;
	for (i = 0; i < n; i++) {
		d = &wq->txd[(wq->tx_head + i) & mask];
		flags = READ_ONCE(d->flags);
		size[i] = le16_to_cpu(READ_ONCE(d->send_size));
		addr[i] = le64_to_cpu(READ_ONCE(d->addr));
		if (!(flags & HNS_TXD_VLD) ||
		    (READ_ONCE(d->bufnum) & HNS_TXD_BUFNUM_MASK) != bufnum ||
		    !!(flags & HNS_TXD_FE) != (i == n - 1) ||
		    !size[i] || size[i] > HNS_TX_MAX_SIZE)
			return HNS_TX_ST_INVALID;
		total += size[i];
	}
	if (total > HNS_MAX_FRAME)
		return HNS_TX_ST_OVERSIZE;
	if (total < HNS_MIN_FRAME)
		return HNS_TX_ST_INVALID;
	skb = __netdev_alloc_skb_ip_align(wq->hd->ndev, total, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (wd_queue_dma_rw(wq->q, addr[i], skb_put(skb, size[i]),
				    size[i], false)) {
			kfree_skb(skb);
			return HNS_TX_ST_FAULT;
		}
	}
	*pskb = skb;
	return HNS_TX_ST_OK;
}

static void whns_tx_publish(struct whns_queue *wq)
{
	/* Buffers are no longer read: software may reclaim them. */
	smp_wmb();
	whns_reg_set(wq, HNS_TX_HEAD, wq->tx_head);
	whns_reg_set(wq, HNS_TX_FBDNUM, wq->tx_posted);
	whns_stat_set(wq, HNS_STAT_TX_PKTS, wq->tx_pkts);
	whns_stat_set(wq, HNS_STAT_TX_BYTES, wq->tx_bytes);
	whns_stat_set(wq, HNS_STAT_TX_ERRORS, wq->tx_errors);
	whns_stat_set(wq, HNS_STAT_TX_DROPS, wq->tx_drops);
}

/* Hand a good frame to the kernel on the netdev. */
static void whns_to_stack(struct whns_queue *wq, struct sk_buff *skb)
{
	struct net_device *ndev = wq->hd->ndev;
	u32 len = skb->len;

	if (!netif_running(ndev)) {
		wq->tx_drops++;		/* the link is down */
		whns_count(wq, WHNS_S_RX_DROPPED, 1);
		kfree_skb(skb);
		return;
	}
	wq->tx_pkts++;
	wq->tx_bytes += len;
	skb->protocol = eth_type_trans(skb, ndev);
	skb_record_rx_queue(skb, 0);
	if (netif_rx(skb) == NET_RX_SUCCESS) {
		whns_count(wq, WHNS_S_RX_PACKETS, 1);
		whns_count(wq, WHNS_S_RX_BYTES, len);
	} else {
		whns_count(wq, WHNS_S_RX_DROPPED, 1);
	}
}

/* Loopback: the frame to our own RX ring, waiting for BDs with pause. */
static int whns_to_self(struct whns_queue *wq, struct sk_buff *skb, u32 *filled)
{
	u32 bufsize = whns_rx_bufsize(wq), need = whns_rx_bds(skb->len, bufsize);
	u32 fc = whns_reg(wq, HNS_REG_FC);

	whns_rx_collect(wq);
	if (!need) {
		wq->rx_errors++;
	} else if (wq->rx_avail < need &&
		   (fc & (HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE)) ==
		   (HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE)) {
		if (!wq->rx_paused) {
			wq->rx_paused = true;
			wq->rx_pauses++;
		}
		return -EAGAIN;
	} else if (wq->rx_avail < need) {
		wq->rx_missed++;
		wq->tx_pkts++;
		wq->tx_bytes += skb->len;
	} else {
		wq->rx_paused = false;
		whns_rx_fill(wq, skb->data, skb->len, need, bufsize, 0, true);
		*filled += need;
		wq->tx_pkts++;
		wq->tx_bytes += skb->len;
	}
	return 0;
}

static unsigned int whns_tx_serve(struct whns_queue *wq, unsigned int budget,
				  bool loop, u32 *filled)
{
	u32 mask = wq->depth - 1, nb = 0;
	struct sk_buff *skb = NULL;
	struct hns_tx_desc *d0;
	unsigned int n = 0;
	u8 flags;
	int st;

	wq->tx_posted += whns_reg_take(wq, HNS_TX_TAIL);
	if (wq->tx_posted > wq->depth)
		wq->tx_posted = wq->depth;
	while (n < budget && wq->tx_posted) {
		d0 = &wq->txd[wq->tx_head];
		st = whns_tx_parse(wq, &nb, &skb);
		if (st < 0)
			break;
		if (st != HNS_TX_ST_OK) {
			WRITE_ONCE(d0->status, st);
			wq->tx_errors++;
			if (!loop)
				whns_count(wq, WHNS_S_RX_ERRORS, 1);
		} else {
			flags = READ_ONCE(d0->flags);
			if (flags & (HNS_TXD_L3CS | HNS_TXD_L4CS))
				whns_tx_csum(skb->data, skb->len, flags,
					     READ_ONCE(d0->ip_offset));
			if (loop && whns_to_self(wq, skb, filled)) {
				kfree_skb(skb);
				break;	/* paused: the frame waits */
			}
			if (loop)
				consume_skb(skb);
			else
				whns_to_stack(wq, skb);
		}
		wq->tx_head = (wq->tx_head + nb) & mask;
		wq->tx_posted -= nb;
		n++;
		if (wd_queue_stopping(wq->q))
			break;
	}
	return n;
}

/* ---- the engine ---- */

/* Forget every posted BD; both rings restart at 0 (PREFETCH_EN 0). */
static void whns_reset(struct whns_queue *wq)
{
	whns_reg_take(wq, HNS_RX_HEAD);
	whns_reg_take(wq, HNS_TX_TAIL);
	wq->rx_fill = 0;
	wq->rx_avail = 0;
	wq->rx_paused = false;
	wq->tx_head = 0;
	wq->tx_posted = 0;
	atomic_set((atomic_t *)&wq->regs[HNS_RX_FBDNUM / 4], 0);
	whns_reg_set(wq, HNS_RX_TAIL, 0);
	whns_reg_set(wq, HNS_TX_HEAD, 0);
	whns_reg_set(wq, HNS_TX_FBDNUM, 0);
	/* Release: the state above before the acknowledgment. */
	smp_store_release(&wq->regs[HNS_REG_RESET / 4], 0);
}

static unsigned int whns_serve(struct wd_queue *q, unsigned int budget)
{
	struct whns_queue *wq = wd_queue_priv(q);
	u32 filled = 0, link;
	unsigned int n;
	bool loop;

	if (whns_reg(wq, HNS_PREFETCH_EN) != 1) {
		whns_set_running(wq, false);
		if (whns_reg(wq, HNS_REG_LINK))
			whns_reg_set(wq, HNS_REG_LINK, 0);
		if (whns_reg(wq, HNS_REG_RESET) == 1) {
			whns_reset(wq);
			return 1;
		}
		return 0;
	}
	loop = whns_reg(wq, HNS_REG_LOOPBACK) == 1;
	whns_set_running(wq, !loop);
	link = loop || netif_running(wq->hd->ndev);
	if (whns_reg(wq, HNS_REG_LINK) != link)
		whns_reg_set(wq, HNS_REG_LINK, link);

	whns_rx_collect(wq);
	n = whns_rx_serve(wq, budget, &filled);
	n += whns_tx_serve(wq, budget, loop, &filled);
	whns_rx_publish(wq, filled);
	whns_tx_publish(wq);
	return n;
}

static size_t whns_ring_size(unsigned int depth)
{
	return (size_t)depth * (sizeof(struct hns_rx_desc) +
				sizeof(struct hns_tx_desc));
}

static int whns_queue_start(struct wd_queue *q)
{
	struct whns_queue *wq = wd_queue_priv(q);
	struct whns_dev *hd = wd_dev_priv(wd_queue_dev(q));
	u64 free;

	memset(wq, 0, sizeof(*wq));
	wq->q = q;
	wq->hd = hd;
	wq->regs = wd_queue_regs(q);
	wq->depth = wd_queue_depth(q);
	wq->rxd = wd_queue_ring(q);
	wq->txd = (struct hns_tx_desc *)(wq->rxd + wq->depth);
	skb_queue_head_init(&wq->backlog);

	spin_lock_bh(&hd->lock);
	free = ~hd->used & GENMASK_ULL(ring_pairs - 1, 0);
	if (free) {
		wq->index = __ffs64(free);
		hd->used |= BIT_ULL(wq->index);
		wq->has_index = true;
	}
	spin_unlock_bh(&hd->lock);
	if (!wq->has_index)
		return -EBUSY;

	whns_reg_set(wq, HNS_RX_BASEADDR_L, 0);
	whns_reg_set(wq, HNS_RX_BD_NUM, wq->depth);
	whns_reg_set(wq, HNS_RX_BD_LEN, HNS_BD_LEN_2048);
	whns_reg_set(wq, HNS_TX_BASEADDR_L,
		     wq->depth * sizeof(struct hns_rx_desc));
	whns_reg_set(wq, HNS_TX_BD_NUM, wq->depth);
	whns_reg_set(wq, HNS_REG_VERSION, HNS_VERSION);
	whns_reg_set(wq, HNS_REG_QUEUE, wq->index);
	whns_reg_set(wq, HNS_REG_WIRE, HNS_WIRE_KERNEL);
	whns_reg_set(wq, HNS_REG_MAX_FRAME, HNS_MAX_FRAME);
	return 0;
}

/* The engine has stopped (close, reset, owner death): let go of the netdev. */
static void whns_queue_stop(struct wd_queue *q)
{
	struct whns_queue *wq = wd_queue_priv(q);
	struct whns_dev *hd = wq->hd;

	if (!wq->has_index)
		return;
	whns_set_running(wq, false);
	skb_queue_purge(&wq->backlog);
	spin_lock_bh(&hd->lock);
	hd->used &= ~BIT_ULL(wq->index);
	spin_unlock_bh(&hd->lock);
	wq->has_index = false;
}

static const struct wd_queue_ops whns_queue_ops = {
	.ring_size = whns_ring_size,
	.queue_start = whns_queue_start,
	.queue_stop = whns_queue_stop,
	.serve = whns_serve,
};

static struct wd_driver whns_driver = {
	.name = WHNS_NAME,
	.device_api = HNS_API,
	.ops = &whns_queue_ops,
	.regs_size = HNS_REGS_SIZE,
	.depth_min = HNS_DEPTH_MIN,
	.depth_max = HNS_DEPTH_MAX,
	.depth_default = HNS_DEPTH_DEFAULT,
	.queue_priv_size = sizeof(struct whns_queue),
};

static const struct wd_alg whns_algs[] = {
	{ .name = HNS_ALG, .flags = 0,
	  .description = "HNS ring pair bridged to a kernel netdev (device_api hisi_hns_v1)" },
};

/* ---- the netdev ---- */

static struct whns_dev *whns_of(struct net_device *ndev)
{
	return *(struct whns_dev **)netdev_priv(ndev);
}

static netdev_tx_t whns_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct whns_dev *hd = whns_of(ndev);
	struct whns_queue *wq;

	spin_lock(&hd->lock);
	if (!hd->nr_run) {
		spin_unlock(&hd->lock);
		atomic64_inc(&hd->no_ring);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	wq = hd->run[reciprocal_scale(skb_get_hash(skb), hd->nr_run)];
	if (skb_queue_len(&wq->backlog) >= backlog) {
		/* The ring pair's FIFO is full: lost before its RX ring. */
		atomic64_inc(&wq->rx_missed_async);
		whns_count(wq, WHNS_S_TX_DROPPED, 1);
		dev_kfree_skb_any(skb);
	} else {
		skb_queue_tail(&wq->backlog, skb);
		wd_queue_kick(wq->q);
	}
	spin_unlock(&hd->lock);
	return NETDEV_TX_OK;
}

static int whns_open(struct net_device *ndev)
{
	netif_start_queue(ndev);
	return 0;
}

static int whns_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	return 0;
}

static void whns_get_stats64(struct net_device *ndev,
			     struct rtnl_link_stats64 *s)
{
	struct whns_dev *hd = whns_of(ndev);
	unsigned int i;

	for (i = 0; i < ring_pairs; i++) {
		atomic64_t *st = hd->st[i];

		s->rx_packets += atomic64_read(&st[WHNS_S_RX_PACKETS]);
		s->rx_bytes += atomic64_read(&st[WHNS_S_RX_BYTES]);
		s->rx_errors += atomic64_read(&st[WHNS_S_RX_ERRORS]);
		s->rx_dropped += atomic64_read(&st[WHNS_S_RX_DROPPED]);
		s->tx_packets += atomic64_read(&st[WHNS_S_TX_PACKETS]);
		s->tx_bytes += atomic64_read(&st[WHNS_S_TX_BYTES]);
		s->tx_dropped += atomic64_read(&st[WHNS_S_TX_MISSED]) +
				 atomic64_read(&st[WHNS_S_TX_DROPPED]);
		s->tx_fifo_errors += atomic64_read(&st[WHNS_S_TX_MISSED]);
		s->tx_errors += atomic64_read(&st[WHNS_S_TX_ERRORS]);
	}
	s->tx_dropped += atomic64_read(&hd->no_ring);
	s->tx_carrier_errors += atomic64_read(&hd->no_ring);
}

static const struct net_device_ops whns_netdev_ops = {
	.ndo_open = whns_open,
	.ndo_stop = whns_stop,
	.ndo_start_xmit = whns_xmit,
	.ndo_get_stats64 = whns_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void whns_get_drvinfo(struct net_device *ndev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, wd_dev_name(whns_of(ndev)->wdev),
		sizeof(info->bus_info));
}

static int whns_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? 1 + ring_pairs * WHNS_NB_S : -EOPNOTSUPP;
}

static void whns_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	unsigned int i, s;

	if (sset != ETH_SS_STATS)
		return;
	ethtool_sprintf(&data, "tx_no_ring_pair");
	for (i = 0; i < ring_pairs; i++)
		for (s = 0; s < WHNS_NB_S; s++)
			ethtool_sprintf(&data, "rp%u_%s", i, whns_stat_names[s]);
}

static void whns_get_ethtool_stats(struct net_device *ndev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct whns_dev *hd = whns_of(ndev);
	unsigned int i, s;

	*data++ = atomic64_read(&hd->no_ring);
	for (i = 0; i < ring_pairs; i++)
		for (s = 0; s < WHNS_NB_S; s++)
			*data++ = atomic64_read(&hd->st[i][s]);
}

static const struct ethtool_ops whns_ethtool_ops = {
	.get_drvinfo = whns_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = whns_get_sset_count,
	.get_strings = whns_get_strings,
	.get_ethtool_stats = whns_get_ethtool_stats,
};

static int whns_netdev_create(struct whns_dev *hd)
{
	u8 mac[ETH_ALEN] = { 0x02, 'w', 'd', 'h', 0, 0 };
	struct net_device *ndev;
	int ret;

	ndev = alloc_etherdev(sizeof(hd));
	if (!ndev)
		return -ENOMEM;
	*(struct whns_dev **)netdev_priv(ndev) = hd;
	snprintf(ndev->name, IFNAMSIZ, WHNS_NETDEV "%u", hd->id);
	/* xmit takes a BH lock: never from netpoll's hard IRQ context */
	ndev->priv_flags |= IFF_DISABLE_NETPOLL;
	ndev->netdev_ops = &whns_netdev_ops;
	ndev->ethtool_ops = &whns_ethtool_ops;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = WHNS_MAX_MTU;
	mac[4] = hd->id >> 8;
	mac[5] = hd->id;
	eth_hw_addr_set(ndev, mac);
	netif_carrier_off(ndev);
	hd->ndev = ndev;
	ret = register_netdev(ndev);
	if (ret) {
		free_netdev(ndev);
		hd->ndev = NULL;
	}
	return ret;
}

static void whns_dev_destroy(struct whns_dev *hd)
{
	/* No queue is open (rmmod waits for that), so no engine runs. */
	wd_unregister_dev(hd->wdev);
	unregister_netdev(hd->ndev);
	free_netdev(hd->ndev);
}

static int whns_dev_create(struct whns_dev *hd)
{
	const char *name;
	int ret;

	spin_lock_init(&hd->lock);
	hd->wdev = wd_register_dev(&whns_driver, NULL, whns_algs,
				   ARRAY_SIZE(whns_algs), NUMA_NO_NODE,
				   WHNS_PRIORITY, hd);
	if (IS_ERR(hd->wdev))
		return PTR_ERR(hd->wdev);
	/* wdhns<n> has the number of hisi_hns<n>. */
	name = wd_dev_name(hd->wdev);
	if (kstrtouint(name + strlen(WHNS_NAME), 10, &hd->id))
		hd->id = hd - whns_devs;
	ret = whns_netdev_create(hd);
	if (ret)
		wd_unregister_dev(hd->wdev);
	return ret;
}

static int __init whns_init(void)
{
	int ret;

	if (devices < 1 || devices > WHNS_MAX_DEVS || ring_pairs < 1 ||
	    ring_pairs > WHNS_MAX_RP || backlog < 16 || backlog > 8192)
		return -EINVAL;
	whns_driver.max_queues = ring_pairs;
	ret = wd_register_driver(&whns_driver);
	if (ret)
		return ret;
	whns_devs = kcalloc(devices, sizeof(*whns_devs), GFP_KERNEL);
	if (!whns_devs) {
		ret = -ENOMEM;
		goto err_drv;
	}
	for (; whns_nr_devs < devices; whns_nr_devs++) {
		ret = whns_dev_create(&whns_devs[whns_nr_devs]);
		if (ret)
			goto err_devs;
	}
	pr_info(WHNS_NAME ": %u devices, %u ring pairs each, netdevs " WHNS_NETDEV "<n>\n",
		devices, ring_pairs);
	return 0;

err_devs:
	while (whns_nr_devs)
		whns_dev_destroy(&whns_devs[--whns_nr_devs]);
	kfree(whns_devs);
err_drv:
	wd_unregister_driver(&whns_driver);
	return ret;
}

static void __exit whns_exit(void)
{
	while (whns_nr_devs)
		whns_dev_destroy(&whns_devs[--whns_nr_devs]);
	kfree(whns_devs);
	wd_unregister_driver(&whns_driver);
}

module_init(whns_init);
module_exit(whns_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive software HNS ring pairs bridged to netdevs (device_api hisi_hns_v1)");
MODULE_AUTHOR("WrapDrive authors");
MODULE_SOFTDEP("pre: wd");
