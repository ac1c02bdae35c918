/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_IOVA_H_
#define _WD_IOVA_H_

/*
 * A table of DMA mappings (IOVA range -> process address), the
 * bookkeeping of one process's device address space: sorted, never
 * overlapping, reference counted per identical mapping. Not locked: the
 * owner serialises access.
 */

#include <stddef.h>
#include <stdint.h>

struct wd_iova_map {
	uint64_t iova;
	uint64_t size;
	char *va;
	unsigned int refs;
};

struct wd_iova_table {
	struct wd_iova_map *maps;
	unsigned int n, cap;
};

/* Add a mapping: 1 if new, 0 if an identical one gained a reference,
 * -EEXIST on a partial overlap, -EINVAL, -ENOMEM. */
int wd_iova_add(struct wd_iova_table *t, void *va, uint64_t iova, size_t size);

/* Drop a reference: 1 if the mapping is gone, 0 if still referenced,
 * -ENOENT if no mapping has exactly this iova and size. */
int wd_iova_del(struct wd_iova_table *t, uint64_t iova, size_t size);

/* Remove [iova, iova + size) from mappings that hold one reference each,
 * splitting them (frameworks that map large and free page by page).
 * 1 if done, -ENOENT if a byte is unmapped or shared more than once. */
int wd_iova_punch(struct wd_iova_table *t, uint64_t iova, size_t size);

/* The mappings a lookup used last, tried before searching (requests
 * mostly come back to the same few: keys, IVs, packet buffers). */
#define WD_IOVA_HINTS 4
struct wd_iova_hint {
	unsigned int idx[WD_IOVA_HINTS];
	unsigned int next;
};

/* Address of [iova, iova + len), which may span mappings contiguous in
 * both IOVA and address; NULL if any byte is not mapped. @hint may be
 * NULL. */
void *wd_iova_translate(const struct wd_iova_table *t, uint64_t iova, size_t len,
	struct wd_iova_hint *hint);

void wd_iova_clear(struct wd_iova_table *t);

#endif /* _WD_IOVA_H_ */
