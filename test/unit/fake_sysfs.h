/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _FAKE_SYSFS_H_
#define _FAKE_SYSFS_H_

/* Fake /sys trees for tests: WrapDrive devices and mdev queues as plain
 * files under a temporary root (WD_SYSFS_ROOT). */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline void
fake_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

/* Write @val (NULL: make sure the file is absent) to printf-built path. */
static inline void
fake_write(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX], dir[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (val == NULL) {
		unlink(path);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	fake_mkdirs(dir);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(val, f);
	fclose(f);
}

/* Read a fake file into @buf ("" if absent). */
static inline const char *
fake_read(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL)
		return buf;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct fake_dev {
	const char *name, *numa, *prio;
	const char *type, *alg, *flags, *avail, *api;
};

/* A device under <root>/sys/class/wd_dev; NULL fields are left out. */
static inline void
fake_dev(const char *root, const struct fake_dev *d)
{
	const char *c = "sys/class/wd_dev";

	fake_write(d->numa, "%s/%s/%s/wrapdrive_dev/numa_zone_id", root, c, d->name);
	fake_write(d->prio, "%s/%s/%s/wrapdrive_dev/priority", root, c, d->name);
	if (d->type == NULL)
		return;
	fake_write(d->alg, "%s/%s/%s/mdev_supported_types/%s/name", root, c, d->name, d->type);
	fake_write(d->flags, "%s/%s/%s/mdev_supported_types/%s/flags", root, c, d->name,
		   d->type);
	fake_write(d->avail, "%s/%s/%s/mdev_supported_types/%s/available_instances", root, c,
		   d->name, d->type);
	fake_write(d->api, "%s/%s/%s/mdev_supported_types/%s/device_api", root, c, d->name,
		   d->type);
	fake_write("", "%s/%s/%s/mdev_supported_types/%s/create", root, c, d->name, d->type);
}

static inline char *
fake_root(void)
{
	char tmpl[] = "/tmp/wd-fake-XXXXXX";
	char *r = mkdtemp(tmpl);

	if (r == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	return strdup(r);
}

static inline void
fake_cleanup(const char *root)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
}

#endif /* _FAKE_SYSFS_H_ */
