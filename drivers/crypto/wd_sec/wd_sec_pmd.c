/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * crypto_wd_sec: symmetric crypto on HiSilicon SEC v1 queues through
 * WrapDrive. An operation becomes one 64-byte BD in the queue's ring (a
 * hardware SGL for chained mbufs); a burst rings the doorbell once;
 * completions come back in submission order. No system call per burst.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "wd_sec_pmd_private.h"

uint8_t wd_sec_driver_id;
RTE_LOG_REGISTER_DEFAULT(wd_sec_logtype, NOTICE);

/* --- enqueue ------------------------------------------------------------------ */

/* Describe @m from byte @off on as a hardware SGL (chained when longer
 * than one SGL). Returns 0, or -1 if the chain is too long. */
static int
fill_sgl(struct hisi_sec_sgl *sgl, const struct rte_mbuf *m, uint32_t off)
{
	unsigned int n = 0;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	sgl->next_sgl = 0;
	for (; m != NULL; m = m->next, off = 0) {
		if (m->data_len == off)
			continue;	/* the engine refuses empty entries */
		if (n == HISI_SEC_SGL_ENTRIES)
			return -1;	/* one SGL per side and op */
		sgl->sge[n].buf = rte_pktmbuf_iova_offset(m, off);
		sgl->sge[n].len = m->data_len - off;
		n++;
	}
	if (n == 0)
		return -1;
	sgl->entry_sum_in_chain = (uint16_t)n;
	sgl->entry_sum_in_sgl = (uint16_t)n;
	return 0;
}

/* Fill @bd for @op. Returns 0, or -1 when the op cannot be expressed (it
 * then goes to the engine as an empty BD and comes back refused). */
static int
build_bd(struct wd_sec_qp *qp, struct hisi_sec_bd *bd, struct rte_crypto_op *op,
	uint32_t slot)
{
	const struct wd_sec_session *s;
	struct rte_crypto_sym_op *sym = op->sym;
	struct rte_mbuf *src = sym->m_src, *dst = sym->m_dst;
	uint32_t c_off = 0, a_off = 0, base, span = 0;

	if (unlikely(op->sess_type != RTE_CRYPTO_OP_WITH_SESSION || sym->session == NULL ||
		     src == NULL))
		return -1;
	s = CRYPTODEV_GET_SYM_SESS_PRIV(sym->session);
	*bd = s->tmpl;
	base = UINT32_MAX;
	if (s->has_cipher) {
		c_off = sym->cipher.data.offset;
		if (unlikely(sym->cipher.data.length > HISI_SEC_MAX_CIPHER_LEN))
			return -1;
		wd_sec_bd_set_cipher_len(bd, sym->cipher.data.length);
		base = c_off;
		span = c_off + sym->cipher.data.length;
		wd_sec_bd_set_addr(&bd->cipher_iv_lo, &bd->cipher_iv_hi,
				   rte_crypto_op_ctophys_offset(op, s->iv_offset));
	}
	if (s->has_auth) {
		a_off = sym->auth.data.offset;
		if (unlikely(sym->auth.data.length > HISI_SEC_W1_AUTH_LEN_M))
			return -1;
		wd_sec_bd_set_auth_len(bd, sym->auth.data.length);
		base = RTE_MIN(base, a_off);
		span = RTE_MAX(span, a_off + sym->auth.data.length);
		wd_sec_bd_set_addr(&bd->mac_lo, &bd->mac_hi, sym->auth.digest.phys_addr);
	}
	/* The BD's offsets have 10 bits: start the buffer at the lower one. */
	c_off = s->has_cipher ? c_off - base : 0;
	a_off = s->has_auth ? a_off - base : 0;
	if (unlikely(c_off > HISI_SEC_MAX_OFFSET || a_off > HISI_SEC_MAX_OFFSET))
		return -1;
	wd_sec_bd_set_offsets(bd, c_off, a_off);
	if (likely(rte_pktmbuf_is_contiguous(src) &&
		   (dst == NULL || rte_pktmbuf_is_contiguous(dst)))) {
		if (unlikely(span > src->data_len || (dst != NULL && span > dst->data_len)))
			return -1;
		wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, rte_pktmbuf_iova_offset(src, base));
		if (dst != NULL) {
			bd->w0 |= HISI_SEC_W0_DE;
			wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi,
					   rte_pktmbuf_iova_offset(dst, base));
		}
		return 0;
	}
	/* Chained mbufs: hardware SGLs in this slot's own memory. */
	if (unlikely(span > rte_pktmbuf_pkt_len(src) ||
		     (dst != NULL && span > rte_pktmbuf_pkt_len(dst))))
		return -1;
	bd->w1 |= HISI_SEC_W1_ADDR_TYPE;
	if (fill_sgl(&qp->sgl[2 * slot], src, base) != 0)
		return -1;
	wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi,
			   qp->sgl_iova + 2 * slot * sizeof(struct hisi_sec_sgl));
	if (dst != NULL) {
		if (fill_sgl(&qp->sgl[2 * slot + 1], dst, base) != 0)
			return -1;
		bd->w0 |= HISI_SEC_W0_DE;
		wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi,
				   qp->sgl_iova + (2 * slot + 1) * sizeof(struct hisi_sec_sgl));
	}
	return 0;
}

uint16_t
wd_sec_enqueue_burst(void *queue_pair, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct wd_sec_qp *qp = queue_pair;
	struct wd_sec_ring *r = qp->ring;
	struct hisi_sec_bd *bd;
	uint16_t n;

	for (n = 0; n < nb_ops; n++) {
		if (wd_sec_ring_inflight(r) >= qp->max_inflight)
			break;
		bd = wd_sec_ring_next(r);
		if (bd == NULL)
			break;	/* back-pressure */
		/* The engine wrote the next BDs last: ask for them early. */
		rte_prefetch0_write(&r->bd[(r->tail + 2) % HISI_SEC_DEPTH]);
		if (unlikely(build_bd(qp, bd, ops[n], r->tail % HISI_SEC_DEPTH) != 0)) {
			/* An empty BD: the engine refuses it, in order. */
			memset(bd, 0, sizeof(*bd));
		}
		ops[n]->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
		wd_sec_ring_commit(r, ops[n]);
	}
	if (n != 0)
		wd_sec_ring_doorbell(r);
	qp->stats.enqueued_count += n;
	qp->stats.enqueue_err_count += nb_ops - n;
	return n;
}

/* --- dequeue ------------------------------------------------------------------- */

static const uint8_t status_map[] = {
	[WD_SEC_ST_OK] = RTE_CRYPTO_OP_STATUS_SUCCESS,
	[WD_SEC_ST_BAD_BD] = RTE_CRYPTO_OP_STATUS_INVALID_ARGS,
	[WD_SEC_ST_FAULT] = RTE_CRYPTO_OP_STATUS_ERROR,
	[WD_SEC_ST_AUTH_FAILED] = RTE_CRYPTO_OP_STATUS_AUTH_FAILED,
	[WD_SEC_ST_ECC] = RTE_CRYPTO_OP_STATUS_ERROR,
};

uint16_t
wd_sec_dequeue_burst(void *queue_pair, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct wd_sec_qp *qp = queue_pair;
	struct wd_sec_ring *r = qp->ring;
	struct rte_crypto_op *op;
	struct hisi_sec_bd *bd;
	enum wd_sec_status st;
	void *cookie;
	uint16_t n;

	wd_sec_ring_reap(r);
	for (n = 0; n < nb_ops; n++) {
		rte_prefetch0(&r->bd[(r->ci + 2) % HISI_SEC_DEPTH]);
		bd = wd_sec_ring_oldest(r, &cookie);
		if (bd == NULL)
			break;
		op = cookie;
		st = wd_sec_ring_status(r, bd);
		op->status = status_map[st];
		qp->stats.dequeue_err_count += st != WD_SEC_ST_OK;
		wd_sec_ring_retire(r);
		ops[n] = op;
	}
	qp->stats.dequeued_count += n;
	return n;
}

/* --- the wd bus driver ------------------------------------------------------------- */

static int
wd_sec_probe(struct rte_wd_driver *drv, struct rte_wd_device *wdev)
{
	struct rte_cryptodev_pmd_init_params params = {
		.private_data_size = sizeof(struct wd_sec_private),
		.socket_id = wdev->device.numa_node,
		.max_nb_queue_pairs = WD_SEC_MAX_QPS,
	};
	struct wd_sec_private *priv;
	struct rte_cryptodev *dev;
	int free_q;

	snprintf(params.name, sizeof(params.name), "%s", wdev->info.name);
	free_q = rte_wd_free_queues(wdev, HISI_SEC_ALG);
	if (free_q <= 0) {
		WD_SEC_LOG(ERR, "%s: no free queue", wdev->info.name);
		return -EBUSY;
	}
	dev = rte_cryptodev_pmd_create(params.name, &wdev->device, &params);
	if (dev == NULL) {
		WD_SEC_LOG(ERR, "%s: cannot create a cryptodev", wdev->info.name);
		return -ENODEV;
	}
	dev->driver_id = wd_sec_driver_id;
	dev->dev_ops = wd_sec_pmd_ops;
	dev->enqueue_burst = wd_sec_enqueue_burst;
	dev->dequeue_burst = wd_sec_dequeue_burst;
	dev->feature_flags = RTE_CRYPTODEV_FF_SYMMETRIC_CRYPTO |
		RTE_CRYPTODEV_FF_SYM_OPERATION_CHAINING |
		RTE_CRYPTODEV_FF_HW_ACCELERATED |
		RTE_CRYPTODEV_FF_IN_PLACE_SGL |
		RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT |
		RTE_CRYPTODEV_FF_OOP_SGL_IN_LB_OUT |
		RTE_CRYPTODEV_FF_OOP_LB_IN_SGL_OUT |
		RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT;
	priv = dev->data->dev_private;
	priv->wdev = wdev;
	/* queues=N caps the queue pairs; without it, every free queue. */
	priv->max_qps = (unsigned int)free_q;
	if (wdev->kvargs != NULL && rte_kvargs_count(wdev->kvargs, RTE_WD_ARG_QUEUES) != 0)
		priv->max_qps = wdev->queues;
	priv->max_qps = RTE_MIN(priv->max_qps, (unsigned int)WD_SEC_MAX_QPS);
	wdev->priv = dev;
	rte_cryptodev_pmd_probing_finish(dev);
	WD_SEC_LOG(INFO, "%s: cryptodev %u, up to %u queue pairs", wdev->info.name,
		   dev->data->dev_id, priv->max_qps);
	return 0;
}

static int
wd_sec_remove(struct rte_wd_device *wdev)
{
	struct rte_cryptodev *dev = wdev->priv;

	if (dev == NULL)
		return -ENODEV;
	/* an application may exit (rte_eal_cleanup) without stopping it */
	if (dev->data->dev_started)
		rte_cryptodev_stop(dev->data->dev_id);
	wdev->priv = NULL;
	/* closes the device, which releases every queue pair */
	return rte_cryptodev_pmd_destroy(dev);
}

static const struct rte_wd_id wd_sec_ids[] = {
	{ .device_api = HISI_SEC_API, .alg = HISI_SEC_ALG },
	{ .device_api = NULL },
};

static struct rte_wd_driver wd_sec_driver = {
	.id_table = wd_sec_ids,
	.probe = wd_sec_probe,
	.remove = wd_sec_remove,
};

static struct cryptodev_driver wd_sec_crypto_drv;

RTE_PMD_REGISTER_WD(CRYPTODEV_NAME_WD_SEC_PMD, wd_sec_driver);
RTE_PMD_REGISTER_CRYPTO_DRIVER(wd_sec_crypto_drv, wd_sec_driver.driver, wd_sec_driver_id);
