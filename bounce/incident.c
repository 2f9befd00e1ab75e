/*
 * incident.c - days a receiving domain blocked us far more than usual
 * (incident.h).  One pass per domain over its days: the counts are few
 * (domains × days of a report's window), so no index is needed.
 */
#include <stdlib.h>
#include <string.h>

#include "incident.h"

#define BASE_DAYS 7 /* the days before that set what is usual */

/* by_domain_day - qsort order of const struct incident_count * */
static int
by_domain_day(const void *a, const void *b)
{
	const struct incident_count *x =
	    *(const struct incident_count *const *)a;
	const struct incident_count *y =
	    *(const struct incident_count *const *)b;
	int c = strcmp(x->domain, y->domain);

	return c != 0 ? c : (x->day > y->day) - (x->day < y->day);
}

/* by_uint - qsort order of unsigned */
static int
by_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

/* by_day_blocks - the order incident_find() returns */
static int
by_day_blocks(const void *a, const void *b)
{
	const struct incident *x = a, *y = b;

	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	if (x->blocks != y->blocks)
		return (x->blocks < y->blocks) - (x->blocks > y->blocks);
	return strcmp(x->domain, y->domain);
}

/* median_before - the median of one domain's blocks on the BASE_DAYS days
 * before day; s[0..n) are that domain's counts, sorted by day */
static double
median_before(const struct incident_count *const *s, size_t n, int day)
{
	unsigned v[BASE_DAYS] = { 0 };
	size_t   i;

	for (i = 0; i < n; i++)
		if (s[i]->day >= day - BASE_DAYS && s[i]->day < day)
			v[s[i]->day - (day - BASE_DAYS)] += s[i]->blocks;
	qsort(v, BASE_DAYS, sizeof(v[0]), by_uint);
	return v[BASE_DAYS / 2]; /* seven days: the fourth */
}

GArray *
incident_find(const struct incident_count *counts, size_t n, int from, int to,
    unsigned floor)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct incident));
	const struct incident_count **s =
	    g_new(const struct incident_count *, n + 1);
	size_t i, start;

	for (i = 0; i < n; i++)
		s[i] = &counts[i];
	qsort(s, n, sizeof(s[0]), by_domain_day);
	for (start = 0; start < n; start = i) {
		size_t end = start, k;

		while (end < n && strcmp(s[end]->domain, s[start]->domain) == 0)
			end++;
		for (k = start; k < end; k++) {
			struct incident inc;

			if (s[k]->day < from || s[k]->day > to ||
			    s[k]->blocks < floor || s[k]->blocks == 0)
				continue;
			inc.domain = s[k]->domain;
			inc.day = s[k]->day;
			inc.blocks = s[k]->blocks;
			inc.median =
			    median_before(s + start, end - start, s[k]->day);
			if (inc.blocks > 3 * inc.median)
				g_array_append_val(out, inc);
		}
		i = end;
	}
	g_free(s);
	g_array_sort(out, by_day_blocks);
	return out;
}
