/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Device model of "hisi_sec_v1" (see hisi_sec_v1.h): serves the command
 * ring like the SEC engine, out of order. The rings are in the
 * application's memory: the model latches their IOVAs when QUEUE_ENB goes
 * to 1 and reaches them, like everything else, only through the IOVA
 * table (translated once per poll). Every BD is decoded and every
 * address resolved before anything is written; OpenSSL's libcrypto does
 * the math. Keyed contexts are cached per queue, so a stream of requests
 * with one session pays the key schedule once.
 *
 * Cached keys: SEC v1 has no command to forget a key and cannot know
 * about an application's sessions; the hardware reads the key from memory
 * for every BD and keeps nothing. The model's cache (raw key and keyed
 * OpenSSL context per slot, NCACHE cipher and NCACHE HMAC slots per queue)
 * therefore forgets a key (context freed, bytes cleansed) as soon as
 * - the memory the BDs took it from no longer holds it, or is no longer
 *   mapped for the device (a session cleared or freed), checked every
 *   KEY_SWEEP_NS while the queue is enabled (every time a sleeping engine
 *   looks, at most 100 ms apart, when idle);
 * - it was not used for KEY_IDLE_NS;
 * - the queue is disabled (QUEUE_ENB 0) or released.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "wd_emu.h"
#include "wd_emu_sec_mb.h"
#include "wd_private.h"
#include "wd_sec.h"
#include "wd_sec_bd.h"

#define BATCH		32
#define NCACHE		8
#define KEY_SWEEP_NS	(1000 * 1000ull)	/* check cached keys against memory */
#define KEY_IDLE_NS	(1000 * 1000 * 1000ull)	/* forget a key unused this long */
#define MAX_SGES	4096	/* per chain: bounds a looping SGL */

/* --- algorithms, fetched once ---------------------------------------------- */

enum { C_AES_ECB, C_AES_CBC, C_AES_CTR, C_AES_XTS, C_DES_ECB, C_DES_CBC, C_3DES2_ECB,
	C_3DES2_CBC, C_3DES3_ECB, C_3DES3_CBC, C_COUNT };

static struct {
	EVP_CIPHER *aes[4][3];		/* [ECB, CBC, CTR, XTS][128, 192, 256] */
	EVP_CIPHER *des[6];		/* C_DES_ECB.. in order */
	EVP_MD *md[4];			/* SHA1, SHA224, SHA256, MD5 */
	EVP_MAC *hmac;
	int ok;
} alg;

static pthread_once_t alg_once = PTHREAD_ONCE_INIT;

#define SW_DEFAULT	"provider=default"

static void
alg_init(void)
{
	static const char *const aes_modes[] = { "ECB", "CBC", "CTR", "XTS" };
	static const char *const des_names[] = { "DES-ECB", "DES-CBC", "DES-EDE-ECB",
						 "DES-EDE-CBC", "DES-EDE3-ECB", "DES-EDE3-CBC" };
	static const char *const md_names[] = { "SHA1", "SHA224", "SHA256", "MD5" };
	char name[32];
	int m, k;

	/* Single DES lives in the legacy provider; loading one provider
	 * explicitly stops the default one from loading by itself. Every
	 * fetch names its provider: the application may prefer another one
	 * (WrapDrive's OpenSSL provider "wd" offloads to this very model, and
	 * taking its implementations would send the model's work back to it). */
	/* (Whatever fails here is not the application's error: the caller's
	 * error queue is left as it was.) */
	ERR_set_mark();
	OSSL_PROVIDER_load(NULL, "default");
	if (OSSL_PROVIDER_load(NULL, "legacy") == NULL)
		WD_WARN("hisi_sec_v1 model: OpenSSL legacy provider missing: no single DES");
	for (m = 0; m < 4; m++) {
		for (k = 0; k < 3; k++) {
			if (m == 3 && k == 1)
				continue;	/* no XTS-192 */
			snprintf(name, sizeof(name), "AES-%d-%s", 128 + 64 * k, aes_modes[m]);
			alg.aes[m][k] = EVP_CIPHER_fetch(NULL, name, SW_DEFAULT);
		}
	}
	for (m = 0; m < 6; m++)
		alg.des[m] = EVP_CIPHER_fetch(NULL, des_names[m],
					      m < 2 ? "provider=legacy" : SW_DEFAULT);
	for (m = 0; m < 4; m++)
		alg.md[m] = EVP_MD_fetch(NULL, md_names[m], SW_DEFAULT);
	alg.hmac = EVP_MAC_fetch(NULL, "HMAC", SW_DEFAULT);
	ERR_pop_to_mark();
	alg.ok = alg.aes[1][0] != NULL && alg.md[0] != NULL && alg.hmac != NULL;
	if (!alg.ok)
		WD_ERR("hisi_sec_v1 model: OpenSSL algorithms unavailable");
}

static const EVP_CIPHER *
job_cipher(const struct wd_sec_job *j)
{
	int mode;

	if (j->c_alg == HISI_SEC_C_ALG_AES) {
		mode = j->c_mode == HISI_SEC_C_MODE_ECB ? 0 : j->c_mode == HISI_SEC_C_MODE_CBC ? 1 :
			j->c_mode == HISI_SEC_C_MODE_CTR ? 2 : 3;
		return alg.aes[mode][(mode == 3 ? j->c_key_len / 2 : j->c_key_len) / 8 - 2];
	}
	mode = j->c_mode == HISI_SEC_C_MODE_CBC;
	if (j->c_alg == HISI_SEC_C_ALG_DES)
		return alg.des[mode];
	return alg.des[(j->c_key_len == 16 ? 2 : 4) + mode];
}

static const EVP_MD *
job_md(unsigned int a_alg)
{
	switch (a_alg) {
	case HISI_SEC_A_ALG_SHA1:
	case HISI_SEC_A_ALG_HMAC_SHA1:
		return alg.md[0];
	case HISI_SEC_A_ALG_SHA224:
	case HISI_SEC_A_ALG_HMAC_SHA224:
		return alg.md[1];
	case HISI_SEC_A_ALG_SHA256:
	case HISI_SEC_A_ALG_HMAC_SHA256:
		return alg.md[2];
	default:
		return alg.md[3];
	}
}

/* --- per-queue state: keyed context caches and bounce buffers -------------- */

/* What a key slot's context is. */
enum { K_CIPHER, K_MAC, K_MB_AES, K_MB_HMAC };

/* A context keyed for (alg, enc, key): EVP_CIPHER_CTX, EVP_MAC_CTX, or
 * the multi-buffer library's key material (K_MB_*, SEC_MB_* bytes). */
struct key_slot {
	const void *alg;
	int enc;
	int kind;
	unsigned int klen;
	uint8_t key[64];
	void *ctx;
	unsigned int used;
	uint64_t last_ns;	/* last use */
	/* the key in the BD (for XCBC/CMAC subkey slots: their MAC key) */
	uint64_t own_iova;
	unsigned int own_len;
	uint8_t own[64];
};

/* The queue's type (algorithm class), in the order of sec_algs[]. */
enum { T_CIPHER, T_DIGEST, T_CHAIN };

struct sec_mq {
	int latched;			/* bases taken: Q_STATUS.RUN */
	uint64_t cmd_iova, cq_iova;	/* latched ring bases */
	struct key_slot ce[NCACHE];	/* cipher contexts */
	struct key_slot me[NCACHE];	/* HMAC contexts */
	unsigned int clock;
	uint64_t now_ns, sweep_ns;
	/* the BD key the current cipher or MAC runs with */
	uint64_t cur_iova;
	unsigned int cur_len;
	const uint8_t *cur_key;
	EVP_MD_CTX *mdctx;
	uint8_t *bin, *bout;
	size_t bsize;
	unsigned int c_last, m_last;	/* most recently used slots: looked at first */
	struct sec_mb *mb;		/* NULL: OpenSSL only */
	/* BDs of this poll handed to the multi-buffer library */
	struct pending {
		uint8_t tag[SEC_MB_TAG_MAX];
		uint8_t *mac;
		unsigned int mac_len;
		unsigned int auth;	/* HISI_SEC_AUTH_* */
		unsigned int flag;
		int icv_bad;
	} pend[BATCH];
};

#define FLAG_PENDING	0xffu	/* exec_bd(): completes at the poll's flush */

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* @e was used now, for the BD key the queue runs with. */
static void
slot_owner(struct sec_mq *mq, struct key_slot *e)
{
	e->used = ++mq->clock;
	e->last_ns = mq->now_ns;
	if (e->own_iova != mq->cur_iova || e->own_len != mq->cur_len ||
	    (mq->cur_len != 0 && memcmp(e->own, mq->cur_key, mq->cur_len) != 0)) {
		e->own_iova = mq->cur_iova;
		e->own_len = mq->cur_len;
		if (mq->cur_len != 0)
			memcpy(e->own, mq->cur_key, mq->cur_len);
	}
}

/* Free the slot's context and cleanse everything it knew. */
static void
slot_forget(struct key_slot *e)
{
	if (e->ctx != NULL && e->kind == K_MAC)
		EVP_MAC_CTX_free(e->ctx);
	else if (e->ctx != NULL && e->kind == K_CIPHER)
		EVP_CIPHER_CTX_free(e->ctx);
	else if (e->ctx != NULL) {
		OPENSSL_cleanse(e->ctx, e->kind == K_MB_AES ? SEC_MB_AES_KEYS : SEC_MB_HMAC_PADS);
		free(e->ctx);
	}
	OPENSSL_cleanse(e, sizeof(*e));
}

static void
keys_forget_all(struct sec_mq *mq)
{
	int i;

	for (i = 0; i < NCACHE; i++) {
		slot_forget(&mq->ce[i]);
		slot_forget(&mq->me[i]);
	}
}

/* Forget the keys whose memory changed or went away, or unused too long. */
static void
keys_sweep(const struct wd_emu_queue *eq, struct sec_mq *mq)
{
	struct key_slot *e;
	const uint8_t *p;
	int i;

	for (i = 0; i < 2 * NCACHE; i++) {
		e = i < NCACHE ? &mq->ce[i] : &mq->me[i - NCACHE];
		if (e->ctx == NULL)
			continue;
		p = e->own_len ? wd_emu_dma_ptr(eq, e->own_iova, e->own_len) : NULL;
		if ((e->own_len && (p == NULL || CRYPTO_memcmp(p, e->own, e->own_len) != 0)) ||
		    mq->now_ns - e->last_ns >= KEY_IDLE_NS)
			slot_forget(e);
	}
	mq->sweep_ns = mq->now_ns;
}

static int
slot_is(const struct key_slot *e, int kind, const void *alg, int enc, const uint8_t *key,
	unsigned int klen)
{
	return e->ctx != NULL && e->kind == kind && e->alg == alg && e->enc == enc &&
		e->klen == klen && memcmp(e->key, key, klen) == 0;
}

static void mb_flush(struct sec_mq *mq);

/* The slot keyed for (@kind, @alg, @enc, @key) with *hit set, or else the
 * least recently used one, for the caller to key (then slot_keyed()). The
 * most recent hit is looked at first: a stream of one session finds its
 * key with one comparison. */
static struct key_slot *
slot_find(struct sec_mq *mq, struct key_slot *slots, unsigned int *last, int kind,
	const void *alg, int enc, const uint8_t *key, unsigned int klen, int *hit)
{
	struct key_slot *e, *victim = &slots[0];
	unsigned int i;

	for (i = 0; i < NCACHE; i++) {
		e = &slots[(*last + i) % NCACHE];
		if (slot_is(e, kind, alg, enc, key, klen)) {
			*last = (unsigned int)(e - slots);
			slot_owner(mq, e);
			*hit = 1;
			return e;
		}
		if (e->used < victim->used)
			victim = e;
	}
	*hit = 0;
	/* Requests still in the multi-buffer library may use its key. */
	if (victim->ctx != NULL && victim->kind >= K_MB_AES)
		mb_flush(mq);
	if (victim->ctx != NULL && victim->kind != kind)
		slot_forget(victim);
	victim->alg = NULL;	/* until keyed */
	victim->kind = kind;
	*last = (unsigned int)(victim - slots);
	return victim;
}

static void
slot_keyed(struct sec_mq *mq, struct key_slot *e, const void *alg, int enc,
	const uint8_t *key, unsigned int klen)
{
	e->alg = alg;
	e->enc = enc;
	e->klen = klen;
	memcpy(e->key, key, klen);
	slot_owner(mq, e);
}

/* A context keyed with @key, from the cache or (re)initialised. */
static EVP_CIPHER_CTX *
cipher_ctx(struct sec_mq *mq, const EVP_CIPHER *c, int enc, const uint8_t *key,
	unsigned int klen)
{
	int hit;
	struct key_slot *e = slot_find(mq, mq->ce, &mq->c_last, K_CIPHER, c, enc, key, klen,
				       &hit);

	if (hit)
		return e->ctx;
	if (e->ctx == NULL)
		e->ctx = EVP_CIPHER_CTX_new();
	if (e->ctx == NULL || !EVP_CipherInit_ex2(e->ctx, c, key, NULL, enc, NULL))
		return NULL;
	EVP_CIPHER_CTX_set_padding(e->ctx, 0);
	slot_keyed(mq, e, c, enc, key, klen);
	return e->ctx;
}

static int
run_cipher(struct sec_mq *mq, const struct wd_sec_job *j, const uint8_t *key,
	const uint8_t *iv, const uint8_t *in, uint8_t *out)
{
	int enc = j->cipher == HISI_SEC_CIPHER_ENCRYPT;
	const EVP_CIPHER *c = job_cipher(j);
	EVP_CIPHER_CTX *ctx;
	int outl = 0;

	if (c == NULL)
		return -EINVAL;
	mq->cur_iova = j->c_key;
	mq->cur_len = j->c_key_len;
	mq->cur_key = key;
	ctx = cipher_ctx(mq, c, enc, key, j->c_key_len);
	if (ctx == NULL || !EVP_CipherInit_ex2(ctx, NULL, NULL, iv, enc, NULL) ||
	    !EVP_CipherUpdate(ctx, out, &outl, in, (int)j->c_len) || (uint32_t)outl != j->c_len)
		return -EINVAL;
	return 0;
}

/* One AES-128 block with @key (XCBC and CMAC are built on it). */
static int
aes_block(struct sec_mq *mq, const uint8_t *key, const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *ctx = cipher_ctx(mq, alg.aes[0][0], 1, key, 16);
	int outl;

	return ctx != NULL && EVP_CipherUpdate(ctx, out, &outl, in, 16) && outl == 16 ? 0 :
		-EINVAL;
}

/* CBC-MAC over @data with @k, the last block mixed with @last_key: the
 * common core of AES-XCBC-MAC (RFC 3566) and AES-CMAC (RFC 4493). */
static int
cbc_mac(struct sec_mq *mq, const uint8_t *k, const uint8_t *data, uint32_t len,
	const uint8_t full_key[16], const uint8_t part_key[16], uint8_t out[16])
{
	uint8_t x[16] = { 0 }, last[16];
	uint32_t n = len == 0 ? 1 : (len + 15) / 16, i, b, rem;

	for (i = 0; i + 1 < n; i++) {
		for (b = 0; b < 16; b++)
			x[b] ^= data[i * 16 + b];
		if (aes_block(mq, k, x, x) != 0)
			return -EINVAL;
	}
	rem = len - (n - 1) * 16;
	memset(last, 0, sizeof(last));
	memcpy(last, data + (n - 1) * 16, rem);
	if (rem < 16)
		last[rem] = 0x80;
	for (b = 0; b < 16; b++)
		x[b] ^= last[b] ^ (rem == 16 ? full_key[b] : part_key[b]);
	return aes_block(mq, k, x, out);
}

static int
aes_xcbc(struct sec_mq *mq, const uint8_t key[16], const uint8_t *data, uint32_t len,
	uint8_t out[16])
{
	uint8_t c[3][16], k[3][16];
	int i;

	for (i = 0; i < 3; i++) {
		memset(c[i], i + 1, 16);
		if (aes_block(mq, key, c[i], k[i]) != 0)
			return -EINVAL;
	}
	return cbc_mac(mq, k[0], data, len, k[1], k[2], out);
}

static void
cmac_double(const uint8_t in[16], uint8_t out[16])
{
	int i;

	for (i = 0; i < 15; i++)
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	out[15] = (uint8_t)(in[15] << 1) ^ (in[0] & 0x80 ? 0x87 : 0);
}

static int
aes_cmac(struct sec_mq *mq, const uint8_t key[16], const uint8_t *data, uint32_t len,
	uint8_t out[16])
{
	uint8_t zero[16] = { 0 }, l[16], k1[16], k2[16];

	if (aes_block(mq, key, zero, l) != 0)
		return -EINVAL;
	cmac_double(l, k1);
	cmac_double(k1, k2);
	return cbc_mac(mq, key, data, len, k1, k2, out);
}

static EVP_MAC_CTX *
hmac_ctx(struct sec_mq *mq, const EVP_MD *md, const uint8_t *key, unsigned int klen)
{
	OSSL_PARAM params[3];
	int hit;
	struct key_slot *e = slot_find(mq, mq->me, &mq->m_last, K_MAC, md, 0, key, klen, &hit);

	if (hit)
		return e->ctx;
	if (e->ctx == NULL)
		e->ctx = EVP_MAC_CTX_new(alg.hmac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)EVP_MD_get0_name(md), 0);
	/* the HMAC fetches its digest itself: from the default provider too */
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_PROPERTIES,
						     (char *)SW_DEFAULT, 0);
	params[2] = OSSL_PARAM_construct_end();
	if (e->ctx == NULL || !EVP_MAC_init(e->ctx, key, klen, params))
		return NULL;
	slot_keyed(mq, e, md, 0, key, klen);
	return e->ctx;
}

static int
run_auth(struct sec_mq *mq, const struct wd_sec_job *j, const uint8_t *key,
	const uint8_t *data, uint8_t out[64])
{
	const EVP_MD *md = job_md(j->a_alg);
	EVP_MAC_CTX *mctx;
	unsigned int n;
	size_t outl;

	mq->cur_iova = j->a_key;
	mq->cur_len = key != NULL ? j->a_key_len : 0;
	mq->cur_key = key;
	switch (j->a_alg) {
	case HISI_SEC_A_ALG_AES_XCBC:
		return aes_xcbc(mq, key, data, j->a_len, out);
	case HISI_SEC_A_ALG_AES_CMAC:
		return aes_cmac(mq, key, data, j->a_len, out);
	case HISI_SEC_A_ALG_SHA1:
	case HISI_SEC_A_ALG_SHA224:
	case HISI_SEC_A_ALG_SHA256:
	case HISI_SEC_A_ALG_MD5:
		return EVP_DigestInit_ex2(mq->mdctx, md, NULL) &&
			EVP_DigestUpdate(mq->mdctx, data, j->a_len) &&
			EVP_DigestFinal_ex(mq->mdctx, out, &n) ? 0 : -EINVAL;
	default:
		/* A zero-padded key gives the same HMAC: keys are word-sized in the BD. */
		mctx = hmac_ctx(mq, md, key, j->a_key_len);
		return mctx != NULL && EVP_MAC_init(mctx, NULL, 0, NULL) &&
			EVP_MAC_update(mctx, data, j->a_len) &&
			EVP_MAC_final(mctx, out, &outl, 64) ? 0 : -EINVAL;
	}
}

/* --- the multi-buffer fast path ---------------------------------------------- */

#define MB_MAX_LEN	32768

static const char mb_aes_alg = 'a';	/* slot identity of multi-buffer AES keys */

/* Key material of the multi-buffer library for @key, cached like a context. */
static const void *
mb_material(struct sec_mq *mq, int kind, unsigned int a_alg, const uint8_t *key,
	unsigned int klen)
{
	struct key_slot *e;
	int hit;

	if (kind == K_MB_AES)
		e = slot_find(mq, mq->ce, &mq->c_last, kind, &mb_aes_alg, 0, key, klen, &hit);
	else
		e = slot_find(mq, mq->me, &mq->m_last, kind, job_md(a_alg), 0, key, klen, &hit);
	if (hit)
		return e->ctx;
	if (e->ctx == NULL)
		e->ctx = aligned_alloc(64, kind == K_MB_AES ? SEC_MB_AES_KEYS : SEC_MB_HMAC_PADS);
	if (e->ctx == NULL)
		return NULL;
	if (kind == K_MB_AES)
		sec_mb_aes_keys(mq->mb, key, klen, e->ctx);
	else
		sec_mb_hmac_pads(mq->mb, a_alg, key, klen, e->ctx);
	slot_keyed(mq, e, kind == K_MB_AES ? (const void *)&mb_aes_alg : job_md(a_alg), 0, key,
		   klen);
	return e->ctx;
}

/* A request the library finished: its MAC written or checked. */
static void
mb_done(void *arg, uint32_t pos, int ok)
{
	struct sec_mq *mq = arg;
	struct pending *p = &mq->pend[pos];

	p->flag = ok ? HISI_SEC_FLAG_OK : HISI_SEC_FLAG_BAD_BD;
	if (!ok)
		return;
	if (p->auth == HISI_SEC_AUTH_MAC)
		memcpy(p->mac, p->tag, p->mac_len);
	else if (p->auth == HISI_SEC_AUTH_VERIF)
		p->icv_bad = CRYPTO_memcmp(p->mac, p->tag, p->mac_len) != 0;
}

static void
mb_flush(struct sec_mq *mq)
{
	if (mq->mb != NULL)
		sec_mb_flush(mq->mb, mb_done, mq);
}

/* Whether the library runs @j: AES-CBC and/or HMAC-SHA1/SHA256 on a flat
 * buffer, whole blocks, lengths its lanes take (16-bit counters). */
static int
mb_takes(const struct sec_mq *mq, const struct wd_sec_job *j)
{
	if (mq->mb == NULL || j->sgl || j->span == 0 || (!j->cipher && !j->auth) ||
	    j->c_len > MB_MAX_LEN || j->a_len > MB_MAX_LEN)
		return 0;
	if (j->cipher && (j->c_alg != HISI_SEC_C_ALG_AES || j->c_mode != HISI_SEC_C_MODE_CBC ||
			  !sec_mb_aes_ok(j->c_key_len) || j->iv_len != 16 || j->c_len == 0 ||
			  j->c_len % 16 != 0))
		return 0;
	return !j->auth || (sec_mb_hmac_ok(j->a_alg, j->a_key_len) &&
			    j->mac_len <= j->digest_len && j->digest_len <= SEC_MB_TAG_MAX);
}

/* Hand @j (addresses resolved, data in @buf) to the library. */
static unsigned int
mb_submit(struct sec_mq *mq, const struct wd_sec_job *j, unsigned int pos, uint8_t *buf,
	const uint8_t *c_key, const uint8_t *iv, const uint8_t *a_key, uint8_t *mac)
{
	struct pending *p = &mq->pend[pos];
	struct sec_mb_req r = {
		.encrypt = j->cipher == HISI_SEC_CIPHER_ENCRYPT,
		.key_len = j->c_key_len, .iv = iv, .c_off = j->c_off, .c_len = j->c_len,
		.a_alg = j->a_alg, .a_off = j->a_off, .a_len = j->a_len,
		.hash_first = j->auth_first, .buf = buf, .tag = p->tag, .cookie = pos,
	};

	if (j->cipher) {
		mq->cur_iova = j->c_key;
		mq->cur_len = j->c_key_len;
		mq->cur_key = c_key;
		r.aes_keys = mb_material(mq, K_MB_AES, 0, c_key, j->c_key_len);
		if (r.aes_keys == NULL)
			return HISI_SEC_FLAG_BAD_BD;
	}
	if (j->auth) {
		mq->cur_iova = j->a_key;
		mq->cur_len = j->a_key_len;
		mq->cur_key = a_key;
		r.pads = mb_material(mq, K_MB_HMAC, j->a_alg, a_key, j->a_key_len);
		if (r.pads == NULL)
			return HISI_SEC_FLAG_BAD_BD;
	}
	p->mac = mac;
	p->mac_len = j->mac_len;
	p->auth = j->auth;
	p->icv_bad = 0;
	p->flag = FLAG_PENDING;
	sec_mb_submit(mq->mb, &r, mb_done, mq);
	return FLAG_PENDING;
}

/* --- memory: flat buffers and hardware SGLs ---------------------------------- */

struct seg {
	uint8_t *p;
	uint32_t len;
};

/* Resolve an SGL chain covering @span bytes into segments. */
static int
sgl_resolve(const struct wd_emu_queue *eq, uint64_t iova, uint32_t span, struct seg **segs,
	unsigned int *nseg)
{
	static __thread struct seg buf[MAX_SGES];
	uint64_t bytes;
	uint32_t have = 0;
	unsigned int n = 0, i;

	while (have < span) {
		const struct hisi_sec_sgl *sgl;

		if (iova % 64 != 0)
			return -EINVAL;	/* the engine reads SGLs 64-byte aligned */
		sgl = wd_emu_dma_ptr(eq, iova, sizeof(*sgl));
		if (sgl == NULL)
			return -EFAULT;
		if (sgl->entry_sum_in_sgl == 0 || sgl->entry_sum_in_sgl > HISI_SEC_SGL_ENTRIES)
			return -EINVAL;
		/* the SGL's byte count must be its entries' sum */
		for (i = 0, bytes = 0; i < sgl->entry_sum_in_sgl; i++)
			bytes += sgl->sge[i].len;
		if (bytes != sgl->data_bytes_in_sgl)
			return -EINVAL;
		for (i = 0; i < sgl->entry_sum_in_sgl && have < span; i++) {
			uint32_t len = sgl->sge[i].len;

			if (n == MAX_SGES || len == 0)
				return -EINVAL;
			if (len > span - have)
				len = span - have;
			buf[n].p = wd_emu_dma_ptr(eq, sgl->sge[i].buf, len);
			if (buf[n].p == NULL)
				return -EFAULT;
			buf[n++].len = len;
			have += len;
		}
		if (have < span) {
			if (sgl->next_sgl == 0)
				return -EINVAL;	/* chain shorter than the job */
			iova = sgl->next_sgl;
		}
	}
	*segs = buf;
	*nseg = n;
	return 0;
}

static void
gather(uint8_t *to, const struct seg *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(to, s[i].p, s[i].len);
		to += s[i].len;
	}
}

/* Write @from[off, off + len) back into the segments. */
static void
scatter(const uint8_t *from, uint32_t off, uint32_t len, const struct seg *s, unsigned int n)
{
	uint32_t at = 0, a, b;
	unsigned int i;

	for (i = 0; i < n && at < off + len; at += s[i].len, i++) {
		a = off > at ? off - at : 0;
		b = off + len - at < s[i].len ? off + len - at : s[i].len;
		if (a < b)
			memcpy(s[i].p + a, from + at + a, b - a);
	}
}

static int
bounce_reserve(struct sec_mq *mq, size_t size)
{
	uint8_t *a, *b;

	if (size <= mq->bsize)
		return 0;
	a = realloc(mq->bin, size);
	if (a == NULL)
		return -ENOMEM;
	mq->bin = a;
	b = realloc(mq->bout, size);
	if (b == NULL)
		return -ENOMEM;
	mq->bout = b;
	mq->bsize = size;
	return 0;
}

/* --- one BD ------------------------------------------------------------------ */

/* Run @bd; return its completion FLAG, and set *icv_bad on a MAC mismatch;
 * or FLAG_PENDING: handed to the multi-buffer library as the poll's @pos-th
 * BD, done at the poll's flush (mq->pend[pos]). */
static unsigned int
exec_bd(const struct wd_emu_queue *eq, struct sec_mq *mq, const struct hisi_sec_bd *bd,
	unsigned int pos, int *icv_bad)
{
	const uint8_t *c_key = NULL, *iv = NULL, *a_key = NULL;
	struct seg *s_src = NULL, *s_dst = NULL;
	unsigned int n_src = 0, n_dst = 0;
	uint8_t mac[64], *mac_p = NULL, *in, *out, none[16];
	struct wd_sec_job j;
	int rc;

	*icv_bad = 0;
	if (!alg.ok || wd_sec_bd_decode(bd, &j) != 0)
		return HISI_SEC_FLAG_BAD_BD;
	/* A class the queue's type does not take. */
	if ((eq->type == T_CIPHER && j.auth) || (eq->type == T_DIGEST && j.cipher))
		return HISI_SEC_FLAG_BAD_BD;
	if (j.cipher && j.c_alg == HISI_SEC_C_ALG_DES && alg.des[0] == NULL)
		return HISI_SEC_FLAG_BAD_BD;
	/* Every address first: a fault touches nothing. */
	if (j.cipher) {
		c_key = wd_emu_dma_ptr(eq, j.c_key, j.c_key_len);
		iv = j.iv_len ? wd_emu_dma_ptr(eq, j.iv, j.iv_len) : NULL;
		if (c_key == NULL || (j.iv_len && iv == NULL))
			return HISI_SEC_FLAG_FAULT;
	}
	if (j.auth) {
		a_key = j.a_key_len ? wd_emu_dma_ptr(eq, j.a_key, j.a_key_len) : NULL;
		mac_p = wd_emu_dma_ptr(eq, j.mac, j.mac_len);
		if ((j.a_key_len && a_key == NULL) || mac_p == NULL)
			return HISI_SEC_FLAG_FAULT;
	}
	if (j.span == 0) {
		/* No data (an empty message): no data address is used. */
		in = none;
		out = none;
	} else if (j.sgl) {
		rc = sgl_resolve(eq, j.data, j.span, &s_src, &n_src);
		if (rc == 0 && bounce_reserve(mq, j.span) != 0)
			return HISI_SEC_FLAG_BAD_BD;
		if (rc == 0)
			gather(mq->bin, s_src, n_src);
		/* the resolver reuses its buffer: the source list ends here */
		if (rc == 0 && j.de)
			rc = sgl_resolve(eq, j.dst, j.span, &s_dst, &n_dst);
		else if (rc == 0) {
			s_dst = s_src;
			n_dst = n_src;
		}
		if (rc != 0)
			return rc == -EFAULT ? HISI_SEC_FLAG_FAULT : HISI_SEC_FLAG_BAD_BD;
		in = mq->bin;
		out = j.de ? mq->bout : mq->bin;
	} else {
		in = wd_emu_dma_ptr(eq, j.data, j.span);
		out = j.de ? wd_emu_dma_ptr(eq, j.dst, j.span) : in;
		if (in == NULL || out == NULL)
			return HISI_SEC_FLAG_FAULT;
	}
	/* A separate destination receives the whole span: what the cipher
	 * does not cover is copied, so a MAC over the output covers it too. */
	if (j.de && j.span != 0)
		memcpy(out, in, j.span);
	if (mb_takes(mq, &j))
		return mb_submit(mq, &j, pos, out, c_key, iv, a_key, mac_p);

	/* Cipher first (SEQ = 0): the MAC covers the cipher's output. */
	if (j.auth && j.auth_first && run_auth(mq, &j, a_key, in + j.a_off, mac) != 0)
		return HISI_SEC_FLAG_BAD_BD;
	if (j.cipher && j.c_len != 0 &&
	    run_cipher(mq, &j, c_key, iv, in + j.c_off, out + j.c_off) != 0)
		return HISI_SEC_FLAG_BAD_BD;
	if (j.auth && !j.auth_first &&
	    run_auth(mq, &j, a_key, (j.cipher ? out : in) + j.a_off, mac) != 0)
		return HISI_SEC_FLAG_BAD_BD;
	if (j.sgl && j.de)
		scatter(out, 0, j.span, s_dst, n_dst);
	else if (j.sgl && j.cipher)
		scatter(out, j.c_off, j.c_len, s_dst, n_dst);
	if (j.auth == HISI_SEC_AUTH_MAC)
		memcpy(mac_p, mac, j.mac_len);
	else if (j.auth == HISI_SEC_AUTH_VERIF)
		*icv_bad = memcmp(mac_p, mac, j.mac_len) != 0;
	return HISI_SEC_FLAG_OK;
}

/* --- the engine side of the queue ---------------------------------------------- */

static size_t
sec_regs_size(unsigned int depth)
{
	return HISI_SEC_REGS_SIZE;
}

static int
sec_qinit(struct wd_emu_queue *eq)
{
	struct sec_mq *mq;

	pthread_once(&alg_once, alg_init);
	mq = calloc(1, sizeof(*mq));
	if (mq == NULL)
		return -ENOMEM;
	mq->mdctx = EVP_MD_CTX_new();
	if (mq->mdctx == NULL) {
		free(mq);
		return -ENOMEM;
	}
	/* WD_EMU_SEC_CRYPTO=openssl: every BD through OpenSSL (comparisons) */
	if (getenv("WD_EMU_SEC_CRYPTO") == NULL || strcmp(getenv("WD_EMU_SEC_CRYPTO"), "openssl"))
		mq->mb = sec_mb_new();
	eq->model_priv = mq;
	/* Registers start at 0 (disabled, no rings): software programs them. */
	return 0;
}

static void
sec_qfini(struct wd_emu_queue *eq)
{
	struct sec_mq *mq = eq->model_priv;

	if (mq == NULL)
		return;
	keys_forget_all(mq);
	sec_mb_free(mq->mb);
	EVP_MD_CTX_free(mq->mdctx);
	free(mq->bin);
	free(mq->bout);
	free(mq);
	eq->model_priv = NULL;
}

static void
count(struct wd_emu_queue *eq, unsigned int reg, uint32_t n)
{
	wd_emu_reg_write(eq, reg, wd_emu_reg_read(eq, reg) + n);
}

static uint64_t
reg64(const struct wd_emu_queue *eq, unsigned int hi, unsigned int lo)
{
	return (uint64_t)wd_emu_reg_read(eq, hi) << 32 | wd_emu_reg_read(eq, lo);
}

/* Let go of the rings. @refuse: the engine stops the queue by itself (a
 * base it cannot use, a ring it can no longer reach): QUEUE_ENB cleared
 * and one IVLD_BD counted, as the hardware does. */
static void
sec_unlatch(struct wd_emu_queue *eq, struct sec_mq *mq, int refuse)
{
	mq->latched = 0;
	keys_forget_all(mq);
	if (refuse) {
		wd_emu_reg_write(eq, HISI_SEC_QUEUE_ENB, 0);
		count(eq, HISI_SEC_IVLD_BD_CNT, 1);
	}
	wd_emu_reg_write(eq, HISI_SEC_Q_STATUS, 0);
}

/* QUEUE_ENB went to 1: take the depth and the bases if they are usable. */
static int
sec_latch(struct wd_emu_queue *eq, struct sec_mq *mq)
{
	uint64_t cmd = reg64(eq, HISI_SEC_Q_BASE_HADDR, HISI_SEC_Q_BASE_LADDR);
	uint64_t cq = reg64(eq, HISI_SEC_OUTORDER_BASE_H, HISI_SEC_OUTORDER_BASE_L);

	if ((wd_emu_reg_read(eq, HISI_SEC_Q_DEPTH_CFG) & 0xfff) + 1 != HISI_SEC_DEPTH ||
	    cmd % HISI_SEC_CMD_RING_ALIGN != 0 || cq % HISI_SEC_CQ_RING_ALIGN != 0 ||
	    wd_emu_dma_ptr(eq, cmd, HISI_SEC_CMD_RING_SIZE) == NULL ||
	    wd_emu_dma_ptr(eq, cq, HISI_SEC_CQ_RING_SIZE) == NULL) {
		sec_unlatch(eq, mq, 1);
		return -EINVAL;
	}
	mq->cmd_iova = cmd;
	mq->cq_iova = cq;
	mq->latched = 1;
	wd_emu_reg_write(eq, HISI_SEC_Q_STATUS, HISI_SEC_Q_STATUS_RUN);
	return 0;
}

static unsigned int
sec_poll(struct wd_emu_queue *eq, unsigned int budget)
{
	struct sec_mq *mq = eq->model_priv;
	struct hisi_sec_bd *ring;
	uint16_t *cq;
	uint32_t rd, wr, cq_wr, cq_rd, ok = 0, fail = 0, bad = 0;
	uint32_t w0[BATCH], w1[BATCH];
	unsigned int flag[BATCH];
	int icv_bad[BATCH];
	uint16_t idx[BATCH];
	unsigned int n = 0, k;
	int reorder;

	if (wd_emu_reg_read(eq, HISI_SEC_QUEUE_ENB) != 1) {
		if (mq->latched)
			sec_unlatch(eq, mq, 0);
		return 0;
	}
	if (!mq->latched && sec_latch(eq, mq) != 0)
		return 0;
	mq->now_ns = mono_ns();
	if (mq->now_ns - mq->sweep_ns >= KEY_SWEEP_NS)
		keys_sweep(eq, mq);
	wr = wd_emu_reg_read(eq, HISI_SEC_Q_WR_PTR);
	/* the engine's own pointer, but in the shared page: never past the ring */
	rd = wd_emu_reg_read(eq, HISI_SEC_Q_RD_PTR) % HISI_SEC_DEPTH;
	if (wr == rd)
		return 0;
	if (wr >= HISI_SEC_DEPTH) {
		/* A doorbell past the ring: ignore it, as the hardware does. */
		count(eq, HISI_SEC_IVLD_BD_CNT, 1);
		wd_emu_reg_write(eq, HISI_SEC_Q_WR_PTR, rd);
		return 0;
	}
	/* The rings are application memory: reach them through the IOVA
	 * table, once per poll (the table cannot change while we poll). A
	 * ring that became unreachable stops the queue; nothing is served. */
	ring = wd_emu_dma_ptr(eq, mq->cmd_iova, HISI_SEC_CMD_RING_SIZE);
	cq = wd_emu_dma_ptr(eq, mq->cq_iova, HISI_SEC_CQ_RING_SIZE);
	if (ring == NULL || cq == NULL) {
		sec_unlatch(eq, mq, 1);
		return 0;
	}
	cq_wr = wd_emu_reg_read(eq, HISI_SEC_OUTORDER_WR_PTR) % HISI_SEC_DEPTH;
	cq_rd = wd_emu_reg_read(eq, HISI_SEC_OUTORDER_RD_PTR) % HISI_SEC_DEPTH;
	if (budget > BATCH)
		budget = BATCH;
	/* The driver wrote these BDs: their misses in parallel. */
	for (k = 0; k < budget && (rd + k) % HISI_SEC_DEPTH != wr; k++)
		__builtin_prefetch(&ring[(rd + k) % HISI_SEC_DEPTH]);
	while (rd != wr && n < budget && (cq_wr + n + 1) % HISI_SEC_DEPTH != cq_rd) {
		struct hisi_sec_bd bd = ring[rd];	/* what the driver wrote, once */
		w0[n] = bd.w0 & ~(HISI_SEC_W0_FLAG_M | HISI_SEC_W0_ICV_M | HISI_SEC_W0_DONE);
		w1[n] = bd.w1 & ~HISI_SEC_W1_BD_INVALID;
		flag[n] = exec_bd(eq, mq, &bd, n, &icv_bad[n]);
		idx[n++] = (uint16_t)rd;
		rd = (rd + 1) % HISI_SEC_DEPTH;
	}
	if (n == 0)
		return 0;
	mb_flush(mq);
	for (k = 0; k < n; k++) {
		if (flag[k] == FLAG_PENDING) {
			flag[k] = mq->pend[k].flag;
			icv_bad[k] = mq->pend[k].icv_bad;
		}
		if (flag[k] != HISI_SEC_FLAG_OK) {
			w0[k] |= flag[k] << HISI_SEC_W0_FLAG_S;
			w1[k] |= HISI_SEC_W1_BD_INVALID;
			bad++;
		} else if (icv_bad[k]) {
			w0[k] |= (uint32_t)HISI_SEC_ICV_ERROR << HISI_SEC_W0_ICV_S;
			fail++;
		} else {
			ok++;
		}
	}
	/* Complete like the hardware with reordering on: not in order. W1
	 * first, then W0 with DONE in one release store. */
	reorder = wd_emu_reg_read(eq, HISI_SEC_Q_CFG) & HISI_SEC_Q_CFG_REORDER;
	for (k = 0; k < n; k++) {
		unsigned int p = reorder ? n - 1 - k : k;
		uint16_t i = idx[p];

		ring[i].w1 = w1[p];
		__atomic_store_n(&ring[i].w0, w0[p] | HISI_SEC_W0_DONE, __ATOMIC_RELEASE);
		cq[(cq_wr + k) % HISI_SEC_DEPTH] = i;
	}
	wd_emu_reg_write(eq, HISI_SEC_OUTORDER_WR_PTR, (cq_wr + n) % HISI_SEC_DEPTH);
	wd_emu_reg_write(eq, HISI_SEC_Q_RD_PTR, rd);
	count(eq, HISI_SEC_GET_BD_CNT, n);
	count(eq, HISI_SEC_SUCCESS_BD_CNT, ok);
	count(eq, HISI_SEC_FAIL_BD_CNT, fail);
	count(eq, HISI_SEC_IVLD_BD_CNT, bad);
	return n;
}

/* The types, as the kernel engine registers them (HISI_SEC_ALG is chain). */
static const char *const sec_algs[] = {
	[T_CIPHER] = HISI_SEC_ALG_CIPHER,
	[T_DIGEST] = HISI_SEC_ALG_DIGEST,
	[T_CHAIN] = HISI_SEC_ALG_CHAIN,
	NULL
};

const struct wd_emu_model wd_emu_sec_model = {
	.device_api = HISI_SEC_API,
	.dev_prefix = "hisi_sec",
	.drv_name = "hisi_sec",
	.algs = sec_algs,
	.flags = 0,
	.queues = 16,
	.depth = HISI_SEC_DEPTH,
	.depth_min = HISI_SEC_DEPTH,
	.depth_max = HISI_SEC_DEPTH,
	.regs_size = sec_regs_size,
	.ring_size = NULL,	/* rings in the application's memory */
	.init = sec_qinit,
	.fini = sec_qfini,
	.poll = sec_poll,
};
