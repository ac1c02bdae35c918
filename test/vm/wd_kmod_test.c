/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * wd_kmod_test: wd.ko + wd_dummy.ko from user space with raw VFIO ioctls
 * (no libwd), run inside the VM by kmod_guest.sh. Each check prints
 * "PASS: ..." or "FAIL: ..."; the exit status is 1 if any check failed.
 *
 *   wd_kmod_test copy DEV [v1]   queue life, regions, copies 1 B..8 MiB,
 *                                faults, bad descriptors (type1 v2 or v1)
 *   wd_kmod_test gup DEV [v1]    share, MADV_DONTNEED, copy into it
 *   wd_kmod_test hold DEV        open a queue, keep big copies in flight,
 *                                print "READY <uuid>", never exit
 *   wd_kmod_test perm DEV        create/open/copy/remove as the caller
 *                                (waits for udev to grant the group)
 *   wd_kmod_test create DEV      create a queue, print its UUID
 *   wd_kmod_test openclose DEV   create, open, copy, close (left released)
 *   wd_kmod_test open UUID       open an existing queue as the caller, print
 *                                "open: <result>"; if it opened, also the
 *                                register rules for pwrite (whole words)
 *
 * DEV is a device name such as wd_dummy0; its type is wd_dummy-memcpy.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "wd_dummy_v1.h"
#include "wd_uapi.h"

#define TYPE		"wd_dummy-memcpy"
#define MIB		(1024 * 1024)
#define BUF_SIZE	(9 * MIB)
#define IOVA_SRC	0x100000000ull
#define IOVA_DST	0x200000000ull
#define IOVA_RO		0x300000000ull
#define IOVA_NONE	0x700000000ull
#define WAIT_MS		20000
#define HOLD_LEN	(512 * 1024)

static int failures;

static void
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void
die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- sysfs ---- */

static int
attr_write(const char *path, const char *val)
{
	int fd, rc = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int
attr_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static const char *
qparam(const char *uuid, const char *name)
{
	static char buf[64];
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/params/%s", uuid, name);
	if (attr_read(path, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "<unreadable>");
	return buf;
}

static long
available(const char *dev)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path),
		 "/sys/class/wd_dev/%s/mdev_supported_types/" TYPE "/available_instances", dev);
	if (attr_read(path, buf, sizeof(buf)) != 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int
queue_create(const char *dev, char uuid[37])
{
	char path[PATH_MAX];
	int rc;

	if (attr_read("/proc/sys/kernel/random/uuid", uuid, 37) != 0)
		return -EIO;
	snprintf(path, sizeof(path), "/sys/class/wd_dev/%s/mdev_supported_types/" TYPE "/create",
		 dev);
	rc = attr_write(path, uuid);
	return rc;
}

static int
queue_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return attr_write(path, "1");
}

/* ---- VFIO ---- */

struct queue {
	char uuid[37];
	int container, group, device;
	volatile uint32_t *regs;
	size_t regs_size;
	struct wd_dummy_desc *ring;
	size_t ring_size;
	uint64_t ring_off;
	uint32_t depth;
	uint32_t tail;
};

static int
group_path(const char *uuid, char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(out, len, "/dev/vfio/%s", basename(target));
	return 0;
}

/* Open @q->uuid in a new container of @iommu type; map both regions. */
static int
queue_open(struct queue *q, int iommu)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	char gpath[PATH_MAX];
	void *p;

	q->container = open("/dev/vfio/vfio", O_RDWR);
	if (q->container < 0)
		return -errno;
	if (ioctl(q->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(q->container, VFIO_CHECK_EXTENSION, iommu) != 1)
		return -ENOTSUP;
	if (group_path(q->uuid, gpath, sizeof(gpath)) != 0)
		return -ENOENT;
	q->group = open(gpath, O_RDWR);
	if (q->group < 0)
		return -errno;
	if (ioctl(q->group, VFIO_GROUP_GET_STATUS, &gs) != 0)
		return -errno;
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	if (ioctl(q->group, VFIO_GROUP_SET_CONTAINER, &q->container) != 0)
		return -errno;
	if (ioctl(q->container, VFIO_SET_IOMMU, iommu) != 0)
		return -errno;
	q->device = ioctl(q->group, VFIO_GROUP_GET_DEVICE_FD, q->uuid);
	if (q->device < 0)
		return -errno;
	if (ioctl(q->device, VFIO_DEVICE_GET_INFO, &di) != 0)
		return -errno;
	if (di.num_regions != WD_NUM_REGIONS || di.num_irqs != 0)
		return -EPROTO;

	ri.index = WD_REGION_REGS;
	if (ioctl(q->device, VFIO_DEVICE_GET_REGION_INFO, &ri) != 0)
		return -errno;
	q->regs_size = ri.size;
	p = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, q->device, ri.offset);
	if (p == MAP_FAILED)
		return -errno;
	q->regs = p;

	ri.index = WD_REGION_RING;
	if (ioctl(q->device, VFIO_DEVICE_GET_REGION_INFO, &ri) != 0)
		return -errno;
	q->ring_size = ri.size;
	q->ring_off = ri.offset;
	p = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, q->device, ri.offset);
	if (p == MAP_FAILED)
		return -errno;
	q->ring = p;
	q->depth = q->regs[WD_DUMMY_REG_DEPTH / 4];
	q->tail = 0;
	return 0;
}

static void
queue_close(struct queue *q)
{
	if (q->ring != NULL)
		munmap(q->ring, q->ring_size);
	if (q->regs != NULL)
		munmap((void *)q->regs, q->regs_size);
	if (q->device >= 0)
		close(q->device);
	if (q->group >= 0)
		close(q->group);
	if (q->container >= 0)
		close(q->container);
	q->ring = NULL;
	q->regs = NULL;
	q->device = q->group = q->container = -1;
}

static void
queue_init(struct queue *q)
{
	memset(q, 0, sizeof(*q));
	q->container = q->group = q->device = -1;
}

static int
dma_map(struct queue *q, void *va, uint64_t iova, size_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags,
		.vaddr = (uintptr_t)va, .iova = iova, .size = size,
	};

	return ioctl(q->container, VFIO_IOMMU_MAP_DMA, &m) == 0 ? 0 : -errno;
}

static int
dma_unmap(struct queue *q, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = size,
	};

	return ioctl(q->container, VFIO_IOMMU_UNMAP_DMA, &u) == 0 ? 0 : -errno;
}

static uint32_t
reg(struct queue *q, unsigned int off)
{
	return __atomic_load_n(&q->regs[off / 4], __ATOMIC_ACQUIRE);
}

static void
reg_set(struct queue *q, unsigned int off, uint32_t v)
{
	__atomic_store_n(&q->regs[off / 4], v, __ATOMIC_RELEASE);
}

/* Put a descriptor in the ring (no doorbell); returns its slot. */
static struct wd_dummy_desc *
post(struct queue *q, uint16_t op, uint64_t src, uint64_t dst, uint32_t len, uint32_t cookie)
{
	struct wd_dummy_desc *d = &q->ring[q->tail % q->depth];

	d->src = src;
	d->dst = dst;
	d->len = len;
	d->op = op;
	d->flags = 0;
	d->cookie = cookie;
	__atomic_store_n(&d->status, WD_DUMMY_ST_PENDING, __ATOMIC_RELAXED);
	q->tail++;
	return d;
}

static void
doorbell(struct queue *q)
{
	reg_set(q, WD_DUMMY_REG_SQ_TAIL, q->tail);
}

static uint32_t
wait_status(struct wd_dummy_desc *d)
{
	uint64_t end = now_ms() + WAIT_MS;
	uint32_t st;

	while ((st = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE)) == WD_DUMMY_ST_PENDING) {
		if (now_ms() > end)
			return WD_DUMMY_ST_PENDING;
		usleep(50);
	}
	return st;
}

static uint32_t
run_one(struct queue *q, uint16_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	struct wd_dummy_desc *d = post(q, op, src, dst, len, q->tail);

	doorbell(q);
	return wait_status(d);
}

static bool
wait_head(struct queue *q)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (reg(q, WD_DUMMY_REG_SQ_HEAD) != q->tail)
		if (now_ms() > end)
			return false;
	return true;
}

static void *
map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static bool
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- copy: the main functional test ---- */

static void
test_regions(struct queue *q)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	uint32_t v = 0;
	void *p;

	check(reg(q, WD_DUMMY_REG_VERSION) == WD_DUMMY_VERSION, "VERSION register 0x%x",
	      reg(q, WD_DUMMY_REG_VERSION));
	check(q->regs_size == WD_DUMMY_REGS_SIZE, "registers region %zu bytes", q->regs_size);
	check(q->depth == WD_DUMMY_DEPTH_DEFAULT &&
	      q->ring_size == WD_DUMMY_DEPTH_DEFAULT * sizeof(struct wd_dummy_desc),
	      "default depth %u, ring region %zu bytes", q->depth, q->ring_size);
	check(q->ring_off == WD_REGION_OFFSET(WD_REGION_RING), "ring region offset 0x%" PRIx64,
	      q->ring_off);
	ri.index = WD_NUM_REGIONS;
	check(ioctl(q->device, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0 && errno == EINVAL,
	      "GET_REGION_INFO of region %d: EINVAL", WD_NUM_REGIONS);
	ri.index = 0;
	ri.argsz = 4;
	check(ioctl(q->device, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0 && errno == EINVAL,
	      "GET_REGION_INFO with a short argsz: EINVAL");
	check(ioctl(q->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0 && errno == EINVAL,
	      "GET_IRQ_INFO: EINVAL (no interrupts)");
	check(ioctl(q->device, _IO(VFIO_TYPE, VFIO_BASE + 60)) < 0 && errno == ENOTTY,
	      "unknown ioctl: ENOTTY");
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, q->device, 0);
	check(p == MAP_FAILED, "mmap past the registers region refused");
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, q->device, 0);
	check(p == MAP_FAILED, "MAP_PRIVATE mmap refused");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, q->device, WD_REGION_OFFSET(2));
	check(p == MAP_FAILED, "mmap of region 2 refused");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, q->device, WD_REGION_OFFSET(1) + q->ring_size);
	check(p == MAP_FAILED, "mmap past the ring region refused");
	check(pread(q->device, &v, 4, WD_DUMMY_REG_VERSION) == 4 && v == WD_DUMMY_VERSION,
	      "pread of VERSION");
	check(pread(q->device, &v, 4, WD_DUMMY_REGS_SIZE) < 0 && errno == EINVAL,
	      "pread past the registers region: EINVAL");
	check(pread(q->device, &v, 4, WD_REGION_OFFSET(5)) < 0 && errno == EINVAL,
	      "pread of region 5: EINVAL");
}

static void
test_copies(struct queue *q, uint8_t *src, uint8_t *dst)
{
	static const uint32_t sizes[] = {
		1, 2, 3, 7, 8, 9, 63, 64, 65, 4095, 4096, 4097, 65536, 262143, 262144,
		262145, 1 * MIB + 13, 3 * MIB + 4095, 8 * MIB,
	};
	struct wd_dummy_desc *d[64];
	unsigned int i, bad = 0, n;
	uint32_t st, done0, err0;

	for (i = 0; i < BUF_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 13));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t len = sizes[i], so = (i * 13) % 4096, dof = (i * 29) % 4096;

		memset(dst, 0xAA, len + dof + 16);
		st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC + so, IOVA_DST + dof, len);
		check(st == WD_DUMMY_ST_OK && memcmp(dst + dof, src + so, len) == 0 &&
		      all_bytes(dst, dof, 0xAA) && all_bytes(dst + dof + len, 16, 0xAA),
		      "copy %u bytes (src +%u, dst +%u): status %u, bytes verified", len, so, dof,
		      st);
	}

	/* Many in flight at once, into separate slots. */
	memset(dst, 0, 64 * 4096);
	done0 = reg(q, WD_DUMMY_REG_DONE);
	err0 = reg(q, WD_DUMMY_REG_ERRORS);
	for (i = 0; i < 64; i++)
		d[i] = post(q, WD_DUMMY_OP_COPY, IOVA_SRC + i * 100, IOVA_DST + i * 4096,
			    1 + i * 61, i);
	doorbell(q);
	for (i = 0; i < 64; i++) {
		st = wait_status(d[i]);
		if (st != WD_DUMMY_ST_OK || d[i]->cookie != i ||
		    memcmp(dst + i * 4096, src + i * 100, 1 + i * 61) != 0)
			bad++;
	}
	check(bad == 0 && wait_head(q) && reg(q, WD_DUMMY_REG_DONE) - done0 == 64 &&
	      reg(q, WD_DUMMY_REG_ERRORS) == err0,
	      "64 copies in flight: %u bad, DONE +%u, ERRORS +%u, SQ_HEAD == tail", bad,
	      reg(q, WD_DUMMY_REG_DONE) - done0, reg(q, WD_DUMMY_REG_ERRORS) - err0);

	/* Fill: byte i is byte (i % 8) of the little-endian pattern. */
	memset(dst, 0, 4096);
	st = run_one(q, WD_DUMMY_OP_FILL, 0x0807060504030201ull, IOVA_DST + 3, 1000);
	for (i = 0, bad = 0; i < 1000; i++)
		bad += dst[3 + i] != (uint8_t)(i % 8 + 1);
	check(st == WD_DUMMY_ST_OK && bad == 0 && dst[2] == 0 && dst[1003] == 0,
	      "fill 1000 bytes with an 8-byte pattern");
	st = run_one(q, WD_DUMMY_OP_FILL, 0x5555555555555555ull, IOVA_DST, 5 * MIB + 3);
	check(st == WD_DUMMY_ST_OK && all_bytes(dst, 5 * MIB + 3, 0x55) &&
	      dst[5 * MIB + 3] != 0x55, "fill 5 MiB + 3 bytes");

	/* Ring wrap: more descriptors than the ring holds, in batches. */
	for (n = 0, bad = 0; n < 3 * q->depth; n += 32) {
		for (i = 0; i < 32; i++)
			d[i] = post(q, WD_DUMMY_OP_COPY, IOVA_SRC + n + i, IOVA_DST + i * 64,
				    64, i);
		doorbell(q);
		for (i = 0; i < 32; i++)
			bad += wait_status(d[i]) != WD_DUMMY_ST_OK;
	}
	check(bad == 0, "%u descriptors through the ring (wraps %u times)", n, n / q->depth);
}

static void
test_faults(struct queue *q, uint8_t *src, uint8_t *dst, uint8_t *ro)
{
	uint32_t st, err0 = reg(q, WD_DUMMY_REG_ERRORS);
	static const struct {
		uint16_t op;
		uint32_t len;
		const char *what;
	} inval[] = {
		{ WD_DUMMY_OP_COPY, 0, "length 0" },
		{ WD_DUMMY_OP_COPY, WD_DUMMY_MAX_LEN + 1, "length MAX_LEN + 1" },
		{ WD_DUMMY_OP_COPY, 0xffffffffu, "length 4 GiB - 1" },
		{ 2, 64, "unknown op 2" },
		{ 0xffff, 64, "unknown op 0xffff" },
	};
	unsigned int i;

	memset(dst, 0xAA, 2 * MIB);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_NONE, IOVA_DST, 4096);
	check(st == WD_DUMMY_ST_FAULT && all_bytes(dst, 4096, 0xAA),
	      "unmapped source: FAULT (%u), destination untouched", st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_NONE, IOVA_DST, 2 * MIB);
	check(st == WD_DUMMY_ST_FAULT && all_bytes(dst, 2 * MIB, 0xAA),
	      "unmapped source, 2 MiB: FAULT (%u), destination untouched", st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_NONE, 4096);
	check(st == WD_DUMMY_ST_FAULT, "unmapped destination: FAULT (%u)", st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC + BUF_SIZE - 100, IOVA_DST, 200);
	check(st == WD_DUMMY_ST_FAULT && all_bytes(dst, 200, 0xAA),
	      "source running past its mapping: FAULT (%u), destination untouched", st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC + BUF_SIZE - MIB, IOVA_DST, 2 * MIB);
	check(st == WD_DUMMY_ST_FAULT && all_bytes(dst, 2 * MIB, 0xAA),
	      "1 MiB source running 1 MiB past its mapping: FAULT (%u), destination untouched",
	      st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST + BUF_SIZE - 10, 20);
	check(st == WD_DUMMY_ST_FAULT, "destination running past its mapping: FAULT (%u)", st);
	memset(ro, 0x11, 4096);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_RO, 4096);
	check(st == WD_DUMMY_ST_FAULT && all_bytes(ro, 4096, 0x11),
	      "read-only destination: FAULT (%u), untouched", st);
	st = run_one(q, WD_DUMMY_OP_COPY, IOVA_RO, IOVA_DST, 4096);
	check(st == WD_DUMMY_ST_OK && all_bytes(dst, 4096, 0x11),
	      "read-only mapping as a source: OK (%u)", st);
	st = run_one(q, WD_DUMMY_OP_COPY, 0xfffffffffffff000ull, IOVA_DST, 0x2000);
	check(st == WD_DUMMY_ST_FAULT, "source IOVA wrapping past 2^64: FAULT (%u)", st);
	st = run_one(q, WD_DUMMY_OP_FILL, 0, 0xffffffffffffff00ull, 0x1000);
	check(st == WD_DUMMY_ST_FAULT, "destination IOVA wrapping past 2^64: FAULT (%u)", st);
	memset(dst, 0xAA, 64);
	for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++) {
		st = run_one(q, inval[i].op, IOVA_SRC, IOVA_DST, inval[i].len);
		check(st == WD_DUMMY_ST_INVAL && all_bytes(dst, 64, 0xAA), "%s: INVAL (%u)",
		      inval[i].what, st);
	}
	check(reg(q, WD_DUMMY_REG_ERRORS) - err0 == 9 + sizeof(inval) / sizeof(inval[0]),
	      "ERRORS counted every error completion (+%u)", reg(q, WD_DUMMY_REG_ERRORS) - err0);
	(void)src;
}

static void
test_garbage(struct queue *q, uint8_t *dst)
{
	struct wd_dummy_desc *d;
	uint32_t head, i, bad = 0;
	uint64_t seed = 88172645463325252ull;

	/* A tail far past the ring: the engine disables the queue. */
	head = reg(q, WD_DUMMY_REG_SQ_HEAD);
	reg_set(q, WD_DUMMY_REG_SQ_TAIL, head + q->depth + 5);
	usleep(200000);
	check(reg(q, WD_DUMMY_REG_ENABLE) == 0 && reg(q, WD_DUMMY_REG_SQ_HEAD) == head,
	      "SQ_TAIL more than DEPTH ahead: queue disabled, nothing served");
	reg_set(q, WD_DUMMY_REG_SQ_TAIL, q->tail);
	reg_set(q, WD_DUMMY_REG_ENABLE, 1);
	check(run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 100) == WD_DUMMY_ST_OK,
	      "re-enabled with a sane tail: serves again");

	/* Disabled: nothing moves. */
	reg_set(q, WD_DUMMY_REG_ENABLE, 0);
	d = post(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 100, 0);
	doorbell(q);
	usleep(100000);
	check(__atomic_load_n(&d->status, __ATOMIC_ACQUIRE) == WD_DUMMY_ST_PENDING,
	      "ENABLE = 0: descriptor not served");
	reg_set(q, WD_DUMMY_REG_ENABLE, 1);
	check(wait_status(d) == WD_DUMMY_ST_OK, "ENABLE = 1: served");

	/* Random descriptors: each completes with some status. */
	memset(dst, 0, 4096);
	for (i = 0; i < 256; i++) {
		uint64_t r[3];
		int k;

		for (k = 0; k < 3; k++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			r[k] = seed;
		}
		d = post(q, (uint16_t)(r[2] & 3), r[0], (r[1] & 1) ? IOVA_NONE + (r[1] & 0xffff) :
			 r[1], (uint32_t)(r[2] >> 32) >> (r[2] & 31), i);
		d->flags = (uint16_t)(r[2] >> 8);
	}
	doorbell(q);
	check(wait_head(q), "256 random descriptors all completed");
	for (i = 0; i < 256; i++)
		bad += q->ring[(q->tail - 256 + i) % q->depth].status == WD_DUMMY_ST_PENDING;
	check(bad == 0, "no random descriptor left pending");

	/* Registers that are the engine's: scribbling on them changes nothing. */
	reg_set(q, WD_DUMMY_REG_SQ_HEAD, 12345);
	reg_set(q, WD_DUMMY_REG_DEPTH, 3);
	check(run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 100) == WD_DUMMY_ST_OK &&
	      reg(q, WD_DUMMY_REG_SQ_HEAD) == q->tail,
	      "engine ignores scribbled SQ_HEAD and DEPTH");
	reg_set(q, WD_DUMMY_REG_DEPTH, q->depth);
}

/* The slow path: pwrite() of SQ_TAIL also rings the doorbell. */
static void
test_pwrite_and_reset(struct queue *q)
{
	struct wd_dummy_desc *d = post(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 64, 0);
	uint32_t t = q->tail;

	check(pwrite(q->device, &t, 4, WD_DUMMY_REG_SQ_TAIL) == 4 &&
	      wait_status(d) == WD_DUMMY_ST_OK, "doorbell by pwrite()");
	check(ioctl(q->device, VFIO_DEVICE_RESET) == 0, "VFIO_DEVICE_RESET");
	check(reg(q, WD_DUMMY_REG_SQ_HEAD) == 0 && reg(q, WD_DUMMY_REG_DONE) == 0 &&
	      reg(q, WD_DUMMY_REG_VERSION) == WD_DUMMY_VERSION &&
	      reg(q, WD_DUMMY_REG_DEPTH) == q->depth && q->ring[0].status == 0,
	      "after reset: counters and ring zero, VERSION and DEPTH set");
	q->tail = 0;
	reg_set(q, WD_DUMMY_REG_ENABLE, 1);
	check(run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 100) == WD_DUMMY_ST_OK,
	      "serves after reset");
}

/* Unmapping while copies are in flight: nothing is written after unmap. */
static void
test_unmap_in_flight(struct queue *q, uint8_t *src, uint8_t *dst)
{
	struct wd_dummy_desc *d[16];
	unsigned int i, ok = 0, fault = 0, other = 0;

	(void)src;
	for (i = 0; i < 16; i++)
		d[i] = post(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 8 * MIB, i);
	doorbell(q);
	wait_status(d[0]);
	check(dma_unmap(q, IOVA_DST, BUF_SIZE) == 0, "UNMAP_DMA of the destination in flight");
	memset(dst, 0x5A, BUF_SIZE);
	for (i = 0; i < 16; i++) {
		uint32_t st = wait_status(d[i]);

		ok += st == WD_DUMMY_ST_OK;
		fault += st == WD_DUMMY_ST_FAULT;
		other += st != WD_DUMMY_ST_OK && st != WD_DUMMY_ST_FAULT;
	}
	check(other == 0 && ok > 0 && fault > 0 && all_bytes(dst, BUF_SIZE, 0x5A),
	      "after unmap: %u OK, %u FAULT, destination not written after UNMAP returned", ok,
	      fault);
	check(dma_map(q, dst, IOVA_DST, BUF_SIZE,
		      VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE) == 0, "map again");
}

/* Not a check: how fast the engine is here (software emulation in CI). */
static void
measure(struct queue *q)
{
	static const uint32_t lens[] = { 64, 4096, 65536, 8 * MIB };
	struct wd_dummy_desc *d = NULL;
	unsigned int i, k, n;
	uint64_t t0, ms;

	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		n = lens[k] >= MIB ? 16 : 2000;
		/* one at a time: round-trip latency */
		t0 = now_ms();
		for (i = 0; i < n / 4; i++)
			run_one(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, lens[k]);
		ms = now_ms() - t0;
		printf("MEASURE: %u B copies one at a time: %.1f us each\n", lens[k],
		       ms * 1000.0 / (n / 4));
		/* batches of 32 in flight: throughput */
		t0 = now_ms();
		for (i = 0; i < n; i++) {
			d = post(q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, lens[k], i);
			if (i % 32 == 31 || i == n - 1) {
				doorbell(q);
				wait_status(d);
			}
		}
		ms = now_ms() - t0;
		printf("MEASURE: %u B copies 32 in flight: %.0f copies/s, %.1f MB/s\n", lens[k],
		       n * 1000.0 / (ms ? ms : 1), (double)n * lens[k] / 1000.0 / (ms ? ms : 1));
	}
}

static int
cmd_copy(const char *dev, bool v1)
{
	int iommu = v1 ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU;
	uint8_t *src = map_anon(BUF_SIZE), *dst = map_anon(BUF_SIZE), *ro = map_anon(4096);
	struct queue q, q2;
	long avail0 = available(dev);
	char path[PATH_MAX], gpath[PATH_MAX];
	int rc, fd;

	queue_init(&q);
	queue_init(&q2);
	rc = queue_create(dev, q.uuid);
	check(rc == 0, "create a queue on %s: %s", dev, strerror(-rc));
	if (rc != 0)
		return 1;
	check(available(dev) == avail0 - 1, "available_instances %ld -> %ld", avail0,
	      available(dev));
	check(strcmp(qparam(q.uuid, "state"), "created") == 0, "state created");
	check(atoi(qparam(q.uuid, "owner")) == getpid(), "owner is the creator (%s)",
	      qparam(q.uuid, "owner"));
	check(strcmp(qparam(q.uuid, "depth"), "512") == 0, "depth 512 by default");
	rc = queue_open(&q, iommu);
	check(rc == 0, "open through VFIO (type1 %s container): %s", v1 ? "v1" : "v2",
	      strerror(-rc));
	if (rc != 0)
		return 1;
	check(strcmp(qparam(q.uuid, "state"), "open") == 0, "state open");
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/params/depth", q.uuid);
	check(attr_write(path, "64") == -EBUSY, "depth cannot change while open (EBUSY)");
	group_path(q.uuid, gpath, sizeof(gpath));
	fd = open(gpath, O_RDWR);
	check(fd < 0 && errno == EBUSY, "second open of the VFIO group: EBUSY");
	if (fd >= 0)
		close(fd);

	test_regions(&q);
	if (dma_map(&q, src, IOVA_SRC, BUF_SIZE, VFIO_DMA_MAP_FLAG_READ |
		    VFIO_DMA_MAP_FLAG_WRITE) != 0 ||
	    dma_map(&q, dst, IOVA_DST, BUF_SIZE, VFIO_DMA_MAP_FLAG_READ |
		    VFIO_DMA_MAP_FLAG_WRITE) != 0 ||
	    dma_map(&q, ro, IOVA_RO, 4096, VFIO_DMA_MAP_FLAG_READ) != 0)
		die("VFIO_IOMMU_MAP_DMA");
	reg_set(&q, WD_DUMMY_REG_ENABLE, 1);
	test_copies(&q, src, dst);
	measure(&q);
	test_faults(&q, src, dst, ro);
	test_garbage(&q, dst);
	test_pwrite_and_reset(&q);
	test_unmap_in_flight(&q, src, dst);
	queue_close(&q);
	check(strcmp(qparam(q.uuid, "state"), "released") == 0, "state released after close");
	check(available(dev) == avail0 - 1, "a released queue keeps its instance until removed");

	/* Reopen with another depth. */
	check(attr_write(path, "64") == 0, "depth 64 written while released");
	check(attr_write(path, "100") == -EINVAL && attr_write(path, "8") == -EINVAL &&
	      attr_write(path, "8192") == -EINVAL && attr_write(path, "x") == -EINVAL &&
	      strcmp(qparam(q.uuid, "depth"), "64") == 0,
	      "bad depths refused, depth still 64");
	memcpy(q2.uuid, q.uuid, sizeof(q.uuid));
	rc = queue_open(&q2, iommu);
	check(rc == 0 && q2.depth == 64 && q2.ring_size == 4096,
	      "reopened: DEPTH %u, ring region %zu bytes", q2.depth, q2.ring_size);
	if (rc == 0) {
		dma_map(&q2, src, IOVA_SRC, BUF_SIZE, VFIO_DMA_MAP_FLAG_READ);
		dma_map(&q2, dst, IOVA_DST, BUF_SIZE, VFIO_DMA_MAP_FLAG_WRITE |
			VFIO_DMA_MAP_FLAG_READ);
		reg_set(&q2, WD_DUMMY_REG_ENABLE, 1);
		memset(dst, 0, 1000);
		check(run_one(&q2, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 1000) ==
		      WD_DUMMY_ST_OK && memcmp(src, dst, 1000) == 0, "copy on the reopened queue");
	}
	queue_close(&q2);
	rc = queue_remove(q.uuid);
	check(rc == 0, "remove: %s", strerror(-rc));
	check(available(dev) == avail0, "available_instances back to %ld", available(dev));
	return failures ? 1 : 0;
}

/* ---- gup: what the device writes after MADV_DONTNEED ---- */

static int
cmd_gup(const char *dev, bool v1)
{
	uint8_t *src = map_anon(BUF_SIZE), *buf = map_anon(MIB);
	struct queue q;
	uint32_t st;
	int rc;

	queue_init(&q);
	if (queue_create(dev, q.uuid) != 0 ||
	    queue_open(&q, v1 ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU) != 0)
		die("queue");
	printf("GUP experiment in a type1 %s container\n", v1 ? "v1" : "v2");
	memset(src, 'S', MIB);
	memset(buf, 'A', MIB);
	if (dma_map(&q, src, IOVA_SRC, BUF_SIZE, VFIO_DMA_MAP_FLAG_READ) != 0 ||
	    dma_map(&q, buf, IOVA_DST, MIB, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))
		die("map");
	reg_set(&q, WD_DUMMY_REG_ENABLE, 1);
	/* Touch through the device first, as a driver that pinned would. */
	st = run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 4096);
	check(st == WD_DUMMY_ST_OK, "GUP: device copy into the shared buffer");
	rc = madvise(buf, MIB, MADV_DONTNEED);
	check(rc == 0 && all_bytes(buf, MIB, 0),
	      "GUP: after MADV_DONTNEED the process sees zeroes");
	st = run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, MIB);
	check(st == WD_DUMMY_ST_OK && all_bytes(buf, MIB, 'S'),
	      "GUP: device copy after MADV_DONTNEED is visible to the process (status %u)", st);
	/* The range unmapped from the process (still mapped for DMA). */
	munmap(buf, MIB);
	st = run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 4096);
	check(st == WD_DUMMY_ST_FAULT,
	      "GUP: device copy into memory the process unmapped: FAULT (%u), no stale page", st);
	/* Something else mapped there: the device reaches the new memory. */
	buf = mmap(buf, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		   0);
	if (buf == MAP_FAILED)
		die("mmap fixed");
	st = run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, 4096);
	check(st == WD_DUMMY_ST_OK && all_bytes(buf, 4096, 'S'),
	      "GUP: new memory mapped at the shared address receives the copy (status %u)", st);
	queue_close(&q);
	queue_remove(q.uuid);
	return failures ? 1 : 0;
}

/* ---- hold: a victim for the kill test ---- */

static int
cmd_hold(const char *dev)
{
	uint8_t *src = map_anon(2 * MIB), *dst = map_anon(2 * MIB);
	struct queue q;
	uint32_t i;

	queue_init(&q);
	if (queue_create(dev, q.uuid) != 0 || queue_open(&q, VFIO_TYPE1v2_IOMMU) != 0)
		die("queue");
	if (dma_map(&q, src, IOVA_SRC, 2 * MIB, VFIO_DMA_MAP_FLAG_READ) != 0 ||
	    dma_map(&q, dst, IOVA_DST, 2 * MIB, VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_READ))
		die("map");
	reg_set(&q, WD_DUMMY_REG_ENABLE, 1);
	/*
	 * Requests of two engine chunks each, refilled every 5 ms: always in
	 * flight, without keeping the engine (and the emulated CPU) saturated.
	 */
	for (i = 0; i < 32; i++)
		post(&q, i & 1 ? WD_DUMMY_OP_FILL : WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST,
		     HOLD_LEN, i);
	doorbell(&q);
	printf("READY %s\n", q.uuid);
	fflush(stdout);
	for (;;) {
		/* Keep the ring full. */
		while (q.tail - reg(&q, WD_DUMMY_REG_SQ_HEAD) < 32)
			post(&q, WD_DUMMY_OP_COPY, IOVA_SRC + (q.tail & 0xfff), IOVA_DST,
			     HOLD_LEN, q.tail);
		doorbell(&q);
		usleep(5000);
	}
	return 0;
}

/* ---- perm: everything as an unprivileged user ---- */

static bool
wait_access(const char *path, int mode)
{
	uint64_t end = now_ms() + 10000;

	while (access(path, mode) != 0) {
		if (now_ms() > end)
			return false;
		usleep(10000);
	}
	return true;
}

static int
cmd_perm(const char *dev)
{
	uint8_t *src = map_anon(MIB), *dst = map_anon(MIB);
	char gpath[PATH_MAX], path[PATH_MAX];
	struct queue q;
	int rc;

	queue_init(&q);
	rc = queue_create(dev, q.uuid);
	check(rc == 0, "uid %d gid %d: create: %s", getuid(), getgid(), strerror(-rc));
	if (rc != 0)
		return 1;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", q.uuid);
	check(group_path(q.uuid, gpath, sizeof(gpath)) == 0 && wait_access(gpath, R_OK | W_OK) &&
	      wait_access(path, W_OK), "udev gave the group %s and remove", gpath);
	rc = queue_open(&q, VFIO_TYPE1v2_IOMMU);
	check(rc == 0, "open through VFIO: %s", strerror(-rc));
	if (rc == 0) {
		memset(src, 'P', MIB);
		dma_map(&q, src, IOVA_SRC, MIB, VFIO_DMA_MAP_FLAG_READ);
		dma_map(&q, dst, IOVA_DST, MIB, VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_READ);
		reg_set(&q, WD_DUMMY_REG_ENABLE, 1);
		check(run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_DST, MIB) == WD_DUMMY_ST_OK &&
		      all_bytes(dst, MIB, 'P'), "copy 1 MiB");
	}
	queue_close(&q);
	rc = queue_remove(q.uuid);
	check(rc == 0, "remove: %s", strerror(-rc));
	return failures ? 1 : 0;
}

/* A queue that is created, opened, used and closed (left "released"). */
static int
cmd_openclose(const char *dev)
{
	uint8_t *buf = map_anon(2 * 4096);
	struct queue q;
	int rc;

	queue_init(&q);
	if (queue_create(dev, q.uuid) != 0 || queue_open(&q, VFIO_TYPE1v2_IOMMU) != 0)
		die("queue");
	memset(buf, 'O', 4096);
	dma_map(&q, buf, IOVA_SRC, 2 * 4096, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	reg_set(&q, WD_DUMMY_REG_ENABLE, 1);
	rc = run_one(&q, WD_DUMMY_OP_COPY, IOVA_SRC, IOVA_SRC + 4096, 4096) == WD_DUMMY_ST_OK &&
	     all_bytes(buf + 4096, 4096, 'O') ? 0 : 1;
	queue_close(&q);
	printf("%s\n", q.uuid);
	return rc;
}

/* Open someone's queue (binding to its creator), then misuse pwrite. */
static int
cmd_open(const char *uuid)
{
	const off_t tail = (off_t)(WD_REGION_OFFSET(WD_REGION_REGS) + WD_DUMMY_REG_SQ_TAIL);
	uint32_t v = 0;
	struct queue q;
	ssize_t w;
	int rc;

	queue_init(&q);
	snprintf(q.uuid, sizeof(q.uuid), "%s", uuid);
	rc = queue_open(&q, VFIO_TYPE1v2_IOMMU);
	printf("open: %s\n", strerror(-rc));
	if (rc == 0) {
		w = pwrite(q.device, &v, 2, tail);
		check(w < 0 && errno == EINVAL, "pwrite of half a register: EINVAL");
		w = pwrite(q.device, &v, 4, tail + 2);
		check(w < 0 && errno == EINVAL, "pwrite of a misaligned word: EINVAL");
		w = pwrite(q.device, &v, 4, tail);
		check(w == 4, "pwrite of the doorbell word: 4");
	}
	queue_close(&q);
	return rc == 0 && failures == 0 ? 0 : 1;
}

static int
cmd_create(const char *dev)
{
	char uuid[37];
	int rc = queue_create(dev, uuid);

	if (rc != 0) {
		printf("create: %s\n", strerror(-rc));
		return 1;
	}
	printf("%s\n", uuid);
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "copy") == 0)
		return cmd_copy(argv[2], argc >= 4 && strcmp(argv[3], "v1") == 0);
	if (argc >= 3 && strcmp(argv[1], "gup") == 0)
		return cmd_gup(argv[2], argc >= 4 && strcmp(argv[3], "v1") == 0);
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2]);
	if (argc == 3 && strcmp(argv[1], "perm") == 0)
		return cmd_perm(argv[2]);
	if (argc == 3 && strcmp(argv[1], "create") == 0)
		return cmd_create(argv[2]);
	if (argc == 3 && strcmp(argv[1], "openclose") == 0)
		return cmd_openclose(argv[2]);
	if (argc == 3 && strcmp(argv[1], "open") == 0)
		return cmd_open(argv[2]);
	fprintf(stderr, "usage: %s copy DEV [v1] | gup DEV [v1] | hold DEV | perm DEV | "
		"create DEV | openclose DEV | open UUID\n",
		argv[0]);
	return 2;
}
