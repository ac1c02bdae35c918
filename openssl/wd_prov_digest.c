/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Digests (SHA-1, SHA-224, SHA-256) and HMAC over them.
 *
 * A SEC v1 auth BD hashes one whole message: there is no way to hand the
 * engine an intermediate hash state, nor to get one back. So a context
 * buffers the message until final() and then runs one BD over it. The
 * buffer is bounded by digest_max (default 1 MiB, at most the BD's 4 MiB
 * - 1): when an update would pass it, the buffered bytes go into the
 * default provider's implementation and the rest of the message follows
 * them there. Short messages (below the threshold) and the empty message
 * (a BD cannot cover zero bytes) are hashed in software as well. SHA-384
 * and SHA-512 are not in the BD's algorithm field: the provider does not
 * offer them; an HMAC over any digest the BD lacks is computed in
 * software in full.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wd_prov.h"
#include "wd_sec.h"

struct dinfo {
	const char *sw_name;
	unsigned int a_alg, hmac_alg;
	size_t dlen, blksz;
};

enum { D_SHA1, D_SHA224, D_SHA256, NB_DIGESTS };

static const struct dinfo dinfos[NB_DIGESTS] = {
	[D_SHA1] = { "SHA1", HISI_SEC_A_ALG_SHA1, HISI_SEC_A_ALG_HMAC_SHA1, 20, 64 },
	[D_SHA224] = { "SHA2-224", HISI_SEC_A_ALG_SHA224, HISI_SEC_A_ALG_HMAC_SHA224, 28, 64 },
	[D_SHA256] = { "SHA2-256", HISI_SEC_A_ALG_SHA256, HISI_SEC_A_ALG_HMAC_SHA256, 32, 64 },
};

/* The message so far, until final() or until it outgrows digest_max. */
struct msgbuf {
	uint8_t *p;
	size_t len, cap;
};

/* Append: 1 done, 0 it would pass digest_max (nothing appended), -1 ENOMEM. */
static int
msg_append(struct msgbuf *m, const void *in, size_t inl)
{
	size_t cap;
	uint8_t *p;

	if (inl == 0)
		return 1;
	if (inl > wdp.digest_max - m->len || m->len + inl > wdp.digest_max)
		return 0;
	if (m->len + inl > m->cap) {
		cap = m->cap ? m->cap : 4096;
		while (cap < m->len + inl)
			cap *= 2;
		if (cap > wdp.digest_max)
			cap = wdp.digest_max;
		p = realloc(m->p, cap);
		if (p == NULL)
			return -1;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, in, inl);
	m->len += inl;
	return 1;
}

static void
msg_free(struct msgbuf *m)
{
	if (m->p != NULL)
		OPENSSL_cleanse(m->p, m->len);
	free(m->p);
	memset(m, 0, sizeof(*m));
}

static int
msg_dup(struct msgbuf *d, const struct msgbuf *s)
{
	memset(d, 0, sizeof(*d));
	if (s->len == 0)
		return 1;
	d->p = malloc(s->cap);
	if (d->p == NULL)
		return 0;
	memcpy(d->p, s->p, s->len);
	d->len = s->len;
	d->cap = s->cap;
	return 1;
}

/* One auth BD over @p msg: 0 done, 1 no queue (use software), -1 error. */
static int
auth_bd(const struct dinfo *di, const uint8_t *key, size_t klen, const uint8_t *msg,
	size_t len, uint8_t *out)
{
	struct wdp_req r;
	struct hisi_sec_bd *bd = &r.bd;

	if (wdp_req_get(&r, len) != 0)
		return 1;
	memcpy(r.data, msg, len);
	bd->w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
	bd->w1 = (key != NULL ? di->hmac_alg : di->a_alg) << HISI_SEC_W1_A_ALG_S;
	bd->w3 = (uint32_t)(di->dlen / 4) << HISI_SEC_W3_MAC_LEN_S;
	if (key != NULL) {
		memcpy(r.hdr + WDP_OFF_AKEY, key, klen);
		bd->w3 |= (uint32_t)(klen / 4) << HISI_SEC_W3_A_KEY_LEN_S;
		wd_sec_bd_set_addr(&bd->auth_key_lo, &bd->auth_key_hi,
				   (uintptr_t)(r.hdr + WDP_OFF_AKEY));
	}
	wd_sec_bd_set_auth_len(bd, (uint32_t)len);
	wd_sec_bd_set_addr(&bd->mac_lo, &bd->mac_hi, (uintptr_t)(r.hdr + WDP_OFF_MAC));
	wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, (uintptr_t)r.data);
	if (wdp_req_run(&r, len) != 0) {
		wdp_req_put(&r);
		return -1;
	}
	memcpy(out, r.hdr + WDP_OFF_MAC, di->dlen);
	wdp_req_put(&r);
	return 0;
}

/* --- digests ------------------------------------------------------------------ */

struct dctx {
	const struct dinfo *di;
	EVP_MD *md;		/* the default provider's */
	EVP_MD_CTX *sw;		/* set once the message went to software */
	struct msgbuf m;
};

static void *
dctx_new(const struct dinfo *di)
{
	struct dctx *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->di = di;
	d->md = EVP_MD_fetch(wdp.sw_libctx, di->sw_name, NULL);
	if (d->md == NULL) {
		free(d);
		wdp_raise(WDP_R_SOFTWARE, "no software %s", di->sw_name);
		return NULL;
	}
	return d;
}

static void
dctx_free(void *vctx)
{
	struct dctx *d = vctx;

	if (d == NULL)
		return;
	msg_free(&d->m);
	EVP_MD_CTX_free(d->sw);
	EVP_MD_free(d->md);
	free(d);
}

static void *
dctx_dup(void *vctx)
{
	struct dctx *s = vctx, *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->di = s->di;
	d->md = s->md;
	if (!EVP_MD_up_ref(d->md)) {
		free(d);
		return NULL;
	}
	if (!msg_dup(&d->m, &s->m) ||
	    (s->sw != NULL && ((d->sw = EVP_MD_CTX_new()) == NULL ||
			       !EVP_MD_CTX_copy_ex(d->sw, s->sw)))) {
		dctx_free(d);
		return NULL;
	}
	return d;
}

static int
dctx_init(void *vctx, const OSSL_PARAM params[])
{
	struct dctx *d = vctx;

	msg_free(&d->m);
	EVP_MD_CTX_free(d->sw);
	d->sw = NULL;
	return 1;
}

static int
dctx_update(void *vctx, const unsigned char *in, size_t inl)
{
	struct dctx *d = vctx;
	int rc;

	if (d->sw != NULL)
		return EVP_DigestUpdate(d->sw, in, inl);
	rc = msg_append(&d->m, in, inl);
	if (rc > 0)
		return 1;
	if (rc < 0)
		return 0;
	/* Past digest_max: the message continues in software. */
	d->sw = EVP_MD_CTX_new();
	if (d->sw == NULL || !EVP_DigestInit_ex2(d->sw, d->md, NULL) ||
	    !EVP_DigestUpdate(d->sw, d->m.p, d->m.len))
		return 0;
	msg_free(&d->m);
	wdp_count_sw();
	return EVP_DigestUpdate(d->sw, in, inl);
}

static int
dctx_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
	struct dctx *d = vctx;
	unsigned int n;
	int rc;

	if (outsize < d->di->dlen) {
		wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
		return 0;
	}
	if (d->sw != NULL) {
		if (!EVP_DigestFinal_ex(d->sw, out, &n))
			return 0;
		*outl = n;
		return 1;
	}
	rc = 1;
	if (d->m.len > 0 && wdp_offload(d->m.len))
		rc = auth_bd(d->di, NULL, 0, d->m.p, d->m.len, out);
	if (rc < 0)
		return 0;
	if (rc > 0) {
		if (!EVP_Digest(d->m.p, d->m.len, out, &n, d->md, NULL))
			return 0;
		wdp_count_sw();
	}
	*outl = d->di->dlen;
	msg_free(&d->m);
	return 1;
}

static const OSSL_PARAM *
digest_gettable_params(void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_BLOCK_SIZE, NULL),
		OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_SIZE, NULL),
		OSSL_PARAM_int(OSSL_DIGEST_PARAM_XOF, NULL),
		OSSL_PARAM_int(OSSL_DIGEST_PARAM_ALGID_ABSENT, NULL),
		OSSL_PARAM_END
	};

	return p;
}

static int
digest_get_params(const struct dinfo *di, OSSL_PARAM params[])
{
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_BLOCK_SIZE);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, di->blksz))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_SIZE);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, di->dlen))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_XOF);
	if (p != NULL && !OSSL_PARAM_set_int(p, 0))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_ALGID_ABSENT);
	if (p != NULL && !OSSL_PARAM_set_int(p, 1))
		return 0;
	return 1;
}

#define DIGEST_FNS(id)									\
static void *										\
id##_dnew(void *provctx)								\
{											\
	return dctx_new(&dinfos[id]);							\
}											\
static int										\
id##_dget_params(OSSL_PARAM params[])							\
{											\
	return digest_get_params(&dinfos[id], params);					\
}											\
static const OSSL_DISPATCH id##_dfns[] = {						\
	{ OSSL_FUNC_DIGEST_NEWCTX, (void (*)(void))id##_dnew },				\
	{ OSSL_FUNC_DIGEST_FREECTX, (void (*)(void))dctx_free },			\
	{ OSSL_FUNC_DIGEST_DUPCTX, (void (*)(void))dctx_dup },				\
	{ OSSL_FUNC_DIGEST_INIT, (void (*)(void))dctx_init },				\
	{ OSSL_FUNC_DIGEST_UPDATE, (void (*)(void))dctx_update },			\
	{ OSSL_FUNC_DIGEST_FINAL, (void (*)(void))dctx_final },				\
	{ OSSL_FUNC_DIGEST_GET_PARAMS, (void (*)(void))id##_dget_params },		\
	{ OSSL_FUNC_DIGEST_GETTABLE_PARAMS, (void (*)(void))digest_gettable_params },	\
	{ 0, NULL }									\
}

DIGEST_FNS(D_SHA1);
DIGEST_FNS(D_SHA224);
DIGEST_FNS(D_SHA256);

#define PROPS "provider=wd"
const OSSL_ALGORITHM wdp_digests[] = {
	{ "SHA1:SHA-1:SSL3-SHA1:1.3.14.3.2.26", PROPS, D_SHA1_dfns, NULL },
	{ "SHA2-224:SHA-224:SHA224:2.16.840.1.101.3.4.2.4", PROPS, D_SHA224_dfns, NULL },
	{ "SHA2-256:SHA-256:SHA256:2.16.840.1.101.3.4.2.1", PROPS, D_SHA256_dfns, NULL },
	{ NULL, NULL, NULL, NULL }
};

/* --- HMAC ------------------------------------------------------------------------ */

struct mctx {
	EVP_MD *md;		/* the digest, from the default provider */
	const struct dinfo *di;	/* NULL: a digest the BD lacks (software only) */
	uint8_t *key;		/* as given */
	size_t klen;
	uint8_t bdkey[64];	/* as the BD takes it: hashed if longer than a
				 * block, zero-padded to whole words */
	size_t bdklen;
	EVP_MAC *mac;		/* the default provider's HMAC */
	EVP_MAC_CTX *sw;	/* set once the message went to software */
	struct msgbuf m;
	int ready;
};

static void *
mctx_new(void *provctx)
{
	struct mctx *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->mac = EVP_MAC_fetch(wdp.sw_libctx, "HMAC", NULL);
	if (c->mac == NULL) {
		free(c);
		wdp_raise(WDP_R_SOFTWARE, "no software HMAC");
		return NULL;
	}
	return c;
}

static void
mctx_free(void *vctx)
{
	struct mctx *c = vctx;

	if (c == NULL)
		return;
	msg_free(&c->m);
	EVP_MAC_CTX_free(c->sw);
	EVP_MAC_free(c->mac);
	EVP_MD_free(c->md);
	if (c->key != NULL)
		OPENSSL_cleanse(c->key, c->klen);
	free(c->key);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void *
mctx_dup(void *vctx)
{
	struct mctx *s = vctx, *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	*c = *s;
	memset(&c->m, 0, sizeof(c->m));
	c->key = NULL;
	c->sw = NULL;
	c->md = NULL;
	c->mac = NULL;
	if (!EVP_MAC_up_ref(s->mac)) {
		mctx_free(c);
		return NULL;
	}
	c->mac = s->mac;
	if (s->md != NULL) {
		if (!EVP_MD_up_ref(s->md)) {
			mctx_free(c);
			return NULL;
		}
		c->md = s->md;
	}
	if ((s->key != NULL && (c->key = malloc(s->klen ? s->klen : 1)) == NULL) ||
	    !msg_dup(&c->m, &s->m) ||
	    (s->sw != NULL && (c->sw = EVP_MAC_CTX_dup(s->sw)) == NULL)) {
		mctx_free(c);
		return NULL;
	}
	if (s->key != NULL)
		memcpy(c->key, s->key, s->klen);
	return c;
}

static int
mctx_set_digest(struct mctx *c, const char *name)
{
	EVP_MD *md = EVP_MD_fetch(wdp.sw_libctx, name, NULL);
	int i;

	if (md == NULL) {
		wdp_raise(WDP_R_SOFTWARE, "unknown digest %s", name);
		return 0;
	}
	EVP_MD_free(c->md);
	c->md = md;
	c->di = NULL;
	for (i = 0; i < NB_DIGESTS; i++)
		if (EVP_MD_is_a(md, dinfos[i].sw_name))
			c->di = &dinfos[i];
	return 1;
}

static int
mctx_set_key(struct mctx *c, const unsigned char *key, size_t klen)
{
	unsigned int n;

	if (c->key != NULL)
		OPENSSL_cleanse(c->key, c->klen);
	free(c->key);
	c->key = malloc(klen ? klen : 1);
	if (c->key == NULL)
		return 0;
	memcpy(c->key, key, klen);
	c->klen = klen;
	/* HMAC pads a key with zeros to the block, and hashes a longer one:
	 * the BD's key (whole words, at most a block) is the same key. */
	memset(c->bdkey, 0, sizeof(c->bdkey));
	c->bdklen = 0;
	if (c->di != NULL) {
		if (klen > c->di->blksz) {
			if (!EVP_Digest(key, klen, c->bdkey, &n, c->md, NULL))
				return 0;
			c->bdklen = n;
		} else {
			memcpy(c->bdkey, key, klen);
			c->bdklen = klen;
		}
		c->bdklen = c->bdklen == 0 ? 4 : (c->bdklen + 3) / 4 * 4;
	}
	return 1;
}

static int
mctx_set_params(void *vctx, const OSSL_PARAM params[])
{
	struct mctx *c = vctx;
	const OSSL_PARAM *p;
	const char *name;
	const void *key;
	size_t klen;

	if (params == NULL)
		return 1;
	p = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_DIGEST);
	if (p != NULL) {
		if (!OSSL_PARAM_get_utf8_string_ptr(p, &name) || !mctx_set_digest(c, name))
			return 0;
		if (c->key != NULL) {
			/* the BD key depends on the digest */
			uint8_t *k = c->key;

			c->key = NULL;
			if (!mctx_set_key(c, k, c->klen)) {
				free(k);
				return 0;
			}
			OPENSSL_cleanse(k, c->klen);
			free(k);
		}
	}
	p = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_KEY);
	if (p != NULL) {
		if (!OSSL_PARAM_get_octet_string_ptr(p, &key, &klen) ||
		    c->md == NULL || !mctx_set_key(c, key, klen))
			return 0;
		c->ready = 0;
	}
	return 1;
}

/* The rest of the message in the default provider's HMAC. */
static int
mctx_to_sw(struct mctx *c)
{
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						(char *)EVP_MD_get0_name(c->md), 0);
	p[1] = OSSL_PARAM_construct_end();
	c->sw = EVP_MAC_CTX_new(c->mac);
	if (c->sw == NULL || !EVP_MAC_init(c->sw, c->key, c->klen, p) ||
	    !EVP_MAC_update(c->sw, c->m.p, c->m.len))
		return 0;
	msg_free(&c->m);
	wdp_count_sw();
	return 1;
}

static int
mctx_init(void *vctx, const unsigned char *key, size_t keylen, const OSSL_PARAM params[])
{
	struct mctx *c = vctx;

	if (!mctx_set_params(c, params))
		return 0;
	if (key != NULL && (c->md == NULL || !mctx_set_key(c, key, keylen)))
		return 0;
	if (c->md == NULL || c->key == NULL) {
		wdp_raise(WDP_R_BAD_STATE, "HMAC needs a digest and a key");
		return 0;
	}
	msg_free(&c->m);
	EVP_MAC_CTX_free(c->sw);
	c->sw = NULL;
	c->ready = 1;
	if (c->di == NULL)
		return mctx_to_sw(c);	/* the BD has no such HMAC */
	return 1;
}

static int
mctx_update(void *vctx, const unsigned char *in, size_t inl)
{
	struct mctx *c = vctx;
	int rc;

	if (!c->ready) {
		wdp_raise(WDP_R_BAD_STATE, "HMAC not initialised");
		return 0;
	}
	if (c->sw != NULL)
		return EVP_MAC_update(c->sw, in, inl);
	rc = msg_append(&c->m, in, inl);
	if (rc > 0)
		return 1;
	if (rc < 0 || !mctx_to_sw(c))
		return 0;
	return EVP_MAC_update(c->sw, in, inl);
}

static int
mctx_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
	struct mctx *c = vctx;
	size_t dlen = (size_t)EVP_MD_get_size(c->md);
	int rc = 1;

	if (!c->ready) {
		wdp_raise(WDP_R_BAD_STATE, "HMAC not initialised");
		return 0;
	}
	if (c->sw == NULL) {
		if (outsize < dlen) {
			wdp_raise(WDP_R_OUTPUT_TOO_SMALL, "%zu bytes", outsize);
			return 0;
		}
		if (c->m.len > 0 && wdp_offload(c->m.len))
			rc = auth_bd(c->di, c->bdkey, c->bdklen, c->m.p, c->m.len, out);
		if (rc < 0)
			return 0;
		if (rc == 0) {
			*outl = dlen;
			msg_free(&c->m);
			c->ready = 0;
			return 1;
		}
		if (!mctx_to_sw(c))
			return 0;
	}
	rc = EVP_MAC_final(c->sw, out, outl, outsize);
	c->ready = 0;
	return rc;
}

static const OSSL_PARAM *
mctx_gettable_params(void *vctx, void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_size_t(OSSL_MAC_PARAM_SIZE, NULL),
		OSSL_PARAM_size_t(OSSL_MAC_PARAM_BLOCK_SIZE, NULL),
		OSSL_PARAM_END
	};

	return p;
}

static int
mctx_get_params(void *vctx, OSSL_PARAM params[])
{
	struct mctx *c = vctx;
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_SIZE);
	if (p != NULL && !OSSL_PARAM_set_size_t(p, c->md ? (size_t)EVP_MD_get_size(c->md) : 0))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_BLOCK_SIZE);
	if (p != NULL &&
	    !OSSL_PARAM_set_size_t(p, c->md ? (size_t)EVP_MD_get_block_size(c->md) : 0))
		return 0;
	return 1;
}

static const OSSL_PARAM *
mctx_settable_params(void *vctx, void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_PROPERTIES, NULL, 0),
		OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, NULL, 0),
		OSSL_PARAM_END
	};

	return p;
}

static const OSSL_DISPATCH hmac_fns[] = {
	{ OSSL_FUNC_MAC_NEWCTX, (void (*)(void))mctx_new },
	{ OSSL_FUNC_MAC_DUPCTX, (void (*)(void))mctx_dup },
	{ OSSL_FUNC_MAC_FREECTX, (void (*)(void))mctx_free },
	{ OSSL_FUNC_MAC_INIT, (void (*)(void))mctx_init },
	{ OSSL_FUNC_MAC_UPDATE, (void (*)(void))mctx_update },
	{ OSSL_FUNC_MAC_FINAL, (void (*)(void))mctx_final },
	{ OSSL_FUNC_MAC_GETTABLE_CTX_PARAMS, (void (*)(void))mctx_gettable_params },
	{ OSSL_FUNC_MAC_GET_CTX_PARAMS, (void (*)(void))mctx_get_params },
	{ OSSL_FUNC_MAC_SETTABLE_CTX_PARAMS, (void (*)(void))mctx_settable_params },
	{ OSSL_FUNC_MAC_SET_CTX_PARAMS, (void (*)(void))mctx_set_params },
	{ 0, NULL }
};

const OSSL_ALGORITHM wdp_macs[] = {
	{ "HMAC", PROPS, hmac_fns, NULL },
	{ NULL, NULL, NULL, NULL }
};
