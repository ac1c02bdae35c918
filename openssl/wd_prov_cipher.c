/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Ciphers: AES-128/192/256 ECB, CBC, CTR, AES-128/256 XTS, DES-EDE3-CBC.
 *
 * The streaming logic (partial blocks, padding, the held-back last block
 * of a padded decryption, CTR's keystream position, IV chaining) is the
 * provider's own, written after OpenSSL's generic block and stream
 * ciphers so that results, output lengths and failures are the same.
 * Only whole blocks reach do_blocks(), which runs them as BDs (in slot-
 * sized chunks; an XTS data unit in one BD) or, below the threshold or
 * without a queue, in the default provider's implementation, kept keyed
 * alongside and re-synchronised with the current IV when needed.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wd_prov.h"
#include "wd_sec.h"

#define XTS_MAX_BLOCKS	(1u << 20)	/* per data unit, as OpenSSL (IEEE 1619) */

struct cipher_info {
	const char *sw_name;		/* the default provider's */
	unsigned int c_alg, c_mode, klen_code;
	size_t keylen, ivlen, blksz;	/* blksz: EVP block size (1: stream) */
	size_t bd_block;		/* unit of the engine's mode */
	unsigned int evp_mode;
	int custom_iv, rand_key;
};

struct cctx {
	const struct cipher_info *ci;
	EVP_CIPHER *swc;
	EVP_CIPHER_CTX *sw;
	int sw_init;		/* sw has been given the cipher */
	int sw_synced;		/* sw's IV and position are ours */
	int enc, pad, key_set, iv_set;
	uint8_t key[64];
	uint8_t iv[16], oiv[16];
	uint8_t buf[16];
	size_t bufsz;
	uint8_t ks[16];		/* CTR: keystream of the current block */
	unsigned int num;	/* CTR: bytes of ks used */
};

static void
ctr_add(uint8_t c[16], uint64_t n)
{
	int i;

	for (i = 15; i >= 0 && n != 0; i--) {
		n += c[i];
		c[i] = (uint8_t)n;
		n >>= 8;
	}
}

/* The IV after @p len bytes: @p last_in is the input's last block
 * (saved before an in-place operation overwrote it). */
static void
iv_advance(struct cctx *c, const uint8_t *out, const uint8_t *last_in, size_t len)
{
	const struct cipher_info *ci = c->ci;

	if (ci->c_mode == HISI_SEC_C_MODE_CBC)
		memcpy(c->iv, c->enc ? out + len - ci->ivlen : last_in, ci->ivlen);
	else if (ci->c_mode == HISI_SEC_C_MODE_CTR)
		ctr_add(c->iv, len / 16);
}

static int
has_iv(const struct cipher_info *ci)
{
	return ci->c_mode != HISI_SEC_C_MODE_ECB;
}

/* Whole blocks in software, on the default provider's context. */
static int
sw_blocks(struct cctx *c, uint8_t *out, const uint8_t *in, size_t len)
{
	uint8_t last[16];
	int outl;

	if (!c->sw_synced) {
		if (!EVP_CipherInit_ex2(c->sw, NULL, NULL, has_iv(c->ci) ? c->iv : NULL,
					c->enc, NULL))
			return 0;
		EVP_CIPHER_CTX_set_padding(c->sw, 0);
		c->sw_synced = 1;
	}
	if (len > INT_MAX) {
		wdp_raise(WDP_R_SOFTWARE, "%zu bytes in one call", len);
		return 0;
	}
	if (c->ci->c_mode == HISI_SEC_C_MODE_CBC && !c->enc)
		memcpy(last, in + len - c->ci->ivlen, c->ci->ivlen);
	if (!EVP_CipherUpdate(c->sw, out, &outl, in, (int)len) || (size_t)outl != len) {
		wdp_raise(WDP_R_SOFTWARE, "software %s failed", c->ci->sw_name);
		return 0;
	}
	iv_advance(c, out, last, len);
	wdp_count_sw();
	return 1;
}

/* One BD over @p len bytes: 0 done, 1 no queue (use software), -1 error. */
static int
bd_blocks(struct cctx *c, uint8_t *out, const uint8_t *in, size_t len)
{
	const struct cipher_info *ci = c->ci;
	struct wdp_req r;
	struct hisi_sec_bd *bd = &r.bd;
	uint8_t last[16];
	int shared = 0;

	if (wdp.mem_share) {
		/* The caller's buffers themselves (the slot for key and IV). */
		if (wdp_req_get(&r, 0) != 0)
			return 1;
		/* Separate buffers sharing a page cannot be shared apart. */
		shared = (out == in ||
			  ((uintptr_t)out + len + 4095) / 4096 <= (uintptr_t)in / 4096 ||
			  ((uintptr_t)in + len + 4095) / 4096 <= (uintptr_t)out / 4096) &&
			wdp_req_share(&r, 0, in, len) == 0 &&
			(out == in || wdp_req_share(&r, 1, out, len) == 0);
		if (!shared)
			wdp_req_put(&r);
	}
	if (!shared && wdp_req_get(&r, len) != 0)
		return 1;
	memcpy(r.hdr + WDP_OFF_KEY, c->key, ci->keylen);
	if (has_iv(ci))
		memcpy(r.hdr + WDP_OFF_IV, c->iv, 16);
	if (!shared)
		memcpy(r.data, in, len);
	if (ci->c_mode == HISI_SEC_C_MODE_CBC && !c->enc)
		memcpy(last, in + len - ci->ivlen, ci->ivlen);

	bd->w0 = ci->c_mode << HISI_SEC_W0_C_MODE_S |
		(c->enc ? HISI_SEC_CIPHER_ENCRYPT : HISI_SEC_CIPHER_DECRYPT) <<
		HISI_SEC_W0_CIPHER_S;
	bd->w1 = ci->c_alg << HISI_SEC_W1_C_ALG_S;
	bd->w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	bd->w3 = ci->klen_code << HISI_SEC_W3_C_KEY_LEN_S;
	wd_sec_bd_set_cipher_len(bd, (uint32_t)len);
	wd_sec_bd_set_addr(&bd->cipher_key_lo, &bd->cipher_key_hi,
			   (uintptr_t)(r.hdr + WDP_OFF_KEY));
	if (has_iv(ci))
		wd_sec_bd_set_addr(&bd->cipher_iv_lo, &bd->cipher_iv_hi,
				   (uintptr_t)(r.hdr + WDP_OFF_IV));
	if (shared) {
		wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, (uintptr_t)in);
		if (out != in) {
			bd->w0 |= HISI_SEC_W0_DE;
			wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi, (uintptr_t)out);
		}
	} else {
		wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, (uintptr_t)r.data);
	}
	if (wdp_req_run(&r, len) != 0) {
		wdp_req_put(&r);
		return -1;
	}
	if (!shared)
		memcpy(out, r.data, len);
	wdp_req_put(&r);
	iv_advance(c, out, last, len);
	if (ci->c_mode == HISI_SEC_C_MODE_CBC || ci->c_mode == HISI_SEC_C_MODE_CTR)
		c->sw_synced = 0;
	return 0;
}

/* @p len bytes of whole units (blocks; an XTS data unit). */
static int
do_blocks(struct cctx *c, uint8_t *out, const uint8_t *in, size_t len)
{
	size_t n;
	int rc;

	if (len == 0)
		return 1;
	if (!wdp_offload(len))
		return sw_blocks(c, out, in, len);
	if (c->ci->c_mode == HISI_SEC_C_MODE_XTS) {
		if (len > HISI_SEC_MAX_CIPHER_LEN)
			return sw_blocks(c, out, in, len);
		rc = bd_blocks(c, out, in, len);
		return rc == 0 ? 1 : rc > 0 ? sw_blocks(c, out, in, len) : 0;
	}
	while (len > 0) {
		n = len < WDP_SLOT_DATA ? len : WDP_SLOT_DATA;
		rc = bd_blocks(c, out, in, n);
		if (rc > 0)
			return sw_blocks(c, out, in, len);	/* no queue now */
		if (rc < 0)
			return 0;
		out += n;
		in += n;
		len -= n;
	}
	return 1;
}

/* --- context life ------------------------------------------------------------ */

static void *
cctx_new(const struct cipher_info *ci)
{
	struct cctx *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->ci = ci;
	c->pad = 1;
	c->swc = EVP_CIPHER_fetch(wdp.sw_libctx, ci->sw_name, NULL);
	c->sw = EVP_CIPHER_CTX_new();
	if (c->swc == NULL || c->sw == NULL) {
		EVP_CIPHER_free(c->swc);
		EVP_CIPHER_CTX_free(c->sw);
		free(c);
		wdp_raise(WDP_R_SOFTWARE, "no software %s", ci->sw_name);
		return NULL;
	}
	return c;
}

static void
cctx_free(void *vctx)
{
	struct cctx *c = vctx;

	if (c == NULL)
		return;
	EVP_CIPHER_CTX_free(c->sw);
	EVP_CIPHER_free(c->swc);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void *
cctx_dup(void *vctx)
{
	struct cctx *src = vctx, *c = malloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	*c = *src;
	c->sw = EVP_CIPHER_CTX_new();
	if (c->sw == NULL || !EVP_CIPHER_up_ref(c->swc)) {
		EVP_CIPHER_CTX_free(c->sw);
		free(c);
		return NULL;
	}
	if (src->sw_init && !EVP_CIPHER_CTX_copy(c->sw, src->sw)) {
		EVP_CIPHER_CTX_free(c->sw);
		EVP_CIPHER_free(c->swc);
		free(c);
		return NULL;
	}
	return c;
}

static int cctx_set_params(void *vctx, const OSSL_PARAM params[]);

static int
cctx_init(void *vctx, const unsigned char *key, size_t keylen, const unsigned char *iv,
	  size_t ivlen, const OSSL_PARAM params[], int enc)
{
	struct cctx *c = vctx;
	const struct cipher_info *ci = c->ci;

	if (key != NULL && keylen != ci->keylen) {
		wdp_raise(WDP_R_INVALID_KEY_LENGTH, "%zu bytes, %s takes %zu", keylen,
			  ci->sw_name, ci->keylen);
		return 0;
	}
	if (iv != NULL && has_iv(ci) && ivlen != ci->ivlen) {
		wdp_raise(WDP_R_INVALID_IV_LENGTH, "%zu bytes, %s takes %zu", ivlen,
			  ci->sw_name, ci->ivlen);
		return 0;
	}
	c->enc = enc;
	c->num = 0;
	c->bufsz = 0;
	if (iv != NULL && has_iv(ci)) {
		memcpy(c->iv, iv, ci->ivlen);
		memcpy(c->oiv, iv, ci->ivlen);
		c->iv_set = 1;
	} else if (c->iv_set && ci->c_mode == HISI_SEC_C_MODE_CBC) {
		memcpy(c->iv, c->oiv, ci->ivlen);	/* as OpenSSL: back to the start */
	}
	/* The software twin validates the key the way the default provider
	 * does (XTS: two equal halves) and is then in step with us. */
	if (!EVP_CipherInit_ex2(c->sw, c->sw_init ? NULL : c->swc, key,
				c->iv_set ? c->iv : NULL, enc, NULL))
		return 0;
	c->sw_init = 1;
	EVP_CIPHER_CTX_set_padding(c->sw, 0);
	c->sw_synced = 1;
	if (key != NULL) {
		memcpy(c->key, key, keylen);
		c->key_set = 1;
	}
	return cctx_set_params(c, params);
}

static int
cctx_einit(void *vctx, const unsigned char *key, size_t keylen, const unsigned char *iv,
	   size_t ivlen, const OSSL_PARAM params[])
{
	return cctx_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int
cctx_dinit(void *vctx, const unsigned char *key, size_t keylen, const unsigned char *iv,
	   size_t ivlen, const OSSL_PARAM params[])
{
	return cctx_init(vctx, key, keylen, iv, ivlen, params, 0);
}

/* --- the block modes (ECB, CBC): OpenSSL's generic block cipher ---------------- */

static size_t
fillblock(uint8_t *buf, size_t *bufsz, size_t blksz, const uint8_t **in, size_t *inl)
{
	size_t take = blksz - *bufsz;

	if (*inl < take)
		take = *inl;
	memcpy(buf + *bufsz, *in, take);
	*in += take;
	*inl -= take;
	*bufsz += take;
	return *inl & ~(blksz - 1);
}

static int
block_update(struct cctx *c, uint8_t *out, size_t *outl, size_t outsize, const uint8_t *in,
	     size_t inl)
{
	size_t blksz = c->ci->blksz, outlint = 0, nextblocks;

	if (inl == 0) {
		*outl = 0;
		return 1;
	}
	if (c->bufsz != 0)
		nextblocks = fillblock(c->buf, &c->bufsz, blksz, &in, &inl);
	else
		nextblocks = inl & ~(blksz - 1);
	/* Decrypting with padding, a block that ends the input is held back:
	 * it may be the last one, with the padding. */
	if (c->bufsz == blksz && (c->enc || inl > 0 || !c->pad)) {
		if (outsize < blksz) {
			wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
			return 0;
		}
		if (!do_blocks(c, out, c->buf, blksz))
			return 0;
		c->bufsz = 0;
		outlint = blksz;
		out += blksz;
	}
	if (nextblocks > 0) {
		if (!c->enc && c->pad && nextblocks == inl)
			nextblocks -= blksz;
		outlint += nextblocks;
		if (outsize < outlint) {
			wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
			return 0;
		}
	}
	if (nextblocks > 0) {
		if (!do_blocks(c, out, in, nextblocks))
			return 0;
		in += nextblocks;
		inl -= nextblocks;
	}
	if (inl != 0) {
		if (c->bufsz + inl > blksz) {
			wdp_raise(WDP_R_BAD_STATE, "trailing data");
			return 0;
		}
		memcpy(c->buf + c->bufsz, in, inl);
		c->bufsz += inl;
	}
	*outl = outlint;
	return 1;
}

static int
block_final(struct cctx *c, uint8_t *out, size_t *outl, size_t outsize)
{
	size_t blksz = c->ci->blksz, i;
	unsigned int pad;

	if (c->enc) {
		if (c->pad) {
			pad = (unsigned int)(blksz - c->bufsz);
			for (i = c->bufsz; i < blksz; i++)
				c->buf[i] = (uint8_t)pad;
			c->bufsz = blksz;
		} else if (c->bufsz == 0) {
			*outl = 0;
			return 1;
		} else if (c->bufsz != blksz) {
			wdp_raise(WDP_R_WRONG_FINAL_BLOCK_LENGTH, "%zu bytes left", c->bufsz);
			return 0;
		}
		if (outsize < blksz) {
			wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
			return 0;
		}
		if (!do_blocks(c, out, c->buf, blksz))
			return 0;
		c->bufsz = 0;
		*outl = blksz;
		return 1;
	}
	if (c->bufsz != blksz) {
		if (c->bufsz == 0 && !c->pad) {
			*outl = 0;
			return 1;
		}
		wdp_raise(WDP_R_WRONG_FINAL_BLOCK_LENGTH, "%zu bytes left", c->bufsz);
		return 0;
	}
	if (!do_blocks(c, c->buf, c->buf, blksz))
		return 0;
	if (c->pad) {
		pad = c->buf[blksz - 1];
		if (pad == 0 || pad > blksz) {
			wdp_raise(WDP_R_BAD_DECRYPT, NULL);
			return 0;
		}
		for (i = 0; i < pad; i++) {
			if (c->buf[--c->bufsz] != pad) {
				wdp_raise(WDP_R_BAD_DECRYPT, NULL);
				return 0;
			}
		}
	}
	if (outsize < c->bufsz) {
		wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
		return 0;
	}
	memcpy(out, c->buf, c->bufsz);
	*outl = c->bufsz;
	c->bufsz = 0;
	return 1;
}

/* --- the stream modes (CTR, XTS) ------------------------------------------------- */

static int
ctr_update(struct cctx *c, uint8_t *out, const uint8_t *in, size_t inl)
{
	uint8_t tmp[16], tmpo[16];
	size_t full, tail, i;

	while (c->num != 0 && inl > 0) {
		*out++ = *in++ ^ c->ks[c->num];
		c->num = (c->num + 1) % 16;
		inl--;
	}
	full = inl & ~(size_t)15;
	if (full > 0 && !do_blocks(c, out, in, full))
		return 0;
	tail = inl - full;
	if (tail > 0) {
		/* The tail's block in full: its keystream serves the next update. */
		memset(tmp, 0, sizeof(tmp));
		memcpy(tmp, in + full, tail);
		if (!do_blocks(c, tmpo, tmp, 16))
			return 0;
		memcpy(out + full, tmpo, tail);
		for (i = 0; i < 16; i++)
			c->ks[i] = tmpo[i] ^ tmp[i];
		c->num = (unsigned int)tail;
	}
	return 1;
}

static int
stream_update(struct cctx *c, uint8_t *out, size_t *outl, size_t outsize, const uint8_t *in,
	      size_t inl)
{
	if (outsize < inl) {
		wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
		return 0;
	}
	if (c->ci->c_mode == HISI_SEC_C_MODE_XTS) {
		/* Every update is one data unit under the same tweak. */
		if (!c->iv_set || inl < 16 || inl > (size_t)XTS_MAX_BLOCKS * 16) {
			wdp_raise(WDP_R_BAD_STATE, "XTS: %zu bytes (16..16 MiB, IV set)", inl);
			return 0;
		}
		if (!do_blocks(c, out, in, inl))
			return 0;
	} else if (inl > 0 && !ctr_update(c, out, in, inl)) {
		return 0;
	}
	*outl = inl;
	return 1;
}

/* --- dispatch ------------------------------------------------------------------------ */

static int
cctx_update(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
	    const unsigned char *in, size_t inl)
{
	struct cctx *c = vctx;

	if (!c->key_set || (has_iv(c->ci) && !c->iv_set)) {
		wdp_raise(WDP_R_BAD_STATE, "no key or IV");
		return 0;
	}
	if (c->ci->blksz > 1)
		return block_update(c, out, outl, outsize, in, inl);
	return stream_update(c, out, outl, outsize, in, inl);
}

static int
cctx_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
	struct cctx *c = vctx;

	if (!c->key_set) {
		wdp_raise(WDP_R_BAD_STATE, "no key");
		return 0;
	}
	if (c->ci->blksz > 1)
		return block_final(c, out, outl, outsize);
	*outl = 0;
	return 1;
}

/* EVP_Cipher(): whole blocks, no padding or buffering, as OpenSSL's. */
static int
cctx_cipher(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
	    const unsigned char *in, size_t inl)
{
	struct cctx *c = vctx;

	if (c->ci->blksz == 1)
		return cctx_update(vctx, out, outl, outsize, in, inl);
	if (outsize < inl || inl % c->ci->blksz != 0 || !c->key_set) {
		wdp_raise(WDP_R_BAD_STATE, "%zu bytes", inl);
		return 0;
	}
	if (!do_blocks(c, out, in, inl))
		return 0;
	*outl = inl;
	return 1;
}

static const OSSL_PARAM *
cctx_gettable_ctx_params(void *vctx, void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
		OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
		OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
		OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
		OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
		OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_RANDOM_KEY, NULL, 0),
		OSSL_PARAM_END
	};

	return p;
}

static int
cctx_get_params(void *vctx, OSSL_PARAM params[])
{
	struct cctx *c = vctx;
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, c->ci->keylen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, c->ci->ivlen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_PADDING);
	if (p != NULL && !OSSL_PARAM_set_uint(p, (unsigned int)c->pad))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_NUM);
	if (p != NULL && !OSSL_PARAM_set_uint(p, c->num))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IV);
	if (p != NULL && !OSSL_PARAM_set_octet_string(p, c->oiv, c->ci->ivlen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_UPDATED_IV);
	if (p != NULL && !OSSL_PARAM_set_octet_string(p, c->iv, c->ci->ivlen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_RANDOM_KEY);
	if (p != NULL) {
		/* DES keys with their parity, made by the default provider (as
		 * there, the buffer is the key's length: OpenSSL 3.0's
		 * EVP_CIPHER_CTX_rand_key() passes a size of 0) */
		if (!c->ci->rand_key || p->data_type != OSSL_PARAM_OCTET_STRING ||
		    p->data == NULL || !c->sw_init || !EVP_CIPHER_CTX_rand_key(c->sw, p->data))
			return 0;
		p->return_size = c->ci->keylen;
	}
	return 1;
}

static const OSSL_PARAM *
cctx_settable_ctx_params(void *vctx, void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
		OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
		OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
		OSSL_PARAM_END
	};

	return p;
}

static int
cctx_set_params(void *vctx, const OSSL_PARAM params[])
{
	struct cctx *c = vctx;
	const OSSL_PARAM *p;
	unsigned int u;
	size_t sz;

	if (params == NULL)
		return 1;
	p = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_PADDING);
	if (p != NULL) {
		if (!OSSL_PARAM_get_uint(p, &u))
			return 0;
		c->pad = u != 0;
	}
	p = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_NUM);
	if (p != NULL) {
		if (!OSSL_PARAM_get_uint(p, &u))
			return 0;
		c->num = u % 16;
	}
	p = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN);
	if (p != NULL) {
		if (!OSSL_PARAM_get_size_t(p, &sz))
			return 0;
		if (sz != c->ci->keylen) {
			wdp_raise(WDP_R_INVALID_KEY_LENGTH, "%zu", sz);
			return 0;
		}
	}
	return 1;
}

static const OSSL_PARAM *
cipher_gettable_params(void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_uint(OSSL_CIPHER_PARAM_MODE, NULL),
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
		OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_BLOCK_SIZE, NULL),
		OSSL_PARAM_int(OSSL_CIPHER_PARAM_AEAD, NULL),
		OSSL_PARAM_int(OSSL_CIPHER_PARAM_CUSTOM_IV, NULL),
		OSSL_PARAM_int(OSSL_CIPHER_PARAM_CTS, NULL),
		OSSL_PARAM_int(OSSL_CIPHER_PARAM_TLS1_MULTIBLOCK, NULL),
		OSSL_PARAM_int(OSSL_CIPHER_PARAM_HAS_RAND_KEY, NULL),
		OSSL_PARAM_END
	};

	return p;
}

static int
cipher_get_params(const struct cipher_info *ci, OSSL_PARAM params[])
{
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_MODE);
	if (p != NULL && !OSSL_PARAM_set_uint(p, ci->evp_mode))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, ci->keylen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, ci->ivlen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_BLOCK_SIZE);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, ci->blksz))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD);
	if (p != NULL && !OSSL_PARAM_set_int(p, 0))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CUSTOM_IV);
	if (p != NULL && !OSSL_PARAM_set_int(p, ci->custom_iv))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CTS);
	if (p != NULL && !OSSL_PARAM_set_int(p, 0))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_TLS1_MULTIBLOCK);
	if (p != NULL && !OSSL_PARAM_set_int(p, 0))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_HAS_RAND_KEY);
	if (p != NULL && !OSSL_PARAM_set_int(p, ci->rand_key))
		return 0;
	return 1;
}

/* --- the algorithms ---------------------------------------------------------------- */

#define AES(bits, MODE, mode, kl, bl)							\
	{ "AES-" #bits "-" #MODE, HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_##MODE,		\
	  HISI_SEC_KEY_LEN_AES_##bits, kl, mode == EVP_CIPH_ECB_MODE ? 0 : 16, bl, 16,	\
	  mode, mode == EVP_CIPH_XTS_MODE, 0 }

enum {
	A128ECB, A192ECB, A256ECB, A128CBC, A192CBC, A256CBC, A128CTR, A192CTR, A256CTR,
	A128XTS, A256XTS, D3CBC, NB_CIPHERS
};

static const struct cipher_info infos[NB_CIPHERS] = {
	[A128ECB] = AES(128, ECB, EVP_CIPH_ECB_MODE, 16, 16),
	[A192ECB] = AES(192, ECB, EVP_CIPH_ECB_MODE, 24, 16),
	[A256ECB] = AES(256, ECB, EVP_CIPH_ECB_MODE, 32, 16),
	[A128CBC] = AES(128, CBC, EVP_CIPH_CBC_MODE, 16, 16),
	[A192CBC] = AES(192, CBC, EVP_CIPH_CBC_MODE, 24, 16),
	[A256CBC] = AES(256, CBC, EVP_CIPH_CBC_MODE, 32, 16),
	[A128CTR] = AES(128, CTR, EVP_CIPH_CTR_MODE, 16, 1),
	[A192CTR] = AES(192, CTR, EVP_CIPH_CTR_MODE, 24, 1),
	[A256CTR] = AES(256, CTR, EVP_CIPH_CTR_MODE, 32, 1),
	[A128XTS] = AES(128, XTS, EVP_CIPH_XTS_MODE, 32, 1),
	[A256XTS] = AES(256, XTS, EVP_CIPH_XTS_MODE, 64, 1),
	[D3CBC] = { "DES-EDE3-CBC", HISI_SEC_C_ALG_3DES, HISI_SEC_C_MODE_CBC,
		    HISI_SEC_KEY_LEN_3DES_3KEY, 24, 8, 8, 8, EVP_CIPH_CBC_MODE, 0, 1 },
};

#define CIPHER_FNS(id)									\
static void *										\
id##_newctx(void *provctx)								\
{											\
	return cctx_new(&infos[id]);							\
}											\
static int										\
id##_get_params(OSSL_PARAM params[])							\
{											\
	return cipher_get_params(&infos[id], params);					\
}											\
static const OSSL_DISPATCH id##_fns[] = {						\
	{ OSSL_FUNC_CIPHER_NEWCTX, (void (*)(void))id##_newctx },			\
	{ OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))cctx_free },			\
	{ OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))cctx_dup },				\
	{ OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))cctx_einit },			\
	{ OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))cctx_dinit },			\
	{ OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))cctx_update },			\
	{ OSSL_FUNC_CIPHER_FINAL, (void (*)(void))cctx_final },				\
	{ OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))cctx_cipher },			\
	{ OSSL_FUNC_CIPHER_GET_PARAMS, (void (*)(void))id##_get_params },		\
	{ OSSL_FUNC_CIPHER_GETTABLE_PARAMS, (void (*)(void))cipher_gettable_params },	\
	{ OSSL_FUNC_CIPHER_GET_CTX_PARAMS, (void (*)(void))cctx_get_params },		\
	{ OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS,						\
	  (void (*)(void))cctx_gettable_ctx_params },					\
	{ OSSL_FUNC_CIPHER_SET_CTX_PARAMS, (void (*)(void))cctx_set_params },		\
	{ OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS,						\
	  (void (*)(void))cctx_settable_ctx_params },					\
	{ 0, NULL }									\
}

CIPHER_FNS(A128ECB);
CIPHER_FNS(A192ECB);
CIPHER_FNS(A256ECB);
CIPHER_FNS(A128CBC);
CIPHER_FNS(A192CBC);
CIPHER_FNS(A256CBC);
CIPHER_FNS(A128CTR);
CIPHER_FNS(A192CTR);
CIPHER_FNS(A256CTR);
CIPHER_FNS(A128XTS);
CIPHER_FNS(A256XTS);
CIPHER_FNS(D3CBC);

/* Names as the default provider's, so that aliases agree. */
#define PROPS "provider=wd"
const OSSL_ALGORITHM wdp_ciphers[] = {
	{ "AES-128-ECB:2.16.840.1.101.3.4.1.1", PROPS, A128ECB_fns, NULL },
	{ "AES-192-ECB:2.16.840.1.101.3.4.1.21", PROPS, A192ECB_fns, NULL },
	{ "AES-256-ECB:2.16.840.1.101.3.4.1.41", PROPS, A256ECB_fns, NULL },
	{ "AES-128-CBC:AES128:2.16.840.1.101.3.4.1.2", PROPS, A128CBC_fns, NULL },
	{ "AES-192-CBC:AES192:2.16.840.1.101.3.4.1.22", PROPS, A192CBC_fns, NULL },
	{ "AES-256-CBC:AES256:2.16.840.1.101.3.4.1.42", PROPS, A256CBC_fns, NULL },
	{ "AES-128-CTR", PROPS, A128CTR_fns, NULL },
	{ "AES-192-CTR", PROPS, A192CTR_fns, NULL },
	{ "AES-256-CTR", PROPS, A256CTR_fns, NULL },
	{ "AES-128-XTS:1.3.111.2.1619.0.1.1", PROPS, A128XTS_fns, NULL },
	{ "AES-256-XTS:1.3.111.2.1619.0.1.2", PROPS, A256XTS_fns, NULL },
	{ "DES-EDE3-CBC:DES3:1.2.840.113549.3.7", PROPS, D3CBC_fns, NULL },
	{ NULL, NULL, NULL, NULL }
};
