/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_TEST_H_
#define _WD_TEST_H_

/* Minimal assertions for the unit tests: each CHECK prints on failure and
 * counts; wd_test_done() prints the totals and gives the exit status. */

#include <stdio.h>
#include <stdlib.h>

static int wd_test_checks;
static int wd_test_failures;

#define CHECK(cond, ...) do { \
	wd_test_checks++; \
	if (!(cond)) { \
		wd_test_failures++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

#define CHECK_RC(expr, expect) do { \
	long _rc = (long)(expr); \
	CHECK(_rc == (long)(expect), "%s returned %ld, expected %ld", #expr, _rc, \
	      (long)(expect)); \
} while (0)

static inline int
wd_test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, wd_test_checks, wd_test_failures);
	return wd_test_failures == 0 && wd_test_checks > 0 ? 0 : 1;
}

#endif /* _WD_TEST_H_ */
