/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * Queue ABI of device_api "hisi_sec_v1": one queue of a HiSilicon SEC v1
 * ("HACv1", Hip06/Hip07) crypto engine, as the hardware defines it.
 * Shared by libwd's user driver, libwd's emu model and any kernel engine.
 *
 * Region WD_REGION_REGS: the queue's register page (offsets below). There
 * is no ring region: as on the hardware, the command ring (HISI_SEC_DEPTH
 * 64-byte BDs, 64-byte aligned) and the out-of-order completion ring
 * (HISI_SEC_DEPTH u16) live in the application's memory, DMA-mapped like
 * any data buffer, at the IOVAs software programs.
 *
 * Start (QUEUE_ENB 0, Q_STATUS.RUN 0): write Q_DEPTH_CFG (depth - 1; the
 * engine serves HISI_SEC_DEPTH only), Q_BASE_HADDR/LADDR (command ring
 * IOVA), OUTORDER_BASE_H/L (completion ring IOVA), Q_CFG, then
 * QUEUE_ENB = 1. The engine takes the bases and depth when it sees
 * QUEUE_ENB go to 1; writes to them while enabled have no effect. If it
 * can use them it sets Q_STATUS.RUN: from then on it owns the rings. A
 * depth or base it cannot use (misaligned, unmapped) makes it clear
 * QUEUE_ENB instead (RUN stays 0) and count one IVLD_BD. Software knows
 * the outcome by polling until RUN reads 1 (accepted) or QUEUE_ENB reads
 * 0 (refused), with a time limit; QUEUE_ENB reading 1 alone proves
 * nothing, software wrote it. Stop: QUEUE_ENB = 0; the engine finishes
 * the BD it is on, leaves the rings alone and then clears RUN. Software
 * waits for RUN 0 before it reprograms, enables again or frees the ring
 * memory. The pointers (Q_WR_PTR, Q_RD_PTR, OUTORDER_*_PTR) start at 0
 * when the queue is opened or reset and keep their values across a stop.
 *
 * Q_STATUS (at the hardware's status register offset) is written by the
 * engine only; bit 0 RUN: the engine has latched the bases and serves the
 * rings. It is 0 when the queue is opened or reset, and the engine clears
 * it whenever it lets go of the rings (QUEUE_ENB 0 seen, or a queue it
 * stops by itself). Software writes to it are meaningless: the engine
 * keeps its own state.
 *
 * Submit: write the BD at slot Q_WR_PTR, then store (wr + 1) % depth in
 * Q_WR_PTR (the doorbell). At most depth - 1 BDs in flight. A Q_WR_PTR
 * of depth or more is ignored (IVLD_BD counted, Q_WR_PTR set back to
 * Q_RD_PTR).
 * Complete: the engine sets W0.DONE in the BD and appends its index to the
 * completion ring at OUTORDER_WR_PTR; software consumes entries from
 * OUTORDER_RD_PTR, writes the pointer back, and restores submission order.
 * A BD the engine cannot read, or a completion entry it cannot write (the
 * ring's IOVA became unmapped), stops the queue as a refusal does
 * (QUEUE_ENB and RUN cleared, one IVLD_BD); that BD never completes. An
 * unreadable BD is not consumed: Q_RD_PTR stays on it, and a queue
 * started again resumes there.
 *
 * Data: the job covers the source from the lower of the two offsets to
 * the end of the cipher or auth range, whichever is further (the span).
 * W0.SEQ clear: cipher first, the MAC covers the cipher's output; set:
 * MAC over the input first. With W0.DE the destination receives the whole
 * span (bytes outside the cipher range are copied) and the source is not
 * written.
 *
 * Completion status (WrapDrive's use of the engine's result fields):
 *   W1.BD_INVALID set: the BD was refused; W0.FLAG says why
 *     (HISI_SEC_FLAG_BAD_BD: fields; HISI_SEC_FLAG_FAULT: an address the
 *     device may not use). Nothing was written.
 *   W0.ICV_OR_SKEY_EN == 3 with BD_INVALID clear: the MAC did not verify.
 */
#ifndef _UAPI_HISI_SEC_V1_H_
#define _UAPI_HISI_SEC_V1_H_

#include <linux/types.h>

#define HISI_SEC_API		"hisi_sec_v1"
/*
 * Types (mdev types, one per algorithm class; each a queue of the same
 * ABI): "cipher" takes cipher-only BDs, "digest" auth-only BDs (hashes,
 * HMAC, MACs), "chain" every BD including cipher + auth in one. A BD of a
 * class its queue's type does not take is refused (HISI_SEC_FLAG_BAD_BD).
 */
#define HISI_SEC_ALG_CIPHER	"cipher"
#define HISI_SEC_ALG_DIGEST	"digest"
#define HISI_SEC_ALG_CHAIN	"chain"
#define HISI_SEC_ALG		HISI_SEC_ALG_CHAIN	/* what DPDK's PMD asks for */
#define HISI_SEC_DEPTH		512
#define HISI_SEC_MAX_INFLIGHT	(HISI_SEC_DEPTH - 1)

/* Per-queue registers */
#define HISI_SEC_Q_INIT			0x000
#define HISI_SEC_Q_CFG			0x008	/* bit0: out-of-order completion */
#define HISI_SEC_Q_CFG_REORDER		0x1u
#define HISI_SEC_QUEUE_ENB		0x018
#define HISI_SEC_Q_DEPTH_CFG		0x050	/* bits 11:0 depth - 1 */
#define HISI_SEC_Q_BASE_HADDR		0x054
#define HISI_SEC_Q_BASE_LADDR		0x058
#define HISI_SEC_Q_WR_PTR		0x05C	/* doorbell */
#define HISI_SEC_OUTORDER_BASE_H	0x060
#define HISI_SEC_OUTORDER_BASE_L	0x064
#define HISI_SEC_OUTORDER_RD_PTR	0x068
#define HISI_SEC_FAIL_INT_MSK		0x300
#define HISI_SEC_FLOW_INT_MSK		0x304
#define HISI_SEC_Q_STATUS		0x600	/* engine-written, see above */
#define HISI_SEC_Q_STATUS_RUN		0x1u	/* bases latched, rings in use */
#define HISI_SEC_Q_RD_PTR		0x604
#define HISI_SEC_OUTORDER_WR_PTR	0x60C
#define HISI_SEC_SUCCESS_BD_CNT		0x800
#define HISI_SEC_FAIL_BD_CNT		0x804
#define HISI_SEC_GET_BD_CNT		0x808
#define HISI_SEC_IVLD_BD_CNT		0x80C
#define HISI_SEC_REGS_SIZE		4096

/* Rings in application memory (sizes in bytes, alignment of the bases) */
#define HISI_SEC_BD_SIZE	64
#define HISI_SEC_CMD_RING_SIZE	(HISI_SEC_DEPTH * HISI_SEC_BD_SIZE)
#define HISI_SEC_CMD_RING_ALIGN	64
#define HISI_SEC_CQ_RING_SIZE	(HISI_SEC_DEPTH * 2)
#define HISI_SEC_CQ_RING_ALIGN	64
#define HISI_SEC_CQ_IDX_MASK	0x0fffu
#define HISI_SEC_CQ_ECC		0x4000u

/* BD word 0 */
#define HISI_SEC_W0_C_MODE_S		7
#define HISI_SEC_W0_C_MODE_M		(0x7u << 7)
#define   HISI_SEC_C_MODE_ECB		0
#define   HISI_SEC_C_MODE_CBC		1
#define   HISI_SEC_C_MODE_CTR		4
#define   HISI_SEC_C_MODE_CCM		5
#define   HISI_SEC_C_MODE_GCM		6
#define   HISI_SEC_C_MODE_XTS		7
#define HISI_SEC_W0_SEQ			(1u << 10)	/* 1: auth before cipher */
#define HISI_SEC_W0_DE			(1u << 11)	/* separate destination */
#define HISI_SEC_W0_C_LEN_19_16_S	14
#define HISI_SEC_W0_C_LEN_19_16_M	(0xfu << 14)
#define HISI_SEC_W0_CIPHER_S		18
#define HISI_SEC_W0_CIPHER_M		(0x3u << 18)
#define   HISI_SEC_CIPHER_NULL		0
#define   HISI_SEC_CIPHER_ENCRYPT	1
#define   HISI_SEC_CIPHER_DECRYPT	2
#define HISI_SEC_W0_AUTH_S		20
#define HISI_SEC_W0_AUTH_M		(0x3u << 20)
#define   HISI_SEC_AUTH_NULL		0
#define   HISI_SEC_AUTH_MAC		1
#define   HISI_SEC_AUTH_VERIF		2
#define HISI_SEC_W0_ICV_S		27
#define HISI_SEC_W0_ICV_M		(0x3u << 27)
#define   HISI_SEC_ICV_ERROR		3
#define HISI_SEC_W0_C_LEN_21_20_S	29	/* on completion: FLAG */
#define HISI_SEC_W0_C_LEN_21_20_M	(0x3u << 29)
#define HISI_SEC_W0_FLAG_S		29
#define HISI_SEC_W0_FLAG_M		(0x3u << 29)
#define   HISI_SEC_FLAG_OK		0
#define   HISI_SEC_FLAG_BAD_BD		1
#define   HISI_SEC_FLAG_FAULT		2
#define HISI_SEC_W0_DONE		(1u << 31)

/* BD word 1 */
#define HISI_SEC_W1_AUTH_LEN_M		0x3fffffu
#define HISI_SEC_W1_BD_INVALID		(1u << 23)
#define HISI_SEC_W1_ADDR_TYPE		(1u << 24)	/* data/dest are SGLs */
#define HISI_SEC_W1_A_ALG_S		25
#define HISI_SEC_W1_A_ALG_M		(0xfu << 25)
#define   HISI_SEC_A_ALG_SHA1		0
#define   HISI_SEC_A_ALG_SHA256		1
#define   HISI_SEC_A_ALG_MD5		2
#define   HISI_SEC_A_ALG_SHA224		3
#define   HISI_SEC_A_ALG_HMAC_SHA1	8
#define   HISI_SEC_A_ALG_HMAC_SHA224	10
#define   HISI_SEC_A_ALG_HMAC_SHA256	11
#define   HISI_SEC_A_ALG_HMAC_MD5	12
#define   HISI_SEC_A_ALG_AES_XCBC	13
#define   HISI_SEC_A_ALG_AES_CMAC	14
#define HISI_SEC_W1_C_ALG_S		29
#define HISI_SEC_W1_C_ALG_M		(0x7u << 29)
#define   HISI_SEC_C_ALG_DES		0
#define   HISI_SEC_C_ALG_3DES		1
#define   HISI_SEC_C_ALG_AES		2

/* BD word 2 */
#define HISI_SEC_W2_C_LEN_15_0_M	0xffffu
#define HISI_SEC_W2_GRAN_NUM_S		16

/* BD word 3 */
#define HISI_SEC_W3_AUTH_OFF_M		0x3ffu
#define HISI_SEC_W3_CIPHER_OFF_S	10
#define HISI_SEC_W3_CIPHER_OFF_M	(0x3ffu << 10)
#define HISI_SEC_W3_MAC_LEN_S		20	/* in 4-byte words */
#define HISI_SEC_W3_MAC_LEN_M		(0x1fu << 20)
#define HISI_SEC_W3_A_KEY_LEN_S		25	/* in 4-byte words */
#define HISI_SEC_W3_A_KEY_LEN_M		(0x1fu << 25)
#define HISI_SEC_W3_C_KEY_LEN_S		30
#define HISI_SEC_W3_C_KEY_LEN_M		(0x3u << 30)
#define   HISI_SEC_KEY_LEN_AES_128	0
#define   HISI_SEC_KEY_LEN_AES_192	1
#define   HISI_SEC_KEY_LEN_AES_256	2
#define   HISI_SEC_KEY_LEN_DES		1
#define   HISI_SEC_KEY_LEN_3DES_3KEY	1
#define   HISI_SEC_KEY_LEN_3DES_2KEY	3

#define HISI_SEC_MAX_CIPHER_LEN		((1u << 22) - 1)
#define HISI_SEC_MAX_OFFSET		0x3ffu

struct hisi_sec_bd {
	__u32 w0;
	__u32 w1;
	__u32 w2;
	__u32 w3;
	__u32 auth_key_lo;	/* W4-5: auth key (or auth IV) */
	__u32 auth_key_hi;
	__u32 cipher_key_lo;	/* W6-7 */
	__u32 cipher_key_hi;
	__u32 cipher_iv_lo;	/* W8-9 */
	__u32 cipher_iv_hi;
	__u32 data_lo;		/* W10-11: source (or SGL) */
	__u32 data_hi;
	__u32 mac_lo;		/* W12-13: MAC out (generate) or in (verify) */
	__u32 mac_hi;
	__u32 dst_lo;		/* W14-15: destination (or SGL) when DE */
	__u32 dst_hi;
};

/* BD fields spread over several words (the setters are libwd's wd_sec.h). */
static inline __u64 hisi_sec_bd_addr(__u32 lo, __u32 hi)
{
	return (__u64)hi << 32 | lo;
}

/* Cipher length: 22 bits over W2 15:0, W0 17:14 and W0 30:29. */
static inline __u32 hisi_sec_bd_cipher_len(const struct hisi_sec_bd *bd)
{
	return (bd->w2 & HISI_SEC_W2_C_LEN_15_0_M) |
	       ((bd->w0 & HISI_SEC_W0_C_LEN_19_16_M) >>
		HISI_SEC_W0_C_LEN_19_16_S) << 16 |
	       ((bd->w0 & HISI_SEC_W0_C_LEN_21_20_M) >>
		HISI_SEC_W0_C_LEN_21_20_S) << 20;
}

static inline __u32 hisi_sec_bd_auth_len(const struct hisi_sec_bd *bd)
{
	return bd->w1 & HISI_SEC_W1_AUTH_LEN_M;
}

/* Hardware scatter-gather list (ADDR_TYPE = 1), 64-byte aligned. */
#define HISI_SEC_SGL_ENTRIES	64

struct hisi_sec_sge {
	__u64 buf;
	__u32 len;
	__u32 pad;
};

struct hisi_sec_sgl {
	__u64 next_sgl;			/* IOVA of the next SGL, 0 if last */
	__u16 entry_sum_in_chain;	/* entries in the whole chain (first SGL) */
	__u16 entry_sum_in_sgl;		/* entries used in this SGL */
	__u32 flag;
	__u64 serial_num;
	__u32 cpuid;
	__u32 data_bytes_in_sgl;
	__u64 next;			/* software's */
	__u64 reserved;
	struct hisi_sec_sge sge[HISI_SEC_SGL_ENTRIES];
};

#endif /* _UAPI_HISI_SEC_V1_H_ */
