/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * sec_engine_check [DEV]: a SEC v1 engine (whatever libwd finds: the
 * in-process model with WD_EMU=hisi_sec_v1:1, wd_sec.ko through VFIO in
 * the VM) checked BD by BD against OpenSSL, through libwd's user driver:
 * every cipher and auth the BD format offers, flat and SGL, in place and
 * to a separate destination, chains both ways, MAC verification; then
 * the errors the hardware reports: types that refuse a class, bad fields,
 * unshared keys and data, a destination next to guard pages (nothing may
 * be written outside what was shared), a doorbell past the ring. Prints
 * one line per check; exits 1 if any failed.
 *
 * sec_engine_check --hold [DEV]: keep a "chain" queue busy with 16 KiB
 * AES-CBC BDs forever, printing "READY <uuid>" once BDs are in flight
 * (the kill tests SIGKILL it).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "wd.h"
#include "wd_sec.h"

#define PAGE	4096u
#define ARENA	(8u << 20)	/* shared with the device */
#define TIMEOUT_MS 20000

static int failures;
static const char *dev_name;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/* --- shared memory: one arena, bump-allocated, reset per check ------------- */

static uint8_t *arena;
static size_t arena_used;

static void *
dalloc(size_t size, size_t align)
{
	size_t at = (arena_used + align - 1) / align * align;

	if (at + size > ARENA) {
		fprintf(stderr, "arena exhausted\n");
		exit(2);
	}
	arena_used = at + size;
	return arena + at;
}

static uint64_t
iova(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void
rnd(void *p, size_t n)
{
	if (n != 0 && RAND_bytes(p, (int)n) != 1)
		exit(2);
}

/* --- BDs --------------------------------------------------------------------- */

struct cipher_alg {
	const char *evp;	/* OpenSSL name */
	unsigned int c_alg, mode, klen_code, klen, ivlen, block;
};

static const struct cipher_alg ciphers[] = {
	{ "AES-128-CBC", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_CBC, 0, 16, 16, 16 },
	{ "AES-192-CBC", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_CBC, 1, 24, 16, 16 },
	{ "AES-256-CBC", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_CBC, 2, 32, 16, 16 },
	{ "AES-128-ECB", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_ECB, 0, 16, 0, 16 },
	{ "AES-256-ECB", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_ECB, 2, 32, 0, 16 },
	{ "AES-128-CTR", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_CTR, 0, 16, 16, 1 },
	{ "AES-256-CTR", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_CTR, 2, 32, 16, 1 },
	{ "AES-128-XTS", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_XTS, 0, 32, 16, 16 },
	{ "AES-256-XTS", HISI_SEC_C_ALG_AES, HISI_SEC_C_MODE_XTS, 2, 64, 16, 16 },
	{ "DES-EDE3-CBC", HISI_SEC_C_ALG_3DES, HISI_SEC_C_MODE_CBC,
	  HISI_SEC_KEY_LEN_3DES_3KEY, 24, 8, 8 },
	{ "DES-EDE-CBC", HISI_SEC_C_ALG_3DES, HISI_SEC_C_MODE_CBC,
	  HISI_SEC_KEY_LEN_3DES_2KEY, 16, 8, 8 },
	{ "DES-EDE3-ECB", HISI_SEC_C_ALG_3DES, HISI_SEC_C_MODE_ECB,
	  HISI_SEC_KEY_LEN_3DES_3KEY, 24, 0, 8 },
};

struct auth_alg {
	const char *md;		/* OpenSSL digest, or "CMAC" */
	unsigned int a_alg, keyed, dlen;
};

static const struct auth_alg auths[] = {
	{ "SHA1", HISI_SEC_A_ALG_SHA1, 0, 20 },
	{ "SHA224", HISI_SEC_A_ALG_SHA224, 0, 28 },
	{ "SHA256", HISI_SEC_A_ALG_SHA256, 0, 32 },
	{ "MD5", HISI_SEC_A_ALG_MD5, 0, 16 },
	{ "SHA1", HISI_SEC_A_ALG_HMAC_SHA1, 1, 20 },
	{ "SHA224", HISI_SEC_A_ALG_HMAC_SHA224, 1, 28 },
	{ "SHA256", HISI_SEC_A_ALG_HMAC_SHA256, 1, 32 },
	{ "MD5", HISI_SEC_A_ALG_HMAC_MD5, 1, 16 },
	{ "CMAC", HISI_SEC_A_ALG_AES_CMAC, 1, 16 },
};

static void
bd_cipher(struct hisi_sec_bd *bd, const struct cipher_alg *c, int enc, const void *key,
	const void *iv, uint32_t len)
{
	bd->w0 |= c->mode << HISI_SEC_W0_C_MODE_S |
		(enc ? HISI_SEC_CIPHER_ENCRYPT : HISI_SEC_CIPHER_DECRYPT) << HISI_SEC_W0_CIPHER_S;
	bd->w1 |= c->c_alg << HISI_SEC_W1_C_ALG_S;
	bd->w3 |= c->klen_code << HISI_SEC_W3_C_KEY_LEN_S;
	bd->w2 |= 1u << HISI_SEC_W2_GRAN_NUM_S;
	wd_sec_bd_set_cipher_len(bd, len);
	wd_sec_bd_set_addr(&bd->cipher_key_lo, &bd->cipher_key_hi, iova(key));
	if (iv != NULL)
		wd_sec_bd_set_addr(&bd->cipher_iv_lo, &bd->cipher_iv_hi, iova(iv));
}

static void
bd_auth(struct hisi_sec_bd *bd, const struct auth_alg *a, int verify, const void *key,
	unsigned int klen, const void *mac, unsigned int maclen, uint32_t len)
{
	bd->w0 |= (verify ? HISI_SEC_AUTH_VERIF : HISI_SEC_AUTH_MAC) << HISI_SEC_W0_AUTH_S;
	bd->w1 |= a->a_alg << HISI_SEC_W1_A_ALG_S;
	bd->w3 |= (maclen / 4) << HISI_SEC_W3_MAC_LEN_S | (klen / 4) << HISI_SEC_W3_A_KEY_LEN_S;
	wd_sec_bd_set_auth_len(bd, len);
	if (key != NULL)
		wd_sec_bd_set_addr(&bd->auth_key_lo, &bd->auth_key_hi, iova(key));
	wd_sec_bd_set_addr(&bd->mac_lo, &bd->mac_hi, iova(mac));
}

static void
bd_data(struct hisi_sec_bd *bd, const void *src, const void *dst)
{
	wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, iova(src));
	if (dst != NULL) {
		bd->w0 |= HISI_SEC_W0_DE;
		wd_sec_bd_set_addr(&bd->dst_lo, &bd->dst_hi, iova(dst));
	}
}

/* Submit one BD and wait for it; the status, or -1 on a timeout. */
static int
run(struct wd_queue *q, const struct hisi_sec_bd *bd)
{
	struct wd_sec_msg m, *r = NULL;

	memset(&m, 0, sizeof(m));
	m.bd = *bd;
	if (wd_send_sync(q, &m, TIMEOUT_MS) != 0 ||
	    wd_recv_sync(q, (void **)&r, TIMEOUT_MS) != 0 || r != &m)
		return -1;
	return (int)m.status;
}

/* --- OpenSSL's answers ------------------------------------------------------- */

static int
ref_cipher(const struct cipher_alg *c, int enc, const uint8_t *key, const uint8_t *iv,
	const uint8_t *in, uint8_t *out, int len)
{
	EVP_CIPHER *e = EVP_CIPHER_fetch(NULL, c->evp, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, ok;

	ok = e != NULL && ctx != NULL && EVP_CipherInit_ex2(ctx, e, key, iv, enc, NULL) &&
		EVP_CIPHER_CTX_set_padding(ctx, 0) &&
		EVP_CipherUpdate(ctx, out, &outl, in, len) && outl == len;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(e);
	return ok ? 0 : -1;
}

static int
ref_auth(const struct auth_alg *a, const uint8_t *key, unsigned int klen, const uint8_t *in,
	size_t len, uint8_t *out)
{
	OSSL_PARAM p[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;
	size_t outl;
	unsigned int n;
	int ok;

	if (!a->keyed)
		return EVP_Digest(in, len, out, &n, EVP_get_digestbyname(a->md), NULL) ? 0 : -1;
	mac = EVP_MAC_fetch(NULL, strcmp(a->md, "CMAC") == 0 ? "CMAC" : "HMAC", NULL);
	if (strcmp(a->md, "CMAC") == 0)
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0);
	else
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)a->md, 0);
	p[1] = OSSL_PARAM_construct_end();
	ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	ok = ctx != NULL && EVP_MAC_init(ctx, key, klen, p) && EVP_MAC_update(ctx, in, len) &&
		EVP_MAC_final(ctx, out, &outl, 64);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

/* --- conformance --------------------------------------------------------------- */

/* A buffer of @len bytes as an SGL chain of @per-byte pieces, 4 per SGL. */
static struct hisi_sec_sgl *
make_sgl(uint8_t *buf, uint32_t len, uint32_t per)
{
	struct hisi_sec_sgl *first = NULL, *prev = NULL, *s = NULL;
	uint32_t at = 0;
	unsigned int total = 0;

	while (at < len) {
		if (s == NULL || s->entry_sum_in_sgl == 4) {
			s = dalloc(sizeof(*s), 64);
			memset(s, 0, sizeof(*s));
			if (prev != NULL)
				prev->next_sgl = iova(s);
			else
				first = s;
			prev = s;
		}
		s->sge[s->entry_sum_in_sgl].buf = iova(buf + at);
		s->sge[s->entry_sum_in_sgl].len = len - at < per ? len - at : per;
		s->data_bytes_in_sgl += s->sge[s->entry_sum_in_sgl].len;
		at += s->sge[s->entry_sum_in_sgl++].len;
		total++;
	}
	first->entry_sum_in_chain = (uint16_t)total;
	return first;
}

static void
cipher_case(struct wd_queue *q, const struct cipher_alg *c, uint32_t len, int de, int sgl)
{
	uint8_t *key = dalloc(64, 64), *iv = dalloc(16, 16), *src = dalloc(len, 64);
	uint8_t *dst = de ? dalloc(len, 64) : NULL, *orig = malloc(len), *ref = malloc(len);
	uint8_t ivc[16];
	struct hisi_sec_bd bd;
	int st, enc, ok = 1;

	for (enc = 1; enc >= 0 && ok; enc--) {
		rnd(key, c->klen);
		rnd(iv, 16);
		memcpy(ivc, iv, 16);
		rnd(src, len);
		memcpy(orig, src, len);
		memset(&bd, 0, sizeof(bd));
		bd_cipher(&bd, c, enc, key, c->ivlen ? iv : NULL, len);
		if (sgl) {
			bd.w1 |= HISI_SEC_W1_ADDR_TYPE;
			bd_data(&bd, make_sgl(src, len, 1000), de ? make_sgl(dst, len, 700) : NULL);
		} else {
			bd_data(&bd, src, dst);
		}
		st = run(q, &bd);
		ok = st == WD_SEC_ST_OK &&
			ref_cipher(c, enc, key, c->ivlen ? ivc : NULL, orig, ref, (int)len) == 0 &&
			memcmp(de ? dst : src, ref, len) == 0 &&
			(!de || memcmp(src, orig, len) == 0);
		if (!ok)
			printf("  %s %s len %u: status %d\n", c->evp, enc ? "enc" : "dec", len, st);
	}
	check(ok, "%s %u B %s%s: same as OpenSSL both ways", c->evp, len,
	      de ? "to a separate destination" : "in place", sgl ? ", SGLs" : "");
	free(orig);
	free(ref);
}

static void
auth_case(struct wd_queue *q, const struct auth_alg *a, uint32_t len, int sgl)
{
	unsigned int klen = a->keyed ? (a->a_alg == HISI_SEC_A_ALG_AES_CMAC ? 16 : 20) : 0;
	uint8_t *key = dalloc(64, 64), *src = dalloc(len ? len : 1, 64), *mac = dalloc(64, 64);
	uint8_t ref[64];
	struct hisi_sec_bd bd;
	int st, ok;

	rnd(key, klen);
	rnd(src, len);
	memset(mac, 0, 64);
	memset(&bd, 0, sizeof(bd));
	bd_auth(&bd, a, 0, a->keyed ? key : NULL, klen, mac, a->dlen / 4 * 4, len);
	if (sgl && len) {
		bd.w1 |= HISI_SEC_W1_ADDR_TYPE;
		bd_data(&bd, make_sgl(src, len, 333), NULL);
	} else {
		bd_data(&bd, src, NULL);
	}
	st = run(q, &bd);
	ok = st == WD_SEC_ST_OK && ref_auth(a, key, klen, src, len, ref) == 0 &&
		memcmp(mac, ref, a->dlen / 4 * 4) == 0;
	check(ok, "%s%s %u B%s: same as OpenSSL (status %d)", a->keyed ? "MAC " : "",
	      a->md, len, sgl ? ", SGLs" : "", st);

	/* Verify: the right MAC passes, one flipped bit fails. */
	memset(&bd, 0, sizeof(bd));
	bd_auth(&bd, a, 1, a->keyed ? key : NULL, klen, mac, a->dlen / 4 * 4, len);
	bd_data(&bd, src, NULL);
	st = run(q, &bd);
	mac[0] ^= 1;
	ok = st == WD_SEC_ST_OK && run(q, &bd) == WD_SEC_ST_AUTH_FAILED;
	check(ok, "%s%s %u B verify: right MAC ok, wrong MAC AUTH_FAILED", a->keyed ? "MAC " : "",
	      a->md, len);
}

/* Encrypt-then-MAC (ESP's order) and its inverse, offsets like ESP's. */
static void
chain_case(struct wd_queue *q, uint32_t len)
{
	const struct cipher_alg *c = &ciphers[0];
	const struct auth_alg *a = &auths[4];
	uint32_t hdr = 24, total = hdr + len;
	uint8_t *key = dalloc(16, 64), *akey = dalloc(20, 64), *iv = dalloc(16, 16);
	uint8_t *buf = dalloc(total, 64), *mac = dalloc(64, 64);
	uint8_t *plain = malloc(total), *ref = malloc(total), ivc[16], tag[64];
	struct hisi_sec_bd bd;
	int st, ok;

	rnd(key, 16);
	rnd(akey, 20);
	rnd(iv, 16);
	memcpy(ivc, iv, 16);
	rnd(buf, total);
	memcpy(plain, buf, total);
	memset(&bd, 0, sizeof(bd));
	bd_cipher(&bd, c, 1, key, iv, len);
	bd_auth(&bd, a, 0, akey, 20, mac, 12, total);
	wd_sec_bd_set_offsets(&bd, hdr, 0);
	bd_data(&bd, buf, NULL);
	st = run(q, &bd);
	memcpy(ref, plain, hdr);
	ok = st == WD_SEC_ST_OK &&
		ref_cipher(c, 1, key, ivc, plain + hdr, ref + hdr, (int)len) == 0 &&
		memcmp(buf, ref, total) == 0 && ref_auth(a, akey, 20, ref, total, tag) == 0 &&
		memcmp(mac, tag, 12) == 0;
	check(ok, "chain AES-128-CBC + HMAC-SHA1-96 %u B (MAC over header and ciphertext), "
	      "status %d", len, st);

	/* Verify, then decrypt (SEQ: auth first). */
	memset(&bd, 0, sizeof(bd));
	bd.w0 |= HISI_SEC_W0_SEQ;
	bd_cipher(&bd, c, 0, key, iv, len);
	memcpy(iv, ivc, 16);
	bd_auth(&bd, a, 1, akey, 20, mac, 12, total);
	wd_sec_bd_set_offsets(&bd, hdr, 0);
	bd_data(&bd, buf, NULL);
	st = run(q, &bd);
	ok = st == WD_SEC_ST_OK && memcmp(buf, plain, total) == 0;
	check(ok, "chain HMAC-SHA1-96 verify + AES-128-CBC decrypt %u B, status %d", len, st);
	free(plain);
	free(ref);
}

/* --- errors ---------------------------------------------------------------------- */

static void
type_cases(struct wd_queue *cq, struct wd_queue *dq)
{
	uint8_t *key = dalloc(32, 64), *buf = dalloc(64, 64), *mac = dalloc(64, 64);
	struct hisi_sec_bd c, a, ch;

	memset(&c, 0, sizeof(c));
	bd_cipher(&c, &ciphers[0], 1, key, key, 64);
	bd_data(&c, buf, NULL);
	memset(&a, 0, sizeof(a));
	bd_auth(&a, &auths[2], 0, NULL, 0, mac, 32, 64);
	bd_data(&a, buf, NULL);
	ch = c;
	bd_auth(&ch, &auths[4], 0, key, 20, mac, 12, 64);
	check(run(cq, &a) == WD_SEC_ST_BAD_BD, "an auth BD on a \"cipher\" queue: BAD_BD");
	check(run(cq, &ch) == WD_SEC_ST_BAD_BD, "a chain BD on a \"cipher\" queue: BAD_BD");
	check(run(cq, &c) == WD_SEC_ST_OK, "a cipher BD on a \"cipher\" queue: OK");
	check(run(dq, &c) == WD_SEC_ST_BAD_BD, "a cipher BD on a \"digest\" queue: BAD_BD");
	check(run(dq, &a) == WD_SEC_ST_OK, "an auth BD on a \"digest\" queue: OK");
}

/* [guard page][page shared with the device][guard page], none of it shared
 * but the middle; the device must never write a guard byte. */
static void
fault_cases(struct wd_queue *q)
{
	uint8_t *g = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uint8_t *mid = g + PAGE, *key = dalloc(32, 64), *iv = dalloc(16, 16);
	uint8_t *ok_buf = dalloc(PAGE, 64), *unshared_key = g;
	uint8_t snap[3 * PAGE];
	struct hisi_sec_bd bd;
	int st, untouched;

	if (g == MAP_FAILED || wd_mem_share(q, mid, PAGE, 0) != 0) {
		check(0, "guard pages set up");
		return;
	}
	rnd(g, 3 * PAGE);
	memcpy(snap, g, sizeof(snap));
	rnd(key, 32);

	/* Data runs 16 bytes past the shared page into the guard. */
	memset(&bd, 0, sizeof(bd));
	bd_cipher(&bd, &ciphers[0], 1, key, iv, PAGE);
	bd_data(&bd, mid + 16, NULL);
	st = run(q, &bd);
	untouched = memcmp(snap, g, sizeof(snap)) == 0;
	check(st == WD_SEC_ST_FAULT && untouched,
	      "in-place data crossing into a guard page: FAULT (%d), nothing written anywhere", st);

	/* Destination starts in the guard below. */
	memset(&bd, 0, sizeof(bd));
	bd_cipher(&bd, &ciphers[0], 1, key, iv, 64);
	bd_data(&bd, ok_buf, mid - 32);
	st = run(q, &bd);
	untouched = memcmp(snap, g, sizeof(snap)) == 0;
	check(st == WD_SEC_ST_FAULT && untouched,
	      "destination starting in a guard page: FAULT (%d), nothing written", st);

	/* MAC output in the guard above. */
	memset(&bd, 0, sizeof(bd));
	bd_auth(&bd, &auths[2], 0, NULL, 0, mid + PAGE - 8, 32, 64);
	bd_data(&bd, ok_buf, NULL);
	st = run(q, &bd);
	untouched = memcmp(snap, g, sizeof(snap)) == 0;
	check(st == WD_SEC_ST_FAULT && untouched,
	      "MAC output crossing into a guard page: FAULT (%d), nothing written", st);

	/* A key the device was never given. */
	memset(&bd, 0, sizeof(bd));
	bd_cipher(&bd, &ciphers[0], 1, unshared_key, iv, 64);
	bd_data(&bd, mid, NULL);
	st = run(q, &bd);
	check(st == WD_SEC_ST_FAULT && memcmp(snap, g, sizeof(snap)) == 0,
	      "cipher key in unshared memory: FAULT (%d), data untouched", st);

	/* An SGL entry pointing into the guard. */
	memset(&bd, 0, sizeof(bd));
	bd_cipher(&bd, &ciphers[0], 1, key, iv, 2 * 64);
	{
		struct hisi_sec_sgl *s = make_sgl(mid, 64, 64);

		s->sge[1].buf = iova(g + 64);
		s->sge[1].len = 64;
		s->entry_sum_in_sgl = 2;
		s->entry_sum_in_chain = 2;
		s->data_bytes_in_sgl = 128;
		bd.w1 |= HISI_SEC_W1_ADDR_TYPE;
		bd_data(&bd, s, NULL);
	}
	st = run(q, &bd);
	check(st == WD_SEC_ST_FAULT && memcmp(snap, g, sizeof(snap)) == 0,
	      "SGL entry in a guard page: FAULT (%d), nothing written", st);
	wd_mem_unshare(q, mid, PAGE);
	munmap(g, 3 * PAGE);
}

static void
field_cases(struct wd_queue *q)
{
	uint8_t *key = dalloc(32, 64), *buf = dalloc(256, 64), *ref = malloc(256);
	struct hisi_sec_bd bd, good;
	struct wd_sec_ring *r = wd_sec_ring(q);
	uint32_t ivld;
	int st;

	rnd(key, 32);
	memset(&good, 0, sizeof(good));
	bd_cipher(&good, &ciphers[3], 1, key, NULL, 256);
	bd_data(&good, buf, NULL);

	bd = good;
	bd.w1 |= 7u << HISI_SEC_W1_C_ALG_S;
	memcpy(ref, buf, 256);
	st = run(q, &bd);
	check(st == WD_SEC_ST_BAD_BD && memcmp(ref, buf, 256) == 0,
	      "unknown cipher algorithm code: BAD_BD (%d), nothing written", st);
	bd = good;
	wd_sec_bd_set_cipher_len(&bd, 100);
	check(run(q, &bd) == WD_SEC_ST_BAD_BD, "ECB length not a multiple of the block: BAD_BD");
	bd = good;
	bd.w0 |= HISI_SEC_C_MODE_GCM << HISI_SEC_W0_C_MODE_S;
	check(run(q, &bd) == WD_SEC_ST_BAD_BD, "GCM (not offered by SEC v1 here): BAD_BD");
	/* The last 256 bytes of what is shared, and a length running past it. */
	bd = good;
	buf = arena + ARENA - 256;
	memcpy(ref, buf, 256);
	bd_data(&bd, buf, NULL);
	wd_sec_bd_set_cipher_len(&bd, HISI_SEC_MAX_CIPHER_LEN & ~15u);
	st = run(q, &bd);
	check(st == WD_SEC_ST_FAULT && memcmp(ref, buf, 256) == 0,
	      "4 MiB cipher length over the last 256 shared bytes: FAULT (%d), nothing written",
	      st);

	/* A doorbell past the ring is ignored and counted; the queue goes on. */
	ivld = wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT);
	wd_sec_reg_write(r, HISI_SEC_Q_WR_PTR, HISI_SEC_DEPTH + 88);
	usleep(200000);
	check(wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) > ivld &&
	      wd_sec_reg_read(r, HISI_SEC_Q_WR_PTR) < HISI_SEC_DEPTH,
	      "Q_WR_PTR past the ring: ignored, IVLD_BD counted");
	wd_sec_ring_doorbell(r);
	check(run(q, &good) == WD_SEC_ST_OK, "the queue works after the bad doorbell");
	free(ref);
}

static int
open_q(struct wd_queue *q, const char *alg)
{
	struct wd_capa capa = { .alg = alg, .device_api = HISI_SEC_API, .dev = dev_name,
				.numa_node = WD_NUMA_ANY };
	int rc = wd_request_queue(q, &capa);

	if (rc != 0) {
		check(0, "request a \"%s\" queue: %s", alg, strerror(-rc));
		return rc;
	}
	if (wd_mem_share(q, arena, ARENA, 0) != 0) {
		check(0, "share the arena with the \"%s\" queue", alg);
		wd_release_queue(q);
		return -1;
	}
	return 0;
}

static void
close_q(struct wd_queue *q)
{
	wd_mem_unshare(q, arena, ARENA);
	wd_release_queue(q);
}

/* Never returns: BDs in flight until the process is killed. */
static int
hold(struct wd_queue *q)
{
	enum { N = 64, LEN = 16384 };
	static struct wd_sec_msg m[N];
	uint8_t *key = dalloc(16, 64), *iv = dalloc(16, 16);
	struct wd_sec_msg *r;
	unsigned int i;

	for (i = 0; i < N; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		bd_cipher(&m[i].bd, &ciphers[0], 1, key, iv, LEN);
		bd_data(&m[i].bd, dalloc(LEN, 64), NULL);
		if (wd_send_sync(q, &m[i], TIMEOUT_MS) != 0)
			return 1;
	}
	printf("READY %s\n", q->uuid);
	fflush(stdout);
	for (;;) {
		if (wd_recv_sync(q, (void **)&r, TIMEOUT_MS) != 0 ||
		    wd_send_sync(q, r, TIMEOUT_MS) != 0)
			return 1;
	}
}

int
main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 16, 64, 1008, 4096, 65536, 1u << 20 };
	struct wd_queue chain, cq, dq;
	unsigned int i, k;
	int holding = argc > 1 && strcmp(argv[1], "--hold") == 0;

	dev_name = argc > 1 + holding ? argv[1 + holding] : NULL;
	OSSL_PROVIDER_load(NULL, "default");
	if (!holding)
		OSSL_PROVIDER_load(NULL, "legacy");
	arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || open_q(&chain, HISI_SEC_ALG_CHAIN) != 0)
		return 1;
	if (holding)
		return hold(&chain);
	printf("engine: %s queue %s of %s\n", chain.emulated ? "emulated" : "VFIO",
	       chain.uuid, chain.dev_name);

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k += 2) {
			arena_used = 0;
			cipher_case(&chain, &ciphers[i], sizes[k] / ciphers[i].block *
				    ciphers[i].block + (ciphers[i].block == 1 ? 3 : 0),
				    (i + k) % 2, 0);
		}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		arena_used = 0;
		cipher_case(&chain, &ciphers[i % 3], sizes[i], i % 2, 1);
	}
	for (i = 0; i < sizeof(auths) / sizeof(auths[0]); i++) {
		arena_used = 0;
		auth_case(&chain, &auths[i], 1000 + i, 0);
		auth_case(&chain, &auths[i], 70000, 1);
	}
	arena_used = 0;
	chain_case(&chain, 64);
	chain_case(&chain, 2048);

	arena_used = 0;
	field_cases(&chain);
	fault_cases(&chain);

	if (open_q(&cq, HISI_SEC_ALG_CIPHER) == 0) {
		if (open_q(&dq, HISI_SEC_ALG_DIGEST) == 0) {
			arena_used = 0;
			type_cases(&cq, &dq);
			close_q(&dq);
		}
		close_q(&cq);
	}
	close_q(&chain);
	printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
