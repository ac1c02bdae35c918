/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "wd_parse.h"
#include "wd_private.h"

static wd_log_fn_t log_fn;
static int log_level = -1;

void
wd_set_log_fn(wd_log_fn_t fn)
{
	__atomic_store_n(&log_fn, fn, __ATOMIC_RELEASE);
}

static int
threshold(void)
{
	long v;

	if (log_level < 0) {
		if (wd_parse_long(getenv("WD_LOG_LEVEL"), WD_LOG_ERR, WD_LOG_DEBUG, &v) == 0)
			log_level = (int)v;
		else
			log_level = WD_LOG_WARNING;
	}
	return log_level;
}

void
wd_log(int level, const char *fmt, ...)
{
	static const char *const names[] = { "", "error", "warning", "info", "debug" };
	wd_log_fn_t fn = __atomic_load_n(&log_fn, __ATOMIC_ACQUIRE);
	char msg[512];
	va_list ap;

	/* A framework's sink does its own level filtering. */
	if (fn == NULL && level > threshold())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fn != NULL)
		fn(level, msg);
	else
		fprintf(stderr, "libwd: %s: %s\n",
			names[level < WD_LOG_ERR ? WD_LOG_ERR :
			      level > WD_LOG_DEBUG ? WD_LOG_DEBUG : level], msg);
}
