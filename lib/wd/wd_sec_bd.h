/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_SEC_BD_H_
#define _WD_SEC_BD_H_

/*
 * The device side's reading of a SEC v1 BD: every field checked and
 * turned into sizes, before any memory is touched. Pure (fuzzed by
 * test/fuzz/fuzz_sec_bd.c).
 */

#ifdef __KERNEL__
/* wd_sec.ko compiles this decoder too: one reading of a BD, two engines. */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "hisi_sec_v1.h"

#else
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "wd_sec.h"
#endif

struct wd_sec_job {
	unsigned int cipher;	/* HISI_SEC_CIPHER_* */
	unsigned int auth;	/* HISI_SEC_AUTH_* */
	unsigned int c_alg, c_mode, a_alg;
	unsigned int c_key_len;	/* bytes read at the cipher key address */
	unsigned int iv_len;	/* bytes read at the IV address (0: none) */
	unsigned int block;	/* cipher block size */
	unsigned int a_key_len;	/* bytes read at the auth key address */
	unsigned int mac_len;	/* bytes written or compared at the MAC address */
	unsigned int digest_len; /* full output of the auth algorithm */
	uint32_t c_len, a_len, c_off, a_off;
	uint32_t span;		/* source bytes the job covers */
	int auth_first;		/* W0.SEQ */
	int de;			/* separate destination */
	int sgl;		/* data and destination are SGLs */
	uint64_t c_key, iv, a_key, data, mac, dst;
};

/* 0, or -EINVAL when a field is invalid or unsupported. */
int wd_sec_bd_decode(const struct hisi_sec_bd *bd, struct wd_sec_job *job);

#endif /* _WD_SEC_BD_H_ */
