/*
 * literals.c - the literal prefilter of match.c: for every row, strings
 * one of which any text it matches must contain, and one Aho-Corasick
 * scan that finds which of them a text holds.
 *
 * A row's strings are derived from the row itself, never written by hand:
 * a substring row is its own string; a regular expression is read (the
 * subset of PCRE2 syntax the tables use) and reduced bottom-up, as RE2's
 * and the trigram indexes' prefilters do, to
 *   exact: the finite set of strings a part matches, while small, and
 *   need:  a set one of which every match of the part contains.
 * Anything not understood (a back-reference, a class with ranges, a
 * repetition without a bound) becomes "any string": no requirement, the
 * row is always tried.  So the prefilter can only skip a row that could
 * not have matched; tests/unit/test_patterns.c checks it against trying
 * every row on every fixture.
 *
 * Written here rather than taken from a library: Debian's multi-pattern
 * matchers are Hyperscan (amd64 with SSSE3 only) and C++ ones; the
 * automaton below is some 100 lines.
 */
#include <string.h>

#include <glib.h>

#include "internal.h"

/* the most strings an exact set holds before it is given up */
#define LIT_MAX_SET 64
/* the longest string of an exact set */
#define LIT_MAX_LEN 128
/* the bytes of a required string kept: any part of a string every match
 * contains is also in every match, and a short one keeps the automaton
 * small (some 10,000 states, not 40,000) */
#define LIT_KEEP 10

/* What one part of a regular expression says about the text it matches.
 * exact and need are GPtrArrays of g_strdup()ed strings, or NULL. */
struct lit {
	GPtrArray *exact; /* every string the part can match, or NULL: not
				   a small finite set */
	GPtrArray *need;  /* one of these is in every match, or NULL: no
				   requirement */
};

/* A regular expression being read. */
struct reader {
	const char *p;
	int         bad; /* syntax not understood: no requirement */
};

static struct lit read_alt(struct reader *);

/* set_new - an empty set of strings */
static GPtrArray *
set_new(void)
{
	return g_ptr_array_new_with_free_func(g_free);
}

/* set_one - {s[0..n)} */
static GPtrArray *
set_one(const char *s, size_t n)
{
	GPtrArray *a = set_new();

	g_ptr_array_add(a, g_strndup(s, n));
	return a;
}

/* set_free - free a set; NULL: no-op */
static void
set_free(GPtrArray *a)
{
	if (a != NULL)
		g_ptr_array_unref(a);
}

/* set_copy - a copy of a, or NULL */
static GPtrArray *
set_copy(const GPtrArray *a)
{
	GPtrArray *c;
	guint      i;

	if (a == NULL)
		return NULL;
	c = set_new();
	for (i = 0; i < a->len; i++)
		g_ptr_array_add(c, g_strdup(g_ptr_array_index(a, i)));
	return c;
}

/* set_shortest - the length of the shortest string of a */
static size_t
set_shortest(const GPtrArray *a)
{
	size_t m = G_MAXSIZE;
	guint  i;

	for (i = 0; i < a->len; i++)
		m = MIN(m, strlen(g_ptr_array_index(a, i)));
	return m;
}

/* lit_free - free what l holds */
static void
lit_free(struct lit *l)
{
	set_free(l->exact);
	set_free(l->need);
	l->exact = l->need = NULL;
}

/* lit_any - a part that says nothing: any string */
static struct lit
lit_any(void)
{
	struct lit l = { NULL, NULL };

	return l;
}

/* needed - what l requires of a text: its need, or its exact set when
 * that holds no empty string; a new set or NULL */
static GPtrArray *
needed(const struct lit *l)
{
	if (l->exact != NULL)
		return set_shortest(l->exact) > 0 ? set_copy(l->exact) : NULL;
	return set_copy(l->need);
}

/* better - the more selective of two requirements (the longer shortest
 * string, then the fewer strings); the other is freed */
static GPtrArray *
better(GPtrArray *a, GPtrArray *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	la = set_shortest(a);
	lb = set_shortest(b);
	if (la > lb || (la == lb && a->len <= b->len)) {
		set_free(b);
		return a;
	}
	set_free(a);
	return b;
}

/* cross - every string of a followed by every string of b, or NULL when
 * that set grows too large */
static GPtrArray *
cross(const GPtrArray *a, const GPtrArray *b)
{
	GPtrArray *r;
	guint      i, j;

	if (a->len * b->len > LIT_MAX_SET)
		return NULL;
	r = set_new();
	for (i = 0; i < a->len; i++)
		for (j = 0; j < b->len; j++) {
			char *s = g_strconcat(g_ptr_array_index(a, i),
			    g_ptr_array_index(b, j), NULL);
			if (strlen(s) > LIT_MAX_LEN) {
				g_free(s);
				set_free(r);
				return NULL;
			}
			g_ptr_array_add(r, s);
		}
	return r;
}

/* alternate - a or b */
static struct lit
alternate(struct lit a, struct lit b)
{
	struct lit r = lit_any();
	GPtrArray *na, *nb;
	guint      i;

	if (a.exact != NULL && b.exact != NULL &&
	    a.exact->len + b.exact->len <= LIT_MAX_SET) {
		r.exact = set_copy(a.exact);
		for (i = 0; i < b.exact->len; i++)
			g_ptr_array_add(r.exact,
			    g_strdup(g_ptr_array_index(b.exact, i)));
	} else {
		na = needed(&a);
		nb = needed(&b);
		if (na != NULL && nb != NULL) {
			for (i = 0; i < nb->len; i++)
				g_ptr_array_add(na,
				    g_strdup(g_ptr_array_index(nb, i)));
			r.need = na;
		} else
			set_free(na);
		set_free(nb);
	}
	lit_free(&a);
	lit_free(&b);
	return r;
}

/* zero_width - \b, ^, $, a look-around: matches the empty string */
static struct lit
zero_width(void)
{
	struct lit l = { set_one("", 0), NULL };

	return l;
}

/* read_class - past a [...] class: its characters when it is a short
 * list of plain ones, else any character */
static struct lit
read_class(struct reader *r)
{
	const char *start = ++r->p; /* past '[' */
	GPtrArray  *chars = set_new();
	int         plain = *r->p != '^';
	struct lit  l = lit_any();

	if (*r->p == '^')
		r->p++;
	if (*r->p == ']') { /* a leading ']' is a member */
		g_ptr_array_add(chars, g_strndup(r->p, 1));
		r->p++;
	}
	while (*r->p != '\0' && *r->p != ']') {
		if (*r->p == '[' && r->p[1] == ':')
			r->bad = 1; /* [:alpha:]: not read */
		if (*r->p == '\\') {
			if (r->p[1] == '\0')
				break;
			/* an escaped punctuation mark is itself */
			if (g_ascii_isalnum(r->p[1]))
				plain = 0;
			else
				g_ptr_array_add(chars, g_strndup(r->p + 1, 1));
			r->p += 2;
			continue;
		}
		if (*r->p == '-' && r->p != start && r->p[1] != ']')
			plain = 0; /* a range */
		else if ((unsigned char)*r->p >= 0x80)
			plain = 0; /* a multi-byte character */
		else
			g_ptr_array_add(chars, g_strndup(r->p, 1));
		r->p++;
	}
	if (*r->p != ']')
		r->bad = 1;
	else
		r->p++;
	if (plain && chars->len > 0 && chars->len <= 8)
		l.exact = chars;
	else
		set_free(chars);
	return l;
}

/* read_escape - past a backslash escape */
static struct lit
read_escape(struct reader *r)
{
	char c = r->p[1];

	if (c == '\0') {
		r->bad = 1;
		r->p++;
		return lit_any();
	}
	r->p += 2;
	switch (c) {
	case 'b':
	case 'B':
	case 'A':
	case 'z':
	case 'Z':
		return zero_width();
	case 'd':
	case 'D':
	case 'w':
	case 'W':
	case 's':
	case 'S':
	case 'h':
	case 'H':
	case 'v':
	case 'V':
		return lit_any();
	case 'n': {
		struct lit l = { set_one("\n", 1), NULL };
		return l;
	}
	case 't': {
		struct lit l = { set_one("\t", 1), NULL };
		return l;
	}
	default:
		if (g_ascii_isalnum(c)) {
			r->bad = 1; /* \x, \p, a back-reference... */
			return lit_any();
		}
		{
			struct lit l = { set_one(&c, 1), NULL };
			return l;
		}
	}
}

/* read_group - past a (...) group */
static struct lit
read_group(struct reader *r)
{
	struct lit l;
	int        look = 0;

	r->p++; /* past '(' */
	if (*r->p == '?') {
		if (r->p[1] == ':')
			r->p += 2;
		else if (r->p[1] == '=' || r->p[1] == '!') {
			r->p += 2;
			look = 1;
		} else if (r->p[1] == '<' &&
		    (r->p[2] == '=' || r->p[2] == '!')) {
			r->p += 3;
			look = 1;
		} else {
			r->bad = 1; /* named groups, options: not read */
			return lit_any();
		}
	}
	l = read_alt(r);
	if (*r->p != ')')
		r->bad = 1;
	else
		r->p++;
	if (look) {
		lit_free(&l);
		return zero_width();
	}
	return l;
}

/* read_atom - past one character, class, escape or group */
static struct lit
read_atom(struct reader *r)
{
	unsigned char c = (unsigned char)*r->p;
	size_t        n = 1;

	switch (c) {
	case '(':
		return read_group(r);
	case '[':
		return read_class(r);
	case '\\':
		return read_escape(r);
	case '^':
	case '$':
		r->p++;
		return zero_width();
	case '.':
		r->p++;
		return lit_any();
	case '*':
	case '+':
	case '?':
	case '{':
	case ')':
	case '|':
		r->bad = 1; /* not where an atom may start */
		r->p++;
		return lit_any();
	default:
		/* a UTF-8 character is one atom of its bytes */
		if (c >= 0xc0)
			while ((r->p[n] & 0xc0) == 0x80)
				n++;
		{
			struct lit l = { set_one(r->p, n), NULL };
			r->p += n;
			return l;
		}
	}
}

/* read_quantified - past an atom and its quantifier, if any */
static struct lit
read_quantified(struct reader *r)
{
	struct lit  a = read_atom(r);
	struct lit  q = lit_any();
	const char *p = r->p;
	unsigned    lo;

	switch (*p) {
	case '?':
		r->p++;
		if (a.exact != NULL) {
			q.exact = set_copy(a.exact);
			g_ptr_array_add(q.exact, g_strdup(""));
		}
		break;
	case '*':
		r->p++;
		break;
	case '+':
		r->p++;
		q.need = needed(&a);
		break;
	case '{':
		if (!g_ascii_isdigit(p[1])) {
			r->bad = 1;
			break;
		}
		lo = (unsigned)strtoul(p + 1, (char **)&p, 10);
		if (*p == ',')
			while (g_ascii_isdigit(*++p))
				;
		if (*p != '}') {
			r->bad = 1;
			break;
		}
		r->p = p + 1;
		if (lo > 0)
			q.need = needed(&a);
		break;
	default:
		return a;
	}
	/* lazy or possessive */
	if (*r->p == '?' || *r->p == '+')
		r->p++;
	lit_free(&a);
	return q;
}

/* plain - is c an ASCII character that stands for itself? */
static int
plain(char c)
{
	return c != '\0' && (unsigned char)c < 0x80 &&
	    strchr("\\[]()|.^$*+?{}", c) == NULL;
}

/* plain_run - past the characters that stand for themselves, none with
 * a quantifier (the same as reading them one by one, without a set per
 * character); nothing read when there are none */
static struct lit
plain_run(struct reader *r)
{
	const char *p = r->p;
	struct lit  l = lit_any();

	while (plain(*p) && (p[1] == '\0' || strchr("?*+{", p[1]) == NULL))
		p++;
	if (p > r->p) {
		l.exact = set_one(r->p, (size_t)(p - r->p));
		r->p = p;
	}
	return l;
}

/* read_seq - past a sequence, up to '|', ')' or the end: its exact set
 * while every part has one, else the best requirement among its runs of
 * exact parts ("\\d+ mailbox \\S+ full": "mailbox " or " full") */
static struct lit
read_seq(struct reader *r)
{
	struct lit l = lit_any();
	GPtrArray *run = set_one("", 0), *x;
	int        whole = 1; /* every part so far exact */

	while (*r->p != '\0' && *r->p != '|' && *r->p != ')' && !r->bad) {
		struct lit q = plain_run(r);
		if (q.exact == NULL)
			q = read_quantified(r);
		if (q.exact != NULL && (x = cross(run, q.exact)) != NULL) {
			set_free(run);
			run = x;
			lit_free(&q);
			continue;
		}
		/* the run ends here */
		whole = 0;
		if (set_shortest(run) > 0)
			l.need = better(l.need, run);
		else
			set_free(run);
		if (q.exact != NULL) {
			run = q.exact; /* a new run starts with it */
			q.exact = NULL;
		} else {
			l.need = better(l.need, needed(&q));
			run = set_one("", 0);
		}
		lit_free(&q);
	}
	if (whole) {
		l.exact = run;
		return l;
	}
	if (set_shortest(run) > 0)
		l.need = better(l.need, run);
	else
		set_free(run);
	return l;
}

/* read_alt - past alternatives, up to ')' or the end */
static struct lit
read_alt(struct reader *r)
{
	struct lit l = read_seq(r);

	while (*r->p == '|' && !r->bad) {
		r->p++;
		l = alternate(l, read_seq(r));
	}
	return l;
}

/* shorten - need with each string cut to its first LIT_KEEP bytes, each
 * once */
static GPtrArray *
shorten(GPtrArray *need)
{
	GPtrArray *out;
	guint      i;

	if (need == NULL)
		return NULL;
	out = set_new();
	for (i = 0; i < need->len; i++) {
		char *s = g_strndup(g_ptr_array_index(need, i), LIT_KEEP);
		guint k;
		for (k = 0; k < out->len; k++)
			if (strcmp(g_ptr_array_index(out, k), s) == 0)
				break;
		if (k < out->len)
			g_free(s);
		else
			g_ptr_array_add(out, s);
	}
	set_free(need);
	return out;
}

GPtrArray *
classify_literals(const char *row)
{
	struct reader r;
	struct lit    l;
	GPtrArray    *need;

	if (strncmp(row, "re:", 3) != 0)
		return row[0] != '\0' ? shorten(set_one(row, strlen(row)))
				      : NULL;
	r.p = row + 3;
	r.bad = 0;
	l = read_alt(&r);
	need = needed(&l);
	lit_free(&l);
	if (r.bad || *r.p != '\0') {
		set_free(need);
		return NULL;
	}
	return shorten(need);
}

/*
 * The automaton: a trie of all strings with failure links, in one table
 * of next states by byte class (the bytes that occur in some string each
 * have a class; every other byte is class 0, which always leads back to
 * the root).  The table is the trie while it is built; the breadth-first
 * pass then fills each missing transition with its failure state's.
 */
struct classify_ac {
	guint32 *next; /* [state * nclass + class] */
	guint8   cls[256];
	guint    nclass;
	guint   *out; /* [out_at[s] .. out_at[s + 1]): the strings
				   ending at state s */
	guint   *out_at;
};

struct classify_ac *
classify_ac_new(const GPtrArray *strings)
{
	struct classify_ac *ac = g_new0(struct classify_ac, 1);
	GArray             *next = g_array_new(FALSE, TRUE, sizeof(guint32));
	GPtrArray          *ends = g_ptr_array_new(); /* GArray * per state */
	guint32            *fail;
	GQueue              q = G_QUEUE_INIT;
	guint               i, c, s, nstates, total = 0;

	/* the classes of bytes */
	ac->nclass = 1;
	for (i = 0; i < strings->len; i++)
		for (const guchar *p = g_ptr_array_index(strings, i); *p; p++)
			if (ac->cls[*p] == 0)
				ac->cls[*p] = (guint8)ac->nclass++;
	/* the trie: state 0 is the root, 0 in a row is "no child" (the
	 * root is nobody's child) */
	g_array_set_size(next, ac->nclass);
	g_ptr_array_add(ends, NULL);
	for (i = 0; i < strings->len; i++) {
		guint32 at = 0;
		for (const guchar *p = g_ptr_array_index(strings, i); *p; p++) {
			guint k = at * ac->nclass + ac->cls[*p];
			if (g_array_index(next, guint32, k) == 0) {
				g_array_index(next, guint32, k) = ends->len;
				g_array_set_size(next, next->len + ac->nclass);
				g_ptr_array_add(ends, NULL);
			}
			at = g_array_index(next, guint32, k);
		}
		if (ends->pdata[at] == NULL)
			ends->pdata[at] =
			    g_array_new(FALSE, FALSE, sizeof(guint));
		g_array_append_val(ends->pdata[at], i);
	}
	nstates = ends->len;
	ac->next = (guint32 *)g_array_free(next, FALSE);
	/* failure links, breadth first; a state's strings include those of
	 * its failure state (already complete: it is shallower) */
	fail = g_new0(guint32, nstates);
	g_queue_push_tail(&q, GUINT_TO_POINTER(0));
	while (!g_queue_is_empty(&q)) {
		guint32  sid = GPOINTER_TO_UINT(g_queue_pop_head(&q));
		guint32 *row = ac->next + (gsize)sid * ac->nclass;
		for (c = 1; c < ac->nclass; c++) {
			guint32 child = row[c];
			guint32 f = sid == 0
			    ? 0
			    : ac->next[(gsize)fail[sid] * ac->nclass + c];
			GArray *fe = ends->pdata[f];
			if (child == 0) {
				row[c] = f;
				continue;
			}
			fail[child] = f;
			if (fe != NULL) {
				if (ends->pdata[child] == NULL)
					ends->pdata[child] = g_array_new(FALSE,
					    FALSE, sizeof(guint));
				g_array_append_vals(ends->pdata[child],
				    fe->data, fe->len);
			}
			g_queue_push_tail(&q, GUINT_TO_POINTER(child));
		}
	}
	g_free(fail);
	/* flatten the outputs */
	ac->out_at = g_new0(guint, nstates + 1);
	for (s = 0; s < nstates; s++) {
		GArray *e = ends->pdata[s];
		ac->out_at[s] = total;
		total += e != NULL ? e->len : 0;
	}
	ac->out_at[nstates] = total;
	ac->out = g_new0(guint, MAX(total, 1));
	for (s = 0; s < nstates; s++) {
		GArray *e = ends->pdata[s];
		if (e == NULL)
			continue;
		memcpy(ac->out + ac->out_at[s], e->data,
		    e->len * sizeof(guint));
		g_array_free(e, TRUE);
	}
	g_ptr_array_free(ends, TRUE);
	return ac;
}

void
classify_ac_scan(const struct classify_ac *ac, const char *t, size_t len,
    size_t split, guint8 *seen)
{
	guint32 s = 0;
	size_t  i;

	for (i = 0; i < len; i++) {
		guint k, end;

		s = ac->next[(gsize)s * ac->nclass + ac->cls[(guchar)t[i]]];
		end = ac->out_at[s + 1];
		for (k = ac->out_at[s]; k < end; k++)
			seen[ac->out[k]] |= i < split ? 3 : 2;
	}
}

void
classify_ac_free(struct classify_ac *ac)
{
	if (ac == NULL)
		return;
	g_free(ac->next);
	g_free(ac->out);
	g_free(ac->out_at);
	g_free(ac);
}
