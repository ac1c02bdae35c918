/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_SEC_H_
#define _WD_SEC_H_

/**
 * @file
 * User driver of device_api "hisi_sec_v1" (HiSilicon SEC v1): BD field
 * helpers, completion status decoding, and the queue's ring with
 * submission-order restoration, all inline for PMDs. wd_send()/wd_recv()
 * take a struct wd_sec_msg.
 */

#include <errno.h>
#include <stdint.h>

#include "hisi_sec_v1.h"
#include "wd.h"
#include "wd_arch.h"
#include "wd_notify.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Completion status of a BD. */
enum wd_sec_status {
	WD_SEC_ST_OK = 0,
	WD_SEC_ST_BAD_BD,	/**< refused: a field is invalid */
	WD_SEC_ST_FAULT,	/**< refused: an address the device may not use */
	WD_SEC_ST_AUTH_FAILED,	/**< the MAC did not verify */
	WD_SEC_ST_ECC,		/**< the completion entry reported an ECC error */
};

/** A request for wd_send()/wd_recv(): a BD built by the caller. */
struct wd_sec_msg {
	struct hisi_sec_bd bd;		/**< in: to submit; out: as completed */
	enum wd_sec_status status;	/**< out */
	void *user;			/**< the caller's, untouched */
};

/* --- BD fields ------------------------------------------------------------ */

static inline void
wd_sec_bd_set_addr(uint32_t *lo, uint32_t *hi, uint64_t iova)
{
	*lo = (uint32_t)iova;
	*hi = (uint32_t)(iova >> 32);
}

/** Cipher length (22 bits over W2 and W0). */
static inline void
wd_sec_bd_set_cipher_len(struct hisi_sec_bd *bd, uint32_t len)
{
	bd->w2 = (bd->w2 & ~HISI_SEC_W2_C_LEN_15_0_M) | (len & 0xffff);
	bd->w0 = (bd->w0 & ~(HISI_SEC_W0_C_LEN_19_16_M | HISI_SEC_W0_C_LEN_21_20_M)) |
		((len >> 16) & 0xf) << HISI_SEC_W0_C_LEN_19_16_S |
		((len >> 20) & 0x3) << HISI_SEC_W0_C_LEN_21_20_S;
}

static inline void
wd_sec_bd_set_auth_len(struct hisi_sec_bd *bd, uint32_t len)
{
	bd->w1 = (bd->w1 & ~HISI_SEC_W1_AUTH_LEN_M) | (len & HISI_SEC_W1_AUTH_LEN_M);
}

/** Cipher and auth offsets (10 bits each) in W3. */
static inline void
wd_sec_bd_set_offsets(struct hisi_sec_bd *bd, uint32_t cipher_off, uint32_t auth_off)
{
	bd->w3 = (bd->w3 & ~(HISI_SEC_W3_CIPHER_OFF_M | HISI_SEC_W3_AUTH_OFF_M)) |
		(cipher_off << HISI_SEC_W3_CIPHER_OFF_S & HISI_SEC_W3_CIPHER_OFF_M) |
		(auth_off & HISI_SEC_W3_AUTH_OFF_M);
}

/** Status of a completed BD (W0.DONE set). */
static inline enum wd_sec_status
wd_sec_bd_status(const struct hisi_sec_bd *bd)
{
	if (bd->w1 & HISI_SEC_W1_BD_INVALID)
		return ((bd->w0 & HISI_SEC_W0_FLAG_M) >> HISI_SEC_W0_FLAG_S) ==
			HISI_SEC_FLAG_FAULT ? WD_SEC_ST_FAULT : WD_SEC_ST_BAD_BD;
	if (((bd->w0 & HISI_SEC_W0_ICV_M) >> HISI_SEC_W0_ICV_S) == HISI_SEC_ICV_ERROR)
		return WD_SEC_ST_AUTH_FAILED;
	return WD_SEC_ST_OK;
}

/* --- the ring --------------------------------------------------------------- */

/**
 * Bytes of process memory holding a queue's two rings: the command ring
 * (HISI_SEC_DEPTH BDs) at its start, the completion ring right after it.
 * The driver allocates them (page-aligned, rounded up to whole pages)
 * when the queue is requested, maps those pages for the queue's device at
 * IOVA == address, programs the bases and frees them when the queue is
 * released and closed.
 */
#define WD_SEC_RING_MEM_SIZE	(HISI_SEC_CMD_RING_SIZE + HISI_SEC_CQ_RING_SIZE)

/**
 * The queue's rings as the driver sees them (bd and cq point into the
 * WD_SEC_RING_MEM_SIZE bytes above). Counters run free; slots are
 * counters modulo HISI_SEC_DEPTH. Submission order is restored: a BD is
 * returned only when every BD submitted before it has been.
 */
struct wd_sec_ring {
	volatile uint32_t *regs;
	struct hisi_sec_bd *bd;
	volatile uint16_t *cq;
	uint32_t tail;		/**< next slot to fill */
	uint32_t ci;		/**< oldest BD not returned yet */
	uint32_t cq_rd;		/**< completion entries consumed */
	void *cookie[HISI_SEC_DEPTH];	/**< per slot, the caller's */
	uint8_t ecc[HISI_SEC_DEPTH];	/**< per slot, completion had the ECC bit */
	volatile uint32_t *notify;	/**< engine's notify word (wd_notify.h) or NULL */
};

/** The ring of a hisi_sec_v1 queue (valid until the queue is released). */
struct wd_sec_ring *wd_sec_ring(struct wd_queue *q);

static inline uint32_t
wd_sec_reg_read(const struct wd_sec_ring *r, unsigned int off)
{
	return wd_read32(&r->regs[off / 4]);
}

static inline void
wd_sec_reg_write(struct wd_sec_ring *r, unsigned int off, uint32_t v)
{
	wd_write32(&r->regs[off / 4], v);
}

/** BDs submitted and not yet returned. */
static inline uint32_t
wd_sec_ring_inflight(const struct wd_sec_ring *r)
{
	return r->tail - r->ci;
}

/** The BD to fill next, or NULL when HISI_SEC_MAX_INFLIGHT are in flight. */
static inline struct hisi_sec_bd *
wd_sec_ring_next(struct wd_sec_ring *r)
{
	if (r->tail - r->ci >= HISI_SEC_MAX_INFLIGHT)
		return NULL;
	return &r->bd[r->tail % HISI_SEC_DEPTH];
}

/** The BD from wd_sec_ring_next() is filled: count it, remember @p cookie. */
static inline void
wd_sec_ring_commit(struct wd_sec_ring *r, void *cookie)
{
	r->cookie[r->tail % HISI_SEC_DEPTH] = cookie;
	r->tail++;
}

/** Doorbell: hand every committed BD to the engine. */
static inline void
wd_sec_ring_doorbell(struct wd_sec_ring *r)
{
	wd_sec_reg_write(r, HISI_SEC_Q_WR_PTR, r->tail % HISI_SEC_DEPTH);
	wd_notify(r->notify);
}

/** Consume the engine's completion entries (their BDs carry W0.DONE). */
static inline void
wd_sec_ring_reap(struct wd_sec_ring *r)
{
	uint32_t wr = wd_sec_reg_read(r, HISI_SEC_OUTORDER_WR_PTR) % HISI_SEC_DEPTH;
	uint32_t rd = r->cq_rd, rd0 = rd;

	if (wr == rd)
		return;
	while (rd != wr) {
		uint16_t e = r->cq[rd];
		uint32_t i = e & HISI_SEC_CQ_IDX_MASK;

		/* An ECC entry's index may be what the error hit: believe it only
		 * for a BD in flight that the engine marked DONE. */
		if ((e & HISI_SEC_CQ_ECC) && i < HISI_SEC_DEPTH &&
		    (i - r->ci) % HISI_SEC_DEPTH < r->tail - r->ci &&
		    (__atomic_load_n(&r->bd[i].w0, __ATOMIC_ACQUIRE) & HISI_SEC_W0_DONE))
			r->ecc[i] = 1;
		rd = (rd + 1) % HISI_SEC_DEPTH;
	}
	r->cq_rd = rd;
	wd_sec_reg_write(r, HISI_SEC_OUTORDER_RD_PTR, rd);
	/* An engine stops on a full completion ring (and may fall asleep):
	 * it goes on now. Otherwise it needs no wake-up (and the fence is
	 * not paid: it would wait for this store to reach the engine). */
	if ((wr + 1) % HISI_SEC_DEPTH == rd0)
		wd_notify(r->notify);
}

/**
 * The oldest outstanding BD if the engine has finished it (else NULL),
 * with its cookie. Call wd_sec_ring_retire() once done with it.
 */
static inline struct hisi_sec_bd *
wd_sec_ring_oldest(struct wd_sec_ring *r, void **cookie)
{
	struct hisi_sec_bd *bd;

	if (r->ci == r->tail)
		return NULL;
	bd = &r->bd[r->ci % HISI_SEC_DEPTH];
	if (!(__atomic_load_n(&bd->w0, __ATOMIC_ACQUIRE) & HISI_SEC_W0_DONE))
		return NULL;
	*cookie = r->cookie[r->ci % HISI_SEC_DEPTH];
	return bd;
}

/** Status of the BD wd_sec_ring_oldest() returned. */
static inline enum wd_sec_status
wd_sec_ring_status(const struct wd_sec_ring *r, const struct hisi_sec_bd *bd)
{
	if (r->ecc[r->ci % HISI_SEC_DEPTH])
		return WD_SEC_ST_ECC;
	return wd_sec_bd_status(bd);
}

/** Forget the oldest BD (its slot can be filled again). */
static inline void
wd_sec_ring_retire(struct wd_sec_ring *r)
{
	r->bd[r->ci % HISI_SEC_DEPTH].w0 &= ~HISI_SEC_W0_DONE;
	r->ecc[r->ci % HISI_SEC_DEPTH] = 0;
	r->ci++;
}

#ifdef __cplusplus
}
#endif

#endif /* _WD_SEC_H_ */
