/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * libwd's vfio backend against wd.ko + wd_dummy.ko (in the VM, as root,
 * wd_dummy loaded with devices=2 queues=4): discovery, queue life cycle
 * through mdev and VFIO, copies of 1 B..8 MiB verified, faults on
 * unshared memory, instance accounting, orphans of killed owners
 * reclaimed (explicitly and by the next request), and queues created
 * ahead taken over.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wd.h"
#include "wd_dummy.h"
#include "wd_parse.h"
#include "../unit/wd_test.h"

#define QUEUES 4
#define TMO 20000

static int
available(const char *dev)
{
	struct wd_dev_info *devs;
	int n, i, a = -1;

	n = wd_scan(&devs);
	for (i = 0; i < n; i++)
		if (strcmp(devs[i].name, dev) == 0)
			a = devs[i].types[0].available;
	wd_free_scan(devs);
	return a;
}

static const char *
param(const char *uuid, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/params/%s", uuid, name);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f != NULL) {
		if (fgets(buf, (int)len, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int
mdev_exists(const char *uuid)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	return stat(path, &st) == 0;
}

static int
run(struct wd_queue *q, struct wd_dummy_msg *m)
{
	void *resp;

	if (wd_send_sync(q, m, TMO) != 0 || wd_recv_sync(q, &resp, TMO) != 0)
		return -1;
	return resp == m ? m->status : -2;
}

static void
test_scan(void)
{
	struct wd_dev_info *devs;
	int n, i, found = 0;

	n = wd_scan(&devs);
	for (i = 0; i < n; i++) {
		if (strncmp(devs[i].name, "wd_dummy", 8) != 0)
			continue;
		found++;
		CHECK(!devs[i].emulated && devs[i].nb_types == 1, "%s real", devs[i].name);
		CHECK(strcmp(devs[i].types[0].type, "wd_dummy-memcpy") == 0 &&
		      strcmp(devs[i].types[0].name, "memcpy") == 0 &&
		      strcmp(devs[i].types[0].device_api, "wd_dummy_v1") == 0,
		      "%s type %s", devs[i].name, devs[i].types[0].type);
		CHECK(devs[i].types[0].available == QUEUES, "%s available %d", devs[i].name,
		      devs[i].types[0].available);
	}
	wd_free_scan(devs);
	CHECK(found == 2, "2 kernel wd_dummy devices, found %d", found);
}

static void
test_copies(void)
{
	static const size_t sizes[] = { 1, 3, 64, 4095, 4096, 4097, 65536, 1 << 20,
					(1 << 20) + 7, 8 << 20 };
	struct wd_capa capa = { .alg = "memcpy", .dev = "wd_dummy0", .numa_node = WD_NUMA_ANY };
	size_t max = 8 << 20, i, j;
	uint8_t *src = aligned_alloc(4096, max), *dst = aligned_alloc(4096, max);
	uint8_t *other = aligned_alloc(4096, 4096);
	struct wd_dummy_msg m, ms[64];
	char buf[64], uuid[WD_UUID_LEN];
	struct wd_queue q;
	unsigned int ok = 0, fault = 0;
	void *resp;

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK(!q.emulated && wd_uuid_valid(q.uuid), "kernel queue %s", q.uuid);
	snprintf(uuid, sizeof(uuid), "%s", q.uuid);
	CHECK(strcmp(param(uuid, "state", buf, sizeof(buf)), "open") == 0, "state %s", buf);
	CHECK(atoi(param(uuid, "owner", buf, sizeof(buf))) == getpid(), "owner %s", buf);
	CHECK(available("wd_dummy0") == QUEUES - 1, "one instance taken");
	CHECK_RC(wd_mem_share(&q, src, max, 0), 0);
	CHECK_RC(wd_mem_share(&q, dst, max, 0), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < sizes[i]; j++)
			src[j] = (uint8_t)(j * 13 + i);
		memset(dst, 0, sizes[i] + (sizes[i] < max));
		m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
					   .len = (uint32_t)sizes[i], .op = WD_DUMMY_OP_COPY };
		CHECK_RC(run(&q, &m), WD_DUMMY_ST_OK);
		CHECK(memcmp(src, dst, sizes[i]) == 0, "%zu bytes copied by the kernel", sizes[i]);
		if (sizes[i] < max)
			CHECK(dst[sizes[i]] == 0, "wrote past %zu", sizes[i]);
	}
	m = (struct wd_dummy_msg){ .src = 0xa5a5a5a5a5a5a5a5ull, .dst = (uintptr_t)dst,
				   .len = 100, .op = WD_DUMMY_OP_FILL };
	CHECK_RC(run(&q, &m), WD_DUMMY_ST_OK);
	CHECK(dst[0] == 0xa5 && dst[99] == 0xa5 && dst[100] != 0xa5, "fill");
	/* Unshared memory: an error completion, nothing written. */
	memset(other, 0x77, 4096);
	m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)other, .len = 4096,
				   .op = WD_DUMMY_OP_COPY };
	CHECK_RC(run(&q, &m), WD_DUMMY_ST_FAULT);
	CHECK(other[0] == 0x77 && other[4095] == 0x77, "unshared destination written");
	m.len = WD_DUMMY_MAX_LEN + 1;
	m.dst = (uintptr_t)dst;
	CHECK_RC(run(&q, &m), WD_DUMMY_ST_INVAL);
	/* Unshare with requests in flight. */
	for (i = 0; i < 64; i++) {
		ms[i] = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
					       .len = 1 << 20, .op = WD_DUMMY_OP_COPY };
		CHECK_RC(wd_send(&q, &ms[i]), 0);
	}
	CHECK_RC(wd_mem_unshare(&q, src, max), 0);
	for (i = 0; i < 64; i++) {
		CHECK_RC(wd_recv_sync(&q, &resp, TMO), 0);
		ok += ms[i].status == WD_DUMMY_ST_OK;
		fault += ms[i].status == WD_DUMMY_ST_FAULT;
	}
	CHECK(ok + fault == 64, "unshare in flight: %u ok %u fault", ok, fault);
	CHECK_RC(wd_mem_unshare(&q, dst, max), 0);
	wd_release_queue(&q);
	CHECK(!mdev_exists(uuid), "mdev %s removed at release", uuid);
	CHECK(available("wd_dummy0") == QUEUES, "instance back");
	free(src);
	free(dst);
	free(other);
}

static void
test_instances(void)
{
	struct wd_capa capa = { .alg = "memcpy", .dev = "wd_dummy0", .numa_node = WD_NUMA_ANY };
	struct wd_queue q[QUEUES + 1];
	int i;

	for (i = 0; i < QUEUES; i++)
		CHECK_RC(wd_request_queue(&q[i], &capa), 0);
	CHECK_RC(wd_request_queue(&q[QUEUES], &capa), -EBUSY);
	capa.dev = NULL;
	CHECK_RC(wd_request_queue(&q[QUEUES], &capa), 0);
	CHECK(strcmp(q[QUEUES].dev_name, "wd_dummy1") == 0, "the other device: %s",
	      q[QUEUES].dev_name);
	for (i = 0; i <= QUEUES; i++)
		wd_release_queue(&q[i]);
	CHECK(available("wd_dummy0") == QUEUES && available("wd_dummy1") == QUEUES,
	      "all back");
}

/* A child takes @n queues of wd_dummy1 with copies in flight, reports the
 * first UUID and is killed with SIGKILL. */
static pid_t
doomed_owner(int n, char uuid[WD_UUID_LEN])
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct wd_capa capa = { .alg = "memcpy", .dev = "wd_dummy1",
					.numa_node = WD_NUMA_ANY };
		static uint8_t buf[1 << 20];
		struct wd_dummy_msg m[8];
		struct wd_queue q[QUEUES];
		int i, k;

		for (i = 0; i < n; i++) {
			if (wd_request_queue(&q[i], &capa) != 0)
				_exit(1);
			wd_mem_share(&q[i], buf, sizeof(buf), 0);
			for (k = 0; k < 8; k++) {
				m[k] = (struct wd_dummy_msg){ .src = (uintptr_t)buf,
					.dst = (uintptr_t)buf + sizeof(buf) / 2,
					.len = sizeof(buf) / 2, .op = WD_DUMMY_OP_COPY };
				wd_send(&q[i], &m[k]);
			}
		}
		if (write(fds[1], q[0].uuid, WD_UUID_LEN) != WD_UUID_LEN)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], uuid, WD_UUID_LEN) != WD_UUID_LEN)
		uuid[0] = '\0';
	close(fds[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return pid;
}

/* The kernel closes a killed owner's queue a moment after the owner is
 * reaped (deferred fput): wait up to 2 s for it to leave "open". */
static const char *
settled_state(const char *uuid, char *buf, size_t len)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (strcmp(param(uuid, "state", buf, len), "open") != 0)
			break;
		usleep(10000);
	}
	return buf;
}

static void
test_orphans(void)
{
	struct wd_capa capa = { .alg = "memcpy", .dev = "wd_dummy1", .numa_node = WD_NUMA_ANY };
	char uuid[WD_UUID_LEN], buf[64];
	struct wd_queue q;

	/* Explicit reclaim. */
	CHECK(doomed_owner(1, uuid) > 0 && wd_uuid_valid(uuid), "child held a queue");
	CHECK(strcmp(settled_state(uuid, buf, sizeof(buf)), "released") == 0,
	      "killed owner's queue is released: %s", buf);
	CHECK(available("wd_dummy1") == QUEUES - 1, "the orphan holds its instance");
	CHECK_RC(wd_reclaim_orphans("wd_dummy0"), 0);
	CHECK_RC(wd_reclaim_orphans("wd_dummy1"), 1);
	CHECK(!mdev_exists(uuid), "orphan removed");
	CHECK(available("wd_dummy1") == QUEUES, "instance back after reclaim");

	/* Every instance orphaned: the next request reclaims by itself. */
	CHECK(doomed_owner(QUEUES, uuid) > 0, "child held every queue");
	CHECK(available("wd_dummy1") == 0, "no instance free");
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	wd_release_queue(&q);
	CHECK(available("wd_dummy1") == QUEUES, "all instances back");
}

/* A queue created ahead by a process that then exits (as
 * wd-devbind.py --create does) is taken over by the next request. */
static void
test_adopt(void)
{
	static const char *const uuid = "a5a5a5a5-0000-4000-8000-000000000001";
	struct wd_capa capa = { .alg = "memcpy", .dev = "wd_dummy1", .numa_node = WD_NUMA_ANY };
	const char *create = "/sys/class/wd_dev/wd_dummy1/mdev_supported_types/"
			     "wd_dummy-memcpy/create";
	struct wd_queue q;
	char buf[64];
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		FILE *f = fopen(create, "w");

		_exit(f != NULL && fputs(uuid, f) >= 0 && fclose(f) == 0 ? 0 : 1);
	}
	waitpid(pid, NULL, 0);
	CHECK(mdev_exists(uuid) && strcmp(param(uuid, "state", buf, sizeof(buf)),
					  "created") == 0, "queue created ahead");
	CHECK_RC(wd_request_queue(&q, &capa), 0);
	CHECK(strcmp(q.uuid, uuid) == 0, "taken over: %s", q.uuid);
	CHECK(atoi(param(uuid, "owner", buf, sizeof(buf))) == getpid(), "owner now us");
	wd_release_queue(&q);
	CHECK(!mdev_exists(uuid) && available("wd_dummy1") == QUEUES, "released and removed");
}

int
main(void)
{
	unsetenv("WD_EMU");
	unsetenv("WD_SYSFS_ROOT");
	test_scan();
	test_copies();
	test_instances();
	test_orphans();
	test_adopt();
	return wd_test_done("libwd_vfio_test");
}
