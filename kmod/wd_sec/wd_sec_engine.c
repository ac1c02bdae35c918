// SPDX-License-Identifier: GPL-2.0
/*
 * wd_sec.ko: a software SEC v1 ("HACv1", Hip06/Hip07) engine behind
 * WrapDrive queues of device_api "hisi_sec_v1" (the ABI is in
 * hisi_sec_v1.h, shared with libwd's user driver and its in-process
 * model; the BD decoder is libwd's wd_sec_bd.c, compiled in here).
 *
 * Each device is one SEC unit with 16 queues shared by three types, one
 * per algorithm class: "cipher", "digest" and "chain". A queue is only
 * its register page, as on the hardware: software programs the IOVAs of
 * its command and completion rings in its own DMA-mapped memory and
 * enables the queue. wd.ko's engine thread calls wsec_serve(), which
 * reads BDs, keys, IVs and data by IOVA with vfio_dma_rw() (so every byte
 * the engine touches is one the process mapped, with the process's
 * current page tables), does the work with the kernel crypto API
 * (AES-NI or whatever the crypto API picks on this machine) and writes
 * the results back the same way. Anything it cannot use gives the error
 * completion the hardware would: BD_INVALID with FLAG "bad BD" or
 * "fault", and nothing written.
 *
 * Copyright (c) 2026 WrapDrive authors
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/numa.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "wd_k.h"
#include "hisi_sec_v1.h"
#include "wd_sec_bd.h"

#ifdef __BIG_ENDIAN
#error "hisi_sec_v1 registers and BDs are little-endian"
#endif

#define WSEC_NAME		"hisi_sec"
#define WSEC_PRIORITY		10	/* software: below real hardware */
#define WSEC_BATCH		16	/* BDs read per ring access */
#define WSEC_MAX_SGES		4096	/* per SGL chain: bounds a loop */
#define WSEC_MAX_SPAN		(HISI_SEC_MAX_CIPHER_LEN + HISI_SEC_MAX_OFFSET + 1)

static unsigned int devices = 1;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of SEC units hisi_sec<n> (1..16, default 1)");

static unsigned int queues = 16;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Queues per unit, shared by its types (1..1024, default 16 as on Hip06/Hip07)");

enum wsec_type {
	WSEC_T_CIPHER,
	WSEC_T_DIGEST,
	WSEC_T_CHAIN,
};

static const struct wd_alg wsec_algs[] = {
	[WSEC_T_CIPHER] = {
		.name = HISI_SEC_ALG_CIPHER,
		.description = "cipher BDs: AES ECB/CBC/CTR/XTS, DES/3DES ECB/CBC",
	},
	[WSEC_T_DIGEST] = {
		.name = HISI_SEC_ALG_DIGEST,
		.description = "auth BDs: SHA-1/224/256, MD5, their HMACs, AES-XCBC, AES-CMAC",
	},
	[WSEC_T_CHAIN] = {
		.name = HISI_SEC_ALG_CHAIN,
		.description = "every BD: cipher, auth, and cipher + auth chains",
	},
};

/* Cipher transforms, by the BD's algorithm and mode. */
enum {
	WSEC_C_AES_ECB, WSEC_C_AES_CBC, WSEC_C_AES_CTR, WSEC_C_AES_XTS,
	WSEC_C_DES_ECB, WSEC_C_DES_CBC, WSEC_C_3DES_ECB, WSEC_C_3DES_CBC,
	WSEC_C_COUNT
};

static const char * const wsec_cipher_names[WSEC_C_COUNT] = {
	"ecb(aes)", "cbc(aes)", "ctr(aes)", "xts(aes)",
	"ecb(des)", "cbc(des)", "ecb(des3_ede)", "cbc(des3_ede)",
};

/* Hash transforms, by the BD's A_ALG code (unlisted codes: refused). */
static const char * const wsec_auth_names[16] = {
	[HISI_SEC_A_ALG_SHA1] = "sha1",
	[HISI_SEC_A_ALG_SHA256] = "sha256",
	[HISI_SEC_A_ALG_MD5] = "md5",
	[HISI_SEC_A_ALG_SHA224] = "sha224",
	[HISI_SEC_A_ALG_HMAC_SHA1] = "hmac(sha1)",
	[HISI_SEC_A_ALG_HMAC_SHA224] = "hmac(sha224)",
	[HISI_SEC_A_ALG_HMAC_SHA256] = "hmac(sha256)",
	[HISI_SEC_A_ALG_HMAC_MD5] = "hmac(md5)",
	[HISI_SEC_A_ALG_AES_XCBC] = "xcbc(aes)",
	[HISI_SEC_A_ALG_AES_CMAC] = "cmac(aes)",
};

/* A transform and the key it holds, so a session's BDs key it once. */
struct wsec_keyed {
	void *tfm;		/* crypto_skcipher or crypto_shash */
	bool keyed;
	unsigned int klen;
	u8 key[64];
};

/* One segment of a flat buffer or an SGL chain, by IOVA. */
struct wsec_seg {
	u64 iova;
	u32 len;
};

struct wsec_queue {
	struct wd_queue *q;
	__le32 *regs;
	enum wsec_type type;
	bool latched;		/* bases taken at QUEUE_ENB 0 -> 1 */
	u64 cmd_base, cq_base;
	u32 rd, cq_wr;		/* Q_RD_PTR, OUTORDER_WR_PTR: the engine's */
	u32 n_ok, n_fail, n_get, n_ivld;
	struct hisi_sec_bd bd[WSEC_BATCH];
	u16 done[WSEC_BATCH];
	u8 *in, *out;		/* bounce buffers, bufsize bytes each */
	size_t bufsize;
	struct wsec_seg *segs;	/* WSEC_MAX_SGES */
	struct hisi_sec_sgl sgl;
	struct wsec_keyed cipher[WSEC_C_COUNT];
	struct wsec_keyed auth[16];
	u8 c_key[64], iv[16], a_key[64], mac[64], digest[64];
};

struct wsec_dev {
	struct wd_dev *wdev;
};

static struct wsec_dev *wsec_devs;
static unsigned int wsec_nr_devs;

static inline u32 wsec_reg(struct wsec_queue *wq, unsigned int off)
{
	return le32_to_cpu(READ_ONCE(wq->regs[off / 4]));
}

static inline u32 wsec_reg_acquire(struct wsec_queue *wq, unsigned int off)
{
	/* Software's pointers: the BDs or entries they cover come after. */
	return le32_to_cpu(smp_load_acquire(&wq->regs[off / 4]));
}

static inline void wsec_reg_set(struct wsec_queue *wq, unsigned int off, u32 v)
{
	WRITE_ONCE(wq->regs[off / 4], cpu_to_le32(v));
}

static int wsec_read(struct wsec_queue *wq, u64 iova, void *buf, size_t len)
{
	return len ? wd_queue_dma_rw(wq->q, iova, buf, len, false) : 0;
}

static int wsec_write(struct wsec_queue *wq, u64 iova, const void *buf,
		      size_t len)
{
	return len ? wd_queue_dma_rw(wq->q, iova, (void *)buf, len, true) : 0;
}

/* The device may write @len bytes at @iova: probe both ends in place. */
static int wsec_writable(struct wsec_queue *wq, u64 iova, size_t len)
{
	u8 b;
	int ret;

	if (!len)
		return 0;
	if (iova + (len - 1) < iova)	/* may end at 2^64, not past it */
		return -EINVAL;
	ret = wsec_read(wq, iova, &b, 1);
	if (!ret)
		ret = wsec_write(wq, iova, &b, 1);
	if (!ret && len > 1) {
		ret = wsec_read(wq, iova + len - 1, &b, 1);
		if (!ret)
			ret = wsec_write(wq, iova + len - 1, &b, 1);
	}
	return ret;
}

/* ---- memory: flat buffers and hardware SGLs ---- */

/* The segments of an SGL chain at @iova covering @span bytes. */
static int wsec_sgl_resolve(struct wsec_queue *wq, u64 iova, u32 span,
			    unsigned int *nseg)
{
	struct hisi_sec_sgl *sgl = &wq->sgl;
	unsigned int n = 0, i;
	u32 have = 0, len, bytes;

	while (have < span) {
		if (iova % 64)
			return -EINVAL;
		if (wsec_read(wq, iova, sgl, sizeof(*sgl)))
			return -EFAULT;
		if (!sgl->entry_sum_in_sgl ||
		    sgl->entry_sum_in_sgl > HISI_SEC_SGL_ENTRIES)
			return -EINVAL;
		/* The SGL's byte count must be its entries' sum. */
		for (i = 0, bytes = 0; i < sgl->entry_sum_in_sgl; i++)
			bytes += sgl->sge[i].len;
		if (bytes != sgl->data_bytes_in_sgl)
			return -EINVAL;
		for (i = 0; i < sgl->entry_sum_in_sgl && have < span; i++) {
			len = min_t(u32, sgl->sge[i].len, span - have);
			if (n == WSEC_MAX_SGES || !len)
				return -EINVAL;
			wq->segs[n].iova = sgl->sge[i].buf;
			wq->segs[n++].len = len;
			have += len;
		}
		if (have < span) {
			if (!sgl->next_sgl)
				return -EINVAL;	/* chain shorter than the job */
			iova = sgl->next_sgl;
		}
	}
	*nseg = n;
	return 0;
}

/* Copy between a bounce buffer's [off, off + len) and segments. */
static int wsec_segs_rw(struct wsec_queue *wq, unsigned int nseg, u8 *buf,
			u32 off, u32 len, bool write)
{
	u32 at = 0, a, b;
	unsigned int i;
	int ret;

	for (i = 0; i < nseg && at < off + len; at += wq->segs[i].len, i++) {
		a = off > at ? off - at : 0;
		b = min_t(u32, off + len - at, wq->segs[i].len);
		if (a >= b)
			continue;
		ret = wd_queue_dma_rw(wq->q, wq->segs[i].iova + a, buf + at + a,
				      b - a, write);
		if (ret)
			return -EFAULT;	/* a DMA error, not a bad SGL */
	}
	return 0;
}

static int wsec_segs_writable(struct wsec_queue *wq, unsigned int nseg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nseg; i++) {
		ret = wsec_writable(wq, wq->segs[i].iova, wq->segs[i].len);
		if (ret)
			return -EFAULT;
	}
	return 0;
}

static int wsec_bounce_reserve(struct wsec_queue *wq, size_t size)
{
	if (size <= wq->bufsize)
		return 0;
	size = max_t(size_t, PAGE_ALIGN(size), SZ_64K);
	kvfree(wq->in);
	kvfree(wq->out);
	wq->in = kvmalloc(size, GFP_KERNEL);
	wq->out = kvmalloc(size, GFP_KERNEL);
	if (!wq->in || !wq->out) {
		kvfree(wq->in);
		kvfree(wq->out);
		wq->in = NULL;
		wq->out = NULL;
		wq->bufsize = 0;
		return -ENOMEM;
	}
	wq->bufsize = size;
	return 0;
}

/* A scatterlist over a kvmalloc'ed buffer (vmalloc pages one by one). */
static int wsec_sg_init(struct sg_table *sgt, u8 *buf, unsigned int len)
{
	unsigned int off = offset_in_page(buf);
	unsigned int n = DIV_ROUND_UP(off + len, PAGE_SIZE), i, piece;
	struct scatterlist *sg;
	int ret;

	if (!is_vmalloc_addr(buf)) {
		ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
		if (!ret)
			sg_set_buf(sgt->sgl, buf, len);
		return ret;
	}
	ret = sg_alloc_table(sgt, n, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sg(sgt->sgl, sg, n, i) {
		piece = min_t(unsigned int, len, PAGE_SIZE - off);
		sg_set_page(sg, vmalloc_to_page(buf), piece, off);
		buf += piece;
		len -= piece;
		off = 0;
	}
	return 0;
}

/* ---- the crypto ---- */

static int wsec_cipher_index(const struct wd_sec_job *j)
{
	if (j->c_alg == HISI_SEC_C_ALG_AES) {
		switch (j->c_mode) {
		case HISI_SEC_C_MODE_ECB:
			return WSEC_C_AES_ECB;
		case HISI_SEC_C_MODE_CBC:
			return WSEC_C_AES_CBC;
		case HISI_SEC_C_MODE_CTR:
			return WSEC_C_AES_CTR;
		default:
			return WSEC_C_AES_XTS;
		}
	}
	if (j->c_alg == HISI_SEC_C_ALG_DES)
		return j->c_mode == HISI_SEC_C_MODE_CBC ? WSEC_C_DES_CBC :
							  WSEC_C_DES_ECB;
	return j->c_mode == HISI_SEC_C_MODE_CBC ? WSEC_C_3DES_CBC :
						  WSEC_C_3DES_ECB;
}

static void wsec_keyed_free(struct wsec_keyed *k, bool cipher)
{
	if (!IS_ERR_OR_NULL(k->tfm)) {
		if (cipher)
			crypto_free_skcipher(k->tfm);
		else
			crypto_free_shash(k->tfm);
	}
	memzero_explicit(k, sizeof(*k));
}

/* Keep the key a transform holds; true if it already held @key. */
static bool wsec_keyed_same(struct wsec_keyed *k, const u8 *key,
			    unsigned int klen)
{
	return k->keyed && k->klen == klen && !memcmp(k->key, key, klen);
}

static void wsec_keyed_set(struct wsec_keyed *k, const u8 *key,
			   unsigned int klen)
{
	k->keyed = true;
	k->klen = klen;
	memcpy(k->key, key, klen);
}

static int wsec_run_cipher(struct wsec_queue *wq, const struct wd_sec_job *j,
			   u8 *in, u8 *out)
{
	struct wsec_keyed *k = &wq->cipher[wsec_cipher_index(j)];
	const u8 *key = wq->c_key;
	unsigned int klen = j->c_key_len;
	struct skcipher_request *req;
	struct sg_table src, dst;
	DECLARE_CRYPTO_WAIT(wait);
	u8 key3[24];
	int ret;

	if (!k->tfm) {
		k->tfm = crypto_alloc_skcipher(wsec_cipher_names[k - wq->cipher],
					       0, 0);
		if (IS_ERR(k->tfm)) {
			dev_warn_once(wd_queue_device(wq->q),
				      "no %s in this kernel: such BDs are refused\n",
				      wsec_cipher_names[k - wq->cipher]);
			return PTR_ERR(k->tfm);
		}
	}
	if (IS_ERR(k->tfm))
		return PTR_ERR(k->tfm);
	if (j->c_alg == HISI_SEC_C_ALG_3DES && klen == 16) {
		/* Two-key 3DES is K1 K2 K1 to the crypto API. */
		memcpy(key3, key, 16);
		memcpy(key3 + 16, key, 8);
		key = key3;
		klen = 24;
	}
	if (!wsec_keyed_same(k, key, klen)) {
		k->keyed = false;
		ret = crypto_skcipher_setkey(k->tfm, key, klen);
		if (ret)
			goto out;
		wsec_keyed_set(k, key, klen);
	}
	req = skcipher_request_alloc(k->tfm, GFP_KERNEL);
	if (!req) {
		ret = -ENOMEM;
		goto out;
	}
	ret = wsec_sg_init(&src, in, j->c_len);
	if (ret)
		goto free_req;
	ret = in == out ? 0 : wsec_sg_init(&dst, out, j->c_len);
	if (ret)
		goto free_src;
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				      CRYPTO_TFM_REQ_MAY_BACKLOG,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, src.sgl, in == out ? src.sgl : dst.sgl,
				   j->c_len, wq->iv);
	ret = crypto_wait_req(j->cipher == HISI_SEC_CIPHER_ENCRYPT ?
			      crypto_skcipher_encrypt(req) :
			      crypto_skcipher_decrypt(req), &wait);
	if (in != out)
		sg_free_table(&dst);
free_src:
	sg_free_table(&src);
free_req:
	skcipher_request_free(req);
out:
	memzero_explicit(key3, sizeof(key3));
	return ret;
}

static int wsec_run_auth(struct wsec_queue *wq, const struct wd_sec_job *j,
			 const u8 *data)
{
	struct wsec_keyed *k = &wq->auth[j->a_alg];
	const char *name = wsec_auth_names[j->a_alg];
	unsigned int klen = j->a_key_len;
	int ret;

	if (!name)
		return -EINVAL;
	if (!k->tfm) {
		k->tfm = crypto_alloc_shash(name, 0, 0);
		if (IS_ERR(k->tfm)) {
			dev_warn_once(wd_queue_device(wq->q),
				      "no %s in this kernel: such BDs are refused\n",
				      name);
			return PTR_ERR(k->tfm);
		}
	}
	if (IS_ERR(k->tfm))
		return PTR_ERR(k->tfm);
	if (klen && !wsec_keyed_same(k, wq->a_key, klen)) {
		/* A zero-padded HMAC key gives the same MAC: BD keys are words. */
		k->keyed = false;
		ret = crypto_shash_setkey(k->tfm, wq->a_key, klen);
		if (ret)
			return ret;
		wsec_keyed_set(k, wq->a_key, klen);
	}
	if (crypto_shash_digestsize(k->tfm) > sizeof(wq->digest))
		return -EINVAL;
	return crypto_shash_tfm_digest(k->tfm, data, j->a_len, wq->digest);
}

/* ---- one BD ---- */

static bool wsec_type_takes(struct wsec_queue *wq, const struct wd_sec_job *j)
{
	switch (wq->type) {
	case WSEC_T_CIPHER:
		return j->cipher && !j->auth;
	case WSEC_T_DIGEST:
		return j->auth && !j->cipher;
	default:
		return true;
	}
}

/*
 * Run one BD; return its completion FLAG and set *icv_bad on a MAC that
 * did not verify. Every address is checked before anything is written.
 */
static unsigned int wsec_exec(struct wsec_queue *wq,
			      const struct hisi_sec_bd *bd, bool *icv_bad)
{
	unsigned int n_src = 0, n_dst = 0;
	struct wd_sec_job j;
	u8 *in, *out;
	int ret;

	*icv_bad = false;
	if (wd_sec_bd_decode(bd, &j) || !wsec_type_takes(wq, &j))
		return HISI_SEC_FLAG_BAD_BD;
	if (j.span > WSEC_MAX_SPAN || wsec_bounce_reserve(wq, j.span))
		return HISI_SEC_FLAG_BAD_BD;
	if (j.cipher && (wsec_read(wq, j.c_key, wq->c_key, j.c_key_len) ||
			 wsec_read(wq, j.iv, wq->iv, j.iv_len)))
		return HISI_SEC_FLAG_FAULT;
	if (j.auth && (wsec_read(wq, j.a_key, wq->a_key, j.a_key_len) ||
		       (j.auth == HISI_SEC_AUTH_VERIF ?
			wsec_read(wq, j.mac, wq->mac, j.mac_len) :
			wsec_writable(wq, j.mac, j.mac_len))))
		return HISI_SEC_FLAG_FAULT;

	in = wq->in;
	out = j.de ? wq->out : wq->in;
	if (j.sgl) {
		ret = wsec_sgl_resolve(wq, j.data, j.span, &n_src);
		if (!ret)
			ret = wsec_segs_rw(wq, n_src, in, 0, j.span, false);
		if (!ret && j.de)
			ret = wsec_sgl_resolve(wq, j.dst, j.span, &n_dst);
		else
			n_dst = n_src;
		if (!ret && (j.de || j.cipher))
			ret = wsec_segs_writable(wq, n_dst);
		if (ret)
			return ret == -EINVAL ? HISI_SEC_FLAG_BAD_BD :
						HISI_SEC_FLAG_FAULT;
	} else if (wsec_read(wq, j.data, in, j.span) ||
		   (j.de && wsec_writable(wq, j.dst, j.span)) ||
		   (!j.de && j.cipher &&
		    wsec_writable(wq, j.data + j.c_off, j.c_len))) {
		return HISI_SEC_FLAG_FAULT;
	}

	/* A separate destination receives the whole span. */
	if (j.de)
		memcpy(out, in, j.span);
	if (j.auth && j.auth_first && wsec_run_auth(wq, &j, in + j.a_off))
		return HISI_SEC_FLAG_BAD_BD;
	if (j.cipher && j.c_len &&
	    wsec_run_cipher(wq, &j, in + j.c_off, out + j.c_off))
		return HISI_SEC_FLAG_BAD_BD;
	if (j.auth && !j.auth_first &&
	    wsec_run_auth(wq, &j, (j.cipher ? out : in) + j.a_off))
		return HISI_SEC_FLAG_BAD_BD;

	/* Results; the checks above make a fault here a lost race. */
	if (j.sgl && j.de)
		ret = wsec_segs_rw(wq, n_dst, out, 0, j.span, true);
	else if (j.sgl && j.cipher)
		ret = wsec_segs_rw(wq, n_dst, out, j.c_off, j.c_len, true);
	else if (j.de)
		ret = wsec_write(wq, j.dst, out, j.span);
	else if (j.cipher)
		ret = wsec_write(wq, j.data + j.c_off, out + j.c_off, j.c_len);
	else
		ret = 0;
	if (ret)
		return HISI_SEC_FLAG_FAULT;
	if (j.auth == HISI_SEC_AUTH_MAC &&
	    wsec_write(wq, j.mac, wq->digest, j.mac_len))
		return HISI_SEC_FLAG_FAULT;
	if (j.auth == HISI_SEC_AUTH_VERIF)
		*icv_bad = crypto_memneq(wq->mac, wq->digest, j.mac_len);
	return HISI_SEC_FLAG_OK;
}

/* ---- the queue ---- */

static void wsec_counters(struct wsec_queue *wq)
{
	wsec_reg_set(wq, HISI_SEC_SUCCESS_BD_CNT, wq->n_ok);
	wsec_reg_set(wq, HISI_SEC_FAIL_BD_CNT, wq->n_fail);
	wsec_reg_set(wq, HISI_SEC_GET_BD_CNT, wq->n_get);
	wsec_reg_set(wq, HISI_SEC_IVLD_BD_CNT, wq->n_ivld);
}

/* Refuse or stop the queue as the hardware would: ENB cleared, counted. */
static void wsec_disable(struct wsec_queue *wq, const char *why)
{
	dev_dbg(wd_queue_device(wq->q), "queue disabled: %s\n", why);
	wq->latched = false;
	wq->n_ivld++;
	wsec_counters(wq);
	wsec_reg_set(wq, HISI_SEC_QUEUE_ENB, 0);
	wsec_reg_set(wq, HISI_SEC_Q_STATUS, 0);
}

/* QUEUE_ENB went to 1: take the depth and ring bases, or refuse them. */
static bool wsec_latch(struct wsec_queue *wq)
{
	u32 depth = (wsec_reg(wq, HISI_SEC_Q_DEPTH_CFG) & 0xfff) + 1;
	u64 cmd = (u64)wsec_reg(wq, HISI_SEC_Q_BASE_HADDR) << 32 |
		  wsec_reg(wq, HISI_SEC_Q_BASE_LADDR);
	u64 cq = (u64)wsec_reg(wq, HISI_SEC_OUTORDER_BASE_H) << 32 |
		 wsec_reg(wq, HISI_SEC_OUTORDER_BASE_L);
	u8 b;

	if (depth != HISI_SEC_DEPTH) {
		wsec_disable(wq, "depth");
		return false;
	}
	if (cmd % HISI_SEC_CMD_RING_ALIGN || cq % HISI_SEC_CQ_RING_ALIGN ||
	    wsec_read(wq, cmd, &b, 1) ||
	    wsec_read(wq, cmd + HISI_SEC_CMD_RING_SIZE - 1, &b, 1) ||
	    wsec_writable(wq, cmd, HISI_SEC_CMD_RING_SIZE) ||
	    wsec_writable(wq, cq, HISI_SEC_CQ_RING_SIZE)) {
		wsec_disable(wq, "ring base");
		return false;
	}
	wq->cmd_base = cmd;
	wq->cq_base = cq;
	wq->latched = true;
	wsec_reg_set(wq, HISI_SEC_Q_STATUS, HISI_SEC_Q_STATUS_RUN);
	return true;
}

/* Write the completion of the BD in slot @idx: DONE last, alone. */
static int wsec_complete(struct wsec_queue *wq, u32 idx,
			 const struct hisi_sec_bd *bd, unsigned int flag,
			 bool icv_bad)
{
	u64 at = wq->cmd_base + (u64)idx * HISI_SEC_BD_SIZE;
	u32 w[2];
	u8 top;

	w[0] = bd->w0 & ~(HISI_SEC_W0_FLAG_M | HISI_SEC_W0_ICV_M |
			  HISI_SEC_W0_DONE);
	w[1] = bd->w1 & ~HISI_SEC_W1_BD_INVALID;
	if (flag != HISI_SEC_FLAG_OK) {
		w[0] |= flag << HISI_SEC_W0_FLAG_S;
		w[1] |= HISI_SEC_W1_BD_INVALID;
		wq->n_ivld++;
	} else if (icv_bad) {
		w[0] |= HISI_SEC_ICV_ERROR << HISI_SEC_W0_ICV_S;
		wq->n_fail++;
	} else {
		wq->n_ok++;
	}
	w[0] = cpu_to_le32(w[0]);
	w[1] = cpu_to_le32(w[1]);
	if (wsec_write(wq, at, w, sizeof(w)))
		return -EFAULT;
	/* W0's top byte carries DONE: one byte store, after the rest. */
	smp_wmb();
	top = (le32_to_cpu(w[0]) | HISI_SEC_W0_DONE) >> 24;
	return wsec_write(wq, at + 3, &top, 1);
}

/* Append @n completion entries at OUTORDER_WR_PTR (the ring wraps). */
static int wsec_post(struct wsec_queue *wq, unsigned int n)
{
	unsigned int first = min_t(unsigned int, n, HISI_SEC_DEPTH - wq->cq_wr);
	__le16 e[WSEC_BATCH];
	unsigned int i;

	for (i = 0; i < n; i++)
		e[i] = cpu_to_le16(wq->done[i]);
	if (wsec_write(wq, wq->cq_base + wq->cq_wr * 2, e, first * 2) ||
	    wsec_write(wq, wq->cq_base, e + first, (n - first) * 2))
		return -EFAULT;
	wq->cq_wr = (wq->cq_wr + n) % HISI_SEC_DEPTH;
	return 0;
}

/* Read the BDs of slots [rd, rd + n) (not wrapping) in one access. */
static int wsec_fetch(struct wsec_queue *wq, unsigned int n)
{
	return wsec_read(wq, wq->cmd_base + (u64)wq->rd * HISI_SEC_BD_SIZE,
			 wq->bd, n * HISI_SEC_BD_SIZE);
}

static unsigned int wsec_serve(struct wd_queue *q, unsigned int budget)
{
	struct wsec_queue *wq = wd_queue_priv(q);
	unsigned int served = 0, n, i, room, flag;
	u32 wr, cq_rd;
	bool icv_bad;

	if (wsec_reg(wq, HISI_SEC_QUEUE_ENB) != 1) {
		/* Stopped: no BD is in progress here; the rings are let go. */
		if (wq->latched) {
			wq->latched = false;
			wsec_reg_set(wq, HISI_SEC_Q_STATUS, 0);
		}
		return 0;
	}
	if (!wq->latched && !wsec_latch(wq))
		return 0;
	wr = wsec_reg_acquire(wq, HISI_SEC_Q_WR_PTR);
	if (wr >= HISI_SEC_DEPTH) {
		/* A doorbell past the ring: ignored, as by the hardware. */
		wq->n_ivld++;
		wsec_counters(wq);
		wsec_reg_set(wq, HISI_SEC_Q_WR_PTR, wq->rd);
		return 0;
	}
	while (wq->rd != wr && served < budget) {
		cq_rd = wsec_reg_acquire(wq, HISI_SEC_OUTORDER_RD_PTR) %
			HISI_SEC_DEPTH;
		room = (cq_rd + HISI_SEC_DEPTH - wq->cq_wr - 1) % HISI_SEC_DEPTH;
		n = (wr + HISI_SEC_DEPTH - wq->rd) % HISI_SEC_DEPTH;
		n = min3(n, room, HISI_SEC_DEPTH - wq->rd);
		n = min3(n, (unsigned int)WSEC_BATCH, budget - served);
		if (!n)
			break;	/* completion ring full: software must reap */
		if (wsec_fetch(wq, n)) {
			wsec_disable(wq, "command ring unreadable");
			break;
		}
		for (i = 0; i < n; i++) {
			flag = wsec_exec(wq, &wq->bd[i], &icv_bad);
			if (wsec_complete(wq, wq->rd, &wq->bd[i], flag, icv_bad))
				break;
			wq->done[i] = wq->rd;
			wq->rd = (wq->rd + 1) % HISI_SEC_DEPTH;
			wq->n_get++;
		}
		if (wsec_post(wq, i)) {
			wsec_disable(wq, "completion ring unwritable");
			break;
		}
		served += i;
		/* Entries (and DONE flags) before the pointers that show them. */
		smp_wmb();
		wsec_reg_set(wq, HISI_SEC_Q_RD_PTR, wq->rd);
		wsec_reg_set(wq, HISI_SEC_OUTORDER_WR_PTR, wq->cq_wr);
		wsec_counters(wq);
		if (i < n) {
			wsec_disable(wq, "command ring unwritable");
			break;
		}
		if (wd_queue_stopping(q))
			break;
	}
	return served;
}

/* wd.ko keeps its own copy of each wd_alg: match by name. */
static enum wsec_type wsec_type_of(const struct wd_alg *alg)
{
	enum wsec_type t;

	for (t = WSEC_T_CIPHER; t < WSEC_T_CHAIN; t++)
		if (alg->name == wsec_algs[t].name)
			return t;
	return WSEC_T_CHAIN;
}

static int wsec_queue_start(struct wd_queue *q)
{
	struct wsec_queue *wq = wd_queue_priv(q);

	wq->q = q;
	wq->regs = wd_queue_regs(q);
	wq->type = wsec_type_of(wd_queue_alg(q));
	wq->latched = false;
	wq->rd = 0;
	wq->cq_wr = 0;
	wq->n_ok = 0;
	wq->n_fail = 0;
	wq->n_get = 0;
	wq->n_ivld = 0;
	if (!wq->segs)
		wq->segs = kvmalloc_array(WSEC_MAX_SGES, sizeof(*wq->segs),
					  GFP_KERNEL);
	if (!wq->segs)
		return -ENOMEM;
	/* What the hardware shows after Q_INIT: depth 512, all else 0. */
	wsec_reg_set(wq, HISI_SEC_Q_DEPTH_CFG, HISI_SEC_DEPTH - 1);
	return 0;
}

/* The engine has stopped: drop transforms, keys and buffers. */
static void wsec_queue_stop(struct wd_queue *q)
{
	struct wsec_queue *wq = wd_queue_priv(q);
	unsigned int i;

	for (i = 0; i < WSEC_C_COUNT; i++)
		wsec_keyed_free(&wq->cipher[i], true);
	for (i = 0; i < ARRAY_SIZE(wq->auth); i++)
		wsec_keyed_free(&wq->auth[i], false);
	kvfree(wq->in);
	kvfree(wq->out);
	kvfree(wq->segs);
	wq->in = NULL;
	wq->out = NULL;
	wq->segs = NULL;
	wq->bufsize = 0;
	memzero_explicit(wq->c_key, sizeof(wq->c_key));
	memzero_explicit(wq->a_key, sizeof(wq->a_key));
	memzero_explicit(wq->iv, sizeof(wq->iv));
}

static const struct wd_queue_ops wsec_queue_ops = {
	.queue_start = wsec_queue_start,
	.queue_stop = wsec_queue_stop,
	.serve = wsec_serve,
};

static struct wd_driver wsec_driver = {
	.name = WSEC_NAME,
	.device_api = HISI_SEC_API,
	.ops = &wsec_queue_ops,
	.regs_size = HISI_SEC_REGS_SIZE,
	.depth_min = HISI_SEC_DEPTH,
	.depth_max = HISI_SEC_DEPTH,
	.depth_default = HISI_SEC_DEPTH,
	.queue_priv_size = sizeof(struct wsec_queue),
};

static int __init wsec_init(void)
{
	int ret;

	if (devices < 1 || devices > 16 || queues < 1 || queues > 1024)
		return -EINVAL;
	wsec_driver.max_queues = queues;
	ret = wd_register_driver(&wsec_driver);
	if (ret)
		return ret;
	wsec_devs = kcalloc(devices, sizeof(*wsec_devs), GFP_KERNEL);
	if (!wsec_devs) {
		ret = -ENOMEM;
		goto err_drv;
	}
	for (; wsec_nr_devs < devices; wsec_nr_devs++) {
		struct wsec_dev *d = &wsec_devs[wsec_nr_devs];

		d->wdev = wd_register_dev(&wsec_driver, NULL, wsec_algs,
					  ARRAY_SIZE(wsec_algs), NUMA_NO_NODE,
					  WSEC_PRIORITY, d);
		if (IS_ERR(d->wdev)) {
			ret = PTR_ERR(d->wdev);
			goto err_devs;
		}
	}
	pr_info(WSEC_NAME ": %u SEC v1 units, %u queues each\n", devices,
		queues);
	return 0;

err_devs:
	while (wsec_nr_devs)
		wd_unregister_dev(wsec_devs[--wsec_nr_devs].wdev);
	kfree(wsec_devs);
err_drv:
	wd_unregister_driver(&wsec_driver);
	return ret;
}

static void __exit wsec_exit(void)
{
	while (wsec_nr_devs)
		wd_unregister_dev(wsec_devs[--wsec_nr_devs].wdev);
	kfree(wsec_devs);
	wd_unregister_driver(&wsec_driver);
}

module_init(wsec_init);
module_exit(wsec_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WrapDrive software SEC v1 engine (device_api hisi_sec_v1)");
MODULE_AUTHOR("WrapDrive authors");
MODULE_SOFTDEP("pre: wd");
