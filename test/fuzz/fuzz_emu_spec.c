/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* libFuzzer target: the WD_EMU specification parser. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wd_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wd_emu_spec spec[8];
	char err[64];
	char *s = malloc(size + 1);
	unsigned int total = 0;
	int n, i;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	n = wd_parse_emu_spec(s, spec, 8, err, sizeof(err));
	for (i = 0; i < n; i++) {
		/* what the emu backend relies on */
		if (spec[i].count < 1 || spec[i].count > 16 || spec[i].device_api[0] == '\0' ||
		    (spec[i].depth & (spec[i].depth - 1)) != 0)
			abort();
		total += spec[i].count;
	}
	if (n > 8 || total > WD_EMU_MAX_DEVS)
		abort();
	free(s);
	return 0;
}
