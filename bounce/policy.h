/*
 * policy.h - what a classified bounce does to a subscriber.
 *
 * The whole public interface of the policy module: pure logic with the
 * clock passed in (days since the epoch), so every transition can be
 * tested.  The defaults are those documented in README.md:
 *
 *   hard      -> suppressed at once (for this list)
 *   complaint -> suppressed at once, on every list (global)
 *   soft      -> per send, when the report proves which send it answers:
 *                soft_threshold bounced sends in a row suppress, provided
 *                soft_min_days lie between the first and the last; a
 *                send the subscriber did not bounce on resets the run.
 *                Without a send, by day: the score grows by at most one
 *                per day; suppressed when it reaches soft_threshold
 *                within soft_window days; soft_stale_after days without
 *                a soft bounce reset it
 *   block, ignore, unknown -> recorded, no change
 */
#ifndef REBOUND_POLICY_H
#define REBOUND_POLICY_H

#include <stddef.h>

#include "classify.h"
#include "proof.h"

enum policy_state_name {
	POLICY_ACTIVE = 0,
	POLICY_BOUNCING, /* soft bounces counted, not yet suppressed */
	POLICY_SUPPRESSED,
	POLICY_UNSUBSCRIBED, /* by the list manager; never changed here */
};

/* What a hard bounce or complaint without proof may do (unproven =). */
enum policy_unproven {
	POLICY_UNPROVEN_SOFT = 0, /* count it as a soft bounce (default):
				     repeats still suppress, one forged
				     message never does */
	POLICY_UNPROVEN_RECORD,   /* record it, change nothing */
	POLICY_UNPROVEN_ACT,      /* act on it as if proven: a stranger
				     who mails the bounce address decides */
};

struct policy {
	unsigned soft_threshold;           /* 5 */
	unsigned soft_window;              /* days, 30 */
	unsigned soft_stale_after;         /* days, 14 */
	unsigned soft_min_days;            /* days from the first bounced
						  send of a run to the last,
						  14 */
	unsigned soft_suppression_expires; /* days a soft suppression lasts,
					      0: for ever */
	unsigned block_alert;              /* blocks per domain and run before a
				      warning, 10 */
	enum policy_unproven    unproven;  /* soft */
	unsigned                verp_validity; /* days a signed VERP token
						  is accepted, 60 */
	const struct proof_key *verp_keys;     /* the first signs; NULL */
	size_t                  nverp_keys;
	const char             *verp_domain;   /* of signed return paths */
	unsigned    max_recipients_per_report; /* more of one list are held,
					       50; 0: no limit */
	const char *members_query;      /* SQL: is $1 a member of list $2, with
				      the secret $3 when given; NULL */
	unsigned    max_suppressions;   /* suppressions of one list begun in
					suppression_window days, 1000; past
					it a batch is held; 0: no cap */
	unsigned    suppression_window; /* days, 1 */
	const char *complaint_senders;  /* feedback loops trusted for
					   complaints: addresses or domains,
					   space- or comma-separated; NULL */
	const char *own_mta_hosts;      /* the list's outbound MTAs: a
					   bounce they handed to our MTA is
					   proof; IPs or host names; NULL */
};

/* A subscriber's state as the database keeps it. */
struct policy_state {
	enum policy_state_name state;
	unsigned               score;
	int last_soft_day; /* days since the epoch; -1: never */
	int window_start;  /* day the current count began; -1 */
	/* the run of bounced sends in a row */
	unsigned  sends;          /* how many; 0: none */
	int       first_send_day; /* the first one's day; -1 */
	long long last_send_id;   /* the last one; 0: none */
	int       last_send_day;  /* its day; -1 */
};

/* The send (a campaign, an issue) a proven report answers, as the caller
 * found it among the list's sends in order. */
struct policy_send {
	long long id;      /* > 0 */
	int       day;     /* when it was sent, days since the epoch */
	unsigned  between; /* the list's sends after the subscriber's last
			      bounced one (st->last_send_id) and before this;
			      any number when that one is not known */
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
 * What is known of an event besides its class (policy_apply's how):
 * POLICY_PROVEN, the report proves it answers mail the list sent to the
 * address; POLICY_GLOBAL, it concerns no known list, so what it
 * suppresses it suppresses on every list; POLICY_NONMEMBER, members_query
 * says the address is no member of the list.
 */
#define POLICY_PROVEN    0x1
#define POLICY_GLOBAL    0x2
#define POLICY_NONMEMBER 0x4

/*
 * policy_counted_as - the class an event of class cls counts as: without
 * POLICY_PROVEN, a hard bounce or complaint counts as unproven says (soft,
 * ignore for record, itself for act), and with POLICY_GLOBAL too, any
 * bounce is ignored unless unproven = act (a suppression on every list
 * needs proof), and with POLICY_NONMEMBER any bounce is ignored (only
 * members can be touched without proof); anything else as itself
 */
enum classify_class policy_counted_as(const struct policy *,
    enum classify_class cls, unsigned how);

/*
 * policy_apply - change st for one event of class cls on day `today`,
 * counted as policy_counted_as() says; a soft bounce with a send (only a
 * proven report names one) counts per send, one without by day.  Returns
 * what to do, and *why a static explanation ("hard bounce", ...).
 */
enum policy_effect policy_apply(const struct policy *, struct policy_state *st,
    enum classify_class cls, unsigned how, const struct policy_send *send,
    int today, const char **why);

/* policy_day - the policy's clock: days since 1970-01-01 of "YYYY-MM-DD",
 * or of today for NULL; -1 when s is no date */
int policy_day(const char *s);

/* policy_date - "YYYY-MM-DD" of day (days since 1970-01-01, as
 * policy_day() gives them) into buf, which it returns */
const char *policy_date(int day, char buf[11]);

/* policy_unproven_name - "soft", "record", "act" */
const char *policy_unproven_name(enum policy_unproven);

/* policy_state_name - "active", "bouncing", ... */
const char *policy_state_name(enum policy_state_name);

#endif /* REBOUND_POLICY_H */
