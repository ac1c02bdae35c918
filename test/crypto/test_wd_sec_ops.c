/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * crypto_wd_sec through the cryptodev API the way applications use it,
 * for what the generic suites do not reach (issue 13):
 *  - ops kept in each mbuf's private area with phys_addr never set, as
 *    ipsec-secgw keeps them: AES-128-CBC + HMAC-SHA1 right (EVP compares);
 *  - more ops in flight than the 512-BD ring: all accepted up to
 *    nb_descriptors, returned in order; nb_descriptors 0 or above the
 *    maximum refused with -EINVAL;
 *  - an op without a session completes with INVALID_SESSION;
 *  - a chain whose cipher part and MAC cover zero bytes;
 *  - an op over the first bytes of a 70-segment mbuf chain (the SGL
 *    covers only the op's data);
 *  - stats: enqueue_err_count and dequeue_err_count as documented;
 *  - a queue pair released with ops in flight: each op finished or failed;
 *  - DPDK 22.11's multi-core crypto scheduler, which may map an op's
 *    worker session a second time as if it were its own session: the
 *    second mapping must give the same session back;
 *  - keys the emulated engine cached: gone from the process's memory once
 *    the session is freed, once unused for the model's idle limit, and
 *    when the queue pair is released (the session's own copy aside).
 * Run with WD_EMU declaring one hisi_sec_v1 device and EAL args.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cryptodev_pmd.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cryptodev_scheduler.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_mempool.h>

#include "../unit/wd_test.h"

#define NB_DESC		4096
#define NB_OPS		1500
#define LEN		256
#define DIGEST		20

/* what ipsec-secgw puts in each mbuf's private area */
struct priv {
	struct rte_crypto_op op;
	struct rte_crypto_sym_op sym;
	uint8_t iv[16];
};
#define IV_OFF	(offsetof(struct priv, iv) - offsetof(struct priv, op))

static const uint8_t ckey[16] = "0123456789abcdef";
static const uint8_t akey[20] = "wrapdrive-hmac-key!!";
static uint8_t dev_id;
static struct rte_mempool *mbufs, *sess_mp;
static void *sess;

static struct rte_crypto_op *
op_of(struct rte_mbuf *m)
{
	struct priv *p = rte_mbuf_to_priv(m);

	/* no op pool: phys_addr stays 0, as in ipsec-secgw */
	__rte_crypto_op_reset(&p->op, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	p->op.phys_addr = 0;
	return &p->op;
}

/* An op over @len bytes at offset 16 of @m, IV @seed. */
static struct rte_crypto_op *
make_op(struct rte_mbuf *m, uint32_t len, uint8_t seed)
{
	struct rte_crypto_op *op = op_of(m);
	struct rte_crypto_sym_op *sym = op->sym;
	uint8_t *iv = rte_crypto_op_ctod_offset(op, uint8_t *, IV_OFF);

	memset(iv, seed, 16);
	rte_crypto_op_attach_sym_session(op, sess);
	sym->m_src = m;
	sym->cipher.data.offset = 16;
	sym->cipher.data.length = len;
	sym->auth.data.offset = 16;
	sym->auth.data.length = len;
	sym->auth.digest.data = rte_pktmbuf_mtod_offset(m, uint8_t *, 16 + len);
	sym->auth.digest.phys_addr = rte_pktmbuf_iova_offset(m, 16 + len);
	return op;
}

static struct rte_mbuf *
make_mbuf(uint8_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mbufs);
	uint8_t *d;
	int i;

	if (m == NULL)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, 16 + LEN + DIGEST);
	for (i = 0; i < 16 + LEN + DIGEST; i++)
		d[i] = (uint8_t)(seed * 31 + i);
	return m;
}

/* The expected ciphertext and MAC of make_mbuf(@seed) with IV @seed. */
static void
expect(uint8_t seed, uint32_t len, uint8_t *ct, uint8_t *mac)
{
	uint8_t pt[LEN], iv[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned int mlen;
	int outl, i;

	for (i = 0; i < (int)len; i++)
		pt[i] = (uint8_t)(seed * 31 + 16 + i);
	memset(iv, seed, 16);
	EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, ckey, iv);
	EVP_CIPHER_CTX_set_padding(c, 0);
	EVP_EncryptUpdate(c, ct, &outl, pt, (int)len);
	EVP_CIPHER_CTX_free(c);
	HMAC(EVP_sha1(), akey, sizeof(akey), ct, len, mac, &mlen);
}

static unsigned int
drain(uint16_t qp, struct rte_crypto_op **out, unsigned int n)
{
	unsigned int got = 0, idle = 0;

	while (got < n && idle < 2000000) {
		uint16_t k = rte_cryptodev_dequeue_burst(dev_id, qp, out + got,
							 (uint16_t)RTE_MIN(n - got, 64u));
		got += k;
		idle = k ? 0 : idle + 1;
	}
	return got;
}

static void
setup_qp(int expect_rc, uint32_t nb_desc)
{
	struct rte_cryptodev_qp_conf qc = { .nb_descriptors = nb_desc, .mp_session = sess_mp };

	CHECK_RC(rte_cryptodev_queue_pair_setup(dev_id, 0, &qc, SOCKET_ID_ANY), expect_rc);
}

/* What DPDK 22.11's crypto scheduler keeps in its own session's private
 * data (drivers/crypto/scheduler/scheduler_pmd_private.h), and what its
 * scheduler_set_worker_session() does with an op's session. */
struct sched_session_ctx {
	uint32_t ref_cnt;
	struct rte_cryptodev_sym_session *worker_sess[RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS];
};

static void
test_sched_remap(void)
{
	struct sched_session_ctx *ctx = CRYPTODEV_GET_SYM_SESS_PRIV(
		(struct rte_cryptodev_sym_session *)sess);
	unsigned int i, same = 0;

	for (i = 0; i < RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS; i++)
		same += ctx->worker_sess[i] == sess;
	CHECK(same == RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS,
	      "a worker session mapped again by the scheduler: itself for %u of %u indexes",
	      same, RTE_CRYPTODEV_SCHEDULER_MAX_NB_WORKERS);
}

/* --- keys cached by the engine --------------------------------------------- */

/* A random key pair (16-byte AES key, 20-byte HMAC key) is kept only as
 * kmasked = key ^ kmask: the test never holds a key as a whole, so every
 * copy found in memory is someone else's. */
#define KC	16
#define KA	20
static uint8_t kmask[KC + KA], kmasked[KC + KA];

/* Copies of key bytes [@off, @off + @len) in this process's writable
 * memory outside DPDK's memory (where the session keeps its own copy
 * until it is cleared): the heap, where the engine keeps its cache, and
 * every other writable mapping but device files and mappings over 4 GiB
 * (a sanitizer's shadow). Read with process_vm_readv. */
static unsigned int
key_copies(unsigned int off, unsigned int len)
{
	static uint8_t buf[1 << 20];
	char line[512], perms[8], path[256];
	unsigned long lo, hi, a;
	unsigned int found = 0, k;
	struct iovec l, r;
	uint8_t *p, *end;
	ssize_t got;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return UINT32_MAX;
	while (fgets(line, sizeof(line), f) != NULL) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3 ||
		    perms[0] != 'r' || perms[1] != 'w' || strncmp(path, "/dev/", 5) == 0 ||
		    hi - lo > (1ul << 32) || rte_mem_virt2memseg_list((void *)lo) != NULL)
			continue;
		for (a = lo; a < hi; a += sizeof(buf) - (len - 1)) {
			l.iov_base = buf;
			l.iov_len = RTE_MIN(sizeof(buf), hi - a);
			r.iov_base = (void *)a;
			r.iov_len = l.iov_len;
			got = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
			if (got < (ssize_t)len) {
				if (l.iov_len < sizeof(buf))
					break;
				continue;
			}
			end = buf + got - len + 1;
			for (p = buf; p < end; p++) {
				p = memchr(p, kmasked[off] ^ kmask[off], (size_t)(end - p));
				if (p == NULL)
					break;
				for (k = 1; k < len; k++)
					if ((p[k] ^ kmask[off + k]) != kmasked[off + k])
						break;
				found += k == len;
			}
			memset(buf, 0, (size_t)got);
			if (l.iov_len < sizeof(buf))
				break;
		}
	}
	fclose(f);
	return found;
}

/* A session keyed with a new random key pair (see kmask). */
static void *
secret_session(void)
{
	struct rte_crypto_sym_xform cx = { 0 }, ax = { 0 };
	uint8_t *k = malloc(KC + KA);
	void *s;
	int i;

	if (k == NULL || RAND_bytes(k, KC + KA) != 1 || RAND_bytes(kmask, KC + KA) != 1) {
		free(k);
		return NULL;
	}
	for (i = 0; i < KC + KA; i++)
		kmasked[i] = k[i] ^ kmask[i];
	cx.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	cx.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
	cx.cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
	cx.cipher.key.data = k;
	cx.cipher.key.length = KC;
	cx.cipher.iv.offset = IV_OFF;
	cx.cipher.iv.length = 16;
	cx.next = &ax;
	ax.type = RTE_CRYPTO_SYM_XFORM_AUTH;
	ax.auth.op = RTE_CRYPTO_AUTH_OP_GENERATE;
	ax.auth.algo = RTE_CRYPTO_AUTH_SHA1_HMAC;
	ax.auth.key.data = k + KC;
	ax.auth.key.length = KA;
	ax.auth.digest_length = DIGEST;
	s = rte_cryptodev_sym_session_create(dev_id, &cx, sess_mp);
	OPENSSL_cleanse(k, KC + KA);
	free(k);
	return s;
}

/* 8 ops with session @s on queue pair 0; returns how many succeeded. */
static unsigned int
use_session(void *s)
{
	struct rte_crypto_op *ops[8], *out[8];
	struct rte_mbuf *ms[8];
	void *saved = sess;
	unsigned int i, ok = 0, n;

	sess = s;
	for (i = 0; i < 8; i++) {
		ms[i] = make_mbuf((uint8_t)i);
		ops[i] = make_op(ms[i], LEN, (uint8_t)i);
	}
	sess = saved;
	n = rte_cryptodev_enqueue_burst(dev_id, 0, ops, 8);
	n = drain(0, out, n);
	for (i = 0; i < n; i++)
		ok += out[i]->status == RTE_CRYPTO_OP_STATUS_SUCCESS;
	for (i = 0; i < 8; i++)
		rte_pktmbuf_free(ms[i]);
	return ok;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to @limit s for the copies of both keys to be @want each. */
static double
wait_copies(unsigned int want, double limit, unsigned int *c, unsigned int *a)
{
	double t0 = now_s();

	for (;;) {
		*c = key_copies(0, KC);
		*a = key_copies(KC, KA);
		if ((*c == want && *a == want) || now_s() - t0 > limit)
			return now_s() - t0;
		usleep(2000);
	}
}

static void
test_keys_forgotten(void)
{
	unsigned int c, a;
	double t;
	void *s;

	/* The session holds a copy of each key in DPDK memory (not scanned);
	 * the engine has copies (raw key, keyed context) in its heap while it
	 * uses them. Freed: none may remain. */
	s = secret_session();
	CHECK(s != NULL, "secret session");
	if (s == NULL)
		return;
	CHECK(use_session(s) == 8, "ops with the secret session");
	c = key_copies(0, KC);
	a = key_copies(KC, KA);
	CHECK(c >= 1 && a >= 1, "keys in use: %u AES and %u HMAC key copies (>= 1 expected)",
	      c, a);
	/* Freed right after use: gone well before the idle limit (1 s after
	 * the last use), normally at the first look (a scan of memory takes
	 * a few hundredths of a second; the engine thread may be starved on
	 * a loaded machine, so look again for up to 0.6 s). */
	CHECK(use_session(s) == 8, "ops with the secret session again");
	t = now_s();
	rte_cryptodev_sym_session_free(dev_id, s);
	usleep(20000);
	wait_copies(0, 0.6, &c, &a);
	t = now_s() - t;
	CHECK(c == 0 && a == 0 && t < 0.9,
	      "session freed: %u AES and %u HMAC key copies left after %.3f s", c, a, t);
	printf("keys forgotten %.3f s after the session was freed\n", t);

	/* Unused for the engine's idle limit (1 s), the session still alive:
	 * the engine's copies go. */
	s = secret_session();
	CHECK(s != NULL && use_session(s) == 8, "second secret session");
	t = wait_copies(0, 3.0, &c, &a);
	CHECK(c == 0 && a == 0 && t >= 0.5,
	      "idle session: %u AES and %u HMAC key copies after %.3f s (none, after ~1 s)",
	      c, a, t);
	printf("idle keys forgotten after %.3f s\n", t);

	/* Queue pair released: the engine's copies go with it, at once. */
	CHECK(use_session(s) == 8, "ops with the second secret session again");
	c = key_copies(0, KC);
	a = key_copies(KC, KA);
	CHECK(c >= 1 && a >= 1, "keys in use again: %u and %u copies", c, a);
	rte_cryptodev_stop(dev_id);
	setup_qp(0, NB_DESC);
	c = key_copies(0, KC);
	a = key_copies(KC, KA);
	CHECK(c == 0 && a == 0, "queue pair released: %u AES and %u HMAC key copies (none)",
	      c, a);
	rte_cryptodev_sym_session_free(dev_id, s);
	CHECK(key_copies(0, KC) == 0 && key_copies(KC, KA) == 0, "keys left after all");
}

int
main(int argc, char **argv)
{
	static struct rte_crypto_op *ops[NB_OPS], *out[NB_OPS];
	static struct rte_mbuf *ms[NB_OPS];
	struct rte_crypto_sym_xform cx = { 0 }, ax = { 0 };
	struct rte_cryptodev_config conf = { .socket_id = SOCKET_ID_ANY, .nb_queue_pairs = 1 };
	struct rte_cryptodev_stats st;
	uint8_t ct[LEN], mac[DIGEST];
	struct rte_mbuf *chain, *seg;
	struct rte_crypto_op *op;
	unsigned int i, n, ok, order;
	int id;

	if (rte_eal_init(argc, argv) < 0)
		return 2;
	id = rte_cryptodev_get_dev_id("hisi_sec0");
	CHECK(id >= 0, "no hisi_sec0 cryptodev");
	if (id < 0)
		return wd_test_done("test_wd_sec_ops");
	dev_id = (uint8_t)id;
	mbufs = rte_pktmbuf_pool_create("m", 2 * NB_OPS + 256, 0, sizeof(struct priv),
					RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	sess_mp = rte_cryptodev_sym_session_pool_create("s", 8,
			rte_cryptodev_sym_get_private_session_size(dev_id), 0, 0, SOCKET_ID_ANY);
	CHECK(mbufs != NULL && sess_mp != NULL, "pools");
	CHECK_RC(rte_cryptodev_configure(dev_id, &conf), 0);
	setup_qp(-EINVAL, 0);
	setup_qp(-EINVAL, 32769);
	setup_qp(0, NB_DESC);
	CHECK_RC(rte_cryptodev_start(dev_id), 0);

	cx.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	cx.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
	cx.cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
	cx.cipher.key.data = ckey;
	cx.cipher.key.length = sizeof(ckey);
	cx.cipher.iv.offset = IV_OFF;
	cx.cipher.iv.length = 16;
	cx.next = &ax;
	ax.type = RTE_CRYPTO_SYM_XFORM_AUTH;
	ax.auth.op = RTE_CRYPTO_AUTH_OP_GENERATE;
	ax.auth.algo = RTE_CRYPTO_AUTH_SHA1_HMAC;
	ax.auth.key.data = akey;
	ax.auth.key.length = sizeof(akey);
	ax.auth.digest_length = DIGEST;
	sess = rte_cryptodev_sym_session_create(dev_id, &cx, sess_mp);
	CHECK(sess != NULL, "session");
	if (sess == NULL)
		return wd_test_done("test_wd_sec_ops");
	test_sched_remap();

	/* 1500 ops in one burst (nb_descriptors 4096, ring 512), no phys_addr */
	for (i = 0; i < NB_OPS; i++) {
		ms[i] = make_mbuf((uint8_t)i);
		ops[i] = make_op(ms[i], LEN, (uint8_t)i);
	}
	n = rte_cryptodev_enqueue_burst(dev_id, 0, ops, NB_OPS);
	CHECK(n == NB_OPS, "%u of %u ops accepted", n, NB_OPS);
	n = drain(0, out, n);
	CHECK(n == NB_OPS, "%u of %u ops back", n, NB_OPS);
	ok = order = 0;
	for (i = 0; i < n; i++) {
		order += out[i] == ops[i];
		expect((uint8_t)i, LEN, ct, mac);
		ok += out[i]->status == RTE_CRYPTO_OP_STATUS_SUCCESS &&
			memcmp(rte_pktmbuf_mtod_offset(ms[i], uint8_t *, 16), ct, LEN) == 0 &&
			memcmp(rte_pktmbuf_mtod_offset(ms[i], uint8_t *, 16 + LEN), mac,
			       DIGEST) == 0;
	}
	CHECK(order == NB_OPS, "%u of %u in submission order", order, NB_OPS);
	CHECK(ok == NB_OPS, "%u of %u ops without phys_addr right (first status %u)", ok,
	      NB_OPS, n ? out[0]->status : 255);
	for (i = 0; i < NB_OPS; i++)
		rte_pktmbuf_free(ms[i]);

	/* No session: INVALID_SESSION. Zero-length chain: HMAC of "". */
	ms[0] = make_mbuf(1);
	ops[0] = make_op(ms[0], LEN, 1);
	ops[0]->sym->session = NULL;
	ms[1] = make_mbuf(2);
	ops[1] = make_op(ms[1], 0, 2);
	rte_cryptodev_stats_reset(dev_id);
	CHECK_RC(rte_cryptodev_enqueue_burst(dev_id, 0, ops, 2), 2);
	CHECK_RC(drain(0, out, 2), 2);
	CHECK(ops[0]->status == RTE_CRYPTO_OP_STATUS_INVALID_SESSION,
	      "no session: status %u", ops[0]->status);
	HMAC(EVP_sha1(), akey, sizeof(akey), NULL, 0, mac, NULL);
	CHECK(ops[1]->status == RTE_CRYPTO_OP_STATUS_SUCCESS &&
	      memcmp(rte_pktmbuf_mtod_offset(ms[1], uint8_t *, 16), mac, DIGEST) == 0,
	      "zero-length chain: status %u", ops[1]->status);
	CHECK_RC(rte_cryptodev_stats_get(dev_id, &st), 0);
	CHECK(st.enqueued_count == 2 && st.dequeued_count == 2 && st.enqueue_err_count == 1 &&
	      st.dequeue_err_count == 1, "stats %" PRIu64 "/%" PRIu64 " err %" PRIu64 "/%" PRIu64,
	      st.enqueued_count, st.dequeued_count, st.enqueue_err_count,
	      st.dequeue_err_count);
	rte_pktmbuf_free(ms[0]);
	rte_pktmbuf_free(ms[1]);

	/* An op over the first 64 bytes of a 70-segment chain. */
	chain = make_mbuf(3);
	for (i = 0; i < 69 && chain != NULL; i++) {
		seg = rte_pktmbuf_alloc(mbufs);
		if (seg == NULL || rte_pktmbuf_append(seg, 8) == NULL ||
		    rte_pktmbuf_chain(chain, seg) != 0)
			break;
	}
	CHECK(chain != NULL && chain->nb_segs == 70, "70 segments");
	op = make_op(chain, 64, 3);
	CHECK_RC(rte_cryptodev_enqueue_burst(dev_id, 0, &op, 1), 1);
	CHECK_RC(drain(0, out, 1), 1);
	expect(3, 64, ct, mac);
	CHECK(op->status == RTE_CRYPTO_OP_STATUS_SUCCESS &&
	      memcmp(rte_pktmbuf_mtod_offset(chain, uint8_t *, 16), ct, 64) == 0 &&
	      memcmp(rte_pktmbuf_mtod_offset(chain, uint8_t *, 80), mac, DIGEST) == 0,
	      "op over the head of a long chain: status %u", op->status);
	rte_pktmbuf_free(chain);

	/* Release with ops in flight: none stays NOT_PROCESSED. */
	for (i = 0; i < 600; i++) {
		ms[i] = make_mbuf((uint8_t)i);
		ops[i] = make_op(ms[i], LEN, (uint8_t)i);
	}
	CHECK_RC(rte_cryptodev_enqueue_burst(dev_id, 0, ops, 600), 600);
	rte_cryptodev_stop(dev_id);
	setup_qp(0, NB_DESC);	/* releases the old queue pair */
	for (n = 0, i = 0; i < 600; i++)
		n += ops[i]->status == RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	CHECK(n == 0, "%u ops left NOT_PROCESSED by the release", n);
	for (i = 0; i < 600; i++)
		rte_pktmbuf_free(ms[i]);

	CHECK_RC(rte_cryptodev_start(dev_id), 0);
	test_keys_forgotten();

	rte_cryptodev_sym_session_free(dev_id, sess);
	rte_cryptodev_close(dev_id);
	rte_eal_cleanup();
	return wd_test_done("test_wd_sec_ops");
}
