/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The sysfs side of WrapDrive devices: discovery under
 * <root>/sys/class/wd_dev, queue (mdev) creation and removal, and the
 * reclaim of queues whose owner died.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wd_parse.h"
#include "wd_private.h"

#define ATTR_MAX 128

const char *
wd_sysfs_root(void)
{
	const char *r = getenv("WD_SYSFS_ROOT");

	/* "/" and "" both mean the real root; paths are root + "/sys/..." */
	if (r == NULL || strcmp(r, "/") == 0)
		return "";
	return r;
}

int
wd_read_attr(const char *path, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	if (r < 0) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	close(fd);
	buf[r] = '\0';
	return (int)r;
}

int
wd_write_attr(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t w;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, val, len);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != len)
		rc = -EIO;
	close(fd);
	return rc;
}

int
wd_uuid_generate(char out[WD_UUID_LEN])
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, WD_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

int
wd_scan_append(struct wd_dev_info **devs, int *n, const struct wd_dev_info *d)
{
	struct wd_dev_info *nd = realloc(*devs, sizeof(*nd) * (size_t)(*n + 1));

	if (nd == NULL)
		return -ENOMEM;
	nd[*n] = *d;
	*devs = nd;
	(*n)++;
	return 0;
}

/* Read <dir>/<name> into @buf; warn naming the device on failure. */
static int
read_dev_attr(const char *dev, const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	rc = wd_read_attr(path, buf, len);
	if (rc < 0)
		WD_WARN("device %s skipped: cannot read %s: %s", dev, path, strerror(-rc));
	return rc < 0 ? rc : 0;
}

static int
bad_attr(const char *dev, const char *dir, const char *name, const char *val, int rc)
{
	WD_WARN("device %s skipped: %s/%s has a bad value '%.*s' (%s)", dev, dir, name,
		(int)strcspn(val, "\n"), val, strerror(-rc));
	return rc;
}

static int
scan_type(const char *devname, const char *tdir, const char *tname, struct wd_type_info *t)
{
	char buf[ATTR_MAX];
	long v;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = wd_parse_name(tname, t->type, sizeof(t->type));
	if (rc != 0)
		return bad_attr(devname, "mdev_supported_types", "<type>", tname, rc);
	if ((rc = read_dev_attr(devname, tdir, "name", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_name(buf, t->name, sizeof(t->name))) != 0)
		return bad_attr(devname, tdir, "name", buf, rc);
	if ((rc = read_dev_attr(devname, tdir, "device_api", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_name(buf, t->device_api, sizeof(t->device_api))) != 0)
		return bad_attr(devname, tdir, "device_api", buf, rc);
	if ((rc = read_dev_attr(devname, tdir, "flags", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_u32(buf, &t->flags)) != 0)
		return bad_attr(devname, tdir, "flags", buf, rc);
	if ((rc = read_dev_attr(devname, tdir, "available_instances", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_long(buf, 0, 1 << 20, &v)) != 0)
		return bad_attr(devname, tdir, "available_instances", buf, rc);
	t->available = (int)v;
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct wd_type_info *)a)->type,
		      ((const struct wd_type_info *)b)->type);
}

/* Fill @d from <class>/<name>; negative errno if the device must be skipped. */
static int
scan_one(const char *class_dir, const char *name, struct wd_dev_info *d)
{
	char dir[PATH_MAX], sub[PATH_MAX], tdir[PATH_MAX], buf[ATTR_MAX];
	struct dirent *e;
	DIR *types;
	long v;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = wd_parse_name(name, d->name, sizeof(d->name));
	if (rc != 0)
		return bad_attr("?", class_dir, "<device>", name, rc);
	snprintf(dir, sizeof(dir), "%s/%s", class_dir, name);
	snprintf(sub, sizeof(sub), "%s/wrapdrive_dev", dir);
	if ((rc = read_dev_attr(name, sub, "numa_zone_id", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_long(buf, -1, 1023, &v)) != 0)
		return bad_attr(name, sub, "numa_zone_id", buf, rc);
	d->numa_node = (int)v;
	if ((rc = read_dev_attr(name, sub, "priority", buf, sizeof(buf))) != 0)
		return rc;
	if ((rc = wd_parse_long(buf, WD_PRIORITY_MIN, WD_PRIORITY_MAX, &v)) != 0)
		return bad_attr(name, sub, "priority", buf, rc);
	d->priority = (int)v;

	snprintf(sub, sizeof(sub), "%s/mdev_supported_types", dir);
	types = opendir(sub);
	if (types == NULL) {
		rc = -errno;
		WD_WARN("device %s skipped: cannot open %s: %s", name, sub, strerror(errno));
		return rc;
	}
	while ((e = readdir(types)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (d->nb_types == WD_MAX_TYPES) {
			WD_WARN("device %s: more than %d types, ignoring %s", name,
				WD_MAX_TYPES, e->d_name);
			continue;
		}
		if (snprintf(tdir, sizeof(tdir), "%s/%s", sub, e->d_name) >= (int)sizeof(tdir)) {
			rc = -ENAMETOOLONG;
			break;
		}
		rc = scan_type(name, tdir, e->d_name, &d->types[d->nb_types]);
		if (rc != 0)
			break;
		d->nb_types++;
	}
	closedir(types);
	if (rc != 0)
		return rc;
	if (d->nb_types == 0) {
		WD_WARN("device %s skipped: no mdev_supported_types", name);
		return -ENOENT;
	}
	qsort(d->types, d->nb_types, sizeof(d->types[0]), cmp_name);
	return 0;
}

int
wd_sysfs_scan(struct wd_dev_info **devs, int *n)
{
	char class_dir[PATH_MAX];
	struct wd_dev_info d;
	struct dirent *e;
	DIR *dir;
	int rc = 0;

	snprintf(class_dir, sizeof(class_dir), "%s/sys/class/wd_dev", wd_sysfs_root());
	dir = opendir(class_dir);
	if (dir == NULL) {
		if (errno == ENOENT) {
			WD_DEBUG("no %s: no WrapDrive kernel devices", class_dir);
			return 0;
		}
		rc = -errno;
		WD_ERR("cannot open %s: %s", class_dir, strerror(errno));
		return rc;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (scan_one(class_dir, e->d_name, &d) != 0)
			continue;
		rc = wd_scan_append(devs, n, &d);
		if (rc != 0)
			break;
	}
	closedir(dir);
	return rc;
}

int
wd_mdev_create(const char *dev, const char *type, char uuid[WD_UUID_LEN])
{
	char path[PATH_MAX];
	int rc;

	rc = wd_uuid_generate(uuid);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/sys/class/wd_dev/%s/mdev_supported_types/%s/create",
		 wd_sysfs_root(), dev, type);
	rc = wd_write_attr(path, uuid);
	if (rc != 0)
		WD_ERR("cannot create a %s queue on %s (%s): %s", type, dev, path, strerror(-rc));
	return rc;
}

int
wd_mdev_remove(const char *uuid)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/remove", wd_sysfs_root(), uuid);
	rc = wd_write_attr(path, "1");
	if (rc != 0)
		WD_ERR("cannot remove queue %s (%s): %s", uuid, path, strerror(-rc));
	return rc;
}

/*
 * An orphan: its owner process is gone and nobody has it open. The kernel
 * records the owner (creator, then opener) in params/owner and the state
 * (created, open, released) in params/state.
 */
static int
is_orphan(const char *uuid)
{
	char path[PATH_MAX], buf[ATTR_MAX];
	long pid;
	int i;

	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/params/owner",
		 wd_sysfs_root(), uuid);
	if (wd_read_attr(path, buf, sizeof(buf)) < 0 ||
	    wd_parse_long(buf, 1, INT32_MAX, &pid) != 0)
		return 0;	/* no owner recorded: not ours to judge */
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/params/state",
		 wd_sysfs_root(), uuid);
	/* The kernel may close a dead owner's queue a moment after the owner
	 * was reaped (a deferred fput): give it up to 500 ms. */
	for (i = 0; i < 50; i++) {
		if (wd_read_attr(path, buf, sizeof(buf)) < 0)
			return 0;
		if (strncmp(buf, "open", 4) != 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * wd.ko binds a queue to the user that created it (params/uid): only that
 * user, root's queues for anyone, or an administrator may open it. A
 * kernel without params/uid binds nothing.
 */
static int
may_open(const char *uuid)
{
	char path[PATH_MAX], buf[ATTR_MAX];
	uint32_t uid;

	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/params/uid", wd_sysfs_root(),
		 uuid);
	if (wd_read_attr(path, buf, sizeof(buf)) < 0)
		return 1;
	if (wd_parse_u32(buf, &uid) != 0)
		return 0;
	return uid == 0 || uid == (uint32_t)geteuid() || geteuid() == 0;
}

int
wd_mdev_adoptable(const char *dev, const char *type, char (*uuids)[WD_UUID_LEN], int max)
{
	char tdir[PATH_MAX], path[PATH_MAX], buf[ATTR_MAX];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	snprintf(tdir, sizeof(tdir), "%s/sys/class/wd_dev/%s/mdev_supported_types/%s/devices",
		 wd_sysfs_root(), dev, type);
	dir = opendir(tdir);
	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL && n < max) {
		if (!wd_uuid_valid(e->d_name) || !is_orphan(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/params/state",
			 wd_sysfs_root(), e->d_name);
		/* Never opened: nobody's memory was ever mapped into it. */
		if (wd_read_attr(path, buf, sizeof(buf)) <= 0 || strncmp(buf, "created", 7) != 0)
			continue;
		if (may_open(e->d_name))
			memcpy(uuids[n++], e->d_name, WD_UUID_LEN);
	}
	closedir(dir);
	return n;
}

static int
reclaim_type(const char *tdir)
{
	struct dirent *e;
	DIR *dir;
	int n = 0;

	dir = opendir(tdir);
	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL) {
		if (!wd_uuid_valid(e->d_name) || !is_orphan(e->d_name))
			continue;
		if (wd_mdev_remove(e->d_name) == 0) {
			WD_INFO("reclaimed queue %s of a dead owner", e->d_name);
			n++;
		}
	}
	closedir(dir);
	return n;
}

int
wd_sysfs_reclaim(const char *dev)
{
	struct wd_dev_info *devs = NULL;
	char tdir[PATH_MAX];
	int n = 0, i, rc, total = 0;
	unsigned int t;

	rc = wd_sysfs_scan(&devs, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (dev != NULL && strcmp(dev, devs[i].name) != 0)
			continue;
		for (t = 0; t < devs[i].nb_types; t++) {
			snprintf(tdir, sizeof(tdir),
				 "%s/sys/class/wd_dev/%s/mdev_supported_types/%s/devices",
				 wd_sysfs_root(), devs[i].name, devs[i].types[t].type);
			total += reclaim_type(tdir);
		}
	}
	free(devs);
	return rc != 0 ? rc : total;
}
