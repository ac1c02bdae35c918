/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * net_wd: an ethdev vdev whose queues are WrapDrive NIC queues
 * (device_api "hisi_hns_v1", one HNS ring pair per RX/TX queue pair).
 * The data path writes BDs into the mapped rings and adds counts to the
 * mapped registers: no system call, whether the ring pair is emulated
 * by libwd or a real mdev.
 *
 *   dpdk-testpmd --vdev net_wd0,dev=hisi_hns0,queues=2,mac=02:00:00:00:00:01
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_kvargs.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_string_fns.h>

#include <bus_wd_driver.h>
#include <wd.h>
#include <wd_hns.h>

#define ETH_WD_ARG_DEV		"dev"
#define ETH_WD_ARG_QUEUES	"queues"
#define ETH_WD_ARG_MAC		"mac"

static const char *const valid_arguments[] = {
	ETH_WD_ARG_DEV,
	ETH_WD_ARG_QUEUES,
	ETH_WD_ARG_MAC,
	NULL
};

#define ETH_WD_MAX_QUEUES	16
#define ETH_WD_STOP_MS		200
#define ETH_WD_MIN_MTU		RTE_ETHER_MIN_MTU
#define ETH_WD_OVERHEAD		(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)

RTE_LOG_REGISTER_DEFAULT(eth_wd_logtype, NOTICE);

#define WD_ETH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, eth_wd_logtype, "%s(): " fmt "\n", __func__, ##__VA_ARGS__)

struct eth_wd_rxq {
	struct wd_hns_ring *ring;
	struct rte_mempool *mp;
	struct rte_mbuf **sw;		/* mbuf posted in each RX slot */
	struct pmd_internals *pmd;
	uint32_t nb_desc;		/* buffers kept posted */
	uint32_t max_frame;		/* longer frames are dropped (MTU) */
	uint32_t bufsize;		/* RX buffer bytes (BD_LEN) */
	int scatter;			/* RTE_ETH_RX_OFFLOAD_SCATTER on */
	uint16_t port_id;
	uint16_t queue_id;
	uint64_t pkts, bytes, errors, nombuf, filtered;
} __rte_cache_aligned;

struct eth_wd_txq {
	struct wd_hns_ring *ring;
	struct rte_mbuf **sw;		/* packet to free at its last BD's slot */
	uint32_t max_inflight;		/* BDs in the ring at most */
	uint16_t queue_id;
	uint64_t pkts, bytes, errors;
} __rte_cache_aligned;

struct eth_wd_qp {
	struct wd_queue q;
	struct eth_wd_rxq rx;
	struct eth_wd_txq tx;
	int rx_setup, tx_setup;
};

struct pmd_internals {
	char dev[WD_NAME_MAX];		/* dev= devarg, "" = any */
	unsigned int nb_qp;		/* ring pairs held */
	int emulated;
	int started;
	int promisc, allmulti;		/* read on the RX path */
	int rx_cksum;			/* a queue has RX checksum offloads on */
	uint32_t fc;			/* HNS_FC_* of every ring pair */
	uint64_t imissed_base;
	uint64_t rx_err_base[ETH_WD_MAX_QUEUES];	/* device RX errors at reset */
	uint32_t rx_bufsize;		/* smallest RX buffer of the queues, 0: none yet */
	struct rte_ether_addr mac;
	uint64_t xstats_base[HNS_NB_STATS];
	struct eth_wd_qp qp[ETH_WD_MAX_QUEUES];
};

static const char *const xstat_names[HNS_NB_STATS] = {
	"wire_tx_packets", "wire_tx_bytes", "wire_tx_bad_bd_errors", "wire_tx_link_down_drops",
	"wire_rx_packets", "wire_rx_bytes", "wire_rx_errors", "wire_rx_pauses",
	"wire_rx_missed",
};

static unsigned int nb_created;		/* for default MAC addresses */

/* --- data path ------------------------------------------------------------ */

static inline uint32_t
ptype(uint32_t flags)
{
	uint32_t l3 = (flags & HNS_RXD_L3ID_MASK) >> HNS_RXD_L3ID_SHIFT;
	uint32_t l4 = (flags & HNS_RXD_L4ID_MASK) >> HNS_RXD_L4ID_SHIFT;
	uint32_t t = RTE_PTYPE_L2_ETHER;

	if (l3 == HNS_L3ID_IPV4)
		t |= RTE_PTYPE_L3_IPV4_EXT_UNKNOWN;
	else if (l3 == HNS_L3ID_IPV6)
		t |= RTE_PTYPE_L3_IPV6_EXT_UNKNOWN;
	else if (l3 == HNS_L3ID_ARP)
		return RTE_PTYPE_L2_ETHER_ARP;
	else
		return t;
	if (l4 == HNS_L4ID_TCP)
		t |= RTE_PTYPE_L4_TCP;
	else if (l4 == HNS_L4ID_UDP)
		t |= RTE_PTYPE_L4_UDP;
	else if (l4 == HNS_L4ID_ICMP)
		t |= RTE_PTYPE_L4_ICMP;
	return t;
}

/* Unicast to someone else, or multicast without allmulticast. */
static inline int
filtered(const struct pmd_internals *pmd, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (rte_is_broadcast_ether_addr(&eh->dst_addr))
		return 0;
	if (rte_is_multicast_ether_addr(&eh->dst_addr))
		return !pmd->allmulti;
	return !rte_is_same_ether_addr(&eh->dst_addr, &pmd->mac);
}

static inline void
rx_repost(struct eth_wd_rxq *rxq, struct rte_mbuf *m)
{
	uint32_t slot = wd_hns_rx_post(rxq->ring, rte_mbuf_data_iova_default(m));

	rxq->sw[slot] = m;
}

#define ETH_WD_RX_CKSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
			 RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
#define ETH_WD_TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
			 RTE_ETH_TX_OFFLOAD_TCP_CKSUM)

/* mbuf checksum flags from the RX BD's L3E/L4E (what the device checked). */
static inline uint64_t
rx_cksum_flags(uint32_t flags)
{
	uint32_t l3 = (flags & HNS_RXD_L3ID_MASK) >> HNS_RXD_L3ID_SHIFT;
	uint32_t l4 = (flags & HNS_RXD_L4ID_MASK) >> HNS_RXD_L4ID_SHIFT;
	uint64_t ol = RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN | RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;

	if (l3 == HNS_L3ID_IPV4)
		ol = (flags & HNS_RXD_L3E) ? RTE_MBUF_F_RX_IP_CKSUM_BAD :
			RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	/* the device checks TCP/UDP of unfragmented IP behind a good header */
	if ((l3 == HNS_L3ID_IPV4 || l3 == HNS_L3ID_IPV6) &&
	    (l4 == HNS_L4ID_TCP || l4 == HNS_L4ID_UDP) &&
	    !(flags & (HNS_RXD_L3E | HNS_RXD_FRAG)))
		ol |= (flags & HNS_RXD_L4E) ? RTE_MBUF_F_RX_L4_CKSUM_BAD :
			RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return ol;
}

static __rte_always_inline uint16_t
rx_burst(void *q, struct rte_mbuf **bufs, uint16_t nb_pkts, const int cksum)
{
	struct eth_wd_rxq *rxq = q;
	struct wd_hns_ring *r = rxq->ring;
	struct rte_mbuf *fresh[64 + HNS_RX_MAX_BDS];
	const struct hns_rx_desc *d;
	struct rte_mbuf *m, *first, *prev;
	uint32_t filled, want, used = 0, taken = 0, nbd, i, flags, slot;
	uint16_t nb_rx = 0;

	filled = wd_hns_rx_ready(r, RTE_MIN(nb_pkts, 64));
	if (filled == 0)
		return 0;
	want = filled;
	/* read, then rewritten with the new buffer: fetch them for writing */
	for (i = 0; i < want; i++) {
		if (!(i & 1))
			wd_hns_prefetchw(wd_hns_rx_desc(r, i));
		wd_hns_prefetchw(rxq->sw[(r->rx_clean + i) & r->mask]);
	}
	if (unlikely(rte_pktmbuf_alloc_bulk(rxq->mp, fresh, want) != 0)) {
		rxq->nombuf++;
		return 0;
	}
	while (nb_rx < nb_pkts && taken < filled) {
		d = wd_hns_rx_desc(r, taken);
		nbd = wd_hns_rx_bds(d);
		if (unlikely(taken + nbd > filled || used + nbd > want))
			break;
		slot = (r->rx_clean + taken) & r->mask;
		first = rxq->sw[slot];
		flags = d->ipoff_bnum_pid_flag;
		if (unlikely(wd_hns_rx_bad(d) || d->pkt_len > rxq->max_frame)) {
			/* no packet: the same buffers go back; the device counted
			 * its own errors (wire_rx_errors), we count the MTU's */
			rxq->errors += !wd_hns_rx_bad(d);
			for (i = 0; i < nbd; i++) {
				slot = (r->rx_clean + taken + i) & r->mask;
				m = rxq->sw[slot];
				rxq->sw[slot] = NULL;
				rx_repost(rxq, m);
			}
			taken += nbd;
			continue;
		}
		rxq->sw[slot] = NULL;
		first->pkt_len = d->pkt_len;
		first->data_len = d->size;
		first->nb_segs = (uint16_t)nbd;
		first->port = rxq->port_id;
		first->packet_type = ptype(flags);
		if (cksum)
			first->ol_flags = rx_cksum_flags(flags);
		prev = first;
		for (i = 1; i < nbd; i++) {
			slot = (r->rx_clean + taken + i) & r->mask;
			m = rxq->sw[slot];
			rxq->sw[slot] = NULL;
			m->data_len = wd_hns_rx_desc(r, taken + i)->size;
			prev->next = m;
			prev = m;
		}
		for (i = 0; i < nbd; i++)
			rx_repost(rxq, fresh[used++]);
		taken += nbd;
		if (unlikely(!rxq->pmd->promisc && filtered(rxq->pmd, first))) {
			rxq->filtered++;
			rte_pktmbuf_free(first);
			continue;
		}
		rxq->bytes += first->pkt_len;
		bufs[nb_rx++] = first;
	}
	wd_hns_rx_take(r, taken);
	wd_hns_rx_doorbell(r);
	if (used < want)
		rte_pktmbuf_free_bulk(&fresh[used], want - used);
	rxq->pkts += nb_rx;
	return nb_rx;
}

static uint16_t
eth_wd_rx(void *q, struct rte_mbuf **bufs, uint16_t nb_pkts)
{
	return rx_burst(q, bufs, nb_pkts, 0);
}

/* with RX checksum offloads enabled: ol_flags from L3E/L4E */
static uint16_t
eth_wd_rx_cksum(void *q, struct rte_mbuf **bufs, uint16_t nb_pkts)
{
	return rx_burst(q, bufs, nb_pkts, 1);
}

/* Ask the device for the checksums @m's ol_flags want (first BD in @slot). */
static inline void
tx_cksum(struct wd_hns_ring *r, uint32_t slot, const struct rte_mbuf *m)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;

	wd_hns_tx_csum(r, slot, !!(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM),
		       l4 == RTE_MBUF_F_TX_TCP_CKSUM || l4 == RTE_MBUF_F_TX_UDP_CKSUM,
		       (uint8_t)m->l2_len);
}

/* Free the packets whose BDs the device has read. */
static inline void
tx_reclaim(struct eth_wd_txq *txq)
{
	struct wd_hns_ring *r = txq->ring;
	struct rte_mbuf *done[64];
	uint32_t n = wd_hns_tx_done(r), i, k = 0, slot;

	for (i = 0; i < n; i++) {
		slot = (r->tx_clean + i) & r->mask;
		if (txq->sw[slot] != NULL) {
			done[k++] = txq->sw[slot];
			txq->sw[slot] = NULL;
			if (k == RTE_DIM(done)) {
				rte_pktmbuf_free_bulk(done, k);
				k = 0;
			}
		}
	}
	if (k != 0)
		rte_pktmbuf_free_bulk(done, k);
	wd_hns_tx_reclaim(r, n);
}

static inline int
tx_bad(const struct rte_mbuf *m)
{
	const struct rte_mbuf *s;

	if (unlikely(m->nb_segs > HNS_TX_MAX_BDS || m->pkt_len > HNS_MAX_FRAME ||
		     m->pkt_len < HNS_MIN_FRAME))
		return 1;
	for (s = m; s != NULL; s = s->next)
		if (unlikely(s->data_len == 0 || s->data_len > HNS_TX_MAX_SIZE))
			return 1;
	return 0;
}

static uint16_t
eth_wd_tx(void *q, struct rte_mbuf **bufs, uint16_t nb_pkts)
{
	struct eth_wd_txq *txq = q;
	struct wd_hns_ring *r = txq->ring;
	struct rte_mbuf *m, *s;
	uint32_t space, nseg, slot = 0, i;
	uint64_t bytes = 0;
	uint16_t n;

	tx_reclaim(txq);
	space = RTE_MIN(wd_hns_tx_space(r), txq->max_inflight - (r->tx_use - r->tx_clean));
	for (i = 0; i < RTE_MIN(space, (uint32_t)nb_pkts); i += 2)
		wd_hns_prefetchw(&r->txd[(r->tx_use + i) & r->mask]);
	for (n = 0; n < nb_pkts; n++) {
		m = bufs[n];
		nseg = m->nb_segs;
		if (unlikely(nseg > space))
			break;
		if (likely(nseg == 1)) {
			/* one BD; m->next (the second cache line) is not needed */
			if (unlikely(m->data_len < HNS_MIN_FRAME ||
				     m->data_len > HNS_TX_MAX_SIZE || m->pkt_len != m->data_len)) {
				txq->errors++;
				rte_pktmbuf_free(m);
				continue;
			}
			slot = wd_hns_tx_bd(r, rte_mbuf_data_iova(m), m->data_len, 1, 1);
			if (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK))
				tx_cksum(r, slot, m);
			txq->sw[slot] = m;
			space--;
			bytes += m->data_len;
			continue;
		}
		if (unlikely(tx_bad(m))) {
			/* taken and dropped, as the wire would */
			txq->errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		for (s = m, i = 0; s != NULL; s = s->next, i++) {
			slot = wd_hns_tx_bd(r, rte_mbuf_data_iova(s), s->data_len, nseg,
					    i == nseg - 1);
			if (i == 0 && (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM |
						      RTE_MBUF_F_TX_L4_MASK)))
				tx_cksum(r, slot, m);
		}
		txq->sw[slot] = m;
		space -= nseg;
		bytes += m->pkt_len;
	}
	wd_hns_tx_doorbell(r);
	/* the BDs of the next burst, last read by the device a ring ago */
	for (i = 0; i < nb_pkts; i += 2)
		wd_hns_prefetchw(&r->txd[(r->tx_use + i) & r->mask]);
	txq->pkts += n;
	txq->bytes += bytes;
	return n;
}

/* --- control path ------------------------------------------------------------ */

/* Can frames of @mtu arrive in RX buffers of @bufsize (several only with
 * the scatter offload)? */
static int
frame_fits(struct rte_eth_dev *dev, uint32_t mtu, uint32_t bufsize, int scatter)
{
	uint32_t frame = mtu + ETH_WD_OVERHEAD;

	if (frame > HNS_RX_MAX_BDS * bufsize) {
		WD_ETH_LOG(ERR, "%s: MTU %u: %u-byte frames exceed %u RX buffers of %u bytes",
			   dev->data->name, mtu, frame, HNS_RX_MAX_BDS, bufsize);
		return -EINVAL;
	}
	if (frame > bufsize && !scatter) {
		WD_ETH_LOG(ERR, "%s: MTU %u: %u-byte frames exceed an RX buffer of %u bytes; "
			   "enable RTE_ETH_RX_OFFLOAD_SCATTER", dev->data->name, mtu, frame,
			   bufsize);
		return -EINVAL;
	}
	return 0;
}

static int
eth_wd_configure(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;

	if (rte_wd_primary_only(dev->data->name, "configure") != 0)
		return -E_RTE_SECONDARY;
	pmd->rx_cksum = !!(dev->data->dev_conf.rxmode.offloads & ETH_WD_RX_CKSUM);
	pmd->rx_bufsize = 0;	/* known again as RX queues are set up */
	if (dev->data->nb_rx_queues > pmd->nb_qp || dev->data->nb_tx_queues > pmd->nb_qp) {
		WD_ETH_LOG(ERR, "%s: %u RX / %u TX queues asked, %u ring pairs held (queues=)",
			   dev->data->name, dev->data->nb_rx_queues, dev->data->nb_tx_queues,
			   pmd->nb_qp);
		return -EINVAL;
	}
	return 0;
}

static void
rxq_free_bufs(struct eth_wd_rxq *rxq)
{
	uint32_t i;

	if (rxq->sw == NULL)
		return;
	for (i = 0; i <= rxq->ring->mask; i++) {
		if (rxq->sw[i] != NULL) {
			rte_pktmbuf_free_seg(rxq->sw[i]);
			rxq->sw[i] = NULL;
		}
	}
}

static void
txq_free_bufs(struct eth_wd_txq *txq)
{
	uint32_t i;

	if (txq->sw == NULL)
		return;
	for (i = 0; i <= txq->ring->mask; i++) {
		if (txq->sw[i] != NULL) {
			rte_pktmbuf_free(txq->sw[i]);
			txq->sw[i] = NULL;
		}
	}
}

static int
rxq_fill(struct eth_wd_rxq *rxq)
{
	struct rte_mbuf *m;
	uint32_t i;

	for (i = 0; i < rxq->nb_desc; i++) {
		m = rte_pktmbuf_alloc(rxq->mp);
		if (m == NULL)
			return -ENOMEM;
		rx_repost(rxq, m);
	}
	wd_hns_rx_doorbell(rxq->ring);
	return 0;
}

static int
eth_wd_stop(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;

	if (rte_wd_primary_only(dev->data->name, "stop") != 0)
		return -E_RTE_SECONDARY;
	for (i = 0; i < pmd->nb_qp; i++) {
		struct eth_wd_qp *qp = &pmd->qp[i];

		/* frames already posted leave first, while the wire takes them */
		if (wd_hns_enable(&qp->q, 0, pmd->started ? ETH_WD_STOP_MS : 0) != 0)
			WD_ETH_LOG(WARNING, "%s: queue %u: TX did not drain; frames dropped",
				   dev->data->name, i);
		rxq_free_bufs(&qp->rx);
		txq_free_bufs(&qp->tx);
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	dev->data->dev_started = 0;
	pmd->started = 0;
	return 0;
}

static int
eth_wd_link_update(struct rte_eth_dev *dev, int wait)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = RTE_ETH_LINK_DOWN,
	};

	if (pmd->started && pmd->nb_qp > 0 && wd_hns_link(wd_hns_ring(&pmd->qp[0].q)))
		link.link_status = RTE_ETH_LINK_UP;
	return rte_eth_linkstatus_set(dev, &link);
}

static int
eth_wd_start(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;
	int rc;

	if (rte_wd_primary_only(dev->data->name, "start") != 0)
		return -E_RTE_SECONDARY;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		if (!pmd->qp[i].rx_setup) {
			WD_ETH_LOG(ERR, "%s: RX queue %u not set up", dev->data->name, i);
			return -EINVAL;
		}
		/* the MTU may have changed since the queue was set up */
		rc = frame_fits(dev, dev->data->mtu, pmd->qp[i].rx.bufsize, pmd->qp[i].rx.scatter);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < pmd->nb_qp; i++) {
		struct eth_wd_qp *qp = &pmd->qp[i];

		rc = wd_hns_enable(&qp->q, 1, 0);
		if (rc == 0 && i < dev->data->nb_rx_queues)
			rc = rxq_fill(&qp->rx);
		if (rc != 0) {
			WD_ETH_LOG(ERR, "%s: queue %u: cannot start: %s", dev->data->name, i,
				   strerror(-rc));
			eth_wd_stop(dev);
			return rc;
		}
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	/* chosen once: the fast path never tests the configuration */
	dev->rx_pkt_burst = pmd->rx_cksum ? eth_wd_rx_cksum : eth_wd_rx;
	pmd->started = 1;
	dev->data->dev_started = 1;
	eth_wd_link_update(dev, 0);
	return 0;
}

static void
release_queues(struct pmd_internals *pmd)
{
	unsigned int i;

	for (i = 0; i < pmd->nb_qp; i++) {
		rte_free(pmd->qp[i].rx.sw);
		rte_free(pmd->qp[i].tx.sw);
		pmd->qp[i].rx.sw = NULL;
		pmd->qp[i].tx.sw = NULL;
		wd_release_queue(&pmd->qp[i].q);
	}
	pmd->nb_qp = 0;
}

static int
eth_wd_close(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (pmd->started)
		eth_wd_stop(dev);
	release_queues(pmd);
	/* mac_addrs points into dev_private: not freed by ethdev */
	dev->data->mac_addrs = NULL;
	return 0;
}

static int
eth_wd_info(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	uint16_t depth = (uint16_t)(pmd->nb_qp ? wd_queue_depth(&pmd->qp[0].q) : HNS_DEPTH_MIN);

	info->max_mac_addrs = 1;
	/* the device takes frames up to HNS_MAX_FRAME in up to 4 RX buffers:
	 * with the queues' buffers known, what they can hold */
	info->max_rx_pktlen = RTE_MIN((uint32_t)HNS_MAX_FRAME, HNS_RX_MAX_BDS *
		(pmd->rx_bufsize ? pmd->rx_bufsize : HNS_BD_LEN_BYTES(HNS_BD_LEN_4096)));
	info->min_mtu = ETH_WD_MIN_MTU;
	info->max_mtu = (uint16_t)(info->max_rx_pktlen - ETH_WD_OVERHEAD);
	info->min_rx_bufsize = HNS_BD_LEN_BYTES(HNS_BD_LEN_512);
	info->max_rx_queues = (uint16_t)pmd->nb_qp;
	info->max_tx_queues = (uint16_t)pmd->nb_qp;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER | ETH_WD_RX_CKSUM;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS | ETH_WD_TX_CKSUM;
	info->rx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = depth, .nb_min = HNS_DEPTH_MIN, .nb_align = 1,
		.nb_seg_max = HNS_RX_MAX_BDS, .nb_mtu_seg_max = HNS_RX_MAX_BDS,
	};
	info->tx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = depth, .nb_min = HNS_DEPTH_MIN, .nb_align = 1,
		.nb_seg_max = HNS_TX_MAX_BDS, .nb_mtu_seg_max = HNS_TX_MAX_BDS,
	};
	info->default_rxportconf.ring_size = RTE_MIN(depth, (uint16_t)512);
	info->default_txportconf.ring_size = RTE_MIN(depth, (uint16_t)512);
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	info->dev_capa = 0;
	return 0;
}

static int
eth_wd_rx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc,
	unsigned int socket_id, const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	struct eth_wd_qp *qp = &pmd->qp[id];
	struct eth_wd_rxq *rxq = &qp->rx;
	uint32_t room = rte_pktmbuf_data_room_size(mp), size, depth = wd_queue_depth(&qp->q);
	int rc;

	if (rte_wd_primary_only(dev->data->name, "RX queue setup") != 0)
		return -E_RTE_SECONDARY;
	if (room <= RTE_PKTMBUF_HEADROOM + HNS_BD_LEN_BYTES(HNS_BD_LEN_512) - 1) {
		WD_ETH_LOG(ERR, "%s: mbufs of %u bytes hold less than %u after the headroom",
			   dev->data->name, room, HNS_BD_LEN_BYTES(HNS_BD_LEN_512));
		return -EINVAL;
	}
	room -= RTE_PKTMBUF_HEADROOM;
	for (size = HNS_BD_LEN_BYTES(HNS_BD_LEN_4096); size > room; size /= 2)
		;
	rxq->scatter = !!((conf->offloads | dev->data->dev_conf.rxmode.offloads) &
			  RTE_ETH_RX_OFFLOAD_SCATTER);
	rc = frame_fits(dev, dev->data->mtu, size, rxq->scatter);
	if (rc != 0)
		return rc;
	rc = wd_hns_set_bufsize(&qp->q, size);
	if (rc != 0)
		return rc;
	if (rxq->sw == NULL) {
		rxq->sw = rte_zmalloc_socket("eth_wd_rx_sw", depth * sizeof(*rxq->sw),
					     RTE_CACHE_LINE_SIZE, (int)socket_id);
		if (rxq->sw == NULL)
			return -ENOMEM;
	}
	rxq->ring = wd_hns_ring(&qp->q);
	rxq->mp = mp;
	rxq->pmd = pmd;
	rxq->nb_desc = nb_desc == 0 || nb_desc > depth ? depth : nb_desc;
	rxq->bufsize = size;
	rxq->max_frame = dev->data->mtu + ETH_WD_OVERHEAD;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = id;
	if ((conf->offloads | dev->data->dev_conf.rxmode.offloads) & ETH_WD_RX_CKSUM)
		pmd->rx_cksum = 1;
	if (pmd->rx_bufsize == 0 || size < pmd->rx_bufsize)
		pmd->rx_bufsize = size;
	qp->rx_setup = 1;
	dev->data->rx_queues[id] = rxq;
	return 0;
}

static int
eth_wd_tx_queue_setup(struct rte_eth_dev *dev, uint16_t id, uint16_t nb_desc,
	unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	struct eth_wd_qp *qp = &pmd->qp[id];
	struct eth_wd_txq *txq = &qp->tx;
	uint32_t depth = wd_queue_depth(&qp->q);

	if (rte_wd_primary_only(dev->data->name, "TX queue setup") != 0)
		return -E_RTE_SECONDARY;
	if (txq->sw == NULL) {
		txq->sw = rte_zmalloc_socket("eth_wd_tx_sw", depth * sizeof(*txq->sw),
					     RTE_CACHE_LINE_SIZE, (int)socket_id);
		if (txq->sw == NULL)
			return -ENOMEM;
	}
	txq->ring = wd_hns_ring(&qp->q);
	txq->max_inflight = nb_desc == 0 || nb_desc >= depth ? depth - 1 : nb_desc;
	txq->queue_id = id;
	qp->tx_setup = 1;
	dev->data->tx_queues[id] = txq;
	return 0;
}

static void
eth_wd_queue_release(struct rte_eth_dev *dev, uint16_t id)
{
	/* rings and sw arrays belong to the ring pair, kept until close */
}

static int
eth_wd_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;

	if (mtu < ETH_WD_MIN_MTU || (uint32_t)mtu + ETH_WD_OVERHEAD > HNS_MAX_FRAME)
		return -EINVAL;
	/* stopped: checked when the port starts (scatter may come with it) */
	for (i = 0; pmd->started && i < dev->data->nb_rx_queues; i++)
		if (frame_fits(dev, mtu, pmd->qp[i].rx.bufsize, pmd->qp[i].rx.scatter) != 0)
			return -EINVAL;
	for (i = 0; i < pmd->nb_qp; i++)
		pmd->qp[i].rx.max_frame = (uint32_t)mtu + ETH_WD_OVERHEAD;
	return 0;
}

static int
eth_wd_promisc(struct rte_eth_dev *dev, int on)
{
	struct pmd_internals *pmd = dev->data->dev_private;

	__atomic_store_n(&pmd->promisc, on, __ATOMIC_RELAXED);
	return 0;
}

static int
eth_wd_promisc_on(struct rte_eth_dev *dev)
{
	return eth_wd_promisc(dev, 1);
}

static int
eth_wd_promisc_off(struct rte_eth_dev *dev)
{
	return eth_wd_promisc(dev, 0);
}

static int
eth_wd_allmulti(struct rte_eth_dev *dev, int on)
{
	struct pmd_internals *pmd = dev->data->dev_private;

	__atomic_store_n(&pmd->allmulti, on, __ATOMIC_RELAXED);
	return 0;
}

static int
eth_wd_allmulti_on(struct rte_eth_dev *dev)
{
	return eth_wd_allmulti(dev, 1);
}

static int
eth_wd_allmulti_off(struct rte_eth_dev *dev)
{
	return eth_wd_allmulti(dev, 0);
}

static int
eth_wd_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct pmd_internals *pmd = dev->data->dev_private;

	rte_ether_addr_copy(addr, &pmd->mac);
	return 0;
}

static int
eth_wd_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;
	uint64_t qerr;

	for (i = 0; i < pmd->nb_qp; i++) {
		const struct eth_wd_rxq *rxq = &pmd->qp[i].rx;
		const struct eth_wd_txq *txq = &pmd->qp[i].tx;

		/* frames the device lost (faults, longer than the buffers hold)
		 * and frames over the MTU the PMD dropped */
		qerr = wd_hns_stats_one(&pmd->qp[i].q, HNS_STAT_RX_ERRORS) -
			pmd->rx_err_base[i] + rxq->errors;
		st->ipackets += rxq->pkts;
		st->ibytes += rxq->bytes;
		st->ierrors += qerr;
		st->rx_nombuf += rxq->nombuf;
		st->opackets += txq->pkts;
		st->obytes += txq->bytes;
		st->oerrors += txq->errors;
		st->imissed += wd_hns_stats_one(&pmd->qp[i].q, HNS_STAT_RX_MISSED);
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = rxq->pkts;
			st->q_ibytes[i] = rxq->bytes;
			st->q_errors[i] = qerr;
			st->q_opackets[i] = txq->pkts;
			st->q_obytes[i] = txq->bytes;
		}
	}
	st->imissed -= pmd->imissed_base;
	return 0;
}

static int
eth_wd_stats_reset(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;

	pmd->imissed_base = 0;
	for (i = 0; i < pmd->nb_qp; i++) {
		pmd->imissed_base += wd_hns_stats_one(&pmd->qp[i].q, HNS_STAT_RX_MISSED);
		pmd->rx_err_base[i] = wd_hns_stats_one(&pmd->qp[i].q, HNS_STAT_RX_ERRORS);
	}

	for (i = 0; i < pmd->nb_qp; i++) {
		struct eth_wd_rxq *rxq = &pmd->qp[i].rx;
		struct eth_wd_txq *txq = &pmd->qp[i].tx;

		rxq->pkts = rxq->bytes = rxq->errors = rxq->nombuf = rxq->filtered = 0;
		txq->pkts = txq->bytes = txq->errors = 0;
	}
	return 0;
}

static void
wire_stats(struct pmd_internals *pmd, uint64_t sum[HNS_NB_STATS])
{
	uint64_t st[HNS_NB_STATS];
	unsigned int i, k;

	memset(sum, 0, sizeof(uint64_t) * HNS_NB_STATS);
	for (i = 0; i < pmd->nb_qp; i++) {
		wd_hns_stats(&pmd->qp[i].q, st);
		for (k = 0; k < HNS_NB_STATS; k++)
			sum[k] += st[k];
	}
}

#define NB_XSTATS (HNS_NB_STATS + 1)

static int
eth_wd_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
	unsigned int size)
{
	unsigned int i;

	if (names == NULL || size < NB_XSTATS)
		return NB_XSTATS;
	for (i = 0; i < HNS_NB_STATS; i++)
		strlcpy(names[i].name, xstat_names[i], sizeof(names[i].name));
	strlcpy(names[i].name, "rx_filtered_packets", sizeof(names[i].name));
	return NB_XSTATS;
}

static int
eth_wd_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	uint64_t sum[HNS_NB_STATS], filt = 0;
	unsigned int i;

	if (xs == NULL || n < NB_XSTATS)
		return NB_XSTATS;
	wire_stats(pmd, sum);
	for (i = 0; i < HNS_NB_STATS; i++) {
		xs[i].id = i;
		xs[i].value = sum[i] - pmd->xstats_base[i];
	}
	for (i = 0; i < pmd->nb_qp; i++)
		filt += pmd->qp[i].rx.filtered;
	xs[HNS_NB_STATS].id = HNS_NB_STATS;
	xs[HNS_NB_STATS].value = filt;
	return NB_XSTATS;
}

static int
eth_wd_xstats_reset(struct rte_eth_dev *dev)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;

	wire_stats(pmd, pmd->xstats_base);
	for (i = 0; i < pmd->nb_qp; i++)
		pmd->qp[i].rx.filtered = 0;
	return 0;
}

static int
eth_wd_flow_ctrl_get(struct rte_eth_dev *dev, struct rte_eth_fc_conf *fc)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	int rx = !!(pmd->fc & HNS_FC_RX_PAUSE), tx = !!(pmd->fc & HNS_FC_TX_PAUSE);

	memset(fc, 0, sizeof(*fc));
	fc->mode = rx && tx ? RTE_ETH_FC_FULL : rx ? RTE_ETH_FC_RX_PAUSE :
		tx ? RTE_ETH_FC_TX_PAUSE : RTE_ETH_FC_NONE;
	fc->autoneg = 0;
	return 0;
}

static int
eth_wd_flow_ctrl_set(struct rte_eth_dev *dev, struct rte_eth_fc_conf *fc)
{
	struct pmd_internals *pmd = dev->data->dev_private;
	unsigned int i;

	switch (fc->mode) {
	case RTE_ETH_FC_NONE: pmd->fc = 0; break;
	case RTE_ETH_FC_RX_PAUSE: pmd->fc = HNS_FC_RX_PAUSE; break;
	case RTE_ETH_FC_TX_PAUSE: pmd->fc = HNS_FC_TX_PAUSE; break;
	case RTE_ETH_FC_FULL: pmd->fc = HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE; break;
	default: return -EINVAL;
	}
	if (fc->autoneg)
		return -ENOTSUP;
	for (i = 0; i < pmd->nb_qp; i++)
		wd_hns_set_fc(&pmd->qp[i].q, pmd->fc);
	return 0;
}

static const uint32_t *
eth_wd_ptypes(struct rte_eth_dev *dev)
{
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L2_ETHER, RTE_PTYPE_L2_ETHER_ARP,
		RTE_PTYPE_L3_IPV4_EXT_UNKNOWN, RTE_PTYPE_L3_IPV6_EXT_UNKNOWN,
		RTE_PTYPE_L4_TCP, RTE_PTYPE_L4_UDP, RTE_PTYPE_L4_ICMP,
		RTE_PTYPE_UNKNOWN
	};

	return ptypes;
}

static const struct eth_dev_ops eth_wd_ops = {
	.dev_configure = eth_wd_configure,
	.dev_start = eth_wd_start,
	.dev_stop = eth_wd_stop,
	.dev_close = eth_wd_close,
	.dev_infos_get = eth_wd_info,
	.dev_supported_ptypes_get = eth_wd_ptypes,
	.rx_queue_setup = eth_wd_rx_queue_setup,
	.tx_queue_setup = eth_wd_tx_queue_setup,
	.rx_queue_release = eth_wd_queue_release,
	.tx_queue_release = eth_wd_queue_release,
	.link_update = eth_wd_link_update,
	.mtu_set = eth_wd_mtu_set,
	.promiscuous_enable = eth_wd_promisc_on,
	.promiscuous_disable = eth_wd_promisc_off,
	.allmulticast_enable = eth_wd_allmulti_on,
	.allmulticast_disable = eth_wd_allmulti_off,
	.mac_addr_set = eth_wd_mac_set,
	.flow_ctrl_get = eth_wd_flow_ctrl_get,
	.flow_ctrl_set = eth_wd_flow_ctrl_set,
	.stats_get = eth_wd_stats_get,
	.stats_reset = eth_wd_stats_reset,
	.xstats_get = eth_wd_xstats_get,
	.xstats_get_names = eth_wd_xstats_get_names,
	.xstats_reset = eth_wd_xstats_reset,
};

/* --- probe and remove ------------------------------------------------------------- */

static int
arg_dev(const char *key, const char *value, void *opaque)
{
	struct pmd_internals *pmd = opaque;

	if (value == NULL || value[0] == '\0' || strlen(value) >= sizeof(pmd->dev)) {
		WD_ETH_LOG(ERR, "bad %s='%s': a WrapDrive device name such as hisi_hns0", key,
			   value ? value : "");
		return -EINVAL;
	}
	strlcpy(pmd->dev, value, sizeof(pmd->dev));
	return 0;
}

static int
arg_queues(const char *key, const char *value, void *opaque)
{
	unsigned int *n = opaque;
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = value ? strtoul(value, &end, 10) : 0;
	if (value == NULL || end == value || *end != '\0' || errno != 0 || v < 1 ||
	    v > ETH_WD_MAX_QUEUES || value[0] == '-') {
		WD_ETH_LOG(ERR, "bad %s='%s': 1..%u ring pairs", key, value ? value : "",
			   ETH_WD_MAX_QUEUES);
		return -EINVAL;
	}
	*n = (unsigned int)v;
	return 0;
}

static int
arg_mac(const char *key, const char *value, void *opaque)
{
	struct rte_ether_addr *mac = opaque;

	if (value == NULL || rte_ether_unformat_addr(value, mac) != 0 ||
	    !rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)) {
		WD_ETH_LOG(ERR, "bad %s='%s': a unicast MAC address like 02:00:00:00:00:01",
			   key, value ? value : "");
		return -EINVAL;
	}
	return 0;
}

/* The ring pairs' queues into @qs. */
static unsigned int
ring_pairs(struct pmd_internals *pmd, struct wd_queue **qs)
{
	unsigned int i;

	for (i = 0; i < pmd->nb_qp; i++)
		qs[i] = &pmd->qp[i].q;
	return i;
}

/*
 * Secondary process: the primary's port, its ring pairs and queues are in
 * shared memory; the ring pairs' register (and ring) pages are mapped here
 * at the primary's addresses (wd_queue_attach), and this process gets its
 * own function pointers.
 */
static int
eth_wd_attach(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct wd_queue *qs[ETH_WD_MAX_QUEUES];
	struct pmd_internals *pmd;
	struct rte_eth_dev *dev;
	int rc;

	dev = rte_eth_dev_attach_secondary(name);
	if (dev == NULL) {
		WD_ETH_LOG(ERR, "%s: not a port of the primary process", name);
		return -ENODEV;
	}
	pmd = dev->data->dev_private;
	rc = rte_wd_dma_init(0);	/* VFIO through EAL, as in the primary */
	if (rc == 0)
		rc = rte_wd_queues_attach(name, qs, ring_pairs(pmd, qs));
	if (rc != 0) {
		rte_eth_dev_release_port(dev);
		return rc;
	}
	dev->device = &vdev->device;
	dev->dev_ops = &eth_wd_ops;
	dev->rx_pkt_burst = pmd->rx_cksum ? eth_wd_rx_cksum : eth_wd_rx;
	dev->tx_pkt_burst = eth_wd_tx;
	rte_eth_dev_probing_finish(dev);
	WD_ETH_LOG(INFO, "%s: port %u of the primary process", name, dev->data->port_id);
	return 0;
}

static int
eth_wd_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *params = rte_vdev_device_args(vdev);
	struct rte_kvargs *kv = NULL;
	struct pmd_internals *pmd;
	struct rte_eth_dev *dev;
	struct rte_ether_addr mac;
	struct wd_capa capa;
	unsigned int queues = 1, i;
	int rc;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return eth_wd_attach(vdev);
	dev = rte_eth_vdev_allocate(vdev, sizeof(*pmd));
	if (dev == NULL)
		return -ENOMEM;
	pmd = dev->data->dev_private;
	memset(&mac, 0, sizeof(mac));
	if (params != NULL && params[0] != '\0') {
		kv = rte_kvargs_parse(params, valid_arguments);
		if (kv == NULL) {
			WD_ETH_LOG(ERR, "%s: bad devargs '%s' (keys: dev, queues, mac)", name,
				   params);
			rc = -EINVAL;
			goto fail;
		}
		rc = rte_kvargs_process(kv, ETH_WD_ARG_DEV, arg_dev, pmd);
		if (rc == 0)
			rc = rte_kvargs_process(kv, ETH_WD_ARG_QUEUES, arg_queues, &queues);
		if (rc == 0)
			rc = rte_kvargs_process(kv, ETH_WD_ARG_MAC, arg_mac, &mac);
		if (rc != 0) {
			rc = -EINVAL;
			goto fail;
		}
	}
	if (rte_is_zero_ether_addr(&mac)) {
		/* locally administered, "WD", then a counter */
		const uint8_t def[RTE_ETHER_ADDR_LEN] = { 0x02, 0x57, 0x44, 0x00, 0x00,
			(uint8_t)nb_created };

		memcpy(mac.addr_bytes, def, sizeof(def));
	}
	rte_ether_addr_copy(&mac, &pmd->mac);

	/* real devices open into EAL's VFIO container: hooks first */
	rc = rte_wd_dma_init(0);
	if (rc != 0)
		goto fail;
	capa = (struct wd_capa){
		.device_api = HNS_API,
		.dev = pmd->dev[0] ? pmd->dev : NULL,
		.numa_node = vdev->device.numa_node >= 0 ? vdev->device.numa_node : WD_NUMA_ANY,
	};
	for (i = 0; i < queues; i++) {
		rc = wd_request_queue(&pmd->qp[i].q, &capa);
		if (rc != 0) {
			WD_ETH_LOG(ERR, "%s: ring pair %u of %u from %s: %s", name, i + 1, queues,
				   pmd->dev[0] ? pmd->dev : "any hisi_hns_v1 device",
				   strerror(-rc));
			goto fail;
		}
		pmd->nb_qp = i + 1;
		/* the others come from the same device */
		if (capa.dev == NULL) {
			strlcpy(pmd->dev, pmd->qp[0].q.dev_name, sizeof(pmd->dev));
			capa.dev = pmd->dev;
		}
		pmd->emulated |= pmd->qp[i].q.emulated;
		/* stays disabled until dev_start */
		wd_hns_enable(&pmd->qp[i].q, 0, 0);
	}
	if (pmd->emulated) {
		rc = rte_wd_dma_init(1);
		if (rc != 0)
			goto fail;
	}
	/* the ring pairs' node (numa_zone_id, else where their memory is) */
	dev->data->numa_node = pmd->qp[0].q.numa_node;
	if (vdev->device.numa_node < 0)
		vdev->device.numa_node = dev->data->numa_node;
	pmd->promisc = 0;
	dev->data->mac_addrs = &pmd->mac;
	dev->data->promiscuous = 0;
	dev->data->dev_link = (struct rte_eth_link){
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = RTE_ETH_LINK_DOWN,
	};
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &eth_wd_ops;
	dev->rx_pkt_burst = eth_wd_rx;
	dev->tx_pkt_burst = eth_wd_tx;
	rte_eth_dev_probing_finish(dev);
	nb_created++;
	rte_kvargs_free(kv);
	WD_ETH_LOG(INFO, "%s: port %u on %s (%s), %u ring pairs, MAC " RTE_ETHER_ADDR_PRT_FMT,
		   name, dev->data->port_id, pmd->dev, pmd->emulated ? "emulated" : "vfio",
		   pmd->nb_qp, RTE_ETHER_ADDR_BYTES(&pmd->mac));
	return 0;
fail:
	release_queues(pmd);
	rte_kvargs_free(kv);
	dev->data->mac_addrs = NULL;
	rte_eth_dev_release_port(dev);
	return rc;
}

static int
eth_wd_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;	/* already released */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		struct wd_queue *qs[ETH_WD_MAX_QUEUES];

		rte_wd_queues_detach(qs, ring_pairs(dev->data->dev_private, qs));
	}
	eth_wd_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver eth_wd_driver = {
	.probe = eth_wd_probe,
	.remove = eth_wd_remove,
};

RTE_PMD_REGISTER_VDEV(net_wd, eth_wd_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_wd,
	ETH_WD_ARG_DEV "=<hisi_hns device> "
	ETH_WD_ARG_QUEUES "=<1..16> "
	ETH_WD_ARG_MAC "=<xx:xx:xx:xx:xx:xx>");
