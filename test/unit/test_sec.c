/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* hisi_sec_v1: BD fields, the device's BD checks, completion order and
 * status decoding, the emulated engine against published vectors, the
 * queue's types, and the rings in process memory (start confirmed by the
 * engine, refused rings, rings unmapped while the queue runs). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "wd.h"
#include "wd_drv.h"
#include "wd_sec.h"
#include "wd_sec_bd.h"
#include "wd_test.h"

/*
 * Fault injection (the test links with -Wl,--wrap for both): with
 * lose_ring_map set, the driver's mapping of its rings "succeeds" without
 * reaching the device, as a mapping made into a VFIO container the device
 * is not in would. Everything else goes to libwd.
 */
int __real_wd_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size);
int __wrap_wd_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size);
int __real_wd_dma_unmap_va(struct wd_queue *q, void *va, uint64_t iova, size_t size);
int __wrap_wd_dma_unmap_va(struct wd_queue *q, void *va, uint64_t iova, size_t size);

static int lose_ring_map;
static uint64_t lost_iova;

/* What the driver maps for its rings: whole pages. */
static size_t
ring_mem_len(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (WD_SEC_RING_MEM_SIZE + pg - 1) & ~(pg - 1);
}

int
__wrap_wd_dma_map(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	if (lose_ring_map && size == ring_mem_len()) {
		lost_iova = iova;
		return 0;
	}
	return __real_wd_dma_map(q, va, iova, size);
}

int
__wrap_wd_dma_unmap_va(struct wd_queue *q, void *va, uint64_t iova, size_t size)
{
	if (lost_iova != 0 && iova == lost_iova && size == ring_mem_len()) {
		lost_iova = 0;
		return 0;
	}
	return __real_wd_dma_unmap_va(q, va, iova, size);
}

/* libwd's log lines, kept for checks. */
static char log_text[8192];

static void
log_keep(int level, const char *msg)
{
	size_t n = strlen(log_text);

	snprintf(log_text + n, sizeof(log_text) - n, "%s\n", msg);
}

/* Wait up to 2 s for (register & mask) == want. */
static int
reg_wait(const struct wd_sec_ring *r, unsigned int off, uint32_t mask, uint32_t want)
{
	struct timespec ts = { 0, 20000 };
	int i;

	for (i = 0; i < 100000; i++) {
		if ((wd_sec_reg_read(r, off) & mask) == want)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

static void
test_fields(void)
{
	static const uint32_t lens[] = { 1, 0xffff, 0x10000, 0x2abcde, HISI_SEC_MAX_CIPHER_LEN };
	struct hisi_sec_bd bd;
	unsigned int i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(&bd, 0, sizeof(bd));
		bd.w0 = HISI_SEC_W0_DONE | HISI_SEC_W0_SEQ;
		wd_sec_bd_set_cipher_len(&bd, lens[i]);
		CHECK(hisi_sec_bd_cipher_len(&bd) == lens[i], "cipher len %u -> %u", lens[i],
		      hisi_sec_bd_cipher_len(&bd));
		CHECK((bd.w0 & (HISI_SEC_W0_DONE | HISI_SEC_W0_SEQ)) ==
		      (HISI_SEC_W0_DONE | HISI_SEC_W0_SEQ), "neighbour bits kept");
	}
	wd_sec_bd_set_auth_len(&bd, 0x3fffff);
	CHECK(hisi_sec_bd_auth_len(&bd) == 0x3fffff, "auth len");
	wd_sec_bd_set_offsets(&bd, 1023, 5);
	CHECK(((bd.w3 & HISI_SEC_W3_CIPHER_OFF_M) >> HISI_SEC_W3_CIPHER_OFF_S) == 1023 &&
	      (bd.w3 & HISI_SEC_W3_AUTH_OFF_M) == 5, "offsets");
	wd_sec_bd_set_addr(&bd.data_lo, &bd.data_hi, 0x123456789abcull);
	CHECK(hisi_sec_bd_addr(bd.data_lo, bd.data_hi) == 0x123456789abcull, "address");
}

/* AES-128-CBC encrypt + HMAC-SHA1 generate, 64 bytes at offset 16. */
static struct hisi_sec_bd
bd_cbc_hmac(void)
{
	struct hisi_sec_bd bd = { 0 };

	bd.w0 = HISI_SEC_C_MODE_CBC << HISI_SEC_W0_C_MODE_S |
		HISI_SEC_CIPHER_ENCRYPT << HISI_SEC_W0_CIPHER_S |
		HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
	bd.w1 = HISI_SEC_C_ALG_AES << HISI_SEC_W1_C_ALG_S |
		HISI_SEC_A_ALG_HMAC_SHA1 << HISI_SEC_W1_A_ALG_S;
	bd.w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	bd.w3 = HISI_SEC_KEY_LEN_AES_128 << HISI_SEC_W3_C_KEY_LEN_S |
		5u << HISI_SEC_W3_MAC_LEN_S | 5u << HISI_SEC_W3_A_KEY_LEN_S;
	wd_sec_bd_set_cipher_len(&bd, 64);
	wd_sec_bd_set_auth_len(&bd, 80);
	wd_sec_bd_set_offsets(&bd, 16, 0);
	return bd;
}

static void
test_decode(void)
{
	struct hisi_sec_bd bd = bd_cbc_hmac(), b;
	struct wd_sec_job j;

	CHECK_RC(wd_sec_bd_decode(&bd, &j), 0);
	CHECK(j.c_key_len == 16 && j.iv_len == 16 && j.block == 16 && j.c_len == 64 &&
	      j.c_off == 16 && j.a_len == 80 && j.a_off == 0 && j.mac_len == 20 &&
	      j.a_key_len == 20 && j.digest_len == 20 && j.span == 80 && !j.auth_first &&
	      !j.de && !j.sgl, "decoded fields");

#define BAD(mutation, why) do { b = bd; mutation; \
	CHECK(wd_sec_bd_decode(&b, &j) == -EINVAL, "accepted: %s", why); } while (0)
	BAD(b.w0 &= ~(HISI_SEC_W0_CIPHER_M | HISI_SEC_W0_AUTH_M), "no cipher, no auth");
	BAD(b.w0 |= HISI_SEC_W0_CIPHER_M, "cipher op 3");
	BAD(wd_sec_bd_set_cipher_len(&b, 65), "CBC length not whole blocks");
	BAD(b.w0 = (b.w0 & ~HISI_SEC_W0_C_MODE_M) | HISI_SEC_C_MODE_GCM << HISI_SEC_W0_C_MODE_S,
	    "GCM");
	BAD(b.w0 = (b.w0 & ~HISI_SEC_W0_C_MODE_M) | HISI_SEC_C_MODE_XTS << HISI_SEC_W0_C_MODE_S;
	    b.w3 |= HISI_SEC_KEY_LEN_AES_192 << HISI_SEC_W3_C_KEY_LEN_S, "XTS-192");
	BAD(b.w3 |= HISI_SEC_W3_C_KEY_LEN_M, "AES key length 3");
	BAD(b.w1 = (b.w1 & ~HISI_SEC_W1_C_ALG_M) | HISI_SEC_C_ALG_DES << HISI_SEC_W1_C_ALG_S,
	    "DES with key length code 0");
	BAD(b.w1 |= 7u << HISI_SEC_W1_C_ALG_S, "cipher alg 7");
	BAD(b.w1 = (b.w1 & ~HISI_SEC_W1_A_ALG_M) | 15u << HISI_SEC_W1_A_ALG_S, "auth alg 15");
	BAD(b.w3 &= ~HISI_SEC_W3_MAC_LEN_M, "MAC length 0");
	BAD(b.w3 |= HISI_SEC_W3_MAC_LEN_M, "MAC longer than the digest");
	BAD(b.w3 &= ~HISI_SEC_W3_A_KEY_LEN_M, "HMAC without a key");
	BAD(b.w3 |= HISI_SEC_W3_A_KEY_LEN_M, "HMAC key over 64 bytes");
	BAD(b.w1 = (b.w1 & ~HISI_SEC_W1_A_ALG_M) |
	    HISI_SEC_A_ALG_AES_XCBC << HISI_SEC_W1_A_ALG_S, "XCBC with a 20-byte key");
	BAD(b.w2 |= 2u << HISI_SEC_W2_GRAN_NUM_S, "two granules");
#undef BAD
	/* Zero lengths: a chain whose cipher part is empty, an empty message. */
	b = bd;
	wd_sec_bd_set_cipher_len(&b, 0);
	CHECK_RC(wd_sec_bd_decode(&b, &j), 0);
	CHECK(j.c_len == 0 && j.span == 80, "empty cipher part of a chain");
	wd_sec_bd_set_auth_len(&b, 0);
	wd_sec_bd_set_offsets(&b, 0, 0);
	CHECK_RC(wd_sec_bd_decode(&b, &j), 0);
	CHECK(j.c_len == 0 && j.a_len == 0 && j.span == 0, "empty message");
	/* Auth-only, plain hash: no key needed; SEQ and DE decode. */
	b = bd;
	b.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S | HISI_SEC_W0_SEQ | HISI_SEC_W0_DE;
	b.w1 = (b.w1 & ~HISI_SEC_W1_A_ALG_M) | HISI_SEC_A_ALG_SHA256 << HISI_SEC_W1_A_ALG_S;
	b.w3 = 8u << HISI_SEC_W3_MAC_LEN_S;
	CHECK_RC(wd_sec_bd_decode(&b, &j), 0);
	CHECK(j.a_key_len == 0 && j.mac_len == 32 && j.auth_first && j.de && j.span == 80,
	      "sha256 fields");
}

/* A ring over plain memory, completed by hand out of order. */
static void
test_order_and_status(void)
{
	static uint32_t regs[HISI_SEC_REGS_SIZE / 4];
	static struct hisi_sec_bd bds[HISI_SEC_DEPTH];
	static uint16_t cq[HISI_SEC_DEPTH];
	static struct wd_sec_ring r;
	int cookies[4], i;
	void *c;
	struct hisi_sec_bd *bd;

	r.regs = regs;
	r.bd = bds;
	r.cq = cq;
	for (i = 0; i < 4; i++) {
		CHECK(wd_sec_ring_next(&r) == &bds[i], "slot %d", i);
		wd_sec_ring_commit(&r, &cookies[i]);
	}
	wd_sec_ring_doorbell(&r);
	CHECK(regs[HISI_SEC_Q_WR_PTR / 4] == 4, "doorbell %u", regs[HISI_SEC_Q_WR_PTR / 4]);
	/* The engine finishes 3 and 2 first. */
	bds[3].w0 |= HISI_SEC_W0_DONE;
	bds[2].w0 |= HISI_SEC_W0_DONE;
	bds[2].w0 |= (uint32_t)HISI_SEC_ICV_ERROR << HISI_SEC_W0_ICV_S;
	cq[0] = 3;
	cq[1] = 2 | HISI_SEC_CQ_ECC;
	regs[HISI_SEC_OUTORDER_WR_PTR / 4] = 2;
	wd_sec_ring_reap(&r);
	CHECK(regs[HISI_SEC_OUTORDER_RD_PTR / 4] == 2, "completion entries consumed");
	CHECK(wd_sec_ring_oldest(&r, &c) == NULL, "BD 3 returned before BD 0");
	bds[0].w0 |= HISI_SEC_W0_DONE;
	bds[0].w1 |= HISI_SEC_W1_BD_INVALID;
	bds[0].w0 |= (uint32_t)HISI_SEC_FLAG_FAULT << HISI_SEC_W0_FLAG_S;
	bds[1].w0 |= HISI_SEC_W0_DONE;
	bds[1].w1 |= HISI_SEC_W1_BD_INVALID;
	bds[1].w0 |= (uint32_t)HISI_SEC_FLAG_BAD_BD << HISI_SEC_W0_FLAG_S;
	cq[2] = 0;
	cq[3] = 1;
	regs[HISI_SEC_OUTORDER_WR_PTR / 4] = 4;
	wd_sec_ring_reap(&r);
	{
		static const enum wd_sec_status expect[] = {
			WD_SEC_ST_FAULT, WD_SEC_ST_BAD_BD, WD_SEC_ST_ECC, WD_SEC_ST_OK
		};

		for (i = 0; i < 4; i++) {
			bd = wd_sec_ring_oldest(&r, &c);
			CHECK(bd == &bds[i] && c == &cookies[i], "BD %d in order", i);
			if (bd == NULL)
				break;
			CHECK(wd_sec_ring_status(&r, bd) == expect[i], "BD %d status %d", i,
			      wd_sec_ring_status(&r, bd));
			wd_sec_ring_retire(&r);
		}
	}
	CHECK(wd_sec_ring_inflight(&r) == 0 && wd_sec_ring_oldest(&r, &c) == NULL, "drained");
	/* An ECC entry naming a slot with no BD in flight (its index is what
	 * the error may have hit) must not fail the op later put there. */
	cq[4] = 10 | HISI_SEC_CQ_ECC;
	regs[HISI_SEC_OUTORDER_WR_PTR / 4] = 5;
	wd_sec_ring_reap(&r);
	for (i = 4; i <= 10; i++) {
		bd = wd_sec_ring_next(&r);
		memset(bd, 0, sizeof(*bd));
		wd_sec_ring_commit(&r, NULL);
		bd->w0 |= HISI_SEC_W0_DONE;
		cq[i + 1] = (uint16_t)i;
	}
	regs[HISI_SEC_OUTORDER_WR_PTR / 4] = 12;
	wd_sec_ring_reap(&r);
	for (i = 4; i <= 10; i++) {
		bd = wd_sec_ring_oldest(&r, &c);
		CHECK(bd == &bds[i] && wd_sec_ring_status(&r, bd) == WD_SEC_ST_OK,
		      "BD %d: status %d after a stray ECC entry", i,
		      bd ? (int)wd_sec_ring_status(&r, bd) : -1);
		if (bd == NULL)
			break;
		wd_sec_ring_retire(&r);
	}
	bds[2].w0 &= ~HISI_SEC_W0_ICV_M;
	CHECK(wd_sec_bd_status(&bds[2]) == WD_SEC_ST_OK, "status without ECC");
	bds[2].w0 |= (uint32_t)HISI_SEC_ICV_ERROR << HISI_SEC_W0_ICV_S;
	CHECK(wd_sec_bd_status(&bds[2]) == WD_SEC_ST_AUTH_FAILED, "ICV error");
	/* Full at HISI_SEC_MAX_INFLIGHT. */
	for (i = 0; i < HISI_SEC_MAX_INFLIGHT; i++)
		wd_sec_ring_commit(&r, NULL);
	CHECK(wd_sec_ring_next(&r) == NULL, "ring full at %d", HISI_SEC_MAX_INFLIGHT);
}

/* --- the emulated engine --------------------------------------------------- */

struct buf {
	uint8_t key[32], iv[16], akey[64], data[256], dst[256], mac[32];
	struct hisi_sec_sgl sgl __attribute__((aligned(64)));
};

static int
run(struct wd_queue *q, struct wd_sec_msg *m)
{
	void *resp;

	if (wd_send_sync(q, m, 10000) != 0 || wd_recv_sync(q, &resp, 10000) != 0)
		return -1;
	return resp == m ? (int)m->status : -2;
}

static void
set_addrs(struct hisi_sec_bd *bd, struct buf *b)
{
	wd_sec_bd_set_addr(&bd->cipher_key_lo, &bd->cipher_key_hi, (uintptr_t)b->key);
	wd_sec_bd_set_addr(&bd->cipher_iv_lo, &bd->cipher_iv_hi, (uintptr_t)b->iv);
	wd_sec_bd_set_addr(&bd->auth_key_lo, &bd->auth_key_hi, (uintptr_t)b->akey);
	wd_sec_bd_set_addr(&bd->data_lo, &bd->data_hi, (uintptr_t)b->data);
	wd_sec_bd_set_addr(&bd->mac_lo, &bd->mac_hi, (uintptr_t)b->mac);
}

static void
test_engine(void)
{
	/* NIST SP 800-38A F.2.1, first block */
	static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab,
					 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
	static const uint8_t pt[16] = { 0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9,
					0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a };
	static const uint8_t ct[16] = { 0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce,
					0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d };
	/* RFC 2202 HMAC-SHA1 test case 1 */
	static const uint8_t hmac1[20] = { 0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2,
					   0x8b, 0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46,
					   0xbe, 0x00 };
	struct wd_capa capa = { .alg = HISI_SEC_ALG, .numa_node = WD_NUMA_ANY };
	struct buf *b = aligned_alloc(64, sizeof(*b));
	struct wd_sec_msg m, *ms;
	struct wd_queue q;
	void *resp;
	int i;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK(strcmp(q.device_api, HISI_SEC_API) == 0, "SEC queue");
	CHECK_RC(wd_mem_share(&q, b, sizeof(*b), 0), 0);

	/* AES-128-CBC, IV 00..0f */
	memset(b, 0, sizeof(*b));
	memcpy(b->key, key, 16);
	for (i = 0; i < 16; i++)
		b->iv[i] = (uint8_t)i;
	memcpy(b->data, pt, 16);
	memset(&m, 0, sizeof(m));
	m.bd.w0 = HISI_SEC_C_MODE_CBC << HISI_SEC_W0_C_MODE_S |
		HISI_SEC_CIPHER_ENCRYPT << HISI_SEC_W0_CIPHER_S;
	m.bd.w1 = HISI_SEC_C_ALG_AES << HISI_SEC_W1_C_ALG_S;
	m.bd.w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	wd_sec_bd_set_cipher_len(&m.bd, 16);
	set_addrs(&m.bd, b);
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
	CHECK(memcmp(b->data, ct, 16) == 0, "AES-128-CBC known answer");

	/* Through a 3-entry SGL, out of place: same answer, source kept. */
	memcpy(b->data, pt, 16);
	memset(b->dst, 0, 16);
	b->sgl.entry_sum_in_chain = b->sgl.entry_sum_in_sgl = 3;
	b->sgl.sge[0] = (struct hisi_sec_sge){ (uintptr_t)b->data, 5, 0 };
	b->sgl.sge[1] = (struct hisi_sec_sge){ (uintptr_t)b->data + 5, 7, 0 };
	b->sgl.sge[2] = (struct hisi_sec_sge){ (uintptr_t)b->data + 12, 4, 0 };
	b->sgl.data_bytes_in_sgl = 16;
	m.bd.w1 |= HISI_SEC_W1_ADDR_TYPE;
	wd_sec_bd_set_addr(&m.bd.data_lo, &m.bd.data_hi, (uintptr_t)&b->sgl);
	/* destination: a flat-looking one-entry SGL in dst */
	{
		static struct hisi_sec_sgl dsgl __attribute__((aligned(64)));
		struct hisi_sec_bd good;

		CHECK_RC(wd_mem_share(&q, &dsgl, sizeof(dsgl), 0), 0);
		dsgl.entry_sum_in_chain = dsgl.entry_sum_in_sgl = 1;
		dsgl.sge[0] = (struct hisi_sec_sge){ (uintptr_t)b->dst, 16, 0 };
		dsgl.data_bytes_in_sgl = 16;
		m.bd.w0 |= HISI_SEC_W0_DE;
		wd_sec_bd_set_addr(&m.bd.dst_lo, &m.bd.dst_hi, (uintptr_t)&dsgl);
		CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
		CHECK(memcmp(b->dst, ct, 16) == 0 && memcmp(b->data, pt, 16) == 0,
		      "SGL out of place");
		/* An SGL that is not 64-byte aligned is refused, contents valid. */
		{
			size_t rsz = (2 * sizeof(struct hisi_sec_sgl) + 63) & ~(size_t)63;
			uint8_t *raw = aligned_alloc(64, rsz);
			struct hisi_sec_bd mis = m.bd;	/* as submitted before */

			CHECK_RC(wd_mem_share(&q, raw, rsz, 0), 0);
			memcpy(raw + 16, &b->sgl, sizeof(b->sgl));
			m.bd = mis;
			wd_sec_bd_set_addr(&m.bd.data_lo, &m.bd.data_hi, (uintptr_t)raw + 16);
			CHECK_RC(run(&q, &m), WD_SEC_ST_BAD_BD);
			m.bd = mis;
			wd_sec_bd_set_addr(&m.bd.data_lo, &m.bd.data_hi, (uintptr_t)&b->sgl);
			CHECK_RC(wd_mem_unshare(&q, raw, rsz), 0);
			free(raw);
		}
		/* A chain shorter than the job is refused. */
		good = m.bd;
		b->sgl.sge[2].len = 3;
		b->sgl.entry_sum_in_sgl = 3;
		b->sgl.data_bytes_in_sgl = 15;
		CHECK_RC(run(&q, &m), WD_SEC_ST_BAD_BD);
		/* A byte count that is not the entries' sum is refused. */
		b->sgl.sge[2].len = 4;
		m.bd = good;
		CHECK_RC(run(&q, &m), WD_SEC_ST_BAD_BD);
		b->sgl.data_bytes_in_sgl = 16;
		m.bd = good;
		CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
		CHECK_RC(wd_mem_unshare(&q, &dsgl, sizeof(dsgl)), 0);
	}

	/* HMAC-SHA1 of "Hi There" with 20 bytes of 0x0b. */
	memset(&m, 0, sizeof(m));
	memset(b->akey, 0x0b, 20);
	memcpy(b->data, "Hi There", 8);
	m.bd.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
	m.bd.w1 = HISI_SEC_A_ALG_HMAC_SHA1 << HISI_SEC_W1_A_ALG_S;
	m.bd.w3 = 5u << HISI_SEC_W3_MAC_LEN_S | 5u << HISI_SEC_W3_A_KEY_LEN_S;
	wd_sec_bd_set_auth_len(&m.bd, 8);
	set_addrs(&m.bd, b);
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
	CHECK(memcmp(b->mac, hmac1, 20) == 0, "HMAC-SHA1 RFC 2202 case 1");
	m.bd.w0 = HISI_SEC_AUTH_VERIF << HISI_SEC_W0_AUTH_S;
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
	b->mac[19] ^= 1;
	CHECK_RC(run(&q, &m), WD_SEC_ST_AUTH_FAILED);

	/* Unshared key: a fault, the MAC untouched. */
	{
		uint8_t private_key[20];

		memset(private_key, 0x0b, sizeof(private_key));
		memset(b->mac, 0xee, 20);
		m.bd.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
		wd_sec_bd_set_addr(&m.bd.auth_key_lo, &m.bd.auth_key_hi, (uintptr_t)private_key);
		CHECK_RC(run(&q, &m), WD_SEC_ST_FAULT);
		CHECK(b->mac[0] == 0xee && b->mac[19] == 0xee, "MAC written on a fault");
	}
	m.bd.w3 = 0;
	CHECK_RC(run(&q, &m), WD_SEC_ST_BAD_BD);

	/* Empty message: SHA-256("") and HMAC-SHA1(key, ""), the data address
	 * unused (here never shared: a zero-length job reads nothing). */
	{
		static const uint8_t sha256_empty[8] = { 0xe3, 0xb0, 0xc4, 0x42, 0x98,
							 0xfc, 0x1c, 0x14 };
		/* RFC 4493 example 1: AES-CMAC of the empty message */
		static const uint8_t cmac_empty[16] = { 0xbb, 0x1d, 0x69, 0x29, 0xe9, 0x59,
							0x37, 0x28, 0x7f, 0xa3, 0x7d, 0x12,
							0x9b, 0x75, 0x67, 0x46 };

		memset(&m, 0, sizeof(m));
		m.bd.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
		m.bd.w1 = HISI_SEC_A_ALG_SHA256 << HISI_SEC_W1_A_ALG_S;
		m.bd.w3 = 8u << HISI_SEC_W3_MAC_LEN_S;
		set_addrs(&m.bd, b);
		wd_sec_bd_set_addr(&m.bd.data_lo, &m.bd.data_hi, 0x10);
		memset(b->mac, 0, sizeof(b->mac));
		CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
		CHECK(memcmp(b->mac, sha256_empty, 8) == 0, "SHA-256 of the empty message");
		memcpy(b->akey, key, 16);
		m.bd.w1 = HISI_SEC_A_ALG_AES_CMAC << HISI_SEC_W1_A_ALG_S;
		m.bd.w3 = 4u << HISI_SEC_W3_MAC_LEN_S | 4u << HISI_SEC_W3_A_KEY_LEN_S;
		CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
		CHECK(memcmp(b->mac, cmac_empty, 16) == 0, "AES-CMAC of the empty message");
	}

	/* Many in flight, completed out of order, returned in order. */
	ms = calloc(400, sizeof(*ms));
	for (i = 0; i < 400; i++) {
		ms[i].bd.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
		ms[i].bd.w1 = HISI_SEC_A_ALG_SHA1 << HISI_SEC_W1_A_ALG_S;
		ms[i].bd.w3 = 5u << HISI_SEC_W3_MAC_LEN_S;
		wd_sec_bd_set_auth_len(&ms[i].bd, (uint32_t)(1 + i % 200));
		set_addrs(&ms[i].bd, b);
		ms[i].user = &ms[i];
		CHECK_RC(wd_send(&q, &ms[i]), 0);
	}
	for (i = 0; i < 400; i++) {
		CHECK_RC(wd_recv_sync(&q, &resp, 10000), 0);
		CHECK(resp == &ms[i] && ms[i].status == WD_SEC_ST_OK, "completion %d in order", i);
	}
	free(ms);
	CHECK_RC(wd_mem_unshare(&q, b, sizeof(*b)), 0);
	wd_release_queue(&q);
	free(b);
}

/* --- types ------------------------------------------------------------------ */

static const struct wd_dev_info *
find_dev(const struct wd_dev_info *devs, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(devs[i].name, name) == 0)
			return &devs[i];
	return NULL;
}

/* The free instances of each of hisi_sec0's types (-1 if missing). */
static void
sec_available(int avail[3])
{
	static const char *const names[] = { "cipher", "digest", "chain" };
	const struct wd_dev_info *d;
	struct wd_dev_info *devs;
	unsigned int t;
	int n, k;

	n = wd_scan(&devs);
	d = n > 0 ? find_dev(devs, n, "hisi_sec0") : NULL;
	for (k = 0; k < 3; k++) {
		avail[k] = -1;
		for (t = 0; d != NULL && t < d->nb_types; t++)
			if (strcmp(d->types[t].name, names[k]) == 0)
				avail[k] = d->types[t].available;
	}
	if (n >= 0)
		wd_free_scan(devs);
}

static void
test_types(void)
{
	static const char *const types[] = { "hisi_sec-cipher", "hisi_sec-digest",
					     "hisi_sec-chain" };
	struct wd_capa capa = { .numa_node = WD_NUMA_ANY };
	const struct wd_dev_info *d;
	struct wd_dev_info *devs;
	struct wd_queue q[3];
	int n, a[3], k;

	CHECK(strcmp(HISI_SEC_ALG, "chain") == 0, "the PMD asks for chain");
	n = wd_scan(&devs);
	CHECK(n == 1, "%d devices", n);
	d = n > 0 ? find_dev(devs, n, "hisi_sec0") : NULL;
	CHECK(d != NULL && d->nb_types == 3, "hisi_sec0 has 3 types");
	for (k = 0; d != NULL && k < 3 && k < (int)d->nb_types; k++)
		CHECK(strcmp(d->types[k].type, types[k]) == 0 &&
		      strcmp(d->types[k].device_api, HISI_SEC_API) == 0 &&
		      d->types[k].available == 16, "type %d: %s %s %d", k, d->types[k].type,
		      d->types[k].device_api, d->types[k].available);
	if (n >= 0)
		wd_free_scan(devs);
	/* One instance count for all three types, as the kernel's types share it. */
	capa.alg = HISI_SEC_ALG_CIPHER;
	CHECK_RC(wd_request_queue(&q[0], &capa), 0);
	CHECK(strcmp(q[0].alg, "cipher") == 0 && strcmp(q[0].type_name, types[0]) == 0,
	      "cipher queue: %s %s", q[0].alg, q[0].type_name);
	sec_available(a);
	CHECK(a[0] == 15 && a[1] == 15 && a[2] == 15, "after one: %d %d %d", a[0], a[1], a[2]);
	capa.alg = HISI_SEC_ALG_DIGEST;
	CHECK_RC(wd_request_queue(&q[1], &capa), 0);
	capa.alg = HISI_SEC_ALG_CHAIN;
	CHECK_RC(wd_request_queue(&q[2], &capa), 0);
	sec_available(a);
	CHECK(a[0] == 13 && a[1] == 13 && a[2] == 13, "after three: %d %d %d", a[0], a[1], a[2]);
	capa.alg = "sha1";
	CHECK_RC(wd_request_queue(&q[0], &capa), -ENODEV);
	for (k = 0; k < 3; k++)
		wd_release_queue(&q[k]);
	sec_available(a);
	CHECK(a[0] == 16 && a[1] == 16 && a[2] == 16, "all back: %d %d %d", a[0], a[1], a[2]);
}

/* AES-128-CBC encrypt of 16 bytes (cipher only). */
static struct hisi_sec_bd
bd_cipher(struct buf *b)
{
	struct hisi_sec_bd bd = { 0 };

	bd.w0 = HISI_SEC_C_MODE_CBC << HISI_SEC_W0_C_MODE_S |
		HISI_SEC_CIPHER_ENCRYPT << HISI_SEC_W0_CIPHER_S;
	bd.w1 = HISI_SEC_C_ALG_AES << HISI_SEC_W1_C_ALG_S;
	bd.w2 = 1u << HISI_SEC_W2_GRAN_NUM_S;
	wd_sec_bd_set_cipher_len(&bd, 16);
	set_addrs(&bd, b);
	return bd;
}

/* HMAC-SHA1 of 80 bytes (auth only). */
static struct hisi_sec_bd
bd_digest(struct buf *b)
{
	struct hisi_sec_bd bd = { 0 };

	bd.w0 = HISI_SEC_AUTH_MAC << HISI_SEC_W0_AUTH_S;
	bd.w1 = HISI_SEC_A_ALG_HMAC_SHA1 << HISI_SEC_W1_A_ALG_S;
	bd.w3 = 5u << HISI_SEC_W3_MAC_LEN_S | 5u << HISI_SEC_W3_A_KEY_LEN_S;
	wd_sec_bd_set_auth_len(&bd, 80);
	set_addrs(&bd, b);
	return bd;
}

/* Each type takes its class of BDs and refuses the others, touching nothing. */
static void
test_type_classes(void)
{
	static const uint8_t pt[16] = "0123456789abcdef";
	struct wd_capa capa = { .numa_node = WD_NUMA_ANY };
	struct buf *b = aligned_alloc(64, sizeof(*b));
	struct wd_queue cq, dq, hq;
	struct wd_sec_msg m;
	uint8_t ct[16], mac[20], chain_ct[80], chain_mac[20];

	memset(b, 0, sizeof(*b));
	memset(b->key, 0x2b, 16);
	memset(b->akey, 0x0b, 20);
	capa.alg = HISI_SEC_ALG_CIPHER;
	CHECK_RC(wd_request_queue(&cq, &capa), 0);
	capa.alg = HISI_SEC_ALG_DIGEST;
	CHECK_RC(wd_request_queue(&dq, &capa), 0);
	capa.alg = HISI_SEC_ALG_CHAIN;
	CHECK_RC(wd_request_queue(&hq, &capa), 0);
	CHECK_RC(wd_mem_share(NULL, b, sizeof(*b), 0), 0);

	/* cipher queue: a cipher BD works, a digest-only BD is refused */
	memcpy(b->data, pt, 16);
	m = (struct wd_sec_msg){ .bd = bd_cipher(b) };
	CHECK_RC(run(&cq, &m), WD_SEC_ST_OK);
	CHECK(memcmp(b->data, pt, 16) != 0, "cipher queue encrypted");
	memcpy(ct, b->data, 16);
	memset(b->mac, 0xee, sizeof(b->mac));
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&cq, &m), WD_SEC_ST_BAD_BD);
	CHECK(b->mac[0] == 0xee && b->mac[19] == 0xee, "MAC written by a refused BD");
	CHECK((m.bd.w1 & HISI_SEC_W1_BD_INVALID) &&
	      ((m.bd.w0 & HISI_SEC_W0_FLAG_M) >> HISI_SEC_W0_FLAG_S) == HISI_SEC_FLAG_BAD_BD,
	      "BD_INVALID with FLAG BAD_BD");

	/* digest queue: the reverse */
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&dq, &m), WD_SEC_ST_OK);
	CHECK(b->mac[0] != 0xee || b->mac[19] != 0xee, "digest queue wrote the MAC");
	memcpy(b->data, pt, 16);
	m = (struct wd_sec_msg){ .bd = bd_cipher(b) };
	CHECK_RC(run(&dq, &m), WD_SEC_ST_BAD_BD);
	CHECK(memcmp(b->data, pt, 16) == 0, "data written by a refused BD");

	/* chain: cipher then HMAC over the output in one BD, on the chain queue
	 * only; same bytes as the two steps on the single-class queues */
	memset(b->data, 0x5a, 80);
	m = (struct wd_sec_msg){ .bd = bd_cbc_hmac() };
	set_addrs(&m.bd, b);
	CHECK_RC(run(&cq, &m), WD_SEC_ST_BAD_BD);
	m = (struct wd_sec_msg){ .bd = bd_cbc_hmac() };	/* FLAG overlays C_LEN bits */
	set_addrs(&m.bd, b);
	CHECK_RC(run(&dq, &m), WD_SEC_ST_BAD_BD);
	CHECK(b->data[16] == 0x5a && b->data[79] == 0x5a, "chain refused, data untouched");
	m = (struct wd_sec_msg){ .bd = bd_cbc_hmac() };
	set_addrs(&m.bd, b);
	CHECK_RC(run(&hq, &m), WD_SEC_ST_OK);
	memcpy(chain_ct, b->data, 80);
	memcpy(chain_mac, b->mac, 20);
	memset(b->data, 0x5a, 80);
	m = (struct wd_sec_msg){ .bd = bd_cbc_hmac() };
	m.bd.w0 &= ~HISI_SEC_W0_AUTH_M;
	m.bd.w1 &= ~HISI_SEC_W1_A_ALG_M;
	m.bd.w3 &= ~(HISI_SEC_W3_MAC_LEN_M | HISI_SEC_W3_A_KEY_LEN_M);
	wd_sec_bd_set_auth_len(&m.bd, 0);
	set_addrs(&m.bd, b);
	CHECK_RC(run(&cq, &m), WD_SEC_ST_OK);
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&dq, &m), WD_SEC_ST_OK);
	memcpy(mac, b->mac, 20);
	CHECK(memcmp(chain_ct, b->data, 80) == 0 && memcmp(chain_mac, mac, 20) == 0 &&
	      chain_ct[16] != 0x5a, "chain = cipher then digest");
	/* and a chain queue takes the single-class BDs too */
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&hq, &m), WD_SEC_ST_OK);
	CHECK(memcmp(b->mac, mac, 20) == 0, "same MAC on the chain queue");
	memcpy(b->data, pt, 16);
	m = (struct wd_sec_msg){ .bd = bd_cipher(b) };
	CHECK_RC(run(&hq, &m), WD_SEC_ST_OK);
	CHECK(memcmp(b->data, ct, 16) == 0, "same ciphertext on the chain queue");

	CHECK_RC(wd_mem_unshare(NULL, b, sizeof(*b)), 0);
	wd_release_queue(&cq);
	wd_release_queue(&dq);
	wd_release_queue(&hq);
	free(b);
}

/* --- rings in process memory -------------------------------------------------- */

/* The driver's start: rings in process memory, confirmed by the engine. */
static void
test_ring_start(void)
{
	struct wd_capa capa = { .alg = HISI_SEC_ALG, .numa_node = WD_NUMA_ANY };
	struct wd_queue q;
	struct wd_sec_ring *r;
	uint64_t cmd, cq;
	size_t size;
	void *ring;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	r = wd_sec_ring(&q);
	CHECK(wd_queue_region(&q, WD_REGION_REGS, &size) != NULL && size >= HISI_SEC_REGS_SIZE,
	      "register page");
	CHECK(wd_queue_region(&q, WD_REGION_RING, &size) == NULL, "no ring region");
	cmd = (uint64_t)wd_sec_reg_read(r, HISI_SEC_Q_BASE_HADDR) << 32 |
		wd_sec_reg_read(r, HISI_SEC_Q_BASE_LADDR);
	cq = (uint64_t)wd_sec_reg_read(r, HISI_SEC_OUTORDER_BASE_H) << 32 |
		wd_sec_reg_read(r, HISI_SEC_OUTORDER_BASE_L);
	CHECK(cmd == (uintptr_t)r->bd && cq == (uintptr_t)r->cq &&
	      (char *)r->cq == (char *)r->bd + HISI_SEC_CMD_RING_SIZE &&
	      (uintptr_t)r->bd % (size_t)sysconf(_SC_PAGESIZE) == 0,
	      "bases programmed: BDs at IOVA == %p, completions at %p", (void *)r->bd,
	      (void *)r->cq);
	CHECK(wd_sec_reg_read(r, HISI_SEC_Q_DEPTH_CFG) == HISI_SEC_DEPTH - 1 &&
	      wd_sec_reg_read(r, HISI_SEC_Q_CFG) == HISI_SEC_Q_CFG_REORDER &&
	      wd_sec_reg_read(r, HISI_SEC_QUEUE_ENB) == 1 &&
	      wd_sec_reg_read(r, HISI_SEC_Q_STATUS) == HISI_SEC_Q_STATUS_RUN &&
	      wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) == 0, "running");
	ring = r->bd;
	wd_release_queue(&q);
	/* Released: the rings' memory is gone (msync fails on unmapped pages). */
	CHECK(msync(ring, ring_mem_len(), MS_ASYNC) == -1 && errno == ENOMEM,
	      "ring memory freed at release");
}

/* The engine's side of the start: what it refuses, what it ignores. */
static void
test_ring_refused(void)
{
	struct wd_capa capa = { .alg = HISI_SEC_ALG, .numa_node = WD_NUMA_ANY };
	static struct hisi_sec_bd never_shared[HISI_SEC_DEPTH] __attribute__((aligned(4096)));
	struct buf *b = aligned_alloc(64, sizeof(*b));
	uint64_t cmd = 0, other = (uintptr_t)never_shared;
	struct wd_sec_ring *r;
	struct wd_sec_msg m;
	struct wd_queue q;
	uint32_t ivld;
	int a[3], rc;

	memset(b, 0, sizeof(*b));
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK_RC(wd_mem_share(&q, b, sizeof(*b), 0), 0);
	r = wd_sec_ring(&q);
	cmd = (uintptr_t)r->bd;
	ivld = wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT);

	/* Bases written while enabled have no effect. */
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_LADDR, (uint32_t)other);
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_HADDR, (uint32_t)(other >> 32));
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);

	/* Stop: the engine lets go (RUN 0). A command ring never shared is
	 * refused: QUEUE_ENB cleared, one IVLD_BD, RUN stays 0. */
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 0);
	CHECK_RC(reg_wait(r, HISI_SEC_Q_STATUS, HISI_SEC_Q_STATUS_RUN, 0), 0);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(reg_wait(r, HISI_SEC_QUEUE_ENB, ~0u, 0), 0);
	CHECK(wd_sec_reg_read(r, HISI_SEC_Q_STATUS) == 0 &&
	      wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) == ivld + 1,
	      "unshared ring refused: status %u, IVLD_BD %u",
	      wd_sec_reg_read(r, HISI_SEC_Q_STATUS), wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT));
	/* Misaligned (inside shared memory), and a depth the engine lacks. */
	other = cmd + 32;
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_LADDR, (uint32_t)other);
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_HADDR, (uint32_t)(other >> 32));
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(reg_wait(r, HISI_SEC_QUEUE_ENB, ~0u, 0), 0);
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_LADDR, (uint32_t)cmd);
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_HADDR, (uint32_t)(cmd >> 32));
	wd_sec_reg_write(r, HISI_SEC_Q_DEPTH_CFG, 255);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(reg_wait(r, HISI_SEC_QUEUE_ENB, ~0u, 0), 0);
	CHECK(wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) == ivld + 3 &&
	      wd_sec_reg_read(r, HISI_SEC_Q_STATUS) == 0, "misaligned, depth 256 refused");
	/* Programmed right again: accepted, and BDs flow. */
	wd_sec_reg_write(r, HISI_SEC_Q_DEPTH_CFG, HISI_SEC_DEPTH - 1);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(reg_wait(r, HISI_SEC_Q_STATUS, HISI_SEC_Q_STATUS_RUN, HISI_SEC_Q_STATUS_RUN),
		 0);
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
	CHECK_RC(wd_mem_unshare(&q, b, sizeof(*b)), 0);
	wd_release_queue(&q);

	/* The driver: rings whose mapping never reached the device. The engine
	 * refuses them and the request fails, saying so. */
	log_text[0] = '\0';
	wd_set_log_fn(log_keep);
	lose_ring_map = 1;
	rc = wd_request_queue(&q, &capa);
	lose_ring_map = 0;
	wd_set_log_fn(NULL);
	CHECK(rc == -EFAULT, "request with unreachable rings: %d", rc);
	CHECK(strstr(log_text, "the engine refused the rings") != NULL &&
	      strstr(log_text, "IVLD_BD 1)") != NULL &&
	      strstr(log_text, "the device cannot reach them") != NULL, "log: %s", log_text);
	CHECK(lost_iova == 0, "the driver took back what it mapped");
	sec_available(a);
	CHECK(a[2] == 16, "instance back: %d", a[2]);
	/* and the next request, with a real mapping, works */
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	wd_release_queue(&q);
	free(b);
}

/* The ring's mapping removed while the queue runs: the engine stops the
 * queue without touching the memory; mapped and started again, the queue
 * resumes with the BD it could not read. */
static void
test_ring_unmapped(void)
{
	struct wd_capa capa = { .alg = HISI_SEC_ALG, .numa_node = WD_NUMA_ANY };
	struct buf *b = aligned_alloc(64, sizeof(*b));
	struct hisi_sec_bd *bd;
	struct wd_sec_ring *r;
	struct wd_sec_msg m;
	struct wd_queue q;
	uint32_t ivld, rd;
	void *resp;

	memset(b, 0, sizeof(*b));
	memset(b->akey, 0x0b, 20);
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK_RC(wd_mem_share(&q, b, sizeof(*b), 0), 0);
	r = wd_sec_ring(&q);
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	CHECK_RC(run(&q, &m), WD_SEC_ST_OK);
	ivld = wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT);

	CHECK_RC(wd_dma_unmap(&q, (uintptr_t)r->bd, ring_mem_len()), 0);
	/* A BD written, the memory made inaccessible, then the doorbell: an
	 * engine that touched the ring behind the IOMMU's back would crash. */
	m = (struct wd_sec_msg){ .bd = bd_digest(b) };
	bd = wd_sec_ring_next(r);
	rd = (uint32_t)(bd - r->bd);	/* where the engine must stop */
	*bd = m.bd;
	wd_sec_ring_commit(r, &m);
	CHECK_RC(mprotect(r->bd, ring_mem_len(), PROT_NONE), 0);
	wd_sec_ring_doorbell(r);
	CHECK_RC(reg_wait(r, HISI_SEC_QUEUE_ENB, ~0u, 0), 0);
	CHECK(wd_sec_reg_read(r, HISI_SEC_Q_STATUS) == 0 &&
	      wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) == ivld + 1 &&
	      wd_sec_reg_read(r, HISI_SEC_Q_RD_PTR) == rd &&
	      wd_sec_reg_read(r, HISI_SEC_Q_WR_PTR) == (rd + 1) % HISI_SEC_DEPTH,
	      "stopped: status %u, IVLD_BD %u, rd %u", wd_sec_reg_read(r, HISI_SEC_Q_STATUS),
	      wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT), wd_sec_reg_read(r, HISI_SEC_Q_RD_PTR));
	CHECK_RC(mprotect(r->bd, ring_mem_len(), PROT_READ | PROT_WRITE), 0);
	CHECK(!(bd->w0 & HISI_SEC_W0_DONE), "the unread BD did not complete");
	CHECK_RC(wd_recv(&q, &resp), -EAGAIN);

	/* Mapped again and enabled again: the BD is served. */
	CHECK_RC(wd_dma_map(&q, r->bd, (uintptr_t)r->bd, ring_mem_len()), 0);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(reg_wait(r, HISI_SEC_Q_STATUS, HISI_SEC_Q_STATUS_RUN, HISI_SEC_Q_STATUS_RUN),
		 0);
	CHECK_RC(wd_recv_sync(&q, &resp, 10000), 0);
	CHECK(resp == &m && m.status == WD_SEC_ST_OK, "resumed with the pending BD");

	/* The completion ring unmapped alone stops the queue as well. */
	CHECK_RC(wd_dma_unmap(&q, (uintptr_t)r->bd, ring_mem_len()), 0);
	CHECK_RC(wd_dma_map(&q, r->bd, (uintptr_t)r->bd, HISI_SEC_CMD_RING_SIZE), 0);
	CHECK_RC(wd_send(&q, &m), 0);
	CHECK_RC(reg_wait(r, HISI_SEC_QUEUE_ENB, ~0u, 0), 0);
	CHECK(wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT) == ivld + 2 &&
	      wd_sec_reg_read(r, HISI_SEC_Q_STATUS) == 0, "no completion ring: stop");
	CHECK_RC(wd_dma_unmap(&q, (uintptr_t)r->bd, HISI_SEC_CMD_RING_SIZE), 0);
	CHECK_RC(wd_dma_map(&q, r->bd, (uintptr_t)r->bd, ring_mem_len()), 0);
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	CHECK_RC(wd_recv_sync(&q, &resp, 10000), 0);
	CHECK(resp == &m && m.status == WD_SEC_ST_OK, "resumed again");
	CHECK_RC(wd_mem_unshare(&q, b, sizeof(*b)), 0);
	wd_release_queue(&q);
	free(b);
}

int
main(void)
{
	setenv("WD_SYSFS_ROOT", "/nonexistent", 1);
	setenv("WD_EMU", "hisi_sec_v1:1", 1);
	test_fields();
	test_decode();
	test_order_and_status();
	test_engine();
	test_types();
	test_type_classes();
	test_ring_start();
	test_ring_refused();
	test_ring_unmapped();
	return wd_test_done("test_sec");
}
