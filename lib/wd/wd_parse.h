/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_PARSE_H_
#define _WD_PARSE_H_

/*
 * Parsers for what libwd reads from outside: sysfs attributes and the
 * WD_EMU specification. Pure functions with no I/O, fuzzed by
 * test/fuzz/.
 */

#include <stddef.h>
#include <stdint.h>

/* Integer attribute: optional sign, decimal digits, optional trailing
 * newline/spaces; within [min, max]. 0 or -EINVAL / -ERANGE. */
int wd_parse_long(const char *s, long min, long max, long *out);

/* Flags attribute: decimal or 0x-hex u32, optional trailing newline. */
int wd_parse_u32(const char *s, uint32_t *out);

/* Name attribute: [A-Za-z0-9_.:-]+ with an optional trailing newline,
 * shorter than @len; copied without the newline. */
int wd_parse_name(const char *s, char *out, size_t len);

/* Canonical lower- or upper-case 8-4-4-4-12 UUID. 1 if valid. */
int wd_uuid_valid(const char *s);

#define WD_EMU_MAX_DEVS 64

/* One group of emulated devices: "device_api[:count][:key=value...]" */
struct wd_emu_spec {
	char device_api[64];
	unsigned int count;	/* devices (1..16) */
	int numa_node;		/* -1 unless numa=N */
	int priority;		/* priority=N, default 50 */
	unsigned int queues;	/* queues=N instances per device, 0 = model's */
	unsigned int depth;	/* depth=N descriptors, 0 = model's */
	int cpu;		/* cpu=N engine thread pinning, -1 none */
	int share_all;		/* share_all=1: offer WD_CAPA_SHARE_ALL */
	int wire;		/* wire=loop|pair|peer|tap (NIC models): 0..3, -1 unset */
};

/*
 * Parse a WD_EMU value: groups separated by ',', e.g.
 * "wd_dummy_v1:2,hisi_sec_v1:1:queues=4:numa=0". Returns the number of
 * groups (0 for an empty string) or -EINVAL with @err describing why.
 */
int wd_parse_emu_spec(const char *s, struct wd_emu_spec *out, int max,
		      char *err, size_t errlen);

#endif /* _WD_PARSE_H_ */
