/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * crypto_wd_sec control path: capabilities, device and queue-pair
 * management, sessions (BD templates).
 */

#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_cryptodev_scheduler.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "wd_sec_pmd_private.h"

#define CIPHER_CAP(a, blk, kmin, kmax, kinc, ivmin, ivmax) { \
	.op = RTE_CRYPTO_OP_TYPE_SYMMETRIC, \
	{ .sym = { \
		.xform_type = RTE_CRYPTO_SYM_XFORM_CIPHER, \
		{ .cipher = { \
			.algo = (a), \
			.block_size = (blk), \
			.key_size = { .min = (kmin), .max = (kmax), .increment = (kinc) }, \
			.iv_size = { .min = (ivmin), .max = (ivmax), .increment = 0 }, \
		} } \
	} } \
}

/* Digests in whole words (the BD's MAC_LEN), up to the full output. */
#define AUTH_CAP(a, blk, kmin, kmax, kinc, dmin, dmax) { \
	.op = RTE_CRYPTO_OP_TYPE_SYMMETRIC, \
	{ .sym = { \
		.xform_type = RTE_CRYPTO_SYM_XFORM_AUTH, \
		{ .auth = { \
			.algo = (a), \
			.block_size = (blk), \
			.key_size = { .min = (kmin), .max = (kmax), .increment = (kinc) }, \
			.digest_size = { .min = (dmin), .max = (dmax), \
					 .increment = (dmin) == (dmax) ? 0 : 4 }, \
			.iv_size = { 0 }, \
		} } \
	} } \
}

static const struct rte_cryptodev_capabilities wd_sec_caps[] = {
	CIPHER_CAP(RTE_CRYPTO_CIPHER_AES_ECB, 16, 16, 32, 8, 0, 0),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_AES_CBC, 16, 16, 32, 8, 16, 16),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_AES_CTR, 16, 16, 32, 8, 16, 16),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_AES_XTS, 16, 32, 64, 32, 16, 16),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_DES_CBC, 8, 8, 8, 0, 8, 8),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_3DES_CBC, 8, 16, 24, 8, 8, 8),
	CIPHER_CAP(RTE_CRYPTO_CIPHER_3DES_ECB, 8, 16, 24, 8, 0, 0),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA1, 64, 0, 0, 0, 20, 20),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA224, 64, 0, 0, 0, 28, 28),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA256, 64, 0, 0, 0, 32, 32),
	AUTH_CAP(RTE_CRYPTO_AUTH_MD5, 64, 0, 0, 0, 16, 16),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA1_HMAC, 64, 1, 64, 1, 4, 20),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA224_HMAC, 64, 1, 64, 1, 4, 28),
	AUTH_CAP(RTE_CRYPTO_AUTH_SHA256_HMAC, 64, 1, 64, 1, 4, 32),
	AUTH_CAP(RTE_CRYPTO_AUTH_MD5_HMAC, 64, 1, 64, 1, 4, 16),
	AUTH_CAP(RTE_CRYPTO_AUTH_AES_XCBC_MAC, 16, 16, 16, 0, 4, 16),
	AUTH_CAP(RTE_CRYPTO_AUTH_AES_CMAC, 16, 16, 16, 0, 4, 16),
	RTE_CRYPTODEV_END_OF_CAPABILITIES_LIST()
};

/* --- device ------------------------------------------------------------------- */

static int
wd_sec_configure(struct rte_cryptodev *dev, struct rte_cryptodev_config *config)
{
	const struct wd_sec_private *priv = dev->data->dev_private;

	if (rte_wd_primary_only(dev->data->name, "configure") != 0)
		return -E_RTE_SECONDARY;
	if (config->nb_queue_pairs > priv->max_qps) {
		WD_SEC_LOG(ERR, "%s: %u queue pairs asked, %u available", dev->data->name,
			   config->nb_queue_pairs, priv->max_qps);
		return -EINVAL;
	}
	return 0;
}

static int
wd_sec_start(struct rte_cryptodev *dev)
{
	return rte_wd_primary_only(dev->data->name, "start");
}

static void
wd_sec_stop(struct rte_cryptodev *dev)
{
	rte_wd_primary_only(dev->data->name, "stop");
}

static int
wd_sec_qp_release(struct rte_cryptodev *dev, uint16_t qp_id)
{
	struct wd_sec_qp *qp = dev->data->queue_pairs[qp_id];
	unsigned int failed;

	if (rte_wd_primary_only(dev->data->name, "queue pair release") != 0)
		return -E_RTE_SECONDARY;
	if (qp == NULL)
		return 0;
	/* Ops still held are not lost silently: they finish or fail. */
	failed = wd_sec_qp_flush(qp, RTE_CRYPTO_OP_STATUS_ERROR);
	if (failed != 0)
		WD_SEC_LOG(WARNING, "%s: queue pair %u released with %u ops not done: failed",
			   dev->data->name, qp_id, failed);
	/* The engine stops touching the ring and our memory before this returns. */
	rte_wd_queue_release(qp->wdev, &qp->q);
	rte_memzone_free(qp->mz);
	rte_free(qp->backlog);
	rte_free(qp);
	dev->data->queue_pairs[qp_id] = NULL;
	return 0;
}

static int
wd_sec_close(struct rte_cryptodev *dev)
{
	uint16_t i;

	if (rte_wd_primary_only(dev->data->name, "close") != 0)
		return -E_RTE_SECONDARY;
	for (i = 0; i < dev->data->nb_queue_pairs; i++)
		wd_sec_qp_release(dev, i);
	return 0;
}

static void
wd_sec_info_get(struct rte_cryptodev *dev, struct rte_cryptodev_info *info)
{
	const struct wd_sec_private *priv = dev->data->dev_private;

	info->driver_id = wd_sec_driver_id;
	info->driver_name = RTE_STR(CRYPTODEV_NAME_WD_SEC_PMD);
	info->feature_flags = dev->feature_flags;
	info->capabilities = priv->caps;
	info->max_nb_queue_pairs = priv->max_qps;
	info->sym.max_nb_sessions = 0;	/* sessions are the application's memory */
	info->min_mbuf_headroom_req = 0;
	info->min_mbuf_tailroom_req = 0;
}

static void
wd_sec_stats_get(struct rte_cryptodev *dev, struct rte_cryptodev_stats *stats)
{
	uint16_t i;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		const struct wd_sec_qp *qp = dev->data->queue_pairs[i];

		if (qp == NULL)
			continue;
		stats->enqueued_count += qp->stats.enqueued_count;
		stats->dequeued_count += qp->stats.dequeued_count;
		stats->enqueue_err_count += qp->stats.enqueue_err_count;
		stats->dequeue_err_count += qp->stats.dequeue_err_count;
	}
}

static void
wd_sec_stats_reset(struct rte_cryptodev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		struct wd_sec_qp *qp = dev->data->queue_pairs[i];

		if (qp != NULL)
			memset(&qp->stats, 0, sizeof(qp->stats));
	}
}

static int
wd_sec_qp_setup(struct rte_cryptodev *dev, uint16_t qp_id,
	const struct rte_cryptodev_qp_conf *conf, int socket_id)
{
	struct wd_sec_private *priv = dev->data->dev_private;
	char name[RTE_MEMZONE_NAMESIZE];
	struct wd_sec_qp *qp;
	uint32_t bl_size;
	int rc;

	if (rte_wd_primary_only(dev->data->name, "queue pair setup") != 0)
		return -E_RTE_SECONDARY;
	if (dev->data->queue_pairs[qp_id] != NULL)
		wd_sec_qp_release(dev, qp_id);
	if (conf->nb_descriptors == 0 || conf->nb_descriptors > WD_SEC_MAX_DESC) {
		WD_SEC_LOG(ERR, "%s: queue pair %u: %u descriptors, 1..%u supported",
			   dev->data->name, qp_id, conf->nb_descriptors, WD_SEC_MAX_DESC);
		return -EINVAL;
	}
	qp = rte_zmalloc_socket("wd_sec_qp", sizeof(*qp), RTE_CACHE_LINE_SIZE, socket_id);
	if (qp == NULL)
		return -ENOMEM;
	/* Ops beyond the hardware ring wait in the backlog. */
	bl_size = rte_align32pow2(conf->nb_descriptors);
	qp->backlog = rte_zmalloc_socket("wd_sec_backlog", bl_size * sizeof(qp->backlog[0]),
					 RTE_CACHE_LINE_SIZE, socket_id);
	/* Per-slot SGLs and IVs: the device reads them, so one IOVA-contiguous
	 * zone (an rte_malloc block may span pages that are not). */
	snprintf(name, sizeof(name), "wd_sec_%u_qp%u", dev->data->dev_id, qp_id);
	qp->mz = rte_memzone_reserve_aligned(name, (size_t)HISI_SEC_DEPTH * WD_SEC_SLOT_SIZE,
					     socket_id, RTE_MEMZONE_IOVA_CONTIG, 64);
	if (qp->backlog == NULL || qp->mz == NULL) {
		rte_memzone_free(qp->mz);
		rte_free(qp->backlog);
		rte_free(qp);
		return -ENOMEM;
	}
	memset(qp->mz->addr, 0, qp->mz->len);
	qp->dmem = qp->mz->addr;
	qp->dmem_iova = qp->mz->iova;
	qp->bl_mask = bl_size - 1;
	qp->nb_desc = conf->nb_descriptors;
	qp->wdev = priv->wdev;
	qp->id = qp_id;
	rc = rte_wd_queue_request(priv->wdev, HISI_SEC_ALG, &qp->q);
	if (rc != 0) {
		WD_SEC_LOG(ERR, "%s: queue pair %u: no WrapDrive queue: %s", dev->data->name,
			   qp_id, strerror(-rc));
		rte_memzone_free(qp->mz);
		rte_free(qp->backlog);
		rte_free(qp);
		return rc;
	}
	qp->ring = wd_sec_ring(&qp->q);
	dev->data->queue_pairs[qp_id] = qp;
	return 0;
}

/* --- sessions ------------------------------------------------------------------ */

static unsigned int
wd_sec_session_size(struct rte_cryptodev *dev)
{
	return sizeof(struct wd_sec_session);
}

static int
set_cipher(struct wd_sec_session *s, const struct rte_crypto_cipher_xform *x,
	rte_iova_t key_iova)
{
	unsigned int alg, mode, klen_code, klen = x->key.length;
	unsigned int iv_len = 16;

	switch (x->algo) {
	case RTE_CRYPTO_CIPHER_AES_ECB:
	case RTE_CRYPTO_CIPHER_AES_CBC:
	case RTE_CRYPTO_CIPHER_AES_CTR:
	case RTE_CRYPTO_CIPHER_AES_XTS:
		alg = HISI_SEC_C_ALG_AES;
		mode = x->algo == RTE_CRYPTO_CIPHER_AES_ECB ? HISI_SEC_C_MODE_ECB :
			x->algo == RTE_CRYPTO_CIPHER_AES_CBC ? HISI_SEC_C_MODE_CBC :
			x->algo == RTE_CRYPTO_CIPHER_AES_CTR ? HISI_SEC_C_MODE_CTR :
			HISI_SEC_C_MODE_XTS;
		if (mode == HISI_SEC_C_MODE_XTS) {
			if (klen != 32 && klen != 64)
				return -ENOTSUP;
			klen /= 2;
		}
		if (klen != 16 && klen != 24 && klen != 32)
			return -ENOTSUP;
		klen_code = (klen - 16) / 8;
		if (mode == HISI_SEC_C_MODE_ECB)
			iv_len = 0;
		break;
	case RTE_CRYPTO_CIPHER_DES_CBC:
		alg = HISI_SEC_C_ALG_DES;
		mode = HISI_SEC_C_MODE_CBC;
		if (klen != 8)
			return -ENOTSUP;
		klen_code = HISI_SEC_KEY_LEN_DES;
		iv_len = 8;
		break;
	case RTE_CRYPTO_CIPHER_3DES_CBC:
	case RTE_CRYPTO_CIPHER_3DES_ECB:
		alg = HISI_SEC_C_ALG_3DES;
		mode = x->algo == RTE_CRYPTO_CIPHER_3DES_CBC ? HISI_SEC_C_MODE_CBC :
			HISI_SEC_C_MODE_ECB;
		if (klen != 16 && klen != 24)
			return -ENOTSUP;
		klen_code = klen == 16 ? HISI_SEC_KEY_LEN_3DES_2KEY : HISI_SEC_KEY_LEN_3DES_3KEY;
		iv_len = mode == HISI_SEC_C_MODE_CBC ? 8 : 0;
		break;
	default:
		return -ENOTSUP;
	}
	if (x->iv.length != iv_len)
		return -ENOTSUP;
	memcpy(s->cipher_key, x->key.data, x->key.length);
	s->iv_offset = x->iv.offset;
	s->iv_len = (uint8_t)iv_len;
	s->has_cipher = 1;
	s->tmpl.w0 |= mode << HISI_SEC_W0_C_MODE_S |
		(x->op == RTE_CRYPTO_CIPHER_OP_ENCRYPT ? HISI_SEC_CIPHER_ENCRYPT :
		 HISI_SEC_CIPHER_DECRYPT) << HISI_SEC_W0_CIPHER_S;
	s->tmpl.w1 |= alg << HISI_SEC_W1_C_ALG_S;
	s->tmpl.w3 |= klen_code << HISI_SEC_W3_C_KEY_LEN_S;
	wd_sec_bd_set_addr(&s->tmpl.cipher_key_lo, &s->tmpl.cipher_key_hi, key_iova);
	return 0;
}

static int
set_auth(struct wd_sec_session *s, const struct rte_crypto_auth_xform *x, rte_iova_t key_iova)
{
	static const struct {
		enum rte_crypto_auth_algorithm algo;
		unsigned int a_alg, digest;
		int keyed;
	} map[] = {
		{ RTE_CRYPTO_AUTH_SHA1, HISI_SEC_A_ALG_SHA1, 20, 0 },
		{ RTE_CRYPTO_AUTH_SHA224, HISI_SEC_A_ALG_SHA224, 28, 0 },
		{ RTE_CRYPTO_AUTH_SHA256, HISI_SEC_A_ALG_SHA256, 32, 0 },
		{ RTE_CRYPTO_AUTH_MD5, HISI_SEC_A_ALG_MD5, 16, 0 },
		{ RTE_CRYPTO_AUTH_SHA1_HMAC, HISI_SEC_A_ALG_HMAC_SHA1, 20, 1 },
		{ RTE_CRYPTO_AUTH_SHA224_HMAC, HISI_SEC_A_ALG_HMAC_SHA224, 28, 1 },
		{ RTE_CRYPTO_AUTH_SHA256_HMAC, HISI_SEC_A_ALG_HMAC_SHA256, 32, 1 },
		{ RTE_CRYPTO_AUTH_MD5_HMAC, HISI_SEC_A_ALG_HMAC_MD5, 16, 1 },
		{ RTE_CRYPTO_AUTH_AES_XCBC_MAC, HISI_SEC_A_ALG_AES_XCBC, 16, 1 },
		{ RTE_CRYPTO_AUTH_AES_CMAC, HISI_SEC_A_ALG_AES_CMAC, 16, 1 },
	};
	unsigned int i, kwords;

	for (i = 0; i < RTE_DIM(map); i++)
		if (map[i].algo == x->algo)
			break;
	if (i == RTE_DIM(map))
		return -ENOTSUP;
	/* Outside the capabilities: not supported (callers may skip). */
	if (x->digest_length == 0 || x->digest_length % 4 != 0 ||
	    x->digest_length > map[i].digest || x->iv.length != 0)
		return -ENOTSUP;
	if (map[i].keyed) {
		/* HMAC pads keys with zeros to the block: words lose nothing. */
		if (x->key.length == 0 || x->key.length > sizeof(s->auth_key) ||
		    ((map[i].a_alg == HISI_SEC_A_ALG_AES_XCBC ||
		      map[i].a_alg == HISI_SEC_A_ALG_AES_CMAC) && x->key.length != 16))
			return -ENOTSUP;
		memcpy(s->auth_key, x->key.data, x->key.length);
		kwords = (x->key.length + 3) / 4;
		s->tmpl.w3 |= kwords << HISI_SEC_W3_A_KEY_LEN_S;
		wd_sec_bd_set_addr(&s->tmpl.auth_key_lo, &s->tmpl.auth_key_hi, key_iova);
	} else if (x->key.length != 0) {
		return -ENOTSUP;
	}
	s->has_auth = 1;
	s->tmpl.w0 |= (x->op == RTE_CRYPTO_AUTH_OP_GENERATE ? HISI_SEC_AUTH_MAC :
		       HISI_SEC_AUTH_VERIF) << HISI_SEC_W0_AUTH_S;
	s->tmpl.w1 |= map[i].a_alg << HISI_SEC_W1_A_ALG_S;
	s->tmpl.w3 |= (x->digest_length / 4) << HISI_SEC_W3_MAC_LEN_S;
	return 0;
}

static int
wd_sec_session_configure(struct rte_cryptodev *dev, struct rte_crypto_sym_xform *xform,
	struct rte_cryptodev_sym_session *sess)
{
	struct wd_sec_session *s = CRYPTODEV_GET_SYM_SESS_PRIV(sess);
	rte_iova_t iova = CRYPTODEV_GET_SYM_SESS_PRIV_IOVA(sess);
	struct rte_crypto_sym_xform *x;
	int n = 0, rc = 0;

	memset(s, 0, sizeof(*s));
	s->tmpl.w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	for (x = xform; x != NULL && rc == 0; x = x->next, n++) {
		if (n == 2) {
			rc = -ENOTSUP;
			break;
		}
		if (x->type == RTE_CRYPTO_SYM_XFORM_CIPHER && !s->has_cipher) {
			rc = set_cipher(s, &x->cipher,
					iova + offsetof(struct wd_sec_session, cipher_key));
		} else if (x->type == RTE_CRYPTO_SYM_XFORM_AUTH && !s->has_auth) {
			rc = set_auth(s, &x->auth,
				      iova + offsetof(struct wd_sec_session, auth_key));
			/* Auth listed first: the MAC is over the input. */
			if (rc == 0 && n == 0 && x->next != NULL)
				s->tmpl.w0 |= HISI_SEC_W0_SEQ;
		} else {
			rc = -ENOTSUP;
		}
	}
	if (rc != 0 || n == 0) {
		WD_SEC_LOG(DEBUG, "%s: unsupported transform chain (%d)", dev->data->name, rc);
		memset(s, 0, sizeof(*s));
		return rc != 0 ? rc : -EINVAL;
	}
	RTE_BUILD_BUG_ON(WD_SEC_SCHED_WORKERS != RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS);
	RTE_BUILD_BUG_ON(offsetof(struct wd_sec_session, sched.self) != 8);
	for (n = 0; n < WD_SEC_SCHED_WORKERS; n++)
		s->sched.self[n] = sess;
	return 0;
}

static void
wd_sec_session_clear(struct rte_cryptodev *dev, struct rte_cryptodev_sym_session *sess)
{
	/* keys do not outlive the session */
	memset(CRYPTODEV_GET_SYM_SESS_PRIV(sess), 0, sizeof(struct wd_sec_session));
}

/* --- capabilities that work here ------------------------------------------ */

/* Bytes the probe needs in DMA-able memory. */
struct probe_mem {
	struct wd_sec_session s;
	uint8_t data[64];
	uint8_t iv[16];
	uint8_t mac[64];
};

/* One BD through @q: 0 when the device completes it successfully. */
static int
probe_bd(struct wd_queue *q, const struct hisi_sec_bd *bd)
{
	struct wd_sec_msg m;
	void *resp;

	memset(&m, 0, sizeof(m));
	m.bd = *bd;
	if (wd_send_sync(q, &m, 1000) != 0 || wd_recv_sync(q, &resp, 1000) != 0 ||
	    resp != &m)
		return -1;
	return m.status == WD_SEC_ST_OK ? 0 : -1;
}

/* Does @cap with a key of @klen bytes work on @q? */
static int
probe_one(struct wd_queue *q, struct probe_mem *pm, rte_iova_t iova,
	const struct rte_cryptodev_symmetric_capability *cap, unsigned int klen)
{
	struct rte_crypto_cipher_xform cx;
	struct rte_crypto_auth_xform ax;
	struct hisi_sec_bd bd;
	uint8_t key[64];
	unsigned int i;
	int rc;

	/* distinct bytes: XTS refuses two equal key halves */
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i + 1);
	memset(&pm->s, 0, sizeof(pm->s));
	pm->s.tmpl.w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	if (cap->xform_type == RTE_CRYPTO_SYM_XFORM_CIPHER) {
		memset(&cx, 0, sizeof(cx));
		cx.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
		cx.algo = cap->cipher.algo;
		cx.key.data = key;
		cx.key.length = klen;
		cx.iv.length = cap->cipher.iv_size.min;
		rc = set_cipher(&pm->s, &cx, iova + offsetof(struct probe_mem, s.cipher_key));
		bd = pm->s.tmpl;
		wd_sec_bd_set_cipher_len(&bd, 16);
		wd_sec_bd_set_addr(&bd.cipher_iv_lo, &bd.cipher_iv_hi,
				   iova + offsetof(struct probe_mem, iv));
	} else {
		memset(&ax, 0, sizeof(ax));
		ax.op = RTE_CRYPTO_AUTH_OP_GENERATE;
		ax.algo = cap->auth.algo;
		ax.key.data = key;
		ax.key.length = klen;
		ax.digest_length = cap->auth.digest_size.max;
		rc = set_auth(&pm->s, &ax, iova + offsetof(struct probe_mem, s.auth_key));
		bd = pm->s.tmpl;
		wd_sec_bd_set_auth_len(&bd, 16);
		wd_sec_bd_set_addr(&bd.mac_lo, &bd.mac_hi, iova + offsetof(struct probe_mem, mac));
	}
	if (rc != 0)
		return -1;
	wd_sec_bd_set_addr(&bd.data_lo, &bd.data_hi, iova + offsetof(struct probe_mem, data));
	return probe_bd(q, &bd);
}

/*
 * Run every capability (each key size) once on a queue of the device and
 * keep what completes: an engine may lack an algorithm (the emulated one
 * has single DES only with OpenSSL's legacy provider). A key-size range
 * with a hole in it is dropped whole. Without a free queue, the SEC v1
 * list is kept as it is.
 */
int
wd_sec_caps_probe(struct rte_cryptodev *dev)
{
	struct wd_sec_private *priv = dev->data->dev_private;
	const struct rte_cryptodev_capabilities *c;
	struct rte_crypto_param_range *kr;
	struct probe_mem *pm;
	struct wd_queue q;
	unsigned int n = 0, k, lo, hi, ok;
	rte_iova_t iova;
	int rc;

	RTE_BUILD_BUG_ON(RTE_DIM(wd_sec_caps) > RTE_DIM(priv->caps));
	memcpy(priv->caps, wd_sec_caps, sizeof(wd_sec_caps));
	pm = rte_zmalloc("wd_sec_probe", sizeof(*pm), 64);
	if (pm == NULL)
		return -ENOMEM;
	iova = rte_malloc_virt2iova(pm);
	rc = rte_wd_queue_request(priv->wdev, HISI_SEC_ALG, &q);
	if (rc != 0) {
		WD_SEC_LOG(WARNING, "%s: no queue to probe capabilities: %s", dev->data->name,
			   strerror(-rc));
		rte_free(pm);
		return 0;
	}
	for (c = wd_sec_caps; c->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; c++) {
		struct rte_cryptodev_capabilities cap = *c;
		unsigned int step, works = 0;

		if (cap.sym.xform_type == RTE_CRYPTO_SYM_XFORM_AUTH) {
			/* one typical key: none, AES-128, or 20 bytes for HMAC */
			kr = &cap.sym.auth.key_size;
			ok = probe_one(&q, pm, iova, &cap.sym,
				       kr->max == 0 ? 0 : kr->max == 16 ? 16 : 20) == 0;
		} else {
			/* every cipher key size; a range with a hole is dropped */
			kr = &cap.sym.cipher.key_size;
			step = kr->increment != 0 ? kr->increment : kr->max - kr->min + 1;
			lo = UINT32_MAX;
			hi = 0;
			for (k = kr->min; k <= kr->max; k += step) {
				if (probe_one(&q, pm, iova, &cap.sym, k) != 0)
					continue;
				lo = RTE_MIN(lo, k);
				hi = k;
				works++;
			}
			ok = works != 0 && works == (hi - lo) / step + 1;
			if (ok) {
				kr->min = (uint16_t)lo;
				kr->max = (uint16_t)hi;
				kr->increment = lo == hi ? 0 : kr->increment;
			}
		}
		if (!ok) {
			WD_SEC_LOG(INFO, "%s: %s not offered: the device does not complete it",
				   dev->data->name,
				   cap.sym.xform_type == RTE_CRYPTO_SYM_XFORM_CIPHER ?
				   rte_crypto_cipher_algorithm_strings[cap.sym.cipher.algo] :
				   rte_crypto_auth_algorithm_strings[cap.sym.auth.algo]);
			continue;
		}
		priv->caps[n++] = cap;
	}
	priv->caps[n] = (struct rte_cryptodev_capabilities)RTE_CRYPTODEV_END_OF_CAPABILITIES_LIST();
	rte_wd_queue_release(priv->wdev, &q);
	memset(pm, 0, sizeof(*pm));
	rte_free(pm);
	return 0;
}

static struct rte_cryptodev_ops ops = {
	.dev_configure = wd_sec_configure,
	.dev_start = wd_sec_start,
	.dev_stop = wd_sec_stop,
	.dev_close = wd_sec_close,
	.dev_infos_get = wd_sec_info_get,
	.stats_get = wd_sec_stats_get,
	.stats_reset = wd_sec_stats_reset,
	.queue_pair_setup = wd_sec_qp_setup,
	.queue_pair_release = wd_sec_qp_release,
	.sym_session_get_size = wd_sec_session_size,
	.sym_session_configure = wd_sec_session_configure,
	.sym_session_clear = wd_sec_session_clear,
};

struct rte_cryptodev_ops *wd_sec_pmd_ops = &ops;
