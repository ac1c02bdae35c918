/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* The parsers libwd applies to sysfs attributes and WD_EMU. */

#include <errno.h>
#include <string.h>

#include "wd_parse.h"
#include "wd_test.h"

static void
test_long(void)
{
	long v = 1234;

	CHECK_RC(wd_parse_long("42\n", 0, 100, &v), 0);
	CHECK(v == 42, "v=%ld", v);
	CHECK_RC(wd_parse_long("-1\n", -1, 10, &v), 0);
	CHECK(v == -1, "v=%ld", v);
	v = 7;
	CHECK_RC(wd_parse_long("", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("\n", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long(" 5", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("5x", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("0x5", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("-", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("11", 0, 10, &v), -ERANGE);
	CHECK_RC(wd_parse_long("-2", -1, 10, &v), -ERANGE);
	CHECK_RC(wd_parse_long("999999999999999999999999999999999", 0, 10, &v), -EINVAL);
	CHECK_RC(wd_parse_long("9999999999999999999", 0, 10, &v), -ERANGE);
	CHECK_RC(wd_parse_long(NULL, 0, 10, &v), -EINVAL);
	CHECK(v == 7, "value changed on error: %ld", v);
}

static void
test_u32(void)
{
	uint32_t f = 0;

	CHECK_RC(wd_parse_u32("3\n", &f), 0);
	CHECK(f == 3, "f=%u", f);
	CHECK_RC(wd_parse_u32("0x10\n", &f), 0);
	CHECK(f == 16, "f=%u", f);
	CHECK_RC(wd_parse_u32("0xffffffff", &f), 0);
	CHECK(f == UINT32_MAX, "f=%u", f);
	CHECK_RC(wd_parse_u32("0x100000000", &f), -ERANGE);
	CHECK_RC(wd_parse_u32("0x", &f), -EINVAL);
	CHECK_RC(wd_parse_u32("-1", &f), -EINVAL);
	CHECK_RC(wd_parse_u32("ab", &f), -EINVAL);
	CHECK_RC(wd_parse_u32("1 2", &f), -EINVAL);
}

static void
test_name(void)
{
	char out[8];

	CHECK_RC(wd_parse_name("memcpy\n", out, sizeof(out)), 0);
	CHECK(strcmp(out, "memcpy") == 0, "out=%s", out);
	CHECK_RC(wd_parse_name("1234567", out, sizeof(out)), 0);
	CHECK_RC(wd_parse_name("12345678", out, sizeof(out)), -ERANGE);
	CHECK_RC(wd_parse_name("", out, sizeof(out)), -EINVAL);
	CHECK_RC(wd_parse_name("\n", out, sizeof(out)), -EINVAL);
	CHECK_RC(wd_parse_name("a b", out, sizeof(out)), -EINVAL);
	CHECK_RC(wd_parse_name("a/b", out, sizeof(out)), -EINVAL);
	CHECK_RC(wd_parse_name("a\n\n", out, sizeof(out)), -EINVAL);
}

static void
test_uuid(void)
{
	CHECK(wd_uuid_valid("0f2d1a3c-1b2c-4d5e-8f90-a1b2c3d4e5f6"), "valid");
	CHECK(wd_uuid_valid("0F2D1A3C-1B2C-4D5E-8F90-A1B2C3D4E5F6"), "upper");
	CHECK(!wd_uuid_valid("0f2d1a3c-1b2c-4d5e-8f90-a1b2c3d4e5f"), "short");
	CHECK(!wd_uuid_valid("0f2d1a3c11b2c-4d5e-8f90-a1b2c3d4e5f6"), "dash");
	CHECK(!wd_uuid_valid("0f2d1a3c-1b2c-4d5e-8f90-a1b2c3d4e5fg"), "hex");
	CHECK(!wd_uuid_valid(NULL), "NULL");
}

static void
test_emu_spec(void)
{
	struct wd_emu_spec s[8];
	char err[128] = "";

	CHECK_RC(wd_parse_emu_spec("", s, 8, err, sizeof(err)), 0);
	CHECK_RC(wd_parse_emu_spec(NULL, s, 8, err, sizeof(err)), 0);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:2,hisi_sec_v1:1", s, 8, err, sizeof(err)), 2);
	CHECK(strcmp(s[0].device_api, "wd_dummy_v1") == 0 && s[0].count == 2, "group 0");
	CHECK(strcmp(s[1].device_api, "hisi_sec_v1") == 0 && s[1].count == 1, "group 1");
	CHECK(s[0].numa_node == -1 && s[0].priority == 50 && s[0].cpu == -1 &&
	      s[0].queues == 0 && s[0].depth == 0 && s[0].share_all == 0, "defaults");
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1", s, 8, err, sizeof(err)), 1);
	CHECK(s[0].count == 1, "count defaults to 1");
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:3:numa=1:priority=90:queues=4:depth=64:cpu=1"
				   ":share_all=1", s, 8, err, sizeof(err)), 1);
	CHECK(s[0].count == 3 && s[0].numa_node == 1 && s[0].priority == 90 &&
	      s[0].queues == 4 && s[0].depth == 64 && s[0].cpu == 1 && s[0].share_all == 1,
	      "attributes");
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:0", s, 8, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "count") != NULL, "err=%s", err);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:17", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:depth=100", s, 8, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "power of two") != NULL, "err=%s", err);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:colour=red", s, 8, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "unknown option 'colour'") != NULL, "err=%s", err);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:priority=101", s, 8, err, sizeof(err)),
		 -EINVAL);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1,,x", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec(",wd_dummy_v1", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1:", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("wd_dummy_v1::2", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("a=b", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("bad api", s, 8, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("a,b,c", s, 2, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("a:16,b:16,c:16,d:16,e:1", s, 8, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "64") != NULL, "err=%s", err);
}

/* wire=, the NIC models' key (hisi_hns_v1) */
static void
test_emu_wire(void)
{
	struct wd_emu_spec s[4];
	char err[128] = "";

	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1", s, 4, err, sizeof(err)), 1);
	CHECK(s[0].wire == -1, "wire unset: %d", s[0].wire);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:2:wire=peer:cpu=1,hisi_hns_v1:wire=tap", s, 4,
				   err, sizeof(err)), 2);
	CHECK(s[0].wire == 2 && s[0].cpu == 1 && s[0].count == 2, "peer: %d", s[0].wire);
	CHECK(s[1].wire == 3, "tap: %d", s[1].wire);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:wire=loop", s, 4, err, sizeof(err)), 1);
	CHECK(s[0].wire == 0, "loop: %d", s[0].wire);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:queues=4:wire=pair", s, 4, err, sizeof(err)), 1);
	CHECK(s[0].wire == 1 && s[0].queues == 4, "pair: %d", s[0].wire);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:wire=fibre", s, 4, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "wire=fibre") != NULL, "err=%s", err);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:wire=", s, 4, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:wire=LOOP", s, 4, err, sizeof(err)), -EINVAL);
	CHECK_RC(wd_parse_emu_spec("hisi_hns_v1:wire=loop2", s, 4, err, sizeof(err)), -EINVAL);
}

int
main(void)
{
	test_long();
	test_u32();
	test_name();
	test_uuid();
	test_emu_spec();
	test_emu_wire();
	return wd_test_done("test_parse");
}
