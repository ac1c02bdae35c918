/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* Discovery, device choice, queue creation and orphan reclaim of the vfio
 * backend against fake sysfs trees. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "fake_sysfs.h"
#include "wd.h"
#include "wd_parse.h"
#include "wd_test.h"

#define TYPES "sys/class/wd_dev/%s/mdev_supported_types/%s"

static const struct fake_dev dev_a = {
	"wd_dummy0", "0\n", "10\n", "wd_dummy-memcpy", "memcpy\n", "0\n", "4\n",
	"wd_dummy_v1\n"
};
static const struct fake_dev dev_b = {
	"wd_dummy1", "1\n", "90\n", "wd_dummy-memcpy", "memcpy\n", "0x0\n", "2\n",
	"wd_dummy_v1\n"
};

static void
test_no_class(void)
{
	struct wd_dev_info *devs = NULL;
	char *root = fake_root();

	setenv("WD_SYSFS_ROOT", root, 1);
	CHECK_RC(wd_scan(&devs), 0);
	wd_free_scan(devs);
	fake_cleanup(root);
	free(root);
}

static void
test_good_and_malformed(void)
{
	static const struct fake_dev bad[] = {
		{ "bad_prio", "0\n", "abc\n", "x-memcpy", "memcpy\n", "0\n", "1\n",
		  "wd_dummy_v1\n" },
		{ "bad_numa", "5000\n", "1\n", "x-memcpy", "memcpy\n", "0\n", "1\n",
		  "wd_dummy_v1\n" },
		{ "no_flags", "0\n", "1\n", "x-memcpy", "memcpy\n", NULL, "1\n", "wd_dummy_v1\n" },
		{ "no_prio", "0\n", NULL, "x-memcpy", "memcpy\n", "0\n", "1\n", "wd_dummy_v1\n" },
		{ "no_types", "0\n", "1\n", NULL, NULL, NULL, NULL, NULL },
		{ "bad_api", "0\n", "1\n", "x-memcpy", "memcpy\n", "0\n", "1\n", "wd dummy\n" },
		{ "bad_avail", "0\n", "1\n", "x-memcpy", "memcpy\n", "0\n", "-3\n",
		  "wd_dummy_v1\n" },
		{ "empty_alg", "0\n", "1\n", "x-memcpy", "\n", "0\n", "1\n", "wd_dummy_v1\n" },
		{ "huge_flags", "0\n", "1\n", "x-memcpy", "memcpy\n", "0x1ffffffff\n", "1\n",
		  "wd_dummy_v1\n" },
	};
	struct wd_dev_info *devs = NULL;
	char *root = fake_root();
	unsigned int i;
	int n;

	fake_dev(root, &dev_b);
	fake_dev(root, &dev_a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fake_dev(root, &bad[i]);
	fake_write("garbage", "%s/sys/class/wd_dev/bad name/wrapdrive_dev/priority", root);
	setenv("WD_SYSFS_ROOT", root, 1);
	n = wd_scan(&devs);
	CHECK(n == 2, "scan found %d devices, expected the 2 good ones", n);
	if (n == 2) {
		CHECK(strcmp(devs[0].name, "wd_dummy0") == 0, "sorted: %s", devs[0].name);
		CHECK(devs[0].numa_node == 0 && devs[0].priority == 10, "a attrs");
		CHECK(devs[1].numa_node == 1 && devs[1].priority == 90, "b attrs");
		CHECK(devs[1].nb_types == 1 && devs[1].types[0].available == 2 &&
		      devs[1].types[0].flags == 0, "b type");
		CHECK(strcmp(devs[1].types[0].name, "memcpy") == 0 &&
		      strcmp(devs[1].types[0].type, "wd_dummy-memcpy") == 0 &&
		      strcmp(devs[1].types[0].device_api, "wd_dummy_v1") == 0, "b names");
		CHECK(!devs[0].emulated && !devs[1].emulated, "real devices");
	}
	wd_free_scan(devs);
	fake_cleanup(root);
	free(root);
}

/* Which fake device got a UUID written to its create file. */
static int
created_on(const char *root, const char *dev)
{
	char buf[64];

	fake_read(buf, sizeof(buf), "%s/" TYPES "/create", root, dev, "wd_dummy-memcpy");
	return wd_uuid_valid(buf);
}

static void
reset_create(const char *root)
{
	fake_write("", "%s/" TYPES "/create", root, "wd_dummy0", "wd_dummy-memcpy");
	fake_write("", "%s/" TYPES "/create", root, "wd_dummy1", "wd_dummy-memcpy");
}

static void
test_choice(void)
{
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	struct wd_queue q;
	char *root = fake_root();

	fake_dev(root, &dev_a);
	fake_dev(root, &dev_b);
	setenv("WD_SYSFS_ROOT", root, 1);

	/* Priority wins without a NUMA preference. The fake tree has no mdev
	 * behind the UUID, so opening fails after create: an error path. */
	CHECK(wd_request_queue(&q, &capa) < 0, "fake queue cannot open");
	CHECK(created_on(root, "wd_dummy1") && !created_on(root, "wd_dummy0"),
	      "priority 90 device chosen");
	CHECK(q.impl == NULL, "failed request leaves no queue");

	/* The NUMA node wins over priority. */
	reset_create(root);
	capa.numa_node = 0;
	CHECK(wd_request_queue(&q, &capa) < 0, "fake queue cannot open");
	CHECK(created_on(root, "wd_dummy0") && !created_on(root, "wd_dummy1"),
	      "NUMA node 0 device chosen");

	/* A full device is passed over. */
	reset_create(root);
	fake_write("0\n", "%s/" TYPES "/available_instances", root, "wd_dummy0",
		   "wd_dummy-memcpy");
	CHECK(wd_request_queue(&q, &capa) < 0, "fake queue cannot open");
	CHECK(created_on(root, "wd_dummy1") && !created_on(root, "wd_dummy0"),
	      "device with free instances chosen");

	/* Nothing free at all. */
	reset_create(root);
	fake_write("0\n", "%s/" TYPES "/available_instances", root, "wd_dummy1",
		   "wd_dummy-memcpy");
	CHECK_RC(wd_request_queue(&q, &capa), -EBUSY);
	CHECK(!created_on(root, "wd_dummy0") && !created_on(root, "wd_dummy1"), "no create");

	/* Mismatches. */
	capa.alg = "sha1";
	CHECK_RC(wd_request_queue(&q, &capa), -ENODEV);
	capa.alg = "memcpy";
	capa.dev = "wd_dummy7";
	CHECK_RC(wd_request_queue(&q, &capa), -ENODEV);
	capa.dev = NULL;
	capa.flags = WD_CAPA_SHARE_ALL;
	CHECK_RC(wd_request_queue(&q, &capa), -ENOTSUP);
	capa.flags = 0x80;
	CHECK_RC(wd_request_queue(&q, &capa), -EINVAL);
	CHECK_RC(wd_request_queue(NULL, &capa), -EINVAL);
	CHECK_RC(wd_request_queue(&q, NULL), -EINVAL);
	fake_cleanup(root);
	free(root);
}

static pid_t
dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void
fake_queue(const char *root, const char *uuid, long owner, const char *state)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", owner);
	fake_write("", "%s/" TYPES "/devices/%s/.keep", root, "wd_dummy0", "wd_dummy-memcpy",
		   uuid);
	fake_write(buf, "%s/sys/bus/mdev/devices/%s/params/owner", root, uuid);
	fake_write(state, "%s/sys/bus/mdev/devices/%s/params/state", root, uuid);
	fake_write("", "%s/sys/bus/mdev/devices/%s/remove", root, uuid);
}

static void
test_reclaim(void)
{
	static const char *const orphan = "11111111-2222-4333-8444-555555555555";
	static const char *const alive = "21111111-2222-4333-8444-555555555555";
	static const char *const open_dead = "31111111-2222-4333-8444-555555555555";
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	char *root = fake_root();
	struct wd_queue q;
	pid_t dead = dead_pid();
	char buf[16];

	fake_dev(root, &dev_a);
	fake_write("0\n", "%s/" TYPES "/available_instances", root, "wd_dummy0",
		   "wd_dummy-memcpy");
	fake_queue(root, orphan, dead, "released\n");
	fake_queue(root, alive, getpid(), "released\n");
	fake_queue(root, open_dead, dead, "open\n");
	setenv("WD_SYSFS_ROOT", root, 1);

	/* No instance free: the request reclaims the orphan and retries. */
	CHECK_RC(wd_request_queue(&q, &capa), -EBUSY);
	CHECK(strcmp(fake_read(buf, sizeof(buf), "%s/sys/bus/mdev/devices/%s/remove", root,
			       orphan), "1") == 0, "orphan removed by request: '%s'", buf);
	CHECK(strcmp(fake_read(buf, sizeof(buf), "%s/sys/bus/mdev/devices/%s/remove", root,
			       alive), "") == 0, "live owner's queue kept");
	CHECK(strcmp(fake_read(buf, sizeof(buf), "%s/sys/bus/mdev/devices/%s/remove", root,
			       open_dead), "") == 0, "open queue kept");

	fake_write("", "%s/sys/bus/mdev/devices/%s/remove", root, orphan);
	CHECK_RC(wd_reclaim_orphans("wd_dummy9"), 0);
	CHECK_RC(wd_reclaim_orphans("wd_dummy0"), 1);
	CHECK_RC(wd_reclaim_orphans(NULL), 1);
	fake_cleanup(root);
	free(root);
}

int
main(void)
{
	unsetenv("WD_EMU");
	test_no_class();
	test_good_and_malformed();
	test_choice();
	test_reclaim();
	return wd_test_done("test_scan");
}
