/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0
 * Copyright(c) 2026 WrapDrive authors
 */

#include "wd_sec_bd.h"

static int
decode_cipher(const struct hisi_sec_bd *bd, struct wd_sec_job *j)
{
	unsigned int klen = (bd->w3 & HISI_SEC_W3_C_KEY_LEN_M) >> HISI_SEC_W3_C_KEY_LEN_S;

	j->c_alg = (bd->w1 & HISI_SEC_W1_C_ALG_M) >> HISI_SEC_W1_C_ALG_S;
	j->c_mode = (bd->w0 & HISI_SEC_W0_C_MODE_M) >> HISI_SEC_W0_C_MODE_S;
	switch (j->c_alg) {
	case HISI_SEC_C_ALG_AES:
		if (klen > HISI_SEC_KEY_LEN_AES_256)
			return -EINVAL;
		j->c_key_len = 16 + 8 * klen;
		j->block = 16;
		switch (j->c_mode) {
		case HISI_SEC_C_MODE_ECB:
			break;
		case HISI_SEC_C_MODE_CBC:
		case HISI_SEC_C_MODE_CTR:
			j->iv_len = 16;
			break;
		case HISI_SEC_C_MODE_XTS:
			if (klen == HISI_SEC_KEY_LEN_AES_192)
				return -EINVAL;
			j->c_key_len *= 2;
			j->iv_len = 16;
			break;
		default:
			return -EINVAL;	/* CCM, GCM: not offered */
		}
		break;
	case HISI_SEC_C_ALG_DES:
	case HISI_SEC_C_ALG_3DES:
		if (j->c_alg == HISI_SEC_C_ALG_DES && klen == HISI_SEC_KEY_LEN_DES)
			j->c_key_len = 8;
		else if (j->c_alg == HISI_SEC_C_ALG_3DES && klen == HISI_SEC_KEY_LEN_3DES_3KEY)
			j->c_key_len = 24;
		else if (j->c_alg == HISI_SEC_C_ALG_3DES && klen == HISI_SEC_KEY_LEN_3DES_2KEY)
			j->c_key_len = 16;
		else
			return -EINVAL;
		j->block = 8;
		if (j->c_mode == HISI_SEC_C_MODE_CBC)
			j->iv_len = 8;
		else if (j->c_mode != HISI_SEC_C_MODE_ECB)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* Length 0 is a cipher of nothing (e.g. the cipher part of a chain
	 * over an empty message): valid, nothing is read or written. */
	j->c_len = hisi_sec_bd_cipher_len(bd);
	if ((j->c_mode == HISI_SEC_C_MODE_ECB || j->c_mode == HISI_SEC_C_MODE_CBC) &&
	    j->c_len % j->block != 0)
		return -EINVAL;
	if (j->c_mode == HISI_SEC_C_MODE_XTS && j->c_len != 0 && j->c_len < 16)
		return -EINVAL;
	return 0;
}

static int
decode_auth(const struct hisi_sec_bd *bd, struct wd_sec_job *j)
{
	unsigned int kw = (bd->w3 & HISI_SEC_W3_A_KEY_LEN_M) >> HISI_SEC_W3_A_KEY_LEN_S;
	unsigned int mw = (bd->w3 & HISI_SEC_W3_MAC_LEN_M) >> HISI_SEC_W3_MAC_LEN_S;
	int keyed;

	j->a_alg = (bd->w1 & HISI_SEC_W1_A_ALG_M) >> HISI_SEC_W1_A_ALG_S;
	switch (j->a_alg) {
	case HISI_SEC_A_ALG_SHA1:
	case HISI_SEC_A_ALG_HMAC_SHA1:
		j->digest_len = 20;
		break;
	case HISI_SEC_A_ALG_SHA224:
	case HISI_SEC_A_ALG_HMAC_SHA224:
		j->digest_len = 28;
		break;
	case HISI_SEC_A_ALG_SHA256:
	case HISI_SEC_A_ALG_HMAC_SHA256:
		j->digest_len = 32;
		break;
	case HISI_SEC_A_ALG_MD5:
	case HISI_SEC_A_ALG_HMAC_MD5:
		j->digest_len = 16;
		break;
	case HISI_SEC_A_ALG_AES_XCBC:
	case HISI_SEC_A_ALG_AES_CMAC:
		j->digest_len = 16;
		if (kw != 4)	/* AES-128 keys */
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	keyed = j->a_alg != HISI_SEC_A_ALG_SHA1 && j->a_alg != HISI_SEC_A_ALG_SHA224 &&
		j->a_alg != HISI_SEC_A_ALG_SHA256 && j->a_alg != HISI_SEC_A_ALG_MD5;
	if (keyed && (kw == 0 || kw > 16))	/* up to the 64-byte hash block */
		return -EINVAL;
	j->a_key_len = keyed ? kw * 4 : 0;
	j->mac_len = mw * 4;
	if (j->mac_len == 0 || j->mac_len > j->digest_len)
		return -EINVAL;
	j->a_len = hisi_sec_bd_auth_len(bd);
	return 0;
}

int
wd_sec_bd_decode(const struct hisi_sec_bd *bd, struct wd_sec_job *j)
{
	uint64_t c_end, a_end;
	int rc;

	memset(j, 0, sizeof(*j));
	j->cipher = (bd->w0 & HISI_SEC_W0_CIPHER_M) >> HISI_SEC_W0_CIPHER_S;
	j->auth = (bd->w0 & HISI_SEC_W0_AUTH_M) >> HISI_SEC_W0_AUTH_S;
	if (j->cipher > HISI_SEC_CIPHER_DECRYPT || j->auth > HISI_SEC_AUTH_VERIF ||
	    (j->cipher == HISI_SEC_CIPHER_NULL && j->auth == HISI_SEC_AUTH_NULL))
		return -EINVAL;
	if ((bd->w2 >> HISI_SEC_W2_GRAN_NUM_S) > 1)
		return -EINVAL;
	if (j->cipher != HISI_SEC_CIPHER_NULL && (rc = decode_cipher(bd, j)) != 0)
		return rc;
	if (j->auth != HISI_SEC_AUTH_NULL && (rc = decode_auth(bd, j)) != 0)
		return rc;
	j->c_off = (bd->w3 & HISI_SEC_W3_CIPHER_OFF_M) >> HISI_SEC_W3_CIPHER_OFF_S;
	j->a_off = bd->w3 & HISI_SEC_W3_AUTH_OFF_M;
	c_end = j->cipher ? (uint64_t)j->c_off + j->c_len : 0;
	a_end = j->auth ? (uint64_t)j->a_off + j->a_len : 0;
	/* A span of 0 (the digest of an empty message) reads no data. */
	j->span = (uint32_t)(c_end > a_end ? c_end : a_end);
	j->auth_first = !!(bd->w0 & HISI_SEC_W0_SEQ);
	j->de = !!(bd->w0 & HISI_SEC_W0_DE);
	j->sgl = !!(bd->w1 & HISI_SEC_W1_ADDR_TYPE);
	j->c_key = hisi_sec_bd_addr(bd->cipher_key_lo, bd->cipher_key_hi);
	j->iv = hisi_sec_bd_addr(bd->cipher_iv_lo, bd->cipher_iv_hi);
	j->a_key = hisi_sec_bd_addr(bd->auth_key_lo, bd->auth_key_hi);
	j->data = hisi_sec_bd_addr(bd->data_lo, bd->data_hi);
	j->mac = hisi_sec_bd_addr(bd->mac_lo, bd->mac_hi);
	j->dst = j->de ? hisi_sec_bd_addr(bd->dst_lo, bd->dst_hi) : j->data;
	return 0;
}
