/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_EMU_SEC_MB_H_
#define _WD_EMU_SEC_MB_H_

/*
 * The SEC model's fast path: AES-CBC and HMAC-SHA1/SHA256 (alone or
 * chained) on flat buffers through Intel's multi-buffer library, the one
 * DPDK's crypto_aesni_mb uses: requests of one poll are submitted as a
 * batch and complete together. Where the library is missing (non-x86
 * builds) sec_mb_new() returns NULL and every BD takes the OpenSSL path.
 */

#include <stdint.h>

struct sec_mb;

#define SEC_MB_AES_KEYS		512	/* bytes: encrypt + decrypt key schedules */
#define SEC_MB_HMAC_PADS	128	/* bytes: the inner and outer padded-key hashes */
#define SEC_MB_TAG_MAX		32	/* the longest digest produced */

struct sec_mb_req {
	int encrypt;			/* cipher direction */
	const void *aes_keys;		/* NULL: no cipher */
	unsigned int key_len;
	const uint8_t *iv;
	uint32_t c_off, c_len;
	const void *pads;		/* NULL: no MAC */
	unsigned int a_alg;		/* HISI_SEC_A_ALG_HMAC_SHA1/SHA256 */
	uint32_t a_off, a_len;
	int hash_first;			/* MAC over the input, then the cipher */
	uint8_t *buf;			/* the data, worked on in place */
	uint8_t *tag;			/* SEC_MB_TAG_MAX bytes for the digest */
	uint32_t cookie;
};

/* Called for every finished request, in submission order. */
typedef void (*sec_mb_done_t)(void *arg, uint32_t cookie, int ok);

struct sec_mb *sec_mb_new(void);
void sec_mb_free(struct sec_mb *mb);

/* 1 if the library runs this cipher key length / MAC algorithm. */
int sec_mb_aes_ok(unsigned int key_len);
int sec_mb_hmac_ok(unsigned int a_alg, unsigned int key_len);

void sec_mb_aes_keys(struct sec_mb *mb, const uint8_t *key, unsigned int key_len, void *out);
void sec_mb_hmac_pads(struct sec_mb *mb, unsigned int a_alg, const uint8_t *key,
		      unsigned int key_len, void *out);

void sec_mb_submit(struct sec_mb *mb, const struct sec_mb_req *r, sec_mb_done_t done,
		   void *arg);
void sec_mb_flush(struct sec_mb *mb, sec_mb_done_t done, void *arg);

#endif /* _WD_EMU_SEC_MB_H_ */
