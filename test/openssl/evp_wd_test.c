/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * evp_wd_test MODULE_DIR [nodev]: the "wd" provider at the EVP level,
 * differentially against the default provider (same libctx, fetched by
 * property): random scripts of odd-sized updates, EVP_CIPHER_CTX_copy
 * midway, reinit with a new key, a new IV or neither, padding on and off,
 * for every cipher including XTS; digests and HMAC streamed and
 * duplicated; async jobs with BDs in flight together; threads sharing the
 * process's queue; a fork child that
 * opens its own queue; a SIGKILLed child mid-job. Counters read from the
 * provider prove the device did the work. With "nodev" (no WD_EMU): the
 * provider must refuse to load with its "no hisi_sec_v1 device" error.
 * Prints one line per check; exits 1 if any failed.
 */

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/async.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

static int failures;
static OSSL_PROVIDER *wd;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok) {
		failures++;
		ERR_print_errors_fp(stdout);
	}
}

static uint64_t
counter(const char *name)
{
	uint64_t v = 0;
	OSSL_PARAM p[2] = { OSSL_PARAM_uint64(name, &v), OSSL_PARAM_END };

	if (!OSSL_PROVIDER_get_params(wd, p))
		return UINT64_MAX;
	return v;
}

static unsigned int
urand(unsigned int n)
{
	unsigned int v;

	RAND_bytes((unsigned char *)&v, sizeof(v));
	return n ? v % n : 0;
}

/* --- ciphers: one random script on both providers ---------------------------- */

struct side {
	EVP_CIPHER_CTX *ctx;
	unsigned char *out;
	size_t len;
	int ok;
};

static void
side_update(struct side *s, const unsigned char *in, int n)
{
	int outl = 0;

	if (s->ok && EVP_CipherUpdate(s->ctx, s->out + s->len, &outl, in, n))
		s->len += (size_t)outl;
	else
		s->ok = 0;
}

static void
side_final(struct side *s)
{
	int outl = 0;

	if (s->ok && EVP_CipherFinal_ex(s->ctx, s->out + s->len, &outl))
		s->len += (size_t)outl;
	else
		s->ok = 0;
}

static int
cipher_script(const char *name, int enc, int pad, size_t total)
{
	EVP_CIPHER *cw = EVP_CIPHER_fetch(NULL, name, "provider=wd");
	EVP_CIPHER *cd = EVP_CIPHER_fetch(NULL, name, "provider=default");
	struct side w = { EVP_CIPHER_CTX_new(), NULL, 0, 1 };
	struct side d = { EVP_CIPHER_CTX_new(), NULL, 0, 1 };
	unsigned char key[64], iv[16], *in = malloc(total + 1);
	int klen, ivlen, xts, same = 0, n;
	size_t at = 0;
	EVP_CIPHER_CTX *t;

	if (cw == NULL || cd == NULL || in == NULL)
		goto out;
	klen = EVP_CIPHER_get_key_length(cd);
	ivlen = EVP_CIPHER_get_iv_length(cd);
	xts = EVP_CIPHER_get_mode(cd) == EVP_CIPH_XTS_MODE;
	w.out = malloc(total + 64 * 64);
	d.out = malloc(total + 64 * 64);
	RAND_bytes(key, sizeof(key));
	RAND_bytes(iv, sizeof(iv));
	RAND_bytes(in, (int)total + 1);
	if (xts)
		key[0] ^= key[klen / 2] ^ 1;	/* halves differ */
	EVP_CipherInit_ex2(w.ctx, cw, key, ivlen ? iv : NULL, enc, NULL);
	EVP_CipherInit_ex2(d.ctx, cd, key, ivlen ? iv : NULL, enc, NULL);
	EVP_CIPHER_CTX_set_padding(w.ctx, pad);
	EVP_CIPHER_CTX_set_padding(d.ctx, pad);
	while (at < total) {
		switch (urand(12)) {
		case 0:	/* copy, continue on the copy */
			t = EVP_CIPHER_CTX_new();
			if (t == NULL || !EVP_CIPHER_CTX_copy(t, w.ctx)) {
				w.ok = 0;
				EVP_CIPHER_CTX_free(t);
				break;
			}
			EVP_CIPHER_CTX_free(w.ctx);
			w.ctx = t;
			break;
		case 1:	/* new key */
			RAND_bytes(key, klen);
			if (xts)
				key[0] ^= key[klen / 2] ^ 1;
			w.ok &= EVP_CipherInit_ex2(w.ctx, NULL, key, NULL, -1, NULL);
			d.ok &= EVP_CipherInit_ex2(d.ctx, NULL, key, NULL, -1, NULL);
			break;
		case 2:	/* new IV */
			if (ivlen == 0)
				break;
			RAND_bytes(iv, ivlen);
			w.ok &= EVP_CipherInit_ex2(w.ctx, NULL, NULL, iv, -1, NULL);
			d.ok &= EVP_CipherInit_ex2(d.ctx, NULL, NULL, iv, -1, NULL);
			break;
		case 3:	/* neither: CBC back to its IV */
			w.ok &= EVP_CipherInit_ex2(w.ctx, NULL, NULL, NULL, -1, NULL);
			d.ok &= EVP_CipherInit_ex2(d.ctx, NULL, NULL, NULL, -1, NULL);
			break;
		default:
			n = (int)(urand(5) == 0 ? urand(70000) : urand(100));
			if (xts && n < 16)
				n = 16;
			if ((size_t)n > total - at)
				n = (int)(total - at);
			if (xts && n < 16)
				goto done;
			if (!pad && !xts && EVP_CIPHER_get_block_size(cd) > 1)
				n -= n % EVP_CIPHER_get_block_size(cd);
			side_update(&w, in + at, n);
			side_update(&d, in + at, n);
			at += (size_t)n;
			if (n == 0 && total - at < 16)
				goto done;
		}
	}
done:
	side_final(&w);
	side_final(&d);
	same = w.ok == d.ok && (!d.ok || (w.len == d.len && memcmp(w.out, d.out, d.len) == 0));
	if (!d.ok)
		ERR_clear_error();
out:
	EVP_CIPHER_CTX_free(w.ctx);
	EVP_CIPHER_CTX_free(d.ctx);
	EVP_CIPHER_free(cw);
	EVP_CIPHER_free(cd);
	free(w.out);
	free(d.out);
	free(in);
	return same;
}

static const char *const cipher_names[] = {
	"AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "AES-128-ECB", "AES-192-ECB",
	"AES-256-ECB", "AES-128-CTR", "AES-192-CTR", "AES-256-CTR", "AES-128-XTS",
	"AES-256-XTS", "DES-EDE3-CBC",
};

/* EVP_CIPHER_CTX_rand_key() on 3DES: a key with DES parity, as default. */
static void
rand_key_case(void)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "DES-EDE3-CBC", "provider=wd");
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned char key[24];
	int i, odd = 1, ok;

	ok = c != NULL && ctx != NULL && EVP_EncryptInit_ex2(ctx, c, NULL, NULL, NULL) &&
		EVP_CIPHER_CTX_rand_key(ctx, key) == 1;
	for (i = 0; i < 24 && ok; i++)
		odd &= __builtin_popcount(key[i]) & 1;
	check(ok && odd, "DES-EDE3-CBC: EVP_CIPHER_CTX_rand_key gives a key with odd parity");
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
}

static void
cipher_cases(void)
{
	unsigned int i, r, ok;
	uint64_t bds = counter("wd-bds");

	for (i = 0; i < sizeof(cipher_names) / sizeof(cipher_names[0]); i++) {
		ok = 1;
		for (r = 0; r < 12 && ok; r++)
			ok = cipher_script(cipher_names[i], r & 1, !(r & 2), urand(400000));
		check(ok, "%s: 12 random scripts (odd updates, copy, reinit, padding on/off) "
		      "same as the default provider", cipher_names[i]);
	}
	check(counter("wd-bds") > bds, "the ciphers ran as BDs (%llu)",
	      (unsigned long long)(counter("wd-bds") - bds));
	rand_key_case();
}

/* --- digests and HMAC -------------------------------------------------------------- */

static void
digest_cases(void)
{
	static const char *const mds[] = { "SHA1", "SHA224", "SHA256" };
	unsigned char *in = malloc(300000), a[64], b[64], c[64];
	unsigned int i, la, lb, lc;
	size_t at, n, total, mlen, cut;
	EVP_MD_CTX *w, *dup;
	EVP_MD *mw;
	EVP_MAC *hw, *hd;
	EVP_MAC_CTX *x, *y, *z;
	OSSL_PARAM p[2];
	unsigned char key[100];
	uint64_t bds = counter("wd-bds");

	for (i = 0; i < 3; i++) {
		total = urand(300000);
		RAND_bytes(in, (int)total);
		mw = EVP_MD_fetch(NULL, mds[i], "provider=wd");
		w = EVP_MD_CTX_new();
		dup = EVP_MD_CTX_new();
		EVP_DigestInit_ex2(w, mw, NULL);
		cut = 0;
		for (at = 0; at < total; at += n) {
			n = urand(5000);
			n = n > total - at ? total - at : n;
			if (cut == 0 && at > total / 2) {
				EVP_MD_CTX_copy_ex(dup, w);	/* a copy of the first part */
				cut = at;
			}
			EVP_DigestUpdate(w, in + at, n);
		}
		EVP_DigestFinal_ex(w, a, &la);
		EVP_Q_digest(NULL, mds[i], "provider=default", in, total, b, NULL);
		lb = (unsigned int)EVP_MD_get_size(mw);
		check(mw != NULL && la == lb && memcmp(a, b, lb) == 0,
		      "%s streamed over %zu B: same as the default provider", mds[i], total);
		if (cut != 0) {
			lc = 0;
			EVP_DigestFinal_ex(dup, c, &lc);
			EVP_Q_digest(NULL, mds[i], "provider=default", in, cut, b, NULL);
			check(lc == lb && memcmp(c, b, lb) == 0,
			      "%s: a copy taken after %zu B finishes as the default provider",
			      mds[i], cut);
		}
		EVP_MD_CTX_free(w);
		EVP_MD_CTX_free(dup);
		EVP_MD_free(mw);
	}

	hw = EVP_MAC_fetch(NULL, "HMAC", "provider=wd");
	hd = EVP_MAC_fetch(NULL, "HMAC", "provider=default");
	for (i = 0; i < 3; i++) {
		size_t klen = urand(100);

		total = urand(300000);
		RAND_bytes(in, (int)total);
		RAND_bytes(key, sizeof(key));
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)mds[i], 0);
		p[1] = OSSL_PARAM_construct_end();
		x = EVP_MAC_CTX_new(hw);
		z = EVP_MAC_CTX_new(hd);
		EVP_MAC_init(x, key, klen, p);
		EVP_MAC_init(z, key, klen, p);
		EVP_MAC_update(x, in, total / 3);
		y = EVP_MAC_CTX_dup(x);
		EVP_MAC_update(x, in + total / 3, total - total / 3);
		EVP_MAC_update(y, in + total / 3, total - total / 3);
		EVP_MAC_update(z, in, total);
		EVP_MAC_final(x, a, &mlen, sizeof(a));
		EVP_MAC_final(y, c, &n, sizeof(c));
		EVP_MAC_final(z, b, &at, sizeof(b));
		check(x != NULL && y != NULL && mlen == at && n == at && memcmp(a, b, at) == 0 &&
		      memcmp(c, b, at) == 0,
		      "HMAC-%s key %zu B over %zu B, and its dup: same as the default provider",
		      mds[i], klen, total);
		EVP_MAC_CTX_free(x);
		EVP_MAC_CTX_free(y);
		EVP_MAC_CTX_free(z);
	}
	EVP_MAC_free(hw);
	EVP_MAC_free(hd);
	check(counter("wd-bds") > bds, "digests and HMACs ran as BDs (%llu)",
	      (unsigned long long)(counter("wd-bds") - bds));
	free(in);
}

/* --- async ------------------------------------------------------------------------------- */

#define NJOBS 8
#define JOBLEN 65536

struct job_arg {
	unsigned char *buf;
	unsigned char key[16], iv[16];
};

static int
job_fn(void *varg)
{
	struct job_arg *a = *(struct job_arg **)varg;
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-128-CTR", "provider=wd");
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl, ok;

	ok = c != NULL && ctx != NULL && EVP_EncryptInit_ex2(ctx, c, a->key, a->iv, NULL) &&
		EVP_EncryptUpdate(ctx, a->buf, &outl, a->buf, JOBLEN) && outl == JOBLEN;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok;
}

static void
async_cases(void)
{
	struct job_arg args[NJOBS], *ap;
	ASYNC_JOB *job[NJOBS] = { NULL };
	ASYNC_WAIT_CTX *wctx[NJOBS];
	unsigned char *ref = malloc(JOBLEN), *plain = malloc(JOBLEN);
	int i, ret, left = NJOBS, rc[NJOBS], ok = 1, outl;
	unsigned int mi = 0;
	OSSL_PARAM p[2] = { OSSL_PARAM_uint("wd-max-inflight", &mi), OSSL_PARAM_END };

	RAND_bytes(plain, JOBLEN);
	for (i = 0; i < NJOBS; i++) {
		args[i].buf = malloc(JOBLEN);
		memcpy(args[i].buf, plain, JOBLEN);
		RAND_bytes(args[i].key, 16);
		RAND_bytes(args[i].iv, 16);
		wctx[i] = ASYNC_WAIT_CTX_new();
		rc[i] = -1;
	}
	/* Start all; then keep resuming the paused ones. */
	while (left > 0) {
		for (i = 0; i < NJOBS; i++) {
			if (rc[i] != -1)
				continue;
			ap = &args[i];
			ret = ASYNC_start_job(&job[i], wctx[i], &rc[i], job_fn, &ap, sizeof(ap));
			if (ret == ASYNC_PAUSE) {
				rc[i] = -1;
			} else {
				if (ret != ASYNC_FINISH)
					rc[i] = 0;
				left--;
			}
		}
	}
	for (i = 0; i < NJOBS; i++) {
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		EVP_CIPHER *e = EVP_CIPHER_fetch(NULL, "AES-128-CTR", "provider=default");

		EVP_EncryptInit_ex2(c, e, args[i].key, args[i].iv, NULL);
		EVP_EncryptUpdate(c, ref, &outl, plain, JOBLEN);
		ok &= rc[i] == 1 && memcmp(ref, args[i].buf, JOBLEN) == 0;
		EVP_CIPHER_CTX_free(c);
		EVP_CIPHER_free(e);
		free(args[i].buf);
		ASYNC_WAIT_CTX_free(wctx[i]);
	}
	OSSL_PROVIDER_get_params(wd, p);
	check(ok, "%d async jobs of %d B AES-128-CTR: same as the default provider", NJOBS,
	      JOBLEN);
	check(mi >= 2, "async jobs had BDs in flight together (at most %u at once)", mi);
	free(ref);
	free(plain);
}

/* --- threads: one queue, its lock, completions reaped by whoever polls ---- */

#define NTHREADS 4

static void *
thread_fn(void *arg)
{
	static const char *const names[] = { "AES-128-CBC", "AES-256-CTR", "AES-128-XTS",
					     "DES-EDE3-CBC" };
	intptr_t i = (intptr_t)arg, ok = 1, r;

	for (r = 0; r < 6 && ok; r++)
		ok = cipher_script(names[(i + r) % 4], r & 1, 1, 20000 + urand(200000));
	return (void *)ok;
}

static void
thread_cases(void)
{
	pthread_t t[NTHREADS];
	void *ret;
	intptr_t i, ok = 1;
	uint64_t bds = counter("wd-bds");

	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, thread_fn, (void *)i) != 0)
			ok = 0;
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], &ret) != 0 || ret != (void *)1)
			ok = 0;
	}
	check(ok, "%d threads, 6 scripts each, at once: same as the default provider", NTHREADS);
	check(counter("wd-bds") > bds, "the threads' work ran as BDs (%llu)",
	      (unsigned long long)(counter("wd-bds") - bds));
}

/* --- fork and kill ------------------------------------------------------------------- */

/* One offloaded AES-256-CBC 100000 B encryption checked against default. */
static int
one_op(void)
{
	return cipher_script("AES-256-CBC", 1, 1, 100000);
}

static void
fork_cases(void)
{
	int st, fds[2];
	pid_t pid;
	char c;

	check(one_op(), "parent: an operation before fork");
	pid = fork();
	if (pid == 0) {
		uint64_t before = counter("wd-bds");
		int ok = one_op() && counter("wd-bds") > before;

		_exit(ok ? 0 : 1);
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork child: opens its own queue, BDs done, same bytes");
	check(one_op(), "parent: its queue still works after the child exited");

	/* SIGKILL a child in the middle of a stream of BDs. */
	if (pipe(fds) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		one_op();
		if (write(fds[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			one_op();
	}
	close(fds[1]);
	st = (int)read(fds[0], &c, 1);
	usleep(50 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(fds[0]);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "a child SIGKILLed mid-job");
	check(one_op(), "parent: works after the kill");
	pid = fork();
	if (pid == 0)
		_exit(one_op() ? 0 : 1);
	check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a new child after the kill: works");
}

/* WD_PROV_FAULT_EVERY=2: every second BD completes with a fault. */
static void
fault_cases(void)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-128-CBC", "provider=wd");
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned char key[16] = { 1 }, iv[16] = { 2 }, *in = calloc(1, 8192), *out = malloc(8192);
	const char *data = NULL;
	unsigned long e;
	int outl, good = 0, bad = 0, i, clean = 1;
	uint64_t errs = counter("wd-errors");

	memset(out, 0xa5, 8192);
	for (i = 0; i < 8; i++) {
		EVP_EncryptInit_ex2(ctx, c, key, iv, NULL);
		if (EVP_EncryptUpdate(ctx, out, &outl, in, 4096)) {
			good++;
			continue;
		}
		bad++;
		/* the reason is on the error stack; nothing was written */
		e = ERR_get_error_all(NULL, NULL, NULL, &data, NULL);
		clean &= e != 0 && data != NULL && strstr(data, "status") != NULL;
		ERR_clear_error();
	}
	check(good > 0 && bad > 0 && clean, "BD faults: %d operations failed with the device's "
	      "status on the error stack, %d went through", bad, good);
	check(counter("wd-errors") - errs == (uint64_t)bad, "every fault counted as an error");
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	free(in);
	free(out);
}

int
main(int argc, char **argv)
{
	unsigned long e;
	char buf[256];

	if (argc < 2) {
		fprintf(stderr, "usage: %s MODULE_DIR [nodev]\n", argv[0]);
		return 2;
	}
	OSSL_PROVIDER_set_default_search_path(NULL, argv[1]);
	if (argc > 2 && strcmp(argv[2], "nodev") == 0) {
		const char *data = NULL, *found = NULL;

		wd = OSSL_PROVIDER_load(NULL, "wd");
		check(wd == NULL, "no device: the provider does not load");
		/* The provider's own line, with the reason's text as data (its
		 * reason strings are not registered: it never loaded). */
		while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, NULL)) != 0) {
			ERR_error_string_n(e, buf, sizeof(buf));
			printf("  error: %s: %s\n", buf, data ? data : "");
			if (data != NULL && strstr(data, "no hisi_sec_v1 device") != NULL)
				found = data;
		}
		check(found != NULL, "no device: the error says why: '%s'", found ? found : "");
		return failures ? 1 : 0;
	}
	if (OSSL_PROVIDER_load(NULL, "default") == NULL ||
	    (wd = OSSL_PROVIDER_load(NULL, "wd")) == NULL) {
		ERR_print_errors_fp(stdout);
		printf("FAIL: cannot load the providers\n");
		return 1;
	}
	if (getenv("WD_PROV_FAULT_EVERY") != NULL) {
		fault_cases();
		return failures ? 1 : 0;
	}
	cipher_cases();
	digest_cases();
	async_cases();
	thread_cases();
	fork_cases();
	printf("wd counters: %llu BDs, %llu in software, %llu errors\n",
	       (unsigned long long)counter("wd-bds"), (unsigned long long)counter("wd-sw-ops"),
	       (unsigned long long)counter("wd-errors"));
	check(counter("wd-errors") == 0, "no device errors");
	if (getenv("WD_PROV_MEM") != NULL && strcmp(getenv("WD_PROV_MEM"), "share") == 0)
		check(counter("wd-zero-copy") > 0, "mem = share: %llu requests on the caller's "
		      "buffers", (unsigned long long)counter("wd-zero-copy"));
	OSSL_PROVIDER_unload(wd);
	return failures ? 1 : 0;
}
