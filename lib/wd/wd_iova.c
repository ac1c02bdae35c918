/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wd_iova.h"

/* Index of the first mapping that ends after @iova. */
static unsigned int
lower(const struct wd_iova_table *t, uint64_t iova)
{
	unsigned int lo = 0, hi = t->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (t->maps[mid].iova + t->maps[mid].size <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *
wd_iova_translate(const struct wd_iova_table *t, uint64_t iova, size_t len,
	struct wd_iova_hint *hint)
{
	uint64_t end = iova + len;
	const struct wd_iova_map *m;
	unsigned int i, h;
	char *va;

	if (len == 0 || end < iova)
		return NULL;
	for (h = 0; hint != NULL && h < WD_IOVA_HINTS; h++) {
		i = hint->idx[h];
		if (i < t->n && t->maps[i].iova <= iova && end <= t->maps[i].iova + t->maps[i].size)
			return t->maps[i].va + (iova - t->maps[i].iova);
	}
	i = lower(t, iova);
	if (i >= t->n || t->maps[i].iova > iova)
		return NULL;
	if (hint != NULL) {
		hint->idx[hint->next] = i;
		hint->next = (hint->next + 1) % WD_IOVA_HINTS;
	}
	m = &t->maps[i];
	va = m->va + (iova - m->iova);
	/* Walk on while the next mapping continues both ranges. */
	while (m->iova + m->size < end) {
		if (++i >= t->n || t->maps[i].iova != m->iova + m->size ||
		    t->maps[i].va != m->va + m->size)
			return NULL;
		m = &t->maps[i];
	}
	return va;
}

/* Make room for one more mapping at @i. */
static int
insert_at(struct wd_iova_table *t, unsigned int i, const struct wd_iova_map *m)
{
	if (t->n == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 64;
		struct wd_iova_map *nm = realloc(t->maps, sizeof(*nm) * cap);

		if (nm == NULL)
			return -ENOMEM;
		t->maps = nm;
		t->cap = cap;
	}
	memmove(&t->maps[i + 1], &t->maps[i], sizeof(t->maps[0]) * (t->n - i));
	t->maps[i] = *m;
	t->n++;
	return 0;
}

int
wd_iova_add(struct wd_iova_table *t, void *va, uint64_t iova, size_t size)
{
	struct wd_iova_map m;
	unsigned int i;

	if (size == 0 || iova + size < iova)
		return -EINVAL;
	i = lower(t, iova);
	if (i < t->n && t->maps[i].iova == iova && t->maps[i].size == size &&
	    t->maps[i].va == va) {
		t->maps[i].refs++;
		return 0;
	}
	if (i < t->n && t->maps[i].iova < iova + size)
		return -EEXIST;
	m = (struct wd_iova_map){ .iova = iova, .size = size, .va = va, .refs = 1 };
	return insert_at(t, i, &m) != 0 ? -ENOMEM : 1;
}

int
wd_iova_del(struct wd_iova_table *t, uint64_t iova, size_t size)
{
	unsigned int i = lower(t, iova);

	if (i >= t->n || t->maps[i].iova != iova || t->maps[i].size != size)
		return -ENOENT;
	if (--t->maps[i].refs != 0)
		return 0;
	memmove(&t->maps[i], &t->maps[i + 1], sizeof(t->maps[0]) * (t->n - i - 1));
	t->n--;
	return 1;
}

int
wd_iova_punch(struct wd_iova_table *t, uint64_t iova, size_t size)
{
	uint64_t end = iova + size, at = iova;
	unsigned int i = lower(t, iova), k;
	struct wd_iova_map m, right;

	if (size == 0 || end < iova)
		return -EINVAL;
	/* Check first: all or nothing. */
	for (k = i; at < end; k++) {
		if (k >= t->n || t->maps[k].iova > at || t->maps[k].refs != 1)
			return -ENOENT;
		at = t->maps[k].iova + t->maps[k].size;
	}
	while (i < t->n && t->maps[i].iova < end) {
		m = t->maps[i];
		right = m;
		right.iova = end;
		right.va = m.va + (end - m.iova);
		right.size = m.iova + m.size > end ? m.iova + m.size - end : 0;
		m.size = m.iova < iova ? iova - m.iova : 0;
		if (m.size != 0) {
			t->maps[i++] = m;
			if (right.size != 0 && insert_at(t, i, &right) != 0)
				return -ENOMEM;
			if (right.size != 0)
				break;
		} else if (right.size != 0) {
			t->maps[i] = right;
			break;
		} else {
			memmove(&t->maps[i], &t->maps[i + 1], sizeof(t->maps[0]) * (t->n - i - 1));
			t->n--;
		}
	}
	return 1;
}

void
wd_iova_clear(struct wd_iova_table *t)
{
	free(t->maps);
	memset(t, 0, sizeof(*t));
}
