/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * User driver of "hisi_sec_v1": allocates the queue's rings in process
 * memory, maps them for the device, starts the queue and waits for the
 * engine to confirm it took them (hisi_sec_v1.h, "Start"); then moves BDs
 * through the inline ring of wd_sec.h with plain loads and stores only.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "wd_private.h"
#include "wd_sec.h"

/* How long the engine may take to answer a QUEUE_ENB write: it polls and
 * may be asleep (the emu engine sleeps up to 0.5 ms when idle). */
#define ENGINE_TIMEOUT_MS	2000

/* Per-queue state; the ring comes first: wd_sec_ring() hands it out. */
struct sec_q {
	struct wd_sec_ring r;
	char *mem;		/* both rings: WD_SEC_RING_MEM_SIZE bytes used */
	size_t mem_len;		/* bytes mmap'd and DMA-mapped: whole pages */
	int mapped;		/* mem is DMA-mapped for the queue's device */
	int enabled;		/* QUEUE_ENB was written 1 */
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Wait for the engine's answer: Q_STATUS.RUN reading @run. When waiting
 * for the start (@run 1), QUEUE_ENB reading 0 is the engine's refusal.
 * 0, -EFAULT (refused) or -ETIMEDOUT.
 */
static int
engine_wait(const struct wd_sec_ring *r, uint32_t run)
{
	uint64_t deadline = now_ns() + (uint64_t)ENGINE_TIMEOUT_MS * 1000000u;
	struct timespec ts = { 0, 1000 };

	wd_notify(r->notify);
	for (;;) {
		if ((wd_sec_reg_read(r, HISI_SEC_Q_STATUS) & HISI_SEC_Q_STATUS_RUN) == run)
			return 0;
		if (run && wd_sec_reg_read(r, HISI_SEC_QUEUE_ENB) == 0)
			return -EFAULT;
		if (now_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
		if (ts.tv_nsec < 1000000)
			ts.tv_nsec *= 2;
	}
}

/* Stop the queue and take the rings back from the device (their memory
 * is freed by sec_fini(), after the queue is closed). */
static void
sec_stop(struct wd_queue *q)
{
	struct sec_q *s = wd_queue_drv_priv(q);
	struct wd_sec_ring *r = &s->r;

	if (s->enabled) {
		wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 0);
		if (engine_wait(r, 0) != 0)
			WD_WARN("%s: queue %s: the engine did not let go of its rings in %d ms",
				q->dev_name, q->uuid, ENGINE_TIMEOUT_MS);
		s->enabled = 0;
	}
	/* After the unmap the device cannot reach the rings, whatever it does. */
	if (s->mapped) {
		wd_dma_unmap_va(q, s->mem, (uintptr_t)s->mem, s->mem_len);
		s->mapped = 0;
	}
}

static int
sec_init(struct wd_queue *q)
{
	struct sec_q *s = wd_queue_drv_priv(q);
	struct wd_sec_ring *r = &s->r;
	size_t regs_size, pg = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t cmd, cq;
	void *mem;
	int rc;

	r->regs = wd_queue_region(q, WD_REGION_REGS, &regs_size);
	r->notify = wd_queue_notify_word(q);
	if (r->regs == NULL || regs_size < HISI_SEC_REGS_SIZE) {
		WD_ERR("%s: queue %s lacks its registers", q->dev_name, q->uuid);
		return -ENXIO;
	}
	if (wd_sec_reg_read(r, HISI_SEC_QUEUE_ENB) != 0 ||
	    (wd_sec_reg_read(r, HISI_SEC_Q_STATUS) & HISI_SEC_Q_STATUS_RUN)) {
		WD_ERR("%s: queue %s is enabled already", q->dev_name, q->uuid);
		return -EBUSY;
	}
	/* The rings: page-aligned, zeroed; the framework's memory when it
	 * gives some (other processes then reach the queue), else our own. */
	s->mem_len = (WD_SEC_RING_MEM_SIZE + pg - 1) & ~(pg - 1);
	cmd = WD_IOVA_UNMAPPED;
	if (wd_queue_mem_shared(q)) {
		mem = wd_queue_mem_alloc(q, s->mem_len, pg, &cmd);
		if (mem == NULL) {
			WD_ERR("%s: queue %s: no memory for its rings", q->dev_name, q->uuid);
			return -ENOMEM;
		}
	} else {
		mem = mmap(NULL, s->mem_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (mem == MAP_FAILED) {
			rc = -errno;
			WD_ERR("%s: queue %s: cannot allocate its rings: %s", q->dev_name,
			       q->uuid, strerror(errno));
			return rc;
		}
		/* A child process must not make these pages copy-on-write. */
		madvise(mem, s->mem_len, MADV_DONTFORK);
	}
	s->mem = mem;
	if (cmd == WD_IOVA_UNMAPPED) {
		cmd = (uintptr_t)mem;
		/* Whole pages: a VFIO container maps nothing smaller. */
		rc = wd_dma_map(q, mem, cmd, s->mem_len);
		if (rc != 0) {
			WD_ERR("%s: queue %s: cannot map its rings for the device: %s",
			       q->dev_name, q->uuid, strerror(-rc));
			return rc;
		}
		s->mapped = 1;
	}
	cq = cmd + HISI_SEC_CMD_RING_SIZE;
	r->bd = (struct hisi_sec_bd *)mem;
	r->cq = (volatile uint16_t *)(s->mem + HISI_SEC_CMD_RING_SIZE);
	/* Continue where the engine is; a fresh queue has everything at 0. */
	r->tail = wd_sec_reg_read(r, HISI_SEC_Q_WR_PTR) % HISI_SEC_DEPTH;
	r->ci = r->tail;
	r->cq_rd = wd_sec_reg_read(r, HISI_SEC_OUTORDER_RD_PTR) % HISI_SEC_DEPTH;
	memset(r->ecc, 0, sizeof(r->ecc));
	q->impl->depth = HISI_SEC_MAX_INFLIGHT;

	/* Program the queue, then enable it (the release store orders them). */
	wd_sec_reg_write(r, HISI_SEC_Q_DEPTH_CFG, HISI_SEC_DEPTH - 1);
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_HADDR, (uint32_t)(cmd >> 32));
	wd_sec_reg_write(r, HISI_SEC_Q_BASE_LADDR, (uint32_t)cmd);
	wd_sec_reg_write(r, HISI_SEC_OUTORDER_BASE_H, (uint32_t)(cq >> 32));
	wd_sec_reg_write(r, HISI_SEC_OUTORDER_BASE_L, (uint32_t)cq);
	wd_sec_reg_write(r, HISI_SEC_Q_CFG, HISI_SEC_Q_CFG_REORDER);
	s->enabled = 1;
	wd_sec_reg_write(r, HISI_SEC_QUEUE_ENB, 1);
	/* Reading QUEUE_ENB back proves nothing: wait for the engine's word. */
	rc = engine_wait(r, 1);
	if (rc == -EFAULT)
		WD_ERR("%s: queue %s: the engine refused the rings (command ring at IOVA "
		       "0x%" PRIx64 ", completion ring at 0x%" PRIx64 ", depth %u; IVLD_BD %u):"
		       " QUEUE_ENB cleared, the device cannot reach them", q->dev_name, q->uuid,
		       cmd, cq, HISI_SEC_DEPTH, wd_sec_reg_read(r, HISI_SEC_IVLD_BD_CNT));
	else if (rc != 0)
		WD_ERR("%s: queue %s: the engine did not answer QUEUE_ENB in %d ms",
		       q->dev_name, q->uuid, ENGINE_TIMEOUT_MS);
	if (rc != 0)
		sec_stop(q);
	return rc;
}

static void
sec_uninit(struct wd_queue *q)
{
	sec_stop(q);
}

/* The queue is closed: nothing of the device can touch the rings now. */
static void
sec_fini(struct wd_queue *q)
{
	struct sec_q *s = wd_queue_drv_priv(q);

	if (s->mem != NULL && wd_queue_mem_shared(q))
		wd_queue_mem_free(q, s->mem);
	else if (s->mem != NULL)
		munmap(s->mem, s->mem_len);
	s->mem = NULL;
	s->r.bd = NULL;
	s->r.cq = NULL;
}

static int
sec_send(struct wd_queue *q, void *req)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);
	struct wd_sec_msg *m = req;
	struct hisi_sec_bd *bd;

	if (m == NULL)
		return -EINVAL;
	bd = wd_sec_ring_next(r);
	if (bd == NULL)
		return -EBUSY;
	*bd = m->bd;
	bd->w0 &= ~HISI_SEC_W0_DONE;
	wd_sec_ring_commit(r, m);
	wd_sec_ring_doorbell(r);
	return 0;
}

static int
sec_recv(struct wd_queue *q, void **resp)
{
	struct wd_sec_ring *r = wd_queue_drv_priv(q);
	struct hisi_sec_bd *bd;
	struct wd_sec_msg *m;
	void *cookie;

	wd_sec_ring_reap(r);
	bd = wd_sec_ring_oldest(r, &cookie);
	if (bd == NULL)
		return -EAGAIN;
	m = cookie;
	m->bd = *bd;
	m->status = wd_sec_ring_status(r, bd);
	wd_sec_ring_retire(r);
	*resp = m;
	return 0;
}

struct wd_sec_ring *
wd_sec_ring(struct wd_queue *q)
{
	return wd_queue_drv_priv(q);
}

const struct wd_drv wd_drv_sec = {
	.device_api = HISI_SEC_API,
	.priv_size = sizeof(struct sec_q),
	.init = sec_init,
	.uninit = sec_uninit,
	.fini = sec_fini,
	.send = sec_send,
	.recv = sec_recv,
};
