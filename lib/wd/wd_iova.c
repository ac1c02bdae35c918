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
	unsigned int *hint)
{
	uint64_t end = iova + len;
	const struct wd_iova_map *m;
	unsigned int i;
	char *va;

	if (len == 0 || end < iova)
		return NULL;
	/* Most requests land in the mapping the previous one used. */
	if (hint != NULL && *hint < t->n && t->maps[*hint].iova <= iova &&
	    end <= t->maps[*hint].iova + t->maps[*hint].size)
		return t->maps[*hint].va + (iova - t->maps[*hint].iova);
	i = lower(t, iova);
	if (i >= t->n || t->maps[i].iova > iova)
		return NULL;
	if (hint != NULL)
		*hint = i;
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

int
wd_iova_add(struct wd_iova_table *t, void *va, uint64_t iova, size_t size)
{
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
	if (t->n == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 64;
		struct wd_iova_map *m = realloc(t->maps, sizeof(*m) * cap);

		if (m == NULL)
			return -ENOMEM;
		t->maps = m;
		t->cap = cap;
	}
	memmove(&t->maps[i + 1], &t->maps[i], sizeof(t->maps[0]) * (t->n - i));
	t->maps[i] = (struct wd_iova_map){ .iova = iova, .size = size, .va = va, .refs = 1 };
	t->n++;
	return 1;
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

void
wd_iova_clear(struct wd_iova_table *t)
{
	free(t->maps);
	memset(t, 0, sizeof(*t));
}
