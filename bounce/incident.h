/*
 * incident.h - when a receiving domain's blocks on a day are an incident:
 * far more than it usually blocks us (three times the median of its
 * previous seven days) and more than a floor, so that one day of
 * ordinary noise, or a domain that always blocks a little, is not.
 * Pure: the counts come from the database (db_report()).
 */
#ifndef REBOUND_INCIDENT_H
#define REBOUND_INCIDENT_H

#include <stddef.h>

#include <glib.h>

/* One receiving domain's blocks on one day (days since the epoch). */
struct incident_count {
	const char *domain;
	int         day;
	unsigned    blocks;
};

/* A day a domain blocked us far more than it usually does. */
struct incident {
	const char *domain; /* points into the counts given */
	int         day;
	unsigned    blocks;
	double      median; /* of its blocks on the 7 days before */
};

/* incident_find - the days in [from, to] on which a domain's blocks
 * exceed three times the median of its previous seven days (a day with
 * no count is 0) and reach floor; counts in any order.  A GArray of
 * struct incident, ordered by day, then most blocks, then domain; the
 * caller frees it (g_array_unref) before the counts. */
GArray *incident_find(const struct incident_count *counts, size_t n, int from,
    int to, unsigned floor);

#endif
