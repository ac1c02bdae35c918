/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* The IOVA table: references, overlaps, spanning lookups, hints, and
 * punching holes into framework mappings. */

#include <errno.h>

#include "wd_iova.h"
#include "wd_test.h"

static char mem[1 << 16];

int
main(void)
{
	struct wd_iova_table t = { 0 };
	struct wd_iova_hint h = { { 0 }, 0 };
	int i;

	CHECK_RC(wd_iova_add(&t, mem, 0x10000, 0x1000), 1);
	CHECK_RC(wd_iova_add(&t, mem, 0x10000, 0x1000), 0);	/* second reference */
	CHECK_RC(wd_iova_add(&t, mem, 0x10800, 0x1000), -EEXIST);
	CHECK_RC(wd_iova_add(&t, mem, 0x0f800, 0x1000), -EEXIST);
	CHECK_RC(wd_iova_add(&t, mem, 0x10000, 0), -EINVAL);
	CHECK_RC(wd_iova_add(&t, mem + 0x1000, 0x11000, 0x1000), 1);	/* contiguous */
	/* contiguous in IOVA only */
	CHECK_RC(wd_iova_add(&t, mem + 0x8000, 0x12000, 0x1000), 1);
	CHECK(wd_iova_translate(&t, 0x10ff0, 0x20, NULL) == mem + 0xff0, "spans two mappings");
	CHECK(wd_iova_translate(&t, 0x11ff0, 0x20, NULL) == NULL, "VA not contiguous");
	CHECK(wd_iova_translate(&t, 0x13000, 1, NULL) == NULL, "unmapped");
	CHECK(wd_iova_translate(&t, 0x0ffff, 2, NULL) == NULL, "starts before");
	CHECK(wd_iova_translate(&t, 0x12fff, 2, NULL) == NULL, "runs past");
	CHECK(wd_iova_translate(&t, UINT64_MAX, 2, NULL) == NULL, "wraps");
	for (i = 0; i < 10; i++)
		CHECK(wd_iova_translate(&t, 0x12000 + (uint64_t)i, 4, &h) == mem + 0x8000 + i,
		      "hinted lookup %d", i);
	CHECK_RC(wd_iova_del(&t, 0x10000, 0x800), -ENOENT);
	CHECK_RC(wd_iova_punch(&t, 0x10000, 0x100), -ENOENT);	/* shared twice */
	CHECK_RC(wd_iova_del(&t, 0x10000, 0x1000), 0);
	CHECK_RC(wd_iova_del(&t, 0x10000, 0x1000), 1);
	CHECK(wd_iova_translate(&t, 0x10000, 1, &h) == NULL, "gone (a stale hint is no help)");

	/* Framework mappings: one big range freed piece by piece. */
	wd_iova_clear(&t);
	CHECK_RC(wd_iova_add(&t, mem, 0x100000, 0x10000), 1);
	CHECK_RC(wd_iova_punch(&t, 0x104000, 0x1000), 1);	/* middle */
	CHECK(t.n == 2, "split in two: %u", t.n);
	CHECK(wd_iova_translate(&t, 0x104000, 1, NULL) == NULL, "hole");
	CHECK(wd_iova_translate(&t, 0x103fff, 1, NULL) == mem + 0x3fff, "left part");
	CHECK(wd_iova_translate(&t, 0x105000, 1, NULL) == mem + 0x5000, "right part");
	CHECK_RC(wd_iova_punch(&t, 0x103000, 0x3000), -ENOENT);	/* covers the hole */
	CHECK(t.n == 2, "failed punch changed nothing");
	CHECK_RC(wd_iova_punch(&t, 0x100000, 0x1000), 1);	/* left edge */
	CHECK_RC(wd_iova_punch(&t, 0x10f000, 0x1000), 1);	/* right edge */
	CHECK_RC(wd_iova_punch(&t, 0x101000, 0x3000), 1);	/* a whole piece */
	CHECK(t.n == 1 && t.maps[0].iova == 0x105000 && t.maps[0].size == 0xa000,
	      "one piece left: %u", t.n);
	CHECK_RC(wd_iova_add(&t, mem + 0x4000, 0x104000, 0x1000), 1);
	CHECK_RC(wd_iova_punch(&t, 0x104800, 0x1000), 1);	/* across two mappings */
	CHECK(wd_iova_translate(&t, 0x1047ff, 1, NULL) == mem + 0x47ff &&
	      wd_iova_translate(&t, 0x104800, 1, NULL) == NULL &&
	      wd_iova_translate(&t, 0x105800, 1, NULL) == mem + 0x5800, "punched across");
	wd_iova_clear(&t);
	return wd_test_done("test_iova");
}
