/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * crypto_wd_sec: symmetric crypto on HiSilicon SEC v1 queues through
 * WrapDrive. An operation becomes one 64-byte BD in the queue's ring (a
 * hardware SGL for chained mbufs); a burst rings the doorbell once;
 * completions come back in submission order. No system call per burst.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cycles.h>
#include <rte_cpuflags.h>
#include <rte_cryptodev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "wd_sec_pmd_private.h"

uint8_t wd_sec_driver_id;
RTE_LOG_REGISTER_DEFAULT(wd_sec_logtype, NOTICE);

/* --- enqueue ------------------------------------------------------------------ */

static inline struct hisi_sec_sgl *
slot_sgl(struct wd_sec_qp *qp, uint32_t slot, unsigned int side)
{
	return (struct hisi_sec_sgl *)(qp->dmem + (size_t)slot * WD_SEC_SLOT_SIZE +
				       side * WD_SEC_SGL_STRIDE);
}

static inline rte_iova_t
slot_iova(const struct wd_sec_qp *qp, uint32_t slot, size_t off)
{
	return qp->dmem_iova + (size_t)slot * WD_SEC_SLOT_SIZE + off;
}

/* Describe @len bytes of @m from byte @off on as one hardware SGL.
 * Returns 0, or -1 if they need more entries or the chain is shorter. */
static int
fill_sgl(struct hisi_sec_sgl *sgl, const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint32_t left = len, n = 0, l;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && left != 0; m = m->next, off = 0) {
		if (m->data_len == off)
			continue;	/* the engine refuses empty entries */
		if (n == HISI_SEC_SGL_ENTRIES)
			return -1;	/* one SGL per side and op */
		l = RTE_MIN((uint32_t)(m->data_len - off), left);
		sgl->sge[n].buf = rte_pktmbuf_iova_offset(m, off);
		sgl->sge[n].len = l;
		left -= l;
		n++;
	}
	if (n == 0 || left != 0)
		return -1;
	sgl->next_sgl = 0;
	sgl->entry_sum_in_chain = (uint16_t)n;
	sgl->entry_sum_in_sgl = (uint16_t)n;
	sgl->data_bytes_in_sgl = len;
	return 0;
}

/* Fill @bd for @op in ring slot @slot. Returns RTE_CRYPTO_OP_STATUS_SUCCESS,
 * or the status the op completes with (it then goes to the engine as an
 * empty BD, refused in order). */
static uint8_t
build_bd(struct wd_sec_qp *qp, struct hisi_sec_bd *bd, struct rte_crypto_op *op,
	uint32_t slot)
{
	const struct wd_sec_session *s;
	struct rte_crypto_sym_op *sym = op->sym;
	struct rte_mbuf *src = sym->m_src, *dst = sym->m_dst;
	uint32_t c_off = 0, a_off = 0, base, span = 0, len;

	if (unlikely(op->sess_type != RTE_CRYPTO_OP_WITH_SESSION || sym->session == NULL))
		return RTE_CRYPTO_OP_STATUS_INVALID_SESSION;
	s = CRYPTODEV_GET_SYM_SESS_PRIV(sym->session);
	if (unlikely(!s->has_cipher && !s->has_auth))
		return RTE_CRYPTO_OP_STATUS_INVALID_SESSION;	/* cleared */
	if (unlikely(src == NULL))
		return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
	*bd = s->tmpl;
	base = UINT32_MAX;
	if (s->has_cipher) {
		c_off = sym->cipher.data.offset;
		if (unlikely(sym->cipher.data.length > HISI_SEC_MAX_CIPHER_LEN))
			return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		wd_sec_bd_set_cipher_len(bd, sym->cipher.data.length);
		base = c_off;
		span = c_off + sym->cipher.data.length;
		if (s->iv_len != 0) {
			/* The IV goes to the slot's own memory: no op IOVA needed. */
			rte_memcpy(qp->dmem + (size_t)slot * WD_SEC_SLOT_SIZE + WD_SEC_SLOT_IV_OFF,
				   rte_crypto_op_ctod_offset(op, uint8_t *, s->iv_offset),
				   s->iv_len);
			wd_sec_bd_set_addr(&bd->cipher_iv_lo, &bd->cipher_iv_hi,
					   slot_iova(qp, slot, WD_SEC_SLOT_IV_OFF));
		}
	}
	if (s->has_auth) {
		a_off = sym->auth.data.offset;
		if (unlikely(sym->auth.data.length > HISI_SEC_W1_AUTH_LEN_M))
			return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		wd_sec_bd_set_auth_len(bd, sym->auth.data.length);
		base = RTE_MIN(base, a_off);
		span = RTE_MAX(span, a_off + sym->auth.data.length);
		wd_sec_bd_set_addr(&bd->mac_lo, &bd->mac_hi, sym->auth.digest.phys_addr);
	}
	/* The BD's offsets have 10 bits: start the buffer at the lower one. */
	c_off = s->has_cipher ? c_off - base : 0;
	a_off = s->has_auth ? a_off - base : 0;
	if (unlikely(c_off > HISI_SEC_MAX_OFFSET || a_off > HISI_SEC_MAX_OFFSET))
		return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
	wd_sec_bd_set_offsets(bd, c_off, a_off);
	len = span - base;	/* bytes the engine reads from base on */
	if (likely(len == 0 || (rte_pktmbuf_is_contiguous(src) &&
				(dst == NULL || rte_pktmbuf_is_contiguous(dst))))) {
		if (unlikely(span > rte_pktmbuf_data_len(src) ||
			     (dst != NULL && span > rte_pktmbuf_data_len(dst))))
			return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, rte_pktmbuf_iova_offset(src, base));
		if (dst != NULL) {
			bd->w0 |= HISI_SEC_W0_DE;
			wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi,
					   rte_pktmbuf_iova_offset(dst, base));
		}
		return RTE_CRYPTO_OP_STATUS_SUCCESS;
	}
	/* Chained mbufs: hardware SGLs in this slot's own memory, covering
	 * only the bytes of the op. */
	bd->w1 |= HISI_SEC_W1_ADDR_TYPE;
	if (fill_sgl(slot_sgl(qp, slot, 0), src, base, len) != 0)
		return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
	wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, slot_iova(qp, slot, 0));
	if (dst != NULL) {
		if (fill_sgl(slot_sgl(qp, slot, 1), dst, base, len) != 0)
			return RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		bd->w0 |= HISI_SEC_W0_DE;
		wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi,
				   slot_iova(qp, slot, WD_SEC_SGL_STRIDE));
	}
	return RTE_CRYPTO_OP_STATUS_SUCCESS;
}

/* Up to 32 BDs (a cache line each) from slot counter @from. */
static inline void
prefetch_bds(const struct wd_sec_ring *r, uint32_t from, uint32_t n, int write)
{
	uint32_t k;

	for (k = 0; k < RTE_MIN(n, 32u); k++) {
		if (write)
			rte_prefetch0_write(&r->bd[(from + k) % HISI_SEC_DEPTH]);
		else
			rte_prefetch0(&r->bd[(from + k) % HISI_SEC_DEPTH]);
	}
}

/* Put @op on the hardware ring. Returns 0, or -1 when the ring is full. */
static inline int
submit(struct wd_sec_qp *qp, struct rte_crypto_op *op)
{
	struct wd_sec_ring *r = qp->ring;
	struct hisi_sec_bd *bd = wd_sec_ring_next(r);
	uint8_t st;

	if (bd == NULL)
		return -1;
	st = build_bd(qp, bd, op, r->tail % HISI_SEC_DEPTH);
	if (likely(st == RTE_CRYPTO_OP_STATUS_SUCCESS)) {
		op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	} else {
		/* An empty BD keeps the order; the op keeps the PMD's status. */
		memset(bd, 0, sizeof(*bd));
		op->status = st;
		qp->stats.enqueue_err_count++;
	}
	wd_sec_ring_commit(r, op);
	return 0;
}

/* Move backlogged ops to the hardware ring while it has room. */
static inline unsigned int
backlog_drain(struct wd_sec_qp *qp)
{
	unsigned int n = 0;

	while (qp->bl_head != qp->bl_tail &&
	       submit(qp, qp->backlog[qp->bl_head & qp->bl_mask]) == 0) {
		qp->bl_head++;
		n++;
	}
	return n;
}

uint16_t
wd_sec_enqueue_burst(void *queue_pair, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct wd_sec_qp *qp = queue_pair;
	uint32_t held, n, hw = 0;

	held = wd_sec_ring_inflight(qp->ring) + (qp->bl_tail - qp->bl_head);
	/* back-pressure at nb_descriptors */
	nb_ops = (uint16_t)RTE_MIN((uint32_t)nb_ops, qp->nb_desc - held);
	/* The engine wrote these BDs last: ask for all of them at once. */
	prefetch_bds(qp->ring, qp->ring->tail, nb_ops, 1);
	if (unlikely(qp->bl_head != qp->bl_tail))
		hw += backlog_drain(qp);
	for (n = 0; n < nb_ops; n++) {
		if (qp->bl_head == qp->bl_tail && submit(qp, ops[n]) == 0) {
			hw++;
			continue;
		}
		/* hardware ring full: wait behind it, in order */
		ops[n]->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
		qp->backlog[qp->bl_tail++ & qp->bl_mask] = ops[n];
	}
	if (hw != 0)
		wd_sec_ring_doorbell(qp->ring);
	qp->stats.enqueued_count += nb_ops;
	return nb_ops;
}

/* --- dequeue ------------------------------------------------------------------- */

static const uint8_t status_map[] = {
	[WD_SEC_ST_OK] = RTE_CRYPTO_OP_STATUS_SUCCESS,
	[WD_SEC_ST_BAD_BD] = RTE_CRYPTO_OP_STATUS_INVALID_ARGS,
	[WD_SEC_ST_FAULT] = RTE_CRYPTO_OP_STATUS_ERROR,
	[WD_SEC_ST_AUTH_FAILED] = RTE_CRYPTO_OP_STATUS_AUTH_FAILED,
	[WD_SEC_ST_ECC] = RTE_CRYPTO_OP_STATUS_ERROR,
};

/* The oldest finished op on the ring (status set), or NULL. */
static inline struct rte_crypto_op *
retire_one(struct wd_sec_qp *qp)
{
	struct wd_sec_ring *r = qp->ring;
	struct rte_crypto_op *op;
	struct hisi_sec_bd *bd;
	void *cookie;

	bd = wd_sec_ring_oldest(r, &cookie);
	if (bd == NULL)
		return NULL;
	op = cookie;
	/* An op the PMD refused at enqueue keeps the status it gave. */
	if (likely(op->status == RTE_CRYPTO_OP_STATUS_NOT_PROCESSED))
		op->status = status_map[wd_sec_ring_status(r, bd)];
	wd_sec_ring_retire(r);
	return op;
}

uint16_t
wd_sec_dequeue_burst(void *queue_pair, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct wd_sec_qp *qp = queue_pair;
	struct rte_crypto_op *op;
	uint16_t n;

	if (wd_sec_ring_inflight(qp->ring) == 0 && qp->bl_head == qp->bl_tail)
		return 0;
	/* The completion entries and the BDs to retire were written by the
	 * engine: their misses in parallel with the completion pointer's,
	 * rather than one after the other (the round trip of one op). */
	rte_prefetch0((const void *)&qp->ring->cq[qp->ring->cq_rd]);
	prefetch_bds(qp->ring, qp->ring->ci, RTE_MIN((uint32_t)nb_ops,
						  wd_sec_ring_inflight(qp->ring)), 0);
	wd_sec_ring_reap(qp->ring);
	for (n = 0; n < nb_ops; n++) {
		op = retire_one(qp);
		if (op == NULL)
			break;
		qp->stats.dequeue_err_count += op->status != RTE_CRYPTO_OP_STATUS_SUCCESS;
		ops[n] = op;
	}
	if (qp->bl_head != qp->bl_tail && backlog_drain(qp) != 0)
		wd_sec_ring_doorbell(qp->ring);
	qp->stats.dequeued_count += n;
	return n;
}

unsigned int
wd_sec_qp_flush(struct wd_sec_qp *qp, uint8_t status)
{
	struct rte_crypto_op *op;
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 10;
	unsigned int failed = 0;

	/* Let the engine finish what it has (up to 100 ms): those ops get
	 * their real status; the rest, and the backlog, fail with @status. */
	while (wd_sec_ring_inflight(qp->ring) != 0 && rte_get_timer_cycles() < deadline) {
		wd_sec_ring_reap(qp->ring);
		while (retire_one(qp) != NULL)
			;
		rte_pause();
	}
	while (wd_sec_ring_inflight(qp->ring) != 0) {
		op = qp->ring->cookie[qp->ring->ci % HISI_SEC_DEPTH];
		op->status = status;
		qp->ring->ci++;
		failed++;
	}
	for (; qp->bl_head != qp->bl_tail; qp->bl_head++, failed++)
		qp->backlog[qp->bl_head & qp->bl_mask]->status = status;
	return failed;
}

/* --- the wd bus driver ------------------------------------------------------------- */

/*
 * Who does the work: a SEC engine or a kernel engine is a hardware
 * accelerator to the application; the in-process model (emu backend) is
 * OpenSSL on the application's own CPUs, so it says what that CPU offers.
 */
static uint64_t
engine_flags(const struct rte_wd_device *wdev)
{
	uint64_t ff = 0;

	if (!wdev->info.emulated)
		return RTE_CRYPTODEV_FF_HW_ACCELERATED;
#if defined(RTE_ARCH_X86)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AES) > 0)
		ff |= RTE_CRYPTODEV_FF_CPU_AESNI;
#elif defined(RTE_ARCH_ARM64)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AES) > 0)
		ff |= RTE_CRYPTODEV_FF_CPU_ARM_CE;
#endif
	return ff;
}

static void
set_ops(struct rte_cryptodev *dev, const struct rte_wd_device *wdev)
{
	dev->driver_id = wd_sec_driver_id;
	dev->dev_ops = wd_sec_pmd_ops;
	dev->enqueue_burst = wd_sec_enqueue_burst;
	dev->dequeue_burst = wd_sec_dequeue_burst;
	dev->feature_flags = RTE_CRYPTODEV_FF_SYMMETRIC_CRYPTO |
		RTE_CRYPTODEV_FF_SYM_OPERATION_CHAINING |
		engine_flags(wdev) |
		RTE_CRYPTODEV_FF_IN_PLACE_SGL |
		RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT |
		RTE_CRYPTODEV_FF_OOP_SGL_IN_LB_OUT |
		RTE_CRYPTODEV_FF_OOP_LB_IN_SGL_OUT |
		RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT;
}

/* The queue pairs' queues (NULL where none is set up) into @qs. */
static unsigned int
qp_queues(const struct rte_cryptodev *dev, struct wd_queue **qs)
{
	struct wd_sec_qp *qp;
	uint16_t i;

	for (i = 0; i < dev->data->nb_queue_pairs && i < WD_SEC_MAX_QPS; i++) {
		qp = dev->data->queue_pairs[i];
		qs[i] = qp != NULL ? &qp->q : NULL;
	}
	return i;
}

/* Secondary: let go of the primary's device, keeping it as it is. */
static int
detach(struct rte_cryptodev *dev)
{
	struct rte_cryptodev_cb_rcu *enq = dev->enq_cbs, *deq = dev->deq_cbs;
	struct wd_queue *qs[WD_SEC_MAX_QPS];
	int rc;

	rte_wd_queues_detach(qs, qp_queues(dev, qs));
	dev->dev_ops = NULL;	/* no close: the queue pairs stay the primary's */
	rc = rte_cryptodev_pmd_release_device(dev);
	dev->enq_cbs = NULL;
	dev->deq_cbs = NULL;
	free(enq);
	free(deq);
	return rc;
}

/*
 * Secondary process: the primary's device, its queue pairs and sessions
 * are in shared memory; this process gets its own function pointers.
 * cryptodev ids are per process in DPDK 22.11 (the secondary attaches to
 * the data of its next free id), so a device probed in another order is
 * refused rather than driven under the wrong name.
 */
static int
wd_sec_attach(struct rte_wd_device *wdev, struct rte_cryptodev_pmd_init_params *params)
{
	struct wd_queue *qs[WD_SEC_MAX_QPS];
	struct rte_cryptodev *dev;
	int rc;

	dev = rte_cryptodev_pmd_create(params->name, &wdev->device, params);
	if (dev == NULL) {
		WD_SEC_LOG(ERR, "%s: not a cryptodev of the primary process", wdev->info.name);
		return -ENODEV;
	}
	if (strcmp(dev->data->name, wdev->info.name) != 0) {
		WD_SEC_LOG(ERR, "%s: cryptodev %u is %s in the primary: probe the same crypto "
			   "devices in the same order in every process", wdev->info.name,
			   dev->data->dev_id, dev->data->name);
		detach(dev);
		return -EEXIST;
	}
	/*
	 * The enqueue/dequeue inlines of DPDK 22.11 read the per queue pair
	 * callback lists unconditionally, and only rte_cryptodev_configure()
	 * (never run in a secondary) makes them: empty lists, ours.
	 */
	dev->enq_cbs = calloc(WD_SEC_MAX_QPS, sizeof(*dev->enq_cbs));
	dev->deq_cbs = calloc(WD_SEC_MAX_QPS, sizeof(*dev->deq_cbs));
	if (dev->enq_cbs == NULL || dev->deq_cbs == NULL) {
		detach(dev);
		return -ENOMEM;
	}
	/* queue pairs set up after this are not reachable here */
	rc = rte_wd_queues_attach(dev->data->name, qs, qp_queues(dev, qs));
	if (rc != 0) {
		detach(dev);
		return rc;
	}
	set_ops(dev, wdev);
	wdev->priv = dev;
	rte_cryptodev_pmd_probing_finish(dev);
	WD_SEC_LOG(INFO, "%s: cryptodev %u of the primary process", wdev->info.name,
		   dev->data->dev_id);
	return 0;
}

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
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return wd_sec_attach(wdev, &params);
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
	set_ops(dev, wdev);
	priv = dev->data->dev_private;
	priv->wdev = wdev;
	/* queues=N caps the queue pairs; without it, every free queue. */
	priv->max_qps = (unsigned int)free_q;
	if (wdev->kvargs != NULL && rte_kvargs_count(wdev->kvargs, RTE_WD_ARG_QUEUES) != 0)
		priv->max_qps = wdev->queues;
	priv->max_qps = RTE_MIN(priv->max_qps, (unsigned int)WD_SEC_MAX_QPS);
	if (wd_sec_caps_probe(dev) != 0) {
		rte_cryptodev_pmd_destroy(dev);
		return -ENOMEM;
	}
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
	wdev->priv = NULL;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return detach(dev);
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
