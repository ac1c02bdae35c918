/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The SEC model's multi-buffer fast path (see wd_emu_sec_mb.h). One
 * manager per queue: only the engine thread uses it.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hisi_sec_v1.h"
#include "wd_emu_sec_mb.h"

#ifdef WD_HAVE_IPSEC_MB

#include <intel-ipsec-mb.h>

struct sec_mb {
	IMB_MGR *mgr;
};

struct aes_keys {
	uint8_t enc[240] __attribute__((aligned(16)));
	uint8_t dec[240] __attribute__((aligned(16)));
};

struct hmac_pads {
	uint8_t ipad[64] __attribute__((aligned(16)));
	uint8_t opad[64] __attribute__((aligned(16)));
};

_Static_assert(sizeof(struct aes_keys) <= SEC_MB_AES_KEYS, "AES key material");
_Static_assert(sizeof(struct hmac_pads) <= SEC_MB_HMAC_PADS, "HMAC pads");

struct sec_mb *
sec_mb_new(void)
{
	struct sec_mb *mb = calloc(1, sizeof(*mb));

	if (mb == NULL)
		return NULL;
	mb->mgr = alloc_mb_mgr(0);
	if (mb->mgr == NULL) {
		free(mb);
		return NULL;
	}
	init_mb_mgr_auto(mb->mgr, NULL);
	return mb;
}

void
sec_mb_free(struct sec_mb *mb)
{
	if (mb == NULL)
		return;
	free_mb_mgr(mb->mgr);
	free(mb);
}

int
sec_mb_aes_ok(unsigned int key_len)
{
	return key_len == 16 || key_len == 24 || key_len == 32;
}

int
sec_mb_hmac_ok(unsigned int a_alg, unsigned int key_len)
{
	return (a_alg == HISI_SEC_A_ALG_HMAC_SHA1 || a_alg == HISI_SEC_A_ALG_HMAC_SHA256) &&
		key_len <= 64;
}

void
sec_mb_aes_keys(struct sec_mb *mb, const uint8_t *key, unsigned int key_len, void *out)
{
	struct aes_keys *k = out;

	if (key_len == 16)
		IMB_AES_KEYEXP_128(mb->mgr, key, k->enc, k->dec);
	else if (key_len == 24)
		IMB_AES_KEYEXP_192(mb->mgr, key, k->enc, k->dec);
	else
		IMB_AES_KEYEXP_256(mb->mgr, key, k->enc, k->dec);
}

void
sec_mb_hmac_pads(struct sec_mb *mb, unsigned int a_alg, const uint8_t *key,
		 unsigned int key_len, void *out)
{
	struct hmac_pads *p = out;
	uint8_t block[64];
	unsigned int i;

	/* Keys up to the block size are zero-padded (sec_mb_hmac_ok). */
	for (i = 0; i < 64; i++)
		block[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ 0x36);
	if (a_alg == HISI_SEC_A_ALG_HMAC_SHA1)
		IMB_SHA1_ONE_BLOCK(mb->mgr, block, p->ipad);
	else
		IMB_SHA256_ONE_BLOCK(mb->mgr, block, p->ipad);
	for (i = 0; i < 64; i++)
		block[i] ^= 0x36 ^ 0x5c;
	if (a_alg == HISI_SEC_A_ALG_HMAC_SHA1)
		IMB_SHA1_ONE_BLOCK(mb->mgr, block, p->opad);
	else
		IMB_SHA256_ONE_BLOCK(mb->mgr, block, p->opad);
	memset(block, 0, sizeof(block));
	__asm__ volatile("" : : "r"(block) : "memory");	/* the wipe stays */
}

static void
complete(IMB_JOB *job, sec_mb_done_t done, void *arg)
{
	if (job != NULL)
		done(arg, (uint32_t)(uintptr_t)job->user_data, job->status == IMB_STATUS_COMPLETED);
}

void
sec_mb_submit(struct sec_mb *mb, const struct sec_mb_req *r, sec_mb_done_t done, void *arg)
{
	IMB_JOB *job = IMB_GET_NEXT_JOB(mb->mgr);
	const struct aes_keys *k = r->aes_keys;
	const struct hmac_pads *p = r->pads;

	job->src = r->buf;
	job->dst = r->buf;
	job->user_data = (void *)(uintptr_t)r->cookie;
	if (k != NULL) {
		job->cipher_mode = IMB_CIPHER_CBC;
		job->cipher_direction = r->encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
		job->enc_keys = k->enc;
		job->dec_keys = k->dec;
		job->key_len_in_bytes = r->key_len;
		job->iv = r->iv;
		job->iv_len_in_bytes = 16;
		job->cipher_start_src_offset_in_bytes = r->c_off;
		job->msg_len_to_cipher_in_bytes = r->c_len;
		job->dst = r->buf + r->c_off;
	} else {
		job->cipher_mode = IMB_CIPHER_NULL;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->msg_len_to_cipher_in_bytes = 0;
		job->cipher_start_src_offset_in_bytes = 0;
	}
	if (p != NULL) {
		job->hash_alg = r->a_alg == HISI_SEC_A_ALG_HMAC_SHA1 ? IMB_AUTH_HMAC_SHA_1 :
			IMB_AUTH_HMAC_SHA_256;
		job->u.HMAC._hashed_auth_key_xor_ipad = p->ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = p->opad;
		job->hash_start_src_offset_in_bytes = r->a_off;
		job->msg_len_to_hash_in_bytes = r->a_len;
		job->auth_tag_output = r->tag;
		job->auth_tag_output_len_in_bytes = r->a_alg == HISI_SEC_A_ALG_HMAC_SHA1 ? 20 : 32;
	} else {
		job->hash_alg = IMB_AUTH_NULL;
	}
	/* With a cipher: encrypt-then-MAC, or MAC (verify) then decrypt. */
	job->chain_order = r->hash_first ? IMB_ORDER_HASH_CIPHER : IMB_ORDER_CIPHER_HASH;
	complete(IMB_SUBMIT_JOB(mb->mgr), done, arg);
}

void
sec_mb_flush(struct sec_mb *mb, sec_mb_done_t done, void *arg)
{
	IMB_JOB *job;

	while ((job = IMB_FLUSH_JOB(mb->mgr)) != NULL)
		complete(job, done, arg);
}

#else /* !WD_HAVE_IPSEC_MB: OpenSSL does everything */

struct sec_mb *
sec_mb_new(void)
{
	return NULL;
}

void
sec_mb_free(struct sec_mb *mb)
{
}

int
sec_mb_aes_ok(unsigned int key_len)
{
	return 0;
}

int
sec_mb_hmac_ok(unsigned int a_alg, unsigned int key_len)
{
	return 0;
}

void
sec_mb_aes_keys(struct sec_mb *mb, const uint8_t *key, unsigned int key_len, void *out)
{
}

void
sec_mb_hmac_pads(struct sec_mb *mb, unsigned int a_alg, const uint8_t *key,
		 unsigned int key_len, void *out)
{
}

void
sec_mb_submit(struct sec_mb *mb, const struct sec_mb_req *r, sec_mb_done_t done, void *arg)
{
	done(arg, r->cookie, 0);
}

void
sec_mb_flush(struct sec_mb *mb, sec_mb_done_t done, void *arg)
{
}

#endif
