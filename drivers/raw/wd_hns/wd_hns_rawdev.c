/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * raw_wd_hns: a rawdev per WrapDrive "hisi_hns_v1" device on the wd bus;
 * each rawdev queue is one HNS ring pair, taken at queue setup and given
 * back at release. Buffers are mbufs: enqueue sends them, dequeue returns
 * received frames (multi-segment when a frame spans RX BDs).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "wd_hns_rawdev.h"

#define STOP_MS 200

RTE_LOG_REGISTER_DEFAULT(wd_hns_raw_logtype, NOTICE);

static const char *const xstat_names[] = {
	"wire_tx_packets", "wire_tx_bytes", "wire_tx_bad_bd_errors", "wire_tx_link_down_drops",
	"wire_rx_packets", "wire_rx_bytes", "wire_rx_errors", "wire_rx_pauses",
	"wire_rx_missed", "enqueued", "dequeued", "enqueue_errors", "rx_nombuf", "rx_bad_frames",
};
#define NB_XSTATS RTE_DIM(xstat_names)

/* --- data path ------------------------------------------------------------ */

static struct wd_hns_rawq *
queue_of(struct rte_rawdev *dev, rte_rawdev_obj_t context)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint16_t id = context != NULL ? *(const uint16_t *)context : 0;

	if (unlikely(id >= hd->nb_queues || !hd->qs[id].open))
		return NULL;
	return &hd->qs[id];
}

static void
tx_reclaim(struct wd_hns_rawq *rq)
{
	struct wd_hns_ring *r = rq->ring;
	uint32_t n = wd_hns_tx_done(r), i, slot;

	for (i = 0; i < n; i++) {
		slot = (r->tx_clean + i) & r->mask;
		if (rq->tx_sw[slot] != NULL) {
			rte_pktmbuf_free(rq->tx_sw[slot]);
			rq->tx_sw[slot] = NULL;
		}
	}
	wd_hns_tx_reclaim(r, n);
}

static int
wd_hns_raw_enqueue(struct rte_rawdev *dev, struct rte_rawdev_buf **buffers,
	unsigned int count, rte_rawdev_obj_t context)
{
	struct wd_hns_rawq *rq = queue_of(dev, context);
	struct wd_hns_ring *r;
	struct rte_mbuf *m, *s;
	uint32_t space, slot = 0, i;
	unsigned int n;

	if (rq == NULL || !dev->started)
		return -EINVAL;
	r = rq->ring;
	tx_reclaim(rq);
	space = RTE_MIN(wd_hns_tx_space(r), rq->nb_desc - (r->tx_use - r->tx_clean));
	for (n = 0; n < count; n++) {
		m = buffers[n]->buf_addr;
		if (unlikely(m->nb_segs > space))
			break;
		if (unlikely(m->nb_segs > HNS_TX_MAX_BDS || m->pkt_len > HNS_MAX_FRAME ||
			     m->pkt_len < HNS_MIN_FRAME)) {
			rq->enq_errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		for (s = m, i = 0; s != NULL; s = s->next, i++)
			slot = wd_hns_tx_bd(r, rte_mbuf_data_iova(s), s->data_len, m->nb_segs,
					    i == (uint32_t)m->nb_segs - 1);
		rq->tx_sw[slot] = m;
		space -= m->nb_segs;
	}
	wd_hns_tx_doorbell(r);
	rq->enq += n;
	return (int)n;
}

static int
wd_hns_raw_dequeue(struct rte_rawdev *dev, struct rte_rawdev_buf **buffers,
	unsigned int count, rte_rawdev_obj_t context)
{
	struct wd_hns_rawq *rq = queue_of(dev, context);
	struct wd_hns_ring *r;
	const struct hns_rx_desc *d;
	struct rte_mbuf *m, *first, *prev, *fresh;
	uint32_t filled, taken = 0, nbd, i, slot;
	unsigned int n = 0;
	int bad;

	if (rq == NULL || !dev->started)
		return -EINVAL;
	r = rq->ring;
	filled = wd_hns_rx_filled(r);
	while (n < count && taken < filled) {
		d = wd_hns_rx_desc(r, taken);
		nbd = wd_hns_rx_bds(d);
		if (taken + nbd > filled)
			break;
		bad = wd_hns_rx_bad(d);
		first = prev = NULL;
		for (i = 0; i < nbd; i++) {
			slot = (r->rx_clean + taken + i) & r->mask;
			m = rq->rx_sw[slot];
			fresh = bad ? m : rte_pktmbuf_alloc(rq->mp);
			if (fresh == NULL) {
				/* keep the frame's own buffers: it is lost */
				rq->nombuf++;
				bad = 1;
				fresh = m;
			}
			rq->rx_sw[slot] = NULL;
			slot = wd_hns_rx_post(r, rte_mbuf_data_iova_default(fresh));
			rq->rx_sw[slot] = fresh;
			if (fresh == m)
				continue;
			m->data_len = wd_hns_rx_desc(r, taken + i)->size;
			if (first == NULL) {
				first = m;
				first->pkt_len = d->pkt_len;
				first->nb_segs = 1;
			} else {
				prev->next = m;
				first->nb_segs++;
			}
			prev = m;
		}
		taken += nbd;
		if (bad) {
			rq->rx_bad++;
			if (first != NULL)	/* ran out of mbufs mid-frame */
				rte_pktmbuf_free(first);
			continue;
		}
		buffers[n++]->buf_addr = first;
	}
	wd_hns_rx_take(r, taken);
	wd_hns_rx_doorbell(r);
	rq->deq += n;
	return (int)n;
}

/* --- control path ------------------------------------------------------------ */

static int
wd_hns_raw_info(struct rte_rawdev *dev, rte_rawdev_obj_t dev_info, size_t size)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	struct rte_wd_hns_info *info = dev_info;

	if (info == NULL || size < sizeof(*info))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	strlcpy(info->dev, hd->wdev->info.name, sizeof(info->dev));
	info->max_queues = hd->max_queues;
	info->nb_queues = hd->nb_queues;
	info->depth = hd->qs[0].open ? wd_queue_depth(&hd->qs[0].q) : 0;
	return 0;
}

static int
wd_hns_raw_configure(const struct rte_rawdev *dev, rte_rawdev_obj_t config, size_t size)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	const struct rte_wd_hns_conf *conf = config;
	uint16_t i;

	if (conf == NULL || size < sizeof(*conf) || conf->nb_queues == 0 ||
	    conf->nb_queues > hd->max_queues) {
		WD_HNS_RAW_LOG(ERR, "%s: 1..%u queues", dev->name, hd->max_queues);
		return -EINVAL;
	}
	for (i = conf->nb_queues; i < hd->nb_queues; i++)
		if (hd->qs[i].open)
			return -EBUSY;
	hd->nb_queues = conf->nb_queues;
	return 0;
}

static void
queue_free_bufs(struct wd_hns_rawq *rq)
{
	uint32_t i;

	for (i = 0; rq->ring != NULL && i <= rq->ring->mask; i++) {
		if (rq->rx_sw[i] != NULL)
			rte_pktmbuf_free_seg(rq->rx_sw[i]);
		if (rq->tx_sw[i] != NULL)
			rte_pktmbuf_free(rq->tx_sw[i]);
		rq->rx_sw[i] = rq->tx_sw[i] = NULL;
	}
}

static int
wd_hns_raw_queue_release(struct rte_rawdev *dev, uint16_t id)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	struct wd_hns_rawq *rq;

	if (id >= WD_HNS_RAW_MAX_QUEUES)
		return -EINVAL;
	rq = &hd->qs[id];
	if (!rq->open)
		return 0;
	if (dev->started)
		return -EBUSY;
	queue_free_bufs(rq);
	rte_free(rq->rx_sw);
	rte_free(rq->tx_sw);
	rte_wd_queue_release(hd->wdev, &rq->q);
	memset(rq, 0, sizeof(*rq));
	return 0;
}

static int
wd_hns_raw_queue_setup(struct rte_rawdev *dev, uint16_t id, rte_rawdev_obj_t queue_conf,
	size_t size)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	const struct rte_wd_hns_queue_conf *conf = queue_conf;
	struct wd_hns_rawq *rq;
	uint32_t depth, room, bs;
	int rc;

	if (id >= hd->nb_queues || conf == NULL || size < sizeof(*conf) || conf->mp == NULL)
		return -EINVAL;
	if (dev->started)
		return -EBUSY;
	room = rte_pktmbuf_data_room_size(conf->mp);
	if (room < RTE_PKTMBUF_HEADROOM + HNS_BD_LEN_BYTES(HNS_BD_LEN_512))
		return -EINVAL;
	room -= RTE_PKTMBUF_HEADROOM;
	rq = &hd->qs[id];
	if (!rq->open) {
		rc = rte_wd_queue_request(hd->wdev, HNS_ALG, &rq->q);
		if (rc != 0) {
			WD_HNS_RAW_LOG(ERR, "%s: no ring pair for queue %u: %s", dev->name, id,
				       strerror(-rc));
			return rc;
		}
		depth = wd_queue_depth(&rq->q);
		rq->rx_sw = rte_zmalloc("wd_hns_raw_rx", depth * sizeof(*rq->rx_sw), 0);
		rq->tx_sw = rte_zmalloc("wd_hns_raw_tx", depth * sizeof(*rq->tx_sw), 0);
		rq->open = 1;
		rq->ring = wd_hns_ring(&rq->q);
		if (rq->rx_sw == NULL || rq->tx_sw == NULL) {
			wd_hns_raw_queue_release(dev, id);
			return -ENOMEM;
		}
		wd_hns_enable(&rq->q, 0, 0);
	}
	depth = wd_queue_depth(&rq->q);
	rq->mp = conf->mp;
	rq->nb_desc = conf->nb_desc == 0 || conf->nb_desc >= depth ? depth - 1 : conf->nb_desc;
	/* the largest RX buffer the mbufs hold */
	for (bs = HNS_BD_LEN_BYTES(HNS_BD_LEN_4096); bs > room; bs /= 2)
		;
	return wd_hns_set_bufsize(&rq->q, bs);
}

static uint16_t
wd_hns_raw_queue_count(struct rte_rawdev *dev)
{
	return ((struct wd_hns_rawdev *)dev->dev_private)->nb_queues;
}

static void
wd_hns_raw_stop(struct rte_rawdev *dev)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint16_t i;

	for (i = 0; i < hd->nb_queues; i++) {
		if (!hd->qs[i].open)
			continue;
		wd_hns_enable(&hd->qs[i].q, 0, STOP_MS);
		queue_free_bufs(&hd->qs[i]);
	}
}

static int
wd_hns_raw_start(struct rte_rawdev *dev)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	struct wd_hns_rawq *rq;
	struct rte_mbuf *m;
	uint32_t k;
	uint16_t i;

	for (i = 0; i < hd->nb_queues; i++) {
		rq = &hd->qs[i];
		if (!rq->open) {
			WD_HNS_RAW_LOG(ERR, "%s: queue %u not set up", dev->name, i);
			wd_hns_raw_stop(dev);
			return -EINVAL;
		}
		wd_hns_set_loopback(&rq->q, hd->loopback);
		wd_hns_set_fc(&rq->q, hd->pause ? HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE : 0);
		if (wd_hns_enable(&rq->q, 1, 0) != 0) {
			wd_hns_raw_stop(dev);
			return -EIO;
		}
		for (k = 0; k < rq->nb_desc; k++) {
			m = rte_pktmbuf_alloc(rq->mp);
			if (m == NULL) {
				wd_hns_raw_stop(dev);
				return -ENOMEM;
			}
			rq->rx_sw[wd_hns_rx_post(rq->ring, rte_mbuf_data_iova_default(m))] = m;
		}
		wd_hns_rx_doorbell(rq->ring);
	}
	return 0;
}

static int
wd_hns_raw_close(struct rte_rawdev *dev)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint16_t i;

	if (dev->started) {
		wd_hns_raw_stop(dev);
		dev->started = 0;
	}
	for (i = 0; i < WD_HNS_RAW_MAX_QUEUES; i++)
		wd_hns_raw_queue_release(dev, i);
	hd->nb_queues = 0;
	return 0;
}

static int
wd_hns_raw_get_attr(struct rte_rawdev *dev, const char *name, uint64_t *value)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	struct wd_hns_rawq *rq = &hd->qs[0];

	if (name == NULL || value == NULL)
		return -EINVAL;
	if (strcmp(name, "loopback") == 0)
		*value = (uint64_t)hd->loopback;
	else if (strcmp(name, "pause") == 0)
		*value = (uint64_t)hd->pause;
	else if (strcmp(name, "queues") == 0)
		*value = hd->nb_queues;
	else if (!rq->open)
		return -ENODEV;		/* the rest describe queue 0's ring pair */
	else if (strcmp(name, "depth") == 0)
		*value = rq->nb_desc;
	else if (strcmp(name, "bufsize") == 0)
		*value = rq->ring->bufsize;
	else if (strcmp(name, "link") == 0)
		*value = (uint64_t)wd_hns_link(rq->ring);
	else
		return -EINVAL;
	return 0;
}

static int
wd_hns_raw_set_attr(struct rte_rawdev *dev, const char *name, const uint64_t value)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint16_t i;
	int rc;

	if (name == NULL)
		return -EINVAL;
	if (strcmp(name, "loopback") == 0) {
		if (value > 1)
			return -EINVAL;
		hd->loopback = (int)value;
		for (i = 0; i < hd->nb_queues; i++)
			if (hd->qs[i].open)
				wd_hns_set_loopback(&hd->qs[i].q, hd->loopback);
		return 0;
	}
	if (strcmp(name, "pause") == 0) {
		if (value > 1)
			return -EINVAL;
		hd->pause = (int)value;
		for (i = 0; i < hd->nb_queues; i++)
			if (hd->qs[i].open)
				wd_hns_set_fc(&hd->qs[i].q, value ?
					      HNS_FC_RX_PAUSE | HNS_FC_TX_PAUSE : 0);
		return 0;
	}
	if (strcmp(name, "depth") != 0 && strcmp(name, "bufsize") != 0)
		return -EINVAL;
	if (dev->started)
		return -EBUSY;
	if (!hd->qs[0].open)
		return -ENODEV;		/* they describe ring pairs: set up a queue first */
	for (i = 0; i < hd->nb_queues; i++) {
		struct wd_hns_rawq *rq = &hd->qs[i];

		if (!rq->open)
			continue;
		if (strcmp(name, "bufsize") == 0) {
			if (value > UINT32_MAX ||
			    value + RTE_PKTMBUF_HEADROOM > rte_pktmbuf_data_room_size(rq->mp))
				return -EINVAL;
			rc = wd_hns_set_bufsize(&rq->q, (uint32_t)value);
			if (rc != 0)
				return rc;
		} else {
			if (value < HNS_DEPTH_MIN || value >= wd_queue_depth(&rq->q))
				return -EINVAL;
			rq->nb_desc = (uint32_t)value;
		}
	}
	return 0;
}

static void
xstats_all(const struct rte_rawdev *dev, uint64_t v[NB_XSTATS])
{
	const struct wd_hns_rawdev *hd = dev->dev_private;
	uint64_t st[HNS_NB_STATS];
	uint16_t i;
	unsigned int k;

	memset(v, 0, sizeof(uint64_t) * NB_XSTATS);
	for (i = 0; i < hd->nb_queues; i++) {
		const struct wd_hns_rawq *rq = &hd->qs[i];

		if (!rq->open)
			continue;
		wd_hns_stats((struct wd_queue *)(uintptr_t)&rq->q, st);
		for (k = 0; k < HNS_NB_STATS; k++)
			v[k] += st[k];
		v[HNS_NB_STATS + 0] += rq->enq;
		v[HNS_NB_STATS + 1] += rq->deq;
		v[HNS_NB_STATS + 2] += rq->enq_errors;
		v[HNS_NB_STATS + 3] += rq->nombuf;
		v[HNS_NB_STATS + 4] += rq->rx_bad;
	}
}

static int
wd_hns_raw_xstats_get(const struct rte_rawdev *dev, const unsigned int ids[],
	uint64_t values[], unsigned int n)
{
	uint64_t v[NB_XSTATS];
	unsigned int i;

	xstats_all(dev, v);
	for (i = 0; i < n; i++) {
		if (ids[i] >= NB_XSTATS)
			return (int)i;
		values[i] = v[ids[i]];
	}
	return (int)n;
}

static int
wd_hns_raw_xstats_names(const struct rte_rawdev *dev, struct rte_rawdev_xstats_name *names,
	unsigned int size)
{
	unsigned int i;

	if (names == NULL || size < NB_XSTATS)
		return NB_XSTATS;
	for (i = 0; i < NB_XSTATS; i++)
		strlcpy(names[i].name, xstat_names[i], sizeof(names[i].name));
	return NB_XSTATS;
}

static uint64_t
wd_hns_raw_xstats_by_name(const struct rte_rawdev *dev, const char *name, unsigned int *id)
{
	uint64_t v[NB_XSTATS];
	unsigned int i;

	for (i = 0; i < NB_XSTATS; i++) {
		if (strcmp(name, xstat_names[i]) == 0) {
			if (id != NULL)
				*id = i;
			xstats_all(dev, v);
			return v[i];
		}
	}
	if (id != NULL)
		*id = (unsigned int)-1;
	return (uint64_t)-ENOENT;
}

/* Software counters only: the wire's count from the queue's creation. */
static int
wd_hns_raw_xstats_reset(struct rte_rawdev *dev, const uint32_t ids[], uint32_t nb_ids)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint16_t i;

	for (i = 0; i < hd->nb_queues; i++) {
		struct wd_hns_rawq *rq = &hd->qs[i];

		rq->enq = rq->deq = rq->enq_errors = rq->nombuf = rq->rx_bad = 0;
	}
	return 0;
}

static int
wd_hns_raw_dump(struct rte_rawdev *dev, FILE *f)
{
	struct wd_hns_rawdev *hd = dev->dev_private;
	uint64_t v[NB_XSTATS];
	unsigned int i;

	fprintf(f, "  device %s (%s): %u of %u queues, loopback %d\n", hd->wdev->info.name,
		hd->wdev->info.emulated ? "emulated" : "vfio", hd->nb_queues, hd->max_queues,
		hd->loopback);
	xstats_all(dev, v);
	for (i = 0; i < NB_XSTATS; i++)
		fprintf(f, "  %s: %" PRIu64 "\n", xstat_names[i], v[i]);
	return 0;
}

static const struct rte_rawdev_ops wd_hns_raw_ops = {
	.dev_info_get = wd_hns_raw_info,
	.dev_configure = wd_hns_raw_configure,
	.dev_start = wd_hns_raw_start,
	.dev_stop = wd_hns_raw_stop,
	.dev_close = wd_hns_raw_close,
	.queue_setup = wd_hns_raw_queue_setup,
	.queue_release = wd_hns_raw_queue_release,
	.queue_count = wd_hns_raw_queue_count,
	.enqueue_bufs = wd_hns_raw_enqueue,
	.dequeue_bufs = wd_hns_raw_dequeue,
	.dump = wd_hns_raw_dump,
	.attr_get = wd_hns_raw_get_attr,
	.attr_set = wd_hns_raw_set_attr,
	.xstats_get = wd_hns_raw_xstats_get,
	.xstats_get_names = wd_hns_raw_xstats_names,
	.xstats_get_by_name = wd_hns_raw_xstats_by_name,
	.xstats_reset = wd_hns_raw_xstats_reset,
	.dev_selftest = wd_hns_rawdev_selftest,
};

/* --- bus driver ----------------------------------------------------------- */

static int
wd_hns_raw_probe(struct rte_wd_driver *drv, struct rte_wd_device *wdev)
{
	struct wd_hns_rawdev *hd;
	struct rte_rawdev *dev;

	/* DPDK's rawdev library keeps its devices per process (22.11 has
	 * no attach for secondaries): the device stays the primary's. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		WD_HNS_RAW_LOG(NOTICE, "%s: rawdev has no multi-process support in DPDK; not "
			       "probed in this secondary process", wdev->info.name);
		return 1;
	}
	dev = rte_rawdev_pmd_allocate(wdev->info.name, sizeof(*hd), wdev->device.numa_node);
	if (dev == NULL) {
		WD_HNS_RAW_LOG(ERR, "%s: cannot allocate a rawdev", wdev->info.name);
		return -ENOMEM;
	}
	hd = dev->dev_private;
	hd->wdev = wdev;
	hd->dev_id = dev->dev_id;
	hd->max_queues = (uint16_t)RTE_MIN(wdev->queues, (unsigned int)WD_HNS_RAW_MAX_QUEUES);
	dev->dev_ops = &wd_hns_raw_ops;
	dev->device = &wdev->device;
	dev->driver_name = RTE_WD_HNS_RAW_NAME;
	wdev->priv = dev;
	WD_HNS_RAW_LOG(INFO, "%s: rawdev %u, up to %u ring pairs", wdev->info.name,
		       hd->dev_id, hd->max_queues);
	return 0;
}

static int
wd_hns_raw_remove(struct rte_wd_device *wdev)
{
	struct rte_rawdev *dev = wdev->priv;

	if (dev == NULL)
		return -ENODEV;
	wd_hns_raw_close(dev);
	wdev->priv = NULL;
	return rte_rawdev_pmd_release(dev);
}

static const struct rte_wd_id wd_hns_raw_ids[] = {
	{ .device_api = HNS_API, .alg = HNS_ALG },
	{ .device_api = NULL },
};

static struct rte_wd_driver wd_hns_raw_driver = {
	.id_table = wd_hns_raw_ids,
	.probe = wd_hns_raw_probe,
	.remove = wd_hns_raw_remove,
};

RTE_PMD_REGISTER_WD(raw_wd_hns, wd_hns_raw_driver);
