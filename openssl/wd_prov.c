/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The "wd" provider: entry point, settings, and the process's queue.
 *
 * One "chain" queue of device_api hisi_sec_v1 per process, opened on the
 * first request (after fork(), the child opens its own: the parent's is
 * never touched), with WDP_NB_SLOTS bounce slots in one arena shared with
 * the device once. A request takes a slot, the caller copies its data in
 * and builds the BD; wdp_req_run() submits it and waits: an async job
 * (ASYNC_get_current_job()) pauses after submitting, so N jobs have N BDs
 * in flight, any other caller polls. Whoever polls reaps every
 * completion and marks its owner done, so threads and jobs share the
 * queue under one short lock that is never held across a pause.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/async.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "wd.h"
#include "wd_prov.h"
#include "wd_sec.h"

#define WDP_TIMEOUT_NS		(10ull * 1000 * 1000 * 1000)
#define WDP_RETRY_NS		(1000ull * 1000 * 1000)	/* reopen after a failure */
#define WDP_DEF_THRESHOLD	2048	/* see the guide: "The threshold" */
#define WDP_DEF_DIGEST_MAX	(1u << 20)

struct wdp_global wdp = {
	.threshold = WDP_DEF_THRESHOLD,
	.digest_max = WDP_DEF_DIGEST_MAX,
};

/* --- OpenSSL core upcalls ----------------------------------------------- */

static const OSSL_CORE_HANDLE *core;
static OSSL_FUNC_core_get_params_fn *c_get_params;
static OSSL_FUNC_core_new_error_fn *c_new_error;
static OSSL_FUNC_core_set_error_debug_fn *c_set_error_debug;
static OSSL_FUNC_core_vset_error_fn *c_vset_error;

void
wdp_raise(int reason, const char *fmt, ...)
{
	va_list ap;

	if (c_new_error == NULL || c_vset_error == NULL)
		return;
	c_new_error(core);
	if (c_set_error_debug != NULL)
		c_set_error_debug(core, __FILE__, __LINE__, "wd provider");
	va_start(ap, fmt);
	c_vset_error(core, reason, fmt, ap);
	va_end(ap);
}

static const OSSL_ITEM reason_strings[] = {
	{ WDP_R_DEVICE, "device error" },
	{ WDP_R_BAD_DECRYPT, "bad decrypt" },
	{ WDP_R_WRONG_FINAL_BLOCK_LENGTH, "wrong final block length" },
	{ WDP_R_INVALID_KEY_LENGTH, "invalid key length" },
	{ WDP_R_INVALID_IV_LENGTH, "invalid iv length" },
	{ WDP_R_OUTPUT_TOO_SMALL, "output buffer too small" },
	{ WDP_R_BAD_STATE, "operation not initialised" },
	{ WDP_R_NO_DEVICE, "no hisi_sec_v1 device" },
	{ WDP_R_SOFTWARE, "software fallback failed" },
	{ WDP_R_BAD_CONFIG, "invalid configuration" },
	{ 0, NULL }
};

/* --- the process's queue ---------------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	pid_t pid;		/* the process the state below belongs to */
	int state;		/* 1 open, 0 not yet, < 0 -errno of the last try */
	uint64_t failed_at;	/* when state went < 0 */
	struct wd_queue q;
	uint8_t *arena;
	size_t arena_size;
	uint64_t free_mask;	/* bit i: slot i is free */
	int evfd;		/* always readable: async jobs' wait fd */
	unsigned int inflight;	/* BDs submitted, not reaped */
} Q = { .lock = PTHREAD_MUTEX_INITIALIZER, .evfd = -1 };

/* A submitted request, on the submitter's stack (an async job's stack
 * lives until the job finishes). */
struct wdp_wait {
	struct wd_sec_msg msg;
	volatile int done;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* This process's view: no queue yet (the parent's queue, arena and slots
 * are the parent's; the arena is this child's copy of parent memory and
 * stays). */
static void
state_reset(void)
{
	Q.pid = getpid();
	Q.state = 0;
	Q.arena = NULL;
	Q.free_mask = 0;
	Q.inflight = 0;
}

static void
atfork_child(void)
{
	pthread_mutex_init(&Q.lock, NULL);
	state_reset();
	/* the counters are this process's */
	wdp.bds = wdp.bytes = wdp.sw_ops = wdp.errors = wdp.shared = wdp.zero_copy = 0;
	wdp.max_inflight = 0;
}

/* Lock held. */
static int
queue_open(void)
{
	struct wd_capa capa = {
		.alg = HISI_SEC_ALG_CHAIN,
		.device_api = HISI_SEC_API,
		.numa_node = WD_NUMA_ANY,
	};
	int rc;

	if (Q.pid != getpid())
		state_reset();	/* forked without pthread_atfork handlers (clone) */
	if (Q.state < 0 && now_ns() - Q.failed_at < WDP_RETRY_NS)
		return Q.state;
	rc = wd_request_queue(&Q.q, &capa);
	if (rc == 0) {
		Q.arena_size = (size_t)WDP_NB_SLOTS * (WDP_SLOT_HDR + WDP_SLOT_DATA);
		Q.arena = aligned_alloc(4096, Q.arena_size);
		rc = Q.arena == NULL ? -ENOMEM : wd_mem_share(&Q.q, Q.arena, Q.arena_size, 0);
		if (rc != 0) {
			free(Q.arena);
			Q.arena = NULL;
			wd_release_queue(&Q.q);
		}
	}
	if (rc != 0) {
		Q.state = rc;
		Q.failed_at = now_ns();
		return rc;
	}
	Q.free_mask = WDP_NB_SLOTS == 64 ? ~0ull : (1ull << WDP_NB_SLOTS) - 1;
	Q.state = 1;
	return 0;
}

static void
queue_close(void)
{
	pthread_mutex_lock(&Q.lock);
	if (Q.state == 1 && Q.pid == getpid()) {
		wd_mem_unshare(&Q.q, Q.arena, Q.arena_size);
		wd_release_queue(&Q.q);
		free(Q.arena);
		Q.arena = NULL;
	}
	Q.state = 0;
	pthread_mutex_unlock(&Q.lock);
}

/* Lock held: hand every completed BD to its waiter. */
static void
reap(void)
{
	struct wd_sec_msg *m;

	while (wd_recv(&Q.q, (void **)&m) == 0) {
		((struct wdp_wait *)m->user)->done = 1;
		Q.inflight--;
	}
}

/* Let the engine (or the other jobs) get on: an async job pauses, a
 * plain caller yields the CPU now and then. */
static void
wait_some(unsigned int *spins)
{
	ASYNC_JOB *job = ASYNC_get_current_job();
	ASYNC_WAIT_CTX *w;
	OSSL_ASYNC_FD fd;
	void *custom;

	if (job != NULL) {
		/* openssl speed and other ASYNC callers select() on the job's
		 * wait fd: ours is always readable, the job polls when resumed. */
		w = ASYNC_get_wait_ctx(job);
		if (w != NULL && Q.evfd >= 0 && !ASYNC_WAIT_CTX_get_fd(w, &wdp, &fd, &custom))
			ASYNC_WAIT_CTX_set_wait_fd(w, &wdp, Q.evfd, NULL, NULL);
		ASYNC_pause_job();
		return;
	}
	if (++*spins % 64 == 0)
		sched_yield();
}

int
wdp_offload(size_t len)
{
	return len >= wdp.threshold;
}

void
wdp_count_sw(void)
{
	__atomic_fetch_add(&wdp.sw_ops, 1, __ATOMIC_RELAXED);
}

int
wdp_req_get(struct wdp_req *r, size_t len)
{
	unsigned int spins = 0;
	int rc, i;

	memset(r, 0, sizeof(*r));
	r->slot = -1;
	pthread_mutex_lock(&Q.lock);
	/* (A fork child has been through atfork_child() already; the pid is
	 * checked where the queue is opened, not per request: getpid() is a
	 * system call.) */
	for (;;) {
		if (Q.state != 1 && (rc = queue_open()) != 0) {
			pthread_mutex_unlock(&Q.lock);
			return rc;
		}
		if (Q.free_mask != 0)
			break;
		/* Every slot in flight: reap, let others run, try again. */
		reap();
		pthread_mutex_unlock(&Q.lock);
		wait_some(&spins);
		pthread_mutex_lock(&Q.lock);
	}
	i = __builtin_ctzll(Q.free_mask);
	Q.free_mask &= ~(1ull << i);
	pthread_mutex_unlock(&Q.lock);
	r->slot = i;
	r->hdr = Q.arena + (size_t)i * (WDP_SLOT_HDR + WDP_SLOT_DATA);
	r->data = r->hdr + WDP_SLOT_HDR;
	if (len > WDP_SLOT_DATA) {
		/* Larger than a slot (an XTS data unit, a digest): share a
		 * buffer for this request only. */
		r->big_size = (len + 4095) & ~(size_t)4095;
		r->big = aligned_alloc(4096, r->big_size);
		rc = r->big == NULL ? -ENOMEM : wd_mem_share(&Q.q, r->big, r->big_size, 0);
		if (rc != 0) {
			free(r->big);
			r->big = NULL;
			wdp_req_put(r);
			return rc;
		}
		r->data = r->big;
		__atomic_fetch_add(&wdp.shared, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

int
wdp_req_share(struct wdp_req *r, int idx, const void *p, size_t len)
{
	uintptr_t lo = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;
	int rc;

	rc = wd_mem_share(&Q.q, (void *)lo, hi - lo, 0);
	if (rc != 0)
		return rc;
	r->sh_addr[idx] = (void *)lo;
	r->sh_len[idx] = hi - lo;
	if (idx == 0)
		__atomic_fetch_add(&wdp.zero_copy, 1, __ATOMIC_RELAXED);
	return 0;
}

void
wdp_req_put(struct wdp_req *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (r->sh_addr[i] != NULL)
			wd_mem_unshare(&Q.q, r->sh_addr[i], r->sh_len[i]);
		r->sh_addr[i] = NULL;
	}
	if (r->big != NULL) {
		wd_mem_unshare(&Q.q, r->big, r->big_size);
		free(r->big);
		r->big = NULL;
	}
	if (r->slot >= 0) {
		pthread_mutex_lock(&Q.lock);
		if (Q.state == 1)
			Q.free_mask |= 1ull << r->slot;
		pthread_mutex_unlock(&Q.lock);
		r->slot = -1;
	}
}

int
wdp_req_run(struct wdp_req *r, size_t bytes)
{
	struct wdp_wait w;
	unsigned int spins = 0;
	uint64_t start = now_ns();
	int rc;

	memset(&w, 0, sizeof(w));
	w.msg.bd = r->bd;
	w.msg.user = &w;
	if (wdp.fault_every != 0 &&
	    __atomic_add_fetch(&wdp.fault_count, 1, __ATOMIC_RELAXED) % wdp.fault_every == 0) {
		/* Fault injection (tests): data at an address never shared, which
		 * the device refuses with a FAULT completion, as an IOMMU would. */
		wd_sec_bd_set_addr(&w.msg.bd.data_lo, &w.msg.bd.data_hi, 4096);
	}
	for (;;) {
		pthread_mutex_lock(&Q.lock);
		rc = wd_send(&Q.q, &w.msg);
		if (rc == 0 && ++Q.inflight > wdp.max_inflight)
			wdp.max_inflight = Q.inflight;
		if (rc == -EBUSY)
			reap();
		pthread_mutex_unlock(&Q.lock);
		if (rc != -EBUSY)
			break;
		wait_some(&spins);
	}
	if (rc != 0) {
		__atomic_fetch_add(&wdp.errors, 1, __ATOMIC_RELAXED);
		wdp_raise(WDP_R_DEVICE, "wd_send: %s", strerror(-rc));
		return -EIO;
	}
	while (!w.done) {
		wait_some(&spins);
		pthread_mutex_lock(&Q.lock);
		reap();
		pthread_mutex_unlock(&Q.lock);
		if (!w.done && spins % 1024 == 0 && now_ns() - start > WDP_TIMEOUT_NS) {
			/* The engine is gone: the BD and its slot stay the
			 * device's; this process gives up on the queue. */
			pthread_mutex_lock(&Q.lock);
			Q.state = -ETIMEDOUT;
			Q.failed_at = UINT64_MAX / 2;	/* never reopen */
			pthread_mutex_unlock(&Q.lock);
			r->slot = -1;
			r->big = NULL;
			r->sh_addr[0] = r->sh_addr[1] = NULL;
			__atomic_fetch_add(&wdp.errors, 1, __ATOMIC_RELAXED);
			wdp_raise(WDP_R_DEVICE, "request timed out on queue %s", Q.q.uuid);
			return -EIO;
		}
	}
	if (w.msg.status != WD_SEC_ST_OK) {
		__atomic_fetch_add(&wdp.errors, 1, __ATOMIC_RELAXED);
		wdp_raise(WDP_R_DEVICE, "BD completed with status %d", (int)w.msg.status);
		return -EIO;
	}
	r->bd = w.msg.bd;
	__atomic_fetch_add(&wdp.bds, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&wdp.bytes, bytes, __ATOMIC_RELAXED);
	return 0;
}

/* --- provider entry points -------------------------------------------------- */

static int init_count;
static int hooks_set;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * At exit, the queue goes before libwd stops its emulated engines (whose
 * exit handler was registered by the scan in OSSL_provider_init, before
 * this one, so it runs after it); OpenSSL's own cleanup, registered
 * earlier still, then finds it closed. SIGKILL leaves it to wd.ko.
 */
static void
print_stats(void)
{
	static pid_t printed;

	if (!wdp.stats || printed == getpid())
		return;
	printed = getpid();
	fprintf(stderr, "wd provider: pid %d: %llu BDs, %llu bytes offloaded, "
		"%llu operations in software, %llu errors, %llu shared buffers, "
		"%llu zero-copy, %u BDs in flight at most\n",
		(int)getpid(), (unsigned long long)wdp.bds, (unsigned long long)wdp.bytes,
		(unsigned long long)wdp.sw_ops, (unsigned long long)wdp.errors,
		(unsigned long long)wdp.shared, (unsigned long long)wdp.zero_copy,
		wdp.max_inflight);
}

static void
prov_atexit(void)
{
	print_stats();	/* some applications exit without unloading providers */
	queue_close();
}

static const OSSL_PARAM *
prov_gettable_params(void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_NAME, NULL, 0),
		OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_VERSION, NULL, 0),
		OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, NULL, 0),
		OSSL_PARAM_int(OSSL_PROV_PARAM_STATUS, NULL),
		OSSL_PARAM_uint64("wd-bds", NULL),
		OSSL_PARAM_uint64("wd-bytes", NULL),
		OSSL_PARAM_uint64("wd-sw-ops", NULL),
		OSSL_PARAM_uint64("wd-errors", NULL),
		OSSL_PARAM_uint64("wd-zero-copy", NULL),
		OSSL_PARAM_size_t("wd-threshold", NULL),
		OSSL_PARAM_uint("wd-max-inflight", NULL),
		OSSL_PARAM_END
	};

	return p;
}

static int
prov_get_params(void *provctx, OSSL_PARAM params[])
{
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, "WrapDrive hisi_sec_v1 provider"))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, WDP_VERSION))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, "wrapdrive " WDP_VERSION))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
	if (p != NULL && !OSSL_PARAM_set_int(p, 1))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-bds");
	if (p != NULL && !OSSL_PARAM_set_uint64(p, __atomic_load_n(&wdp.bds, __ATOMIC_RELAXED)))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-bytes");
	if (p != NULL && !OSSL_PARAM_set_uint64(p, __atomic_load_n(&wdp.bytes, __ATOMIC_RELAXED)))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-sw-ops");
	if (p != NULL && !OSSL_PARAM_set_uint64(p, __atomic_load_n(&wdp.sw_ops, __ATOMIC_RELAXED)))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-errors");
	if (p != NULL && !OSSL_PARAM_set_uint64(p, __atomic_load_n(&wdp.errors, __ATOMIC_RELAXED)))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-max-inflight");
	if (p != NULL && !OSSL_PARAM_set_uint(p, wdp.max_inflight))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-zero-copy");
	if (p != NULL &&
	    !OSSL_PARAM_set_uint64(p, __atomic_load_n(&wdp.zero_copy, __ATOMIC_RELAXED)))
		return 0;
	p = OSSL_PARAM_locate(params, "wd-threshold");
	if (p != NULL && !OSSL_PARAM_set_size_t(p, wdp.threshold))
		return 0;
	return 1;
}

static const OSSL_ALGORITHM *
prov_query(void *provctx, int operation_id, int *no_cache)
{
	*no_cache = 0;
	switch (operation_id) {
	case OSSL_OP_CIPHER:
		return wdp_ciphers;
	case OSSL_OP_DIGEST:
		return wdp_digests;
	case OSSL_OP_MAC:
		return wdp_macs;
	default:
		return NULL;
	}
}

static const OSSL_ITEM *
prov_reasons(void *provctx)
{
	return reason_strings;
}

static void
prov_teardown(void *provctx)
{
	pthread_mutex_lock(&init_lock);
	if (--init_count > 0) {
		pthread_mutex_unlock(&init_lock);
		return;
	}
	print_stats();
	queue_close();
	OSSL_LIB_CTX_free(wdp.sw_libctx);
	wdp.sw_libctx = NULL;
	if (Q.evfd >= 0)
		close(Q.evfd);
	Q.evfd = -1;
	pthread_mutex_unlock(&init_lock);
}

static const OSSL_DISPATCH prov_dispatch[] = {
	{ OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))prov_teardown },
	{ OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, (void (*)(void))prov_gettable_params },
	{ OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))prov_get_params },
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))prov_query },
	{ OSSL_FUNC_PROVIDER_GET_REASON_STRINGS, (void (*)(void))prov_reasons },
	{ 0, NULL }
};

/* A size setting: the environment wins over openssl.cnf. */
static int
setting(const char *env, const char *cnf, size_t *out)
{
	const char *s = getenv(env);
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0')
		s = cnf;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		wdp_raise(WDP_R_BAD_CONFIG, "bad value '%s' for %s", s, env);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* Is there a hisi_sec_v1 device with a "chain" type at all? */
static int
device_present(void)
{
	struct wd_dev_info *devs;
	int n, i, found = 0;
	unsigned int t;

	n = wd_scan(&devs);
	if (n < 0)
		return 0;
	for (i = 0; i < n && !found; i++)
		for (t = 0; t < devs[i].nb_types; t++)
			if (strcmp(devs[i].types[t].device_api, HISI_SEC_API) == 0 &&
			    strcmp(devs[i].types[t].name, HISI_SEC_ALG_CHAIN) == 0)
				found = 1;
	wd_free_scan(devs);
	return found;
}

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
		       const OSSL_DISPATCH **out, void **provctx);

int
OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
		   const OSSL_DISPATCH **out, void **provctx)
{
	const char *cnf_threshold = NULL, *cnf_dmax = NULL, *cnf_stats = NULL, *cnf_mem = NULL;
	const char *mem;
	OSSL_PARAM cp[5];
	size_t stats = 0;

	for (; in->function_id != 0; in++) {
		switch (in->function_id) {
		case OSSL_FUNC_CORE_GET_PARAMS:
			c_get_params = OSSL_FUNC_core_get_params(in);
			break;
		case OSSL_FUNC_CORE_NEW_ERROR:
			c_new_error = OSSL_FUNC_core_new_error(in);
			break;
		case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
			c_set_error_debug = OSSL_FUNC_core_set_error_debug(in);
			break;
		case OSSL_FUNC_CORE_VSET_ERROR:
			c_vset_error = OSSL_FUNC_core_vset_error(in);
			break;
		default:
			break;
		}
	}
	core = handle;

	pthread_mutex_lock(&init_lock);
	if (init_count > 0) {
		init_count++;
		pthread_mutex_unlock(&init_lock);
		*out = prov_dispatch;
		*provctx = &wdp;
		return 1;
	}
	/* openssl.cnf: "threshold = N", "digest_max = N", "stats = 1",
	 * "mem = copy|share" in the provider's section. */
	cp[0] = OSSL_PARAM_construct_utf8_ptr("threshold", (char **)&cnf_threshold, 0);
	cp[1] = OSSL_PARAM_construct_utf8_ptr("digest_max", (char **)&cnf_dmax, 0);
	cp[2] = OSSL_PARAM_construct_utf8_ptr("stats", (char **)&cnf_stats, 0);
	cp[3] = OSSL_PARAM_construct_utf8_ptr("mem", (char **)&cnf_mem, 0);
	cp[4] = OSSL_PARAM_construct_end();
	if (c_get_params != NULL)
		c_get_params(handle, cp);
	if (setting("WD_PROV_THRESHOLD", cnf_threshold, &wdp.threshold) != 0 ||
	    setting("WD_PROV_DIGEST_MAX", cnf_dmax, &wdp.digest_max) != 0 ||
	    setting("WD_PROV_STATS", cnf_stats, &stats) != 0 ||
	    setting("WD_PROV_FAULT_EVERY", NULL, &wdp.fault_every) != 0)
		goto fail;
	wdp.stats = stats != 0;
	/* "mem = copy" (default: bounce slots) or "share" (the caller's
	 * buffers, page by page, per request); see the guide. */
	mem = getenv("WD_PROV_MEM");
	if (mem == NULL || *mem == '\0')
		mem = cnf_mem;
	if (mem != NULL && strcmp(mem, "share") != 0 && strcmp(mem, "copy") != 0) {
		wdp_raise(WDP_R_BAD_CONFIG, "bad value '%s' for mem (copy, share)", mem);
		goto fail;
	}
	wdp.mem_share = mem != NULL && strcmp(mem, "share") == 0;
	if (wdp.digest_max > HISI_SEC_W1_AUTH_LEN_M)
		wdp.digest_max = HISI_SEC_W1_AUTH_LEN_M;

	if (!device_present()) {
		wdp_raise(WDP_R_NO_DEVICE, "no hisi_sec_v1 device: none under "
			  "/sys/class/wd_dev (is wd_sec.ko loaded?) and none in WD_EMU");
		goto fail;
	}
	wdp.sw_libctx = OSSL_LIB_CTX_new();
	if (wdp.sw_libctx == NULL || OSSL_PROVIDER_load(wdp.sw_libctx, "default") == NULL) {
		wdp_raise(WDP_R_SOFTWARE, "cannot load the default provider for fallbacks");
		OSSL_LIB_CTX_free(wdp.sw_libctx);
		wdp.sw_libctx = NULL;
		goto fail;
	}
	Q.evfd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	Q.pid = getpid();
	if (!hooks_set) {
		pthread_atfork(NULL, NULL, atfork_child);
		atexit(prov_atexit);
		hooks_set = 1;
	}
	init_count = 1;
	pthread_mutex_unlock(&init_lock);
	*out = prov_dispatch;
	*provctx = &wdp;
	return 1;
fail:
	pthread_mutex_unlock(&init_lock);
	return 0;
}
