/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* libFuzzer target: the sysfs attribute parsers on arbitrary bytes. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wd_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char name[16];
	uint32_t u;
	long v;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (wd_parse_long(s, -1, 1023, &v) == 0 && (v < -1 || v > 1023))
		abort();
	wd_parse_u32(s, &u);
	if (wd_parse_name(s, name, sizeof(name)) == 0 && strlen(name) >= sizeof(name))
		abort();
	wd_uuid_valid(s);
	free(s);
	return 0;
}
