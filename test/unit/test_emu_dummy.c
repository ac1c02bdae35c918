/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* End to end on the emu backend: the wd_dummy_v1 user driver against the
 * in-process device model. */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wd.h"
#include "wd_dummy.h"
#include "wd_test.h"

#define TMO 10000	/* ms: generous, sanitizers are slow */

/* wd_dummy0, wd_dummy1: 4 queues of depth 512; wd_dummy2: SVA-capable,
 * depth 64; wd_dummy3: 1 queue on NUMA node 1. */
static const char *const emu_spec =
	"wd_dummy_v1:2:queues=4:priority=60,wd_dummy_v1:1:share_all=1:depth=64:priority=10,"
	"wd_dummy_v1:1:queues=1:numa=1:priority=20";

static struct wd_capa capa_dev(const char *dev)
{
	return (struct wd_capa){ .alg = "memcpy", .dev = dev, .numa_node = WD_NUMA_ANY };
}

static void
fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static int
run_one(struct wd_queue *q, struct wd_dummy_msg *m)
{
	void *resp = NULL;
	int rc;

	rc = wd_send_sync(q, m, TMO);
	if (rc != 0)
		return rc;
	rc = wd_recv_sync(q, &resp, TMO);
	if (rc != 0)
		return rc;
	return resp == m ? m->status : -EPROTO;
}

static void
test_copy_sizes(void)
{
	static const size_t sizes[] = {
		1, 2, 3, 7, 8, 9, 63, 64, 65, 511, 4095, 4096, 4097, 65536, 65537,
		(1 << 20) + 3, 16 << 20,
	};
	struct wd_capa capa = capa_dev(NULL);
	size_t max = 16 << 20, i;
	uint8_t *src = malloc(max), *dst = malloc(max);
	struct wd_dummy_msg m;
	struct wd_queue q;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK(strcmp(q.dev_name, "wd_dummy0") == 0, "highest priority device: %s", q.dev_name);
	CHECK(q.emulated == 1 && strcmp(q.device_api, "wd_dummy_v1") == 0, "queue info");
	CHECK(wd_queue_depth(&q) == 512, "depth %u", wd_queue_depth(&q));
	CHECK_RC(wd_mem_share(&q, src, max, 0), 0);
	CHECK_RC(wd_mem_share(&q, dst, max, 0), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		fill_random(src, n, (uint32_t)n);
		memset(dst, 0x5a, n + 1 < max ? n + 1 : n);
		m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
					   .len = (uint32_t)n, .op = WD_DUMMY_OP_COPY };
		CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_OK);
		CHECK(memcmp(src, dst, n) == 0, "copy of %zu bytes differs", n);
		if (n < max)
			CHECK(dst[n] == 0x5a, "copy of %zu bytes wrote past the end", n);
	}

	/* FILL: the 8-byte pattern repeated, a partial pattern at the end. */
	m = (struct wd_dummy_msg){ .src = 0x0807060504030201ull, .dst = (uintptr_t)dst,
				   .len = 13, .op = WD_DUMMY_OP_FILL };
	memset(dst, 0, 16);
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_OK);
	CHECK(memcmp(dst, "\1\2\3\4\5\6\7\10\1\2\3\4\5\0", 14) == 0, "fill pattern");

	CHECK_RC(wd_mem_unshare(&q, src, max), 0);
	CHECK_RC(wd_mem_unshare(&q, dst, max), 0);
	wd_release_queue(&q);
	CHECK(q.impl == NULL, "released queue cleared");
	free(src);
	free(dst);
}

static void
test_errors(void)
{
	struct wd_capa capa = capa_dev("wd_dummy1");
	uint8_t *shared = malloc(8192), *unshared = malloc(4096), before[4096];
	struct wd_dummy_msg m;
	struct wd_queue q;
	void *resp;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK_RC(wd_mem_share(&q, shared, 8192, 0), 0);
	fill_random(shared, 8192, 1);
	fill_random(unshared, 4096, 2);
	memcpy(before, unshared, 4096);

	/* Unshared destination: fault, destination untouched. */
	m = (struct wd_dummy_msg){ .src = (uintptr_t)shared, .dst = (uintptr_t)unshared,
				   .len = 4096, .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);
	CHECK(memcmp(before, unshared, 4096) == 0, "unshared destination was written");

	/* Unshared source: fault, shared destination untouched. */
	memcpy(before, shared + 4096, 4096);
	m = (struct wd_dummy_msg){ .src = (uintptr_t)unshared, .dst = (uintptr_t)shared + 4096,
				   .len = 4096, .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);
	CHECK(memcmp(before, shared + 4096, 4096) == 0, "destination written on a fault");

	/* One byte past the shared range. */
	m = (struct wd_dummy_msg){ .src = (uintptr_t)shared, .dst = (uintptr_t)shared + 4096,
				   .len = 4097, .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);
	CHECK(memcmp(before, shared + 4096, 4096) == 0, "destination written on a fault");

	/* Bad descriptors. */
	m = (struct wd_dummy_msg){ .src = (uintptr_t)shared, .dst = (uintptr_t)shared + 4096,
				   .len = 0, .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_INVAL);
	m.len = WD_DUMMY_MAX_LEN + 1;
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_INVAL);
	m.len = 16;
	m.op = 7;
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_INVAL);

	/* Sharing rules. */
	CHECK_RC(wd_mem_share(&q, shared + 100, 10, 0), -EEXIST);
	CHECK_RC(wd_mem_share(&q, shared, 8192, 1), -EINVAL);
	CHECK_RC(wd_mem_unshare(&q, unshared, 4096), -ENOENT);
	CHECK_RC(wd_mem_unshare(&q, shared, 4096), -ENOENT);
	CHECK_RC(wd_mem_share(&q, shared, 8192, 0), 0);	/* second reference */
	CHECK_RC(wd_mem_unshare(&q, shared, 8192), 0);
	m = (struct wd_dummy_msg){ .src = (uintptr_t)shared, .dst = (uintptr_t)shared + 4096,
				   .len = 64, .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_OK);
	CHECK_RC(wd_mem_unshare(&q, shared, 8192), 0);
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);

	/* Nothing pending. */
	CHECK_RC(wd_recv(&q, &resp), -EAGAIN);
	CHECK_RC(wd_recv_sync(&q, &resp, 10), -ETIMEDOUT);
	CHECK_RC(wd_send(&q, NULL), -EINVAL);
	CHECK_RC(wd_send(NULL, &m), -EINVAL);
	wd_release_queue(&q);
	free(shared);
	free(unshared);
}

static void
test_full_ring_and_order(void)
{
	struct wd_capa capa = capa_dev("wd_dummy1");
	struct wd_dummy_msg *msgs, *out[64];
	unsigned int depth, i, got = 0;
	uint8_t *buf = malloc(1 << 16);
	struct wd_queue q;
	void *resp;
	int rc;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	depth = wd_queue_depth(&q);
	msgs = calloc(depth + 1, sizeof(*msgs));
	CHECK_RC(wd_mem_share(&q, buf, 1 << 16, 0), 0);
	for (i = 0; i <= depth; i++)
		msgs[i] = (struct wd_dummy_msg){ .src = (uintptr_t)buf, .dst = (uintptr_t)buf +
						 32768, .len = 1 + i % 1000, .op = WD_DUMMY_OP_COPY,
						 .user = &msgs[i] };
	for (i = 0; i < depth; i++)
		CHECK_RC(wd_send(&q, &msgs[i]), 0);
	CHECK_RC(wd_send(&q, &msgs[depth]), -EBUSY);
	CHECK(wd_dummy_inflight(&q) == depth, "inflight %u", wd_dummy_inflight(&q));
	for (i = 0; i < depth; i++) {
		rc = wd_recv_sync(&q, &resp, TMO);
		CHECK(rc == 0 && resp == &msgs[i], "completion %u out of order", i);
		CHECK(msgs[i].status == WD_DUMMY_ST_OK, "status %u", msgs[i].status);
	}
	/* Bursts. */
	{
		struct wd_dummy_msg *in[64];

		for (i = 0; i < 64; i++)
			in[i] = &msgs[i];
		CHECK_RC(wd_dummy_send_burst(&q, in, 64), 64);
		while (got < 64) {
			rc = wd_dummy_recv_burst(&q, out + got, 64 - got);
			CHECK(rc >= 0, "recv_burst %d", rc);
			if (rc < 0)
				break;
			got += (unsigned int)rc;
		}
		for (i = 0; i < got; i++)
			CHECK(out[i] == &msgs[i], "burst order at %u", i);
	}
	CHECK(wd_dummy_inflight(&q) == 0, "drained");
	/* Shares are the process's (a VFIO container's mappings), not the
	 * queue's: unshared before the memory goes back to malloc, which may
	 * hand it out again to a later test that shares it anew. */
	CHECK_RC(wd_mem_unshare(&q, buf, 1 << 16), 0);
	wd_release_queue(&q);
	free(msgs);
	free(buf);
}

/* Unsharing with requests in flight: each completes OK or with a fault,
 * and after wd_mem_unshare() returns the buffer can be freed. */
static void
test_unshare_inflight(void)
{
	struct wd_capa capa = capa_dev("wd_dummy1");
	size_t len = 1 << 20;
	uint8_t *src = malloc(len), *dst = malloc(len);
	struct wd_dummy_msg msgs[256];
	unsigned int i, ok = 0, fault = 0;
	struct wd_queue q;
	void *resp;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK_RC(wd_mem_share(&q, src, len, 0), 0);
	CHECK_RC(wd_mem_share(&q, dst, len, 0), 0);
	for (i = 0; i < 256; i++) {
		msgs[i] = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
						 .len = (uint32_t)len, .op = WD_DUMMY_OP_COPY };
		CHECK_RC(wd_send(&q, &msgs[i]), 0);
	}
	CHECK_RC(wd_mem_unshare(&q, src, len), 0);
	free(src);	/* the device must not touch it any more */
	for (i = 0; i < 256; i++) {
		CHECK_RC(wd_recv_sync(&q, &resp, TMO), 0);
		if (msgs[i].status == WD_DUMMY_ST_OK)
			ok++;
		else if (msgs[i].status == WD_DUMMY_ST_FAULT)
			fault++;
	}
	CHECK(ok + fault == 256, "ok %u + fault %u", ok, fault);
	CHECK(fault > 0 || ok == 256, "statuses");
	printf("unshare in flight: %u completed before, %u faulted after\n", ok, fault);
	CHECK_RC(wd_mem_unshare(&q, dst, len), 0);
	wd_release_queue(&q);
	free(dst);
}

static void
test_share_all(void)
{
	struct wd_capa capa = capa_dev(NULL);
	uint8_t src[100], dst[100];
	struct wd_dummy_msg m;
	struct wd_queue q;
	struct iovec liov = { .iov_base = dst, .iov_len = 1 };
	struct iovec riov = { .iov_base = src, .iov_len = 1 };

	/* The model reaches SVA memory with process_vm_readv/writev, which
	 * qemu-user does not emulate (nor do kernels without
	 * CONFIG_CROSS_MEMORY_ATTACH). */
	if (process_vm_readv(getpid(), &liov, 1, &riov, 1, 0) < 0 && errno == ENOSYS) {
		printf("SKIP share_all: process_vm_readv is not available here (ENOSYS)\n");
		return;
	}
	capa.flags = WD_CAPA_SHARE_ALL;
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK(strcmp(q.dev_name, "wd_dummy2") == 0, "SVA device: %s", q.dev_name);
	CHECK(q.flags == WD_CAPA_SHARE_ALL, "granted flags 0x%x", q.flags);
	CHECK(wd_queue_depth(&q) == 64, "depth=64 attribute: %u", wd_queue_depth(&q));
	fill_random(src, sizeof(src), 3);
	memset(dst, 0, sizeof(dst));
	m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
				   .len = sizeof(src), .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_OK);
	CHECK(memcmp(src, dst, sizeof(src)) == 0, "SVA copy");
	m.src = 16;	/* not mapped in the process: a fault, not a crash */
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);
	m.src = (uintptr_t)src;
	m.dst = 32;
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_FAULT);
	m = (struct wd_dummy_msg){ .src = 0xabababababababab, .dst = (uintptr_t)dst,
				   .len = 5000 > sizeof(dst) ? sizeof(dst) : 5000,
				   .op = WD_DUMMY_OP_FILL };
	CHECK_RC(run_one(&q, &m), WD_DUMMY_ST_OK);
	CHECK(dst[0] == 0xab && dst[99] == 0xab, "SVA fill");
	wd_release_queue(&q);
}

static void
test_instances_and_numa(void)
{
	struct wd_capa capa = capa_dev("wd_dummy0");
	struct wd_dev_info *devs;
	struct wd_queue q[5];
	int i, n;

	for (i = 0; i < 4; i++)
		CHECK_RC(wd_request_queue(&q[i], &capa), 0);
	n = wd_scan(&devs);
	CHECK(n == 4, "4 emulated devices, got %d", n);
	if (n == 4)
		CHECK(devs[0].types[0].available == 0 && devs[1].types[0].available == 4,
		      "available %d %d", devs[0].types[0].available, devs[1].types[0].available);
	wd_free_scan(devs);
	CHECK_RC(wd_request_queue(&q[4], &capa), -EBUSY);
	for (i = 0; i < 4; i++)
		wd_release_queue(&q[i]);
	n = wd_scan(&devs);
	if (n == 4)
		CHECK(devs[0].types[0].available == 4, "instances back: %d",
		      devs[0].types[0].available);
	wd_free_scan(devs);

	capa = capa_dev(NULL);
	capa.numa_node = 1;
	CHECK_RC(wd_request_queue(&q[0], &capa), 0);
	CHECK(strcmp(q[0].dev_name, "wd_dummy3") == 0 && q[0].numa_node == 1,
	      "NUMA 1 preferred over priority: %s", q[0].dev_name);
	wd_release_queue(&q[0]);
}

static void
test_rerequest(void)
{
	struct wd_capa capa = capa_dev("wd_dummy1");
	uint64_t word = 0, val = 0x1122334455667788ull;
	struct wd_dummy_msg m;
	struct wd_queue q;
	int i, bad = 0;

	for (i = 0; i < 10000; i++) {
		if (wd_request_queue(&q, &capa) != 0) {
			bad++;
			break;
		}
		/* Every tenth round does real work on the fresh queue. */
		if (i % 10 == 0) {
			wd_mem_share(&q, &word, sizeof(word), 0);
			wd_mem_share(&q, &val, sizeof(val), 0);
			word = 0;
			m = (struct wd_dummy_msg){ .src = (uintptr_t)&val, .dst = (uintptr_t)&word,
						   .len = 8, .op = WD_DUMMY_OP_COPY };
			if (run_one(&q, &m) != WD_DUMMY_ST_OK || word != val)
				bad++;
			wd_mem_unshare(&q, &word, sizeof(word));
			wd_mem_unshare(&q, &val, sizeof(val));
		}
		wd_release_queue(&q);
	}
	CHECK(bad == 0 && i == 10000, "request/release rounds: %d of 10000, %d bad", i, bad);
}

struct worker {
	const char *dev;
	int errors;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct wd_capa capa = capa_dev(w->dev);
	uint8_t *src = malloc(65536), *dst = malloc(65536);
	struct wd_dummy_msg m;
	struct wd_queue q;
	int i;

	if (wd_request_queue(&q, &capa) != 0) {
		w->errors++;
		goto out;
	}
	wd_mem_share(&q, src, 65536, 0);
	wd_mem_share(&q, dst, 65536, 0);
	for (i = 0; i < 2000; i++) {
		size_t n = 1 + ((size_t)i * 7919) % 65536;

		fill_random(src, n, (uint32_t)i);
		m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
					   .len = (uint32_t)n, .op = WD_DUMMY_OP_COPY };
		if (run_one(&q, &m) != WD_DUMMY_ST_OK || memcmp(src, dst, n) != 0)
			w->errors++;
	}
	wd_mem_unshare(&q, src, 65536);
	wd_mem_unshare(&q, dst, 65536);
	wd_release_queue(&q);
out:
	free(src);
	free(dst);
	return NULL;
}

static void
test_two_threads(void)
{
	struct worker w[2] = { { "wd_dummy0", 0 }, { "wd_dummy1", 0 } };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(w[0].errors == 0 && w[1].errors == 0, "thread errors %d %d", w[0].errors,
	      w[1].errors);
}

/*
 * The completion shortcut against the engine's order of writes (status,
 * ERRORS, then SQ_HEAD), played step by step on a ring whose "device" is
 * this test: a failed copy must never be reported as a good one, however
 * the driver's reads fall between the engine's writes.
 */
static void
test_done_ok_interleaving(void)
{
	static uint32_t regs[WD_DUMMY_REGS_SIZE / 4];
	static struct wd_dummy_desc desc[16];
	struct wd_dummy_ring r = { .regs = regs, .desc = desc, .mask = 15 };
	uint32_t i;

	memset(regs, 0, sizeof(regs));
	for (i = 0; i < 4; i++)
		CHECK_RC(wd_dummy_ring_enqueue(&r, WD_DUMMY_OP_COPY, 0x1000, 0x2000, 64), 0);
	wd_dummy_ring_doorbell(&r);
	/* engine: descriptors 0 and 1 done, OK */
	desc[0].status = desc[1].status = WD_DUMMY_ST_OK;
	regs[WD_DUMMY_REG_ERRORS / 4] = 0;
	regs[WD_DUMMY_REG_SQ_HEAD / 4] = 2;
	CHECK_RC(wd_dummy_ring_done_ok(&r, 16), 2);
	/* engine, next batch: descriptor 2 fails, 3 is fine; ERRORS is
	 * written... */
	desc[2].status = WD_DUMMY_ST_FAULT;
	desc[3].status = WD_DUMMY_ST_OK;
	regs[WD_DUMMY_REG_ERRORS / 4] = 1;
	/* ...and the driver retires 0 and 1 before SQ_HEAD moves */
	wd_dummy_ring_retire(&r, 2);
	regs[WD_DUMMY_REG_SQ_HEAD / 4] = 4;
	CHECK_RC(wd_dummy_ring_done_ok(&r, 16), 0);
	CHECK(wd_dummy_ring_status(&r, 0) == WD_DUMMY_ST_FAULT, "failure visible");
	wd_dummy_ring_retire(&r, 2);
	/* the failure is accounted for: the shortcut works again */
	for (i = 0; i < 2; i++)
		CHECK_RC(wd_dummy_ring_enqueue(&r, WD_DUMMY_OP_COPY, 0x1000, 0x2000, 64), 0);
	wd_dummy_ring_doorbell(&r);
	desc[4].status = desc[5].status = WD_DUMMY_ST_OK;
	regs[WD_DUMMY_REG_SQ_HEAD / 4] = 6;
	CHECK_RC(wd_dummy_ring_done_ok(&r, 16), 2);
	CHECK(r.errors_seen == 1, "errors_seen %u", r.errors_seen);
	/* reset drops what was written without a doorbell */
	CHECK_RC(wd_dummy_ring_enqueue(&r, WD_DUMMY_OP_COPY, 0x1000, 0x2000, 64), 0);
	CHECK_RC(wd_dummy_ring_reset(&r), 0);
	CHECK(r.tail == 6 && r.ci == 6 && wd_dummy_ring_inflight(&r) == 0,
	      "reset: tail %u ci %u", r.tail, r.ci);
}

int
main(void)
{
	unsetenv("WD_SYSFS_ROOT");
	setenv("WD_SYSFS_ROOT", "/nonexistent", 1);	/* only emulated devices */
	setenv("WD_EMU", emu_spec, 1);
	test_copy_sizes();
	test_errors();
	test_full_ring_and_order();
	test_unshare_inflight();
	test_share_all();
	test_instances_and_numa();
	test_rerequest();
	test_two_threads();
	test_done_ok_interleaving();
	return wd_test_done("test_emu_dummy");
}
