/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * crypto_wd_sec and dma_wd_dummy across DPDK processes.
 *
 *   mp_client <EAL args> -- primary
 *     configures cryptodev 0 (2 queue pairs) and dmadev 0 (2 vchans),
 *     creates the pools secondaries use, then ciphers on queue pair 0 and
 *     copies on vchan 0 until SIGINT/SIGTERM, checking every result
 *     against OpenSSL / the source; prints "primary: N ops, E errors".
 *   mp_client <EAL args> --proc-type=secondary -- secondary N
 *     N AES-128-CBC ops on queue pair 1 and N copies on vchan 1, each
 *     checked; prints "secondary: N ops, E errors".
 *   mp_client <EAL args> --proc-type=secondary -- hang
 *     puts a burst on queue pair 1 and vchan 1, says "hang: in flight"
 *     and waits to be killed.
 * Exit status 0 only when every result was right.
 */

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define LEN		512
#define BURST		32
#define IV_OFF		(sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define MBUF_POOL	"mp_client_mbuf"
#define OP_POOL		"mp_client_op"
#define SESS_POOL	"mp_client_sess"

static const uint8_t key[16] = "wrapdrive-mp-key";
static volatile sig_atomic_t quit;
static uint8_t cdev, dmadev;
static struct rte_mempool *mbuf_mp, *op_mp, *sess_mp;
static void *sess;
static uint64_t nb_ok, nb_err;
/* plaintext of each op in flight, by submission order */
static uint8_t plain[4096][LEN];
static uint32_t plain_head, plain_tail;

static void
on_signal(int sig)
{
	quit = 1;
}

static int
die(const char *what)
{
	fprintf(stderr, "mp_client: %s\n", what);
	return 1;
}

/* The expected ciphertext of @in (OpenSSL). */
static void
expect(const uint8_t *in, const uint8_t *iv, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv);
	EVP_CIPHER_CTX_set_padding(c, 0);
	EVP_EncryptUpdate(c, out, &n, in, LEN);
	EVP_CIPHER_CTX_free(c);
}

static int
make_session(void)
{
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.cipher = {
			.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT,
			.algo = RTE_CRYPTO_CIPHER_AES_CBC,
			.key = { .data = key, .length = sizeof(key) },
			.iv = { .offset = IV_OFF, .length = 16 },
		},
	};

	sess = rte_cryptodev_sym_session_create(cdev, &x, sess_mp);
	return sess == NULL ? -1 : 0;
}

/* Fill up to *n ops with fresh plaintext and IVs (*n: how many were
 * filled) and enqueue them on @qp; returns how many were enqueued. */
static uint16_t
crypto_submit(uint16_t qp, struct rte_crypto_op **ops, uint16_t *n)
{
	uint16_t i;

	if (rte_crypto_op_bulk_alloc(op_mp, RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops, *n) != *n) {
		*n = 0;
		return 0;
	}
	for (i = 0; i < *n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mbuf_mp);
		uint8_t *d, *iv = rte_crypto_op_ctod_offset(ops[i], uint8_t *, IV_OFF);
		unsigned int k;

		if (m == NULL) {
			rte_mempool_put_bulk(op_mp, (void **)&ops[i], *n - i);
			*n = i;
			break;
		}
		d = (uint8_t *)rte_pktmbuf_append(m, LEN);
		for (k = 0; k < LEN; k++)
			d[k] = (uint8_t)rand();
		for (k = 0; k < 16; k++)
			iv[k] = (uint8_t)rand();
		ops[i]->sym->m_src = m;
		ops[i]->sym->cipher.data.offset = 0;
		ops[i]->sym->cipher.data.length = LEN;
		rte_crypto_op_attach_sym_session(ops[i], sess);
		/* before the engine can overwrite it: ops complete in order */
		memcpy(plain[(plain_head + i) % 4096], d, LEN);
	}
	return rte_cryptodev_enqueue_burst(cdev, qp, ops, *n);
}

static uint16_t
crypto_send(uint16_t qp, uint16_t n)
{
	struct rte_crypto_op *ops[BURST];
	uint16_t i, done;

	if (plain_head - plain_tail + n > 4096)
		n = (uint16_t)(4096 - (plain_head - plain_tail));
	done = crypto_submit(qp, ops, &n);
	/* refused ops go back */
	for (i = done; i < n; i++) {
		rte_pktmbuf_free(ops[i]->sym->m_src);
		rte_crypto_op_free(ops[i]);
	}
	plain_head += done;
	return done;
}

static uint16_t
crypto_reap(uint16_t qp)
{
	struct rte_crypto_op *ops[BURST];
	uint8_t want[LEN];
	uint16_t i, n = rte_cryptodev_dequeue_burst(cdev, qp, ops, BURST);

	for (i = 0; i < n; i++) {
		const uint8_t *iv = rte_crypto_op_ctod_offset(ops[i], uint8_t *, IV_OFF);

		expect(plain[plain_tail++ % 4096], iv, want);
		if (ops[i]->status == RTE_CRYPTO_OP_STATUS_SUCCESS &&
		    memcmp(rte_pktmbuf_mtod(ops[i]->sym->m_src, uint8_t *), want, LEN) == 0)
			nb_ok++;
		else
			nb_err++;
		rte_pktmbuf_free(ops[i]->sym->m_src);
		rte_crypto_op_free(ops[i]);
	}
	return n;
}

/* One copy of LEN bytes on @vchan, waited for and checked. */
static int
dma_one(uint16_t vchan, uint8_t *src, uint8_t *dst)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz();
	uint16_t last;
	bool err = false;
	unsigned int k;

	for (k = 0; k < LEN; k++)
		src[k] = (uint8_t)rand();
	memset(dst, 0, LEN);
	if (rte_dma_copy(dmadev, vchan, rte_malloc_virt2iova(src), rte_malloc_virt2iova(dst),
			 LEN, RTE_DMA_OP_FLAG_SUBMIT) < 0)
		return -1;
	while (rte_dma_completed(dmadev, vchan, 1, &last, &err) == 0)
		if (rte_get_timer_cycles() > end)
			return -1;
	return !err && memcmp(src, dst, LEN) == 0 ? 0 : -1;
}

static int
setup_primary(void)
{
	struct rte_cryptodev_config cc = { .socket_id = SOCKET_ID_ANY, .nb_queue_pairs = 2 };
	struct rte_dma_conf dc = { .nb_vchans = 2 };
	struct rte_dma_vchan_conf vc = { .direction = RTE_DMA_DIR_MEM_TO_MEM, .nb_desc = 64 };
	struct rte_cryptodev_qp_conf qc = { .nb_descriptors = 2048 };
	uint16_t i;

	mbuf_mp = rte_pktmbuf_pool_create(MBUF_POOL, 8191, 0, 0, 2 * LEN + 128, SOCKET_ID_ANY);
	op_mp = rte_crypto_op_pool_create(OP_POOL, RTE_CRYPTO_OP_TYPE_SYMMETRIC, 8191, 0, 16,
					  SOCKET_ID_ANY);
	sess_mp = rte_cryptodev_sym_session_pool_create(SESS_POOL, 16,
			rte_cryptodev_sym_get_private_session_size(cdev), 0, 0, SOCKET_ID_ANY);
	if (mbuf_mp == NULL || op_mp == NULL || sess_mp == NULL)
		return die("cannot create the pools");
	qc.mp_session = sess_mp;
	if (rte_cryptodev_configure(cdev, &cc) != 0)
		return die("cannot configure the cryptodev");
	for (i = 0; i < 2; i++)
		if (rte_cryptodev_queue_pair_setup(cdev, i, &qc, SOCKET_ID_ANY) != 0)
			return die("cannot set up a queue pair");
	if (rte_cryptodev_start(cdev) != 0)
		return die("cannot start the cryptodev");
	if (rte_dma_configure(dmadev, &dc) != 0 || rte_dma_vchan_setup(dmadev, 0, &vc) != 0 ||
	    rte_dma_vchan_setup(dmadev, 1, &vc) != 0 || rte_dma_start(dmadev) != 0)
		return die("cannot set up the dmadev");
	return 0;
}

static int
run_primary(void)
{
	uint8_t *src = rte_malloc(NULL, LEN, 64), *dst = rte_malloc(NULL, LEN, 64);
	uint64_t copies = 0, copy_err = 0;

	if (setup_primary() != 0 || make_session() != 0 || src == NULL || dst == NULL)
		return 1;
	printf("primary: ready\n");
	fflush(stdout);
	while (!quit) {
		crypto_send(0, BURST);
		rte_delay_us_sleep(200);
		crypto_reap(0);
		if (dma_one(0, src, dst) == 0)
			copies++;
		else
			copy_err++;
	}
	while (plain_tail != plain_head) {
		uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz();

		while (crypto_reap(0) == 0 && rte_get_timer_cycles() < end)
			;
		if (rte_get_timer_cycles() >= end)
			break;
	}
	if (plain_tail != plain_head)
		nb_err += plain_head - plain_tail;
	printf("primary: %" PRIu64 " ops, %" PRIu64 " errors; %" PRIu64 " copies, %" PRIu64
	       " copy errors\n", nb_ok, nb_err, copies, copy_err);
	rte_cryptodev_stop(cdev);
	rte_cryptodev_close(cdev);
	rte_dma_stop(dmadev);
	rte_dma_close(dmadev);
	return nb_err == 0 && copy_err == 0 && nb_ok > 0 && copies > 0 ? 0 : 1;
}

static int
attach(void)
{
	mbuf_mp = rte_mempool_lookup(MBUF_POOL);
	op_mp = rte_mempool_lookup(OP_POOL);
	sess_mp = rte_mempool_lookup(SESS_POOL);
	if (mbuf_mp == NULL || op_mp == NULL || sess_mp == NULL)
		return die("the primary's pools are not there");
	if (make_session() != 0)
		return die("cannot create a session");
	return 0;
}

/*
 * What an earlier process on queue pair 1 / vchan 1 left in flight (it
 * died): the queues deliver those completions to their next user, as
 * hardware would. Take them, and count the ones done right.
 */
static void
drain(void)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() / 2;
	struct rte_crypto_op *ops[BURST];
	uint64_t ok = 0, bad = 0, copies = 0, copy_err = 0;
	uint16_t i, n, last;
	bool err;

	while (rte_get_timer_cycles() < end) {
		n = rte_cryptodev_dequeue_burst(cdev, 1, ops, BURST);
		for (i = 0; i < n; i++) {
			if (ops[i]->status == RTE_CRYPTO_OP_STATUS_SUCCESS)
				ok++;
			else
				bad++;
			rte_pktmbuf_free(ops[i]->sym->m_src);
			rte_crypto_op_free(ops[i]);
		}
		err = false;
		n = rte_dma_completed(dmadev, 1, BURST, &last, &err);
		copies += n;
		if (err) {
			copy_err++;
			rte_dma_completed_status(dmadev, 1, 1, &last,
						 &(enum rte_dma_status_code){ 0 });
		}
	}
	printf("drained: %" PRIu64 " ops done, %" PRIu64 " failed; %" PRIu64 " copies, %"
	       PRIu64 " failed\n", ok, bad, copies, copy_err);
}

static int
run_secondary(unsigned long n)
{
	uint8_t *src = rte_malloc(NULL, LEN, 64), *dst = rte_malloc(NULL, LEN, 64);
	uint64_t copies = 0, copy_err = 0, end;
	unsigned long sent = 0, i;

	if (attach() != 0 || src == NULL || dst == NULL)
		return 1;
	drain();
	end = rte_get_timer_cycles() + 30 * rte_get_timer_hz();
	while ((sent < n || plain_tail != plain_head) && rte_get_timer_cycles() < end) {
		if (sent < n)
			sent += crypto_send(1, (uint16_t)RTE_MIN(n - sent, (unsigned long)BURST));
		crypto_reap(1);
	}
	nb_err += plain_head - plain_tail;
	for (i = 0; i < n; i++) {
		if (dma_one(1, src, dst) == 0)
			copies++;
		else
			copy_err++;
	}
	printf("secondary: %" PRIu64 " ops, %" PRIu64 " errors; %" PRIu64 " copies, %" PRIu64
	       " copy errors\n", nb_ok, nb_err, copies, copy_err);
	return nb_ok == n && nb_err == 0 && copies == n && copy_err == 0 ? 0 : 1;
}

static int
run_hang(void)
{
	uint8_t *src = rte_malloc(NULL, 65536, 64), *dst = rte_malloc(NULL, 65536, 64);
	unsigned int i;

	if (attach() != 0 || src == NULL || dst == NULL)
		return 1;
	for (i = 0; i < 8; i++)
		crypto_send(1, BURST);
	for (i = 0; i < 32; i++)
		rte_dma_copy(dmadev, 1, rte_malloc_virt2iova(src), rte_malloc_virt2iova(dst),
			     65536, 0);
	rte_dma_submit(dmadev, 1);
	printf("hang: in flight\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

int
main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	const char *mode;
	int rc;

	if (n < 0)
		return die("EAL init failed");
	argc -= n;
	argv += n;
	mode = argc > 1 ? argv[1] : "";
	if (rte_cryptodev_count() < 1 || rte_dma_count_avail() < 1)
		return die("no cryptodev or dmadev");
	cdev = 0;
	dmadev = (uint8_t)rte_dma_next_dev(0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	srand((unsigned int)getpid());
	if (strcmp(mode, "primary") == 0 && rte_eal_process_type() == RTE_PROC_PRIMARY)
		rc = run_primary();
	else if (strcmp(mode, "secondary") == 0 && argc > 2)
		rc = run_secondary(strtoul(argv[2], NULL, 10));
	else if (strcmp(mode, "hang") == 0)
		rc = run_hang();
	else
		rc = die("usage: <EAL args> -- primary | secondary N | hang");
	rte_eal_cleanup();
	return rc;
}
