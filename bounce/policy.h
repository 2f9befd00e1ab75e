/*
 * policy.h - what a classified bounce does to a subscriber.
 *
 * The whole public interface of the policy module: pure logic with the
 * clock passed in (days since the epoch), so every transition can be
 * tested.  The defaults are those documented in README.md:
 *
 *   hard      -> suppressed at once (for this list)
 *   complaint -> suppressed at once, on every list (global)
 *   soft      -> the score grows by at most one per day; suppressed when
 *                it reaches soft_threshold within soft_window days;
 *                soft_stale_after days without a soft bounce reset it
 *   block, ignore, unknown -> recorded, no change
 */
#ifndef REBOUND_POLICY_H
#define REBOUND_POLICY_H

#include "classify.h"

enum policy_state_name {
	POLICY_ACTIVE = 0,
	POLICY_BOUNCING, /* soft bounces counted, not yet suppressed */
	POLICY_SUPPRESSED,
	POLICY_UNSUBSCRIBED, /* by the list manager; never changed here */
};

struct policy {
	unsigned soft_threshold;   /* 5 */
	unsigned soft_window;      /* days, 30 */
	unsigned soft_stale_after; /* days, 14 */
	unsigned block_alert;      /* blocks per domain and run
						   before a warning, 10 */
};

/* A subscriber's state as the database keeps it. */
struct policy_state {
	enum policy_state_name state;
	unsigned               score;
	int last_soft_day; /* days since the epoch; -1: never */
	int window_start;  /* day the current count began; -1 */
};

/* What the caller must do after policy_apply(). */
enum policy_effect {
	POLICY_NOTHING = 0,
	POLICY_SUPPRESS,        /* for this list */
	POLICY_SUPPRESS_GLOBAL, /* for every list (complaint) */
};

/* policy_defaults - the documented defaults */
void policy_defaults(struct policy *);

/* policy_state_init - a subscriber never seen bouncing */
void policy_state_init(struct policy_state *);

/*
 * policy_apply - change st for one event of class cls on day `today`.
 * Returns what to do, and *why a static explanation ("hard bounce",
 * "5 soft bounces in 30 days", ...).
 */
enum policy_effect policy_apply(const struct policy *, struct policy_state *st,
    enum classify_class cls, int today, const char **why);

/* policy_state_name - "active", "bouncing", ... */
const char *policy_state_name(enum policy_state_name);

#endif /* REBOUND_POLICY_H */
