/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wd_parse.h"

/* Length of @s without trailing whitespace (sysfs values end in '\n'). */
static size_t
trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/* Copy @s without its trailing whitespace into @buf (a short number). */
static int
trimmed_copy(const char *s, char *buf, size_t size)
{
	size_t n;

	if (s == NULL)
		return -EINVAL;
	n = trimmed_len(s);
	if (n == 0 || n >= size)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

int
wd_parse_long(const char *s, long min, long max, long *out)
{
	char buf[32];
	char *end;
	long v;

	if (trimmed_copy(s, buf, sizeof(buf)) != 0)
		return -EINVAL;
	/* strtol accepts leading blanks and "0x"; attributes have neither */
	if (!(isdigit((unsigned char)buf[0]) || ((buf[0] == '-' || buf[0] == '+') &&
						isdigit((unsigned char)buf[1]))))
		return -EINVAL;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
wd_parse_u32(const char *s, uint32_t *out)
{
	char buf[32];
	char *end;
	unsigned long long v;
	int base = 10;
	const char *p = buf;

	if (trimmed_copy(s, buf, sizeof(buf)) != 0)
		return -EINVAL;
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)p[0]) ||
	    (base == 10 && !isdigit((unsigned char)p[0])))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static int
name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
}

int
wd_parse_name(const char *s, char *out, size_t len)
{
	size_t n, i;

	if (s == NULL || len == 0)
		return -EINVAL;
	n = strlen(s);
	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n == 0)
		return -EINVAL;
	if (n >= len)
		return -ERANGE;
	for (i = 0; i < n; i++)
		if (!name_char((unsigned char)s[i]))
			return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int
wd_uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	int i, d = 0;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static int
set_err(char *err, size_t errlen, const char *fmt, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, what);
	return -EINVAL;
}

/* One "key=value" option of a group. */
static int
parse_emu_opt(struct wd_emu_spec *sp, const char *opt, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		long min, max;
	} keys[] = {
		{ "numa", -1, 1023 },
		{ "priority", 0, 100 },
		{ "queues", 1, 1024 },
		{ "depth", 16, 4096 },
		{ "cpu", -1, 4095 },
		{ "share_all", 0, 1 },
	};
	const char *eq = strchr(opt, '=');
	char key[16];
	size_t klen;
	long v;
	unsigned int i;

	if (eq == NULL)
		return set_err(err, errlen, "option '%s' is not key=value", opt);
	klen = (size_t)(eq - opt);
	if (klen == 0 || klen >= sizeof(key))
		return set_err(err, errlen, "bad option '%s'", opt);
	memcpy(key, opt, klen);
	key[klen] = '\0';
	if (strcmp(key, "wire") == 0) {
		static const char *const wires[] = { "loop", "pair", "peer", "tap" };

		for (i = 0; i < sizeof(wires) / sizeof(wires[0]); i++) {
			if (strcmp(eq + 1, wires[i]) == 0) {
				sp->wire = (int)i;
				return 0;
			}
		}
		return set_err(err, errlen, "bad value in '%s' (loop, pair, peer, tap)", opt);
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		if (wd_parse_long(eq + 1, keys[i].min, keys[i].max, &v) != 0)
			return set_err(err, errlen, "bad value in '%s'", opt);
		switch (i) {
		case 0: sp->numa_node = (int)v; break;
		case 1: sp->priority = (int)v; break;
		case 2: sp->queues = (unsigned int)v; break;
		case 3:
			if (v & (v - 1))
				return set_err(err, errlen,
					       "depth must be a power of two: '%s'", opt);
			sp->depth = (unsigned int)v;
			break;
		case 4: sp->cpu = (int)v; break;
		default: sp->share_all = (int)v; break;
		}
		return 0;
	}
	return set_err(err, errlen, "unknown option '%s'", key);
}

/* One group "api[:count][:key=value...]" (NUL-terminated copy). */
static int
parse_emu_group(char *g, struct wd_emu_spec *sp, char *err, size_t errlen)
{
	char *save = NULL;
	char *tok;
	long v;
	int first = 1, rc;

	memset(sp, 0, sizeof(*sp));
	sp->count = 1;
	sp->numa_node = -1;
	sp->priority = 50;
	sp->cpu = -1;
	sp->wire = -1;
	for (tok = strtok_r(g, ":", &save); tok != NULL; tok = strtok_r(NULL, ":", &save)) {
		if (first) {
			rc = wd_parse_name(tok, sp->device_api, sizeof(sp->device_api));
			if (rc != 0 || strchr(tok, '=') != NULL)
				return set_err(err, errlen, "bad device_api '%s'", tok);
			first = 0;
		} else if (strchr(tok, '=') == NULL && isdigit((unsigned char)tok[0])) {
			if (wd_parse_long(tok, 1, 16, &v) != 0)
				return set_err(err, errlen, "device count '%s' not in 1..16", tok);
			sp->count = (unsigned int)v;
		} else {
			rc = parse_emu_opt(sp, tok, err, errlen);
			if (rc != 0)
				return rc;
		}
	}
	if (first)
		return set_err(err, errlen, "empty group%s", "");
	return 0;
}

int
wd_parse_emu_spec(const char *s, struct wd_emu_spec *out, int max, char *err, size_t errlen)
{
	char *copy, *save = NULL, *g;
	int n = 0, rc = 0;
	unsigned int total = 0;

	if (s == NULL)
		return 0;
	copy = strdup(s);
	if (copy == NULL)
		return -ENOMEM;
	/* strtok_r would silently merge ",,": reject empty groups first */
	if (copy[0] == ',' || (copy[0] != '\0' && copy[strlen(copy) - 1] == ',') ||
	    strstr(copy, ",,") != NULL) {
		rc = set_err(err, errlen, "empty group in '%s'", s);
		goto out;
	}
	for (g = strtok_r(copy, ",", &save); g != NULL; g = strtok_r(NULL, ",", &save)) {
		if (n >= max) {
			rc = set_err(err, errlen, "too many groups in '%s'", s);
			goto out;
		}
		if (g[0] == ':' || strstr(g, "::") != NULL || g[strlen(g) - 1] == ':') {
			rc = set_err(err, errlen, "empty field in '%s'", g);
			goto out;
		}
		rc = parse_emu_group(g, &out[n], err, errlen);
		if (rc != 0)
			goto out;
		total += out[n].count;
		n++;
	}
	if (total > WD_EMU_MAX_DEVS)
		rc = set_err(err, errlen, "more than 64 devices in '%s'", s);
out:
	free(copy);
	return rc != 0 ? rc : n;
}
