/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_PROV_H_
#define _WD_PROV_H_

/**
 * @file
 * The "wd" OpenSSL 3 provider: ciphers, digests and HMAC of a HiSilicon
 * SEC v1 engine (device_api "hisi_sec_v1") through libwd queues. See
 * doc/guides/openssl.rst.
 *
 * Every operation either runs as BDs on the process's queue or, below the
 * threshold, when no queue can be had, or for what the BD cannot express,
 * in the default provider's implementation (fetched from a library
 * context of the provider's own). Both give the same bytes.
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/types.h>

#include "hisi_sec_v1.h"

/* Bounce memory: slots of device-reachable memory, one per request. */
#define WDP_SLOT_DATA	(64u * 1024)	/**< data bytes of a slot */
#define WDP_SLOT_HDR	256u		/**< key, IV, auth key, MAC */
#define WDP_NB_SLOTS	64u

/* Offsets in a slot's header. */
#define WDP_OFF_KEY	0u		/**< cipher key, up to 64 bytes */
#define WDP_OFF_IV	64u		/**< IV, 16 bytes */
#define WDP_OFF_AKEY	128u		/**< auth key, up to 64 bytes */
#define WDP_OFF_MAC	192u		/**< MAC out, up to 64 bytes */

/** Provider-wide settings and counters. */
struct wdp_global {
	OSSL_LIB_CTX *sw_libctx;	/**< the default provider, for fallbacks */
	size_t threshold;		/**< below: software; 0 offloads all */
	size_t digest_max;		/**< most bytes a digest buffers */
	int stats;			/**< print counters at unload */
	int mem_share;			/**< share user buffers instead of copying */
	size_t fault_every;		/**< tests: every Nth BD faults (0: none) */
	uint64_t fault_count;
	/* counters (atomic) */
	uint64_t bds;			/**< BDs completed OK */
	uint64_t bytes;			/**< bytes through BDs */
	uint64_t sw_ops;		/**< operations done in software */
	uint64_t errors;		/**< BDs that failed or timed out */
	uint64_t shared;		/**< requests through a shared temporary buffer */
	uint64_t zero_copy;		/**< requests on the caller's own buffers */
	unsigned int max_inflight;	/**< most BDs in flight at once */
};

extern struct wdp_global wdp;

/** A request: one BD and where its memory lives. */
struct wdp_req {
	struct hisi_sec_bd bd;		/**< filled by the caller (addresses too) */
	uint8_t *hdr;			/**< slot header (key, IV, MAC) */
	uint8_t *data;			/**< slot data (WDP_SLOT_DATA bytes) */
	int slot;			/**< private */
	uint8_t *big;			/**< private: shared temporary buffer */
	size_t big_size;
	void *sh_addr[2];		/**< private: user memory shared (mem = share) */
	size_t sh_len[2];
};

/**
 * Get a request with @p len data bytes of device-reachable memory:
 * a bounce slot, or (len > WDP_SLOT_DATA) a temporary buffer shared for
 * this request. Opens the process's queue on first use (and in a forked
 * child, its own).
 * @return 0, or -errno (no device, queue exhausted...): the caller falls
 *   back to software.
 */
int wdp_req_get(struct wdp_req *r, size_t len);

/** Submit r->bd, wait (pausing an async job, or polling) for completion.
 *  @return 0, or -EIO with an error raised on OpenSSL's error stack. */
int wdp_req_run(struct wdp_req *r, size_t bytes);

/** Give the request's memory back (and unshare what wdp_req_share() shared). */
void wdp_req_put(struct wdp_req *r);

/**
 * "mem = share": make the caller's buffer @p p itself reachable by the
 * device for this request (its pages, shared until wdp_req_put()), as
 * slot @p idx (0 source, 1 destination).
 * @return 0, or -errno (e.g. the pages overlap another request's): copy.
 */
int wdp_req_share(struct wdp_req *r, int idx, const void *p, size_t len);

/** Count one operation done in software. */
void wdp_count_sw(void);

/** Use the device for @p len bytes? (threshold and availability) */
int wdp_offload(size_t len);

/* Errors on OpenSSL's error stack, with the provider's reason codes. */
enum {
	WDP_R_DEVICE = 1,
	WDP_R_BAD_DECRYPT,
	WDP_R_WRONG_FINAL_BLOCK_LENGTH,
	WDP_R_INVALID_KEY_LENGTH,
	WDP_R_INVALID_IV_LENGTH,
	WDP_R_OUTPUT_TOO_SMALL,
	WDP_R_BAD_STATE,
	WDP_R_NO_DEVICE,
	WDP_R_SOFTWARE,
	WDP_R_BAD_CONFIG,
};
void wdp_raise(int reason, const char *fmt, ...);

/* Algorithm tables (NULL-terminated). */
extern const OSSL_ALGORITHM wdp_ciphers[];
extern const OSSL_ALGORITHM wdp_digests[];
extern const OSSL_ALGORITHM wdp_macs[];

#endif /* _WD_PROV_H_ */
