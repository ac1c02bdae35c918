/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* libFuzzer target: the SEC v1 emu model's BD decoder on arbitrary BDs. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wd_sec_bd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hisi_sec_bd bd;
	struct wd_sec_job j;

	if (size < sizeof(bd))
		return 0;
	memcpy(&bd, data, sizeof(bd));
	if (wd_sec_bd_decode(&bd, &j) != 0)
		return 0;
	/* What the model relies on before it touches memory. */
	if (j.span > (1u << 22) + 1023 || j.c_key_len > 64 || j.iv_len > 16 ||
	    j.a_key_len > 64 || j.mac_len > j.digest_len || j.digest_len > 64 ||
	    (j.cipher && j.c_off + j.c_len > j.span) ||
	    (j.auth && j.a_off + j.a_len > j.span) || (!j.cipher && !j.auth))
		abort();
	return 0;
}
