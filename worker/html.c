/*
 * html.c - the deliverability report as one self-contained HTML page
 * (html.h).  It reads the rebound-report/1 object db_report() writes, so
 * the page shows exactly what --format json says.  The charts are SVG
 * drawn here: a chart library would mean a script, which the page's
 * Content-Security-Policy forbids.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "html.h"
#include "policy.h"

/* the classes a day's bar stacks, bottom first, and their colours */
static const struct {
	const char *key, *label, *colour;
} classes[] = {
	{ "hard", "hard", "#b3261e" },
	{ "soft", "soft", "#e8a33d" },
	{ "block", "block", "#5b6b7a" },
	{ "compl", "complaint", "#7b3fa0" },
};

/* put - text, escaped for HTML ("-" for NULL) */
static void
put(FILE *f, const char *text)
{
	char *e = g_markup_escape_text(text != NULL ? text : "-", -1);

	fputs(e, f);
	g_free(e);
}

/* str - member k of o as text: a string, a number written out, or NULL
 * (missing or null); the result lives until the next call */
static const char *
str(JsonObject *o, const char *k)
{
	static char buf[64];
	JsonNode   *n = json_object_get_member(o, k);

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (json_node_get_value_type(n) == G_TYPE_STRING)
		return json_node_get_string(n);
	if (json_node_get_value_type(n) == G_TYPE_INT64)
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT,
		    json_node_get_int(n));
	else if (json_node_get_value_type(n) == G_TYPE_DOUBLE)
		g_snprintf(buf, sizeof(buf), "%g", json_node_get_double(n));
	else if (json_node_get_value_type(n) == G_TYPE_BOOLEAN)
		return json_node_get_boolean(n) ? "yes" : "no";
	else
		return NULL;
	return buf;
}

/* num - member k of o as a number, 0 when it is none */
static double
num(JsonObject *o, const char *k)
{
	JsonNode *n = json_object_get_member(o, k);

	if (n == NULL || JSON_NODE_HOLDS_NULL(n) ||
	    JSON_NODE_TYPE(n) != JSON_NODE_VALUE)
		return 0;
	if (json_node_get_value_type(n) == G_TYPE_STRING)
		return g_ascii_strtod(json_node_get_string(n), NULL);
	return json_node_get_double(n);
}

/* array - member k of o, an empty array when missing */
static JsonArray *
array(JsonObject *o, const char *k)
{
	static JsonArray *empty;

	if (json_object_has_member(o, k) &&
	    JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, k)))
		return json_object_get_array_member(o, k);
	if (empty == NULL)
		empty = json_array_new();
	return empty;
}

/* day_of - days since the epoch of "YYYY-MM-DD", or -1 */
static int
day_of(const char *s)
{
	return s != NULL ? policy_day(s) : -1;
}

/* table - the rows of a as a table of the given columns (key, heading),
 * in a box that scrolls sideways on a narrow screen */
static void
table(FILE *f, JsonArray *a, const char *const *keys, const char *const *heads,
    size_t n, const char *none)
{
	guint  r;
	size_t c;

	if (json_array_get_length(a) == 0) {
		fprintf(f, "<p class=\"none\">");
		put(f, none);
		fprintf(f, "</p>\n");
		return;
	}
	fprintf(f, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (c = 0; c < n; c++) {
		fprintf(f, "<th>");
		put(f, heads[c]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < json_array_get_length(a); r++) {
		JsonObject *o = json_array_get_object_element(a, r);

		fprintf(f, "<tr>");
		for (c = 0; c < n; c++) {
			const char *v = o != NULL ? str(o, keys[c]) : NULL;
			JsonNode   *m = o != NULL
			      ? json_object_get_member(o, keys[c])
			      : NULL;
			int number = m != NULL && JSON_NODE_HOLDS_VALUE(m) &&
			    json_node_get_value_type(m) != G_TYPE_STRING;

			fprintf(f, number ? "<td class=\"n\">" : "<td>");
			put(f, v);
			fprintf(f, "</td>");
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</tbody></table></div>\n");
}

/* Geometry of the charts (SVG user units; they scale to the page). */
#define CW 720.0 /* width */
#define CH 240.0 /* height */
#define CL 44.0  /* left margin: the y labels */
#define CB 28.0  /* bottom margin: the x labels */
#define CT 12.0  /* top margin */
#define CR 12.0  /* right margin */

/* daily_chart - the period's days as bars stacked by class */
static void
daily_chart(FILE *f, JsonObject *r)
{
	JsonArray *days = array(r, "days");
	int        from = day_of(str(r, "since")), to = day_of(str(r, "until"));
	int        n, d, c, at[3];
	double    *v, max = 0, bw, pw = CW - CL - CR, ph = CH - CT - CB;
	guint      i;
	char       b1[11];

	if (from < 0 || to < from)
		return;
	n = to - from + 1;
	v = g_new0(double, (size_t)n *G_N_ELEMENTS(classes));
	for (i = 0; i < json_array_get_length(days); i++) {
		JsonObject *o = json_array_get_object_element(days, i);
		int         x = o != NULL ? day_of(str(o, "day")) - from : -1;

		if (x < 0 || x >= n)
			continue;
		for (c = 0; c < (int)G_N_ELEMENTS(classes); c++)
			v[x * (int)G_N_ELEMENTS(classes) + c] +=
			    num(o, classes[c].key);
	}
	for (d = 0; d < n; d++) {
		double t = 0;
		for (c = 0; c < (int)G_N_ELEMENTS(classes); c++)
			t += v[d * (int)G_N_ELEMENTS(classes) + c];
		if (t > max)
			max = t;
	}
	if (max < 1)
		max = 1;
	bw = pw / n;
	fprintf(f,
	    "<svg class=\"chart\" id=\"daily\" viewBox=\"0 0 %g %g\" "
	    "role=\"img\" aria-label=\"bounces per day by class\">\n",
	    CW, CH);
	/* the axes: 0, half and the most in a day */
	fprintf(f,
	    "<g class=\"axis\"><line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\"/>"
	    "<line class=\"grid\" x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\"/>"
	    "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">0</text>"
	    "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%g</text></g>\n",
	    CL, CT + ph, CL + pw, CT + ph, CL, CT, CL + pw, CT, CL - 6,
	    CT + ph + 4, CL - 6, CT + 4, max);
	for (d = 0; d < n; d++) {
		double y = CT + ph;

		for (c = 0; c < (int)G_N_ELEMENTS(classes); c++) {
			double k = v[d * (int)G_N_ELEMENTS(classes) + c];
			double h = k / max * ph;

			if (k <= 0)
				continue;
			y -= h;
			fprintf(f,
			    "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			    "height=\"%.2f\" fill=\"%s\"><title>%s %s: %g"
			    "</title></rect>\n",
			    CL + d * bw + bw * 0.1, y, bw * 0.8, h,
			    classes[c].colour, policy_date(from + d, b1),
			    classes[c].label, k);
		}
	}
	/* first, middle and last day */
	at[0] = 0;
	at[1] = (n - 1) / 2;
	at[2] = n - 1;
	fprintf(f, "<g class=\"axis\">");
	for (c = 0; c < 3; c++) {
		if (c > 0 && at[c] == at[c - 1])
			continue;
		fprintf(f,
		    "<text x=\"%.2f\" y=\"%g\" text-anchor=\"%s\">%s</text>",
		    c == 0       ? CL
			: c == 2 ? CL + pw
				 : CL + at[c] * bw + bw / 2,
		    CH - 8,
		    c == 0       ? "start"
			: c == 2 ? "end"
				 : "middle",
		    policy_date(from + at[c], b1));
	}
	fprintf(f, "</g>\n</svg>\n<p class=\"legend\">");
	for (c = 0; c < (int)G_N_ELEMENTS(classes); c++)
		fprintf(f, "<span><i style=\"background:%s\"></i>%s</span> ",
		    classes[c].colour, classes[c].label);
	fprintf(f, "</p>\n");
	g_free(v);
}

/* rate_chart - each send's hard-bounce rate, with the threshold drawn */
static void
rate_chart(FILE *f, JsonObject *r)
{
	JsonArray *rates = array(r, "rates");
	guint      n = json_array_get_length(rates), i;
	double     limit = 5, ymax, pw = CW - CL - CR, ph = CH - CT - CB, ty;

	if (n == 0)
		return;
	ymax = limit * 1.5;
	for (i = 0; i < n; i++) {
		JsonObject *o = json_array_get_object_element(rates, i);
		if (o != NULL && num(o, "hard_pct") * 1.15 > ymax)
			ymax = num(o, "hard_pct") * 1.15;
	}
	ty = CT + ph - limit / ymax * ph;
	fprintf(f,
	    "<svg class=\"chart\" id=\"rate\" viewBox=\"0 0 %g %g\" "
	    "role=\"img\" aria-label=\"hard-bounce rate per send\">\n"
	    "<g class=\"axis\"><line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\"/>"
	    "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">0%%</text>"
	    "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.1f%%</text></g>\n"
	    "<line class=\"limit\" x1=\"%g\" y1=\"%.2f\" x2=\"%g\" "
	    "y2=\"%.2f\"/><text class=\"limit\" x=\"%g\" y=\"%.2f\" "
	    "text-anchor=\"end\">%g%% (Amazon SES review)</text>\n",
	    CW, CH, CL, CT + ph, CL + pw, CT + ph, CL - 6, CT + ph + 4, CL - 6,
	    CT + 4, ymax, CL, ty, CL + pw, ty, CL + pw, ty - 4, limit);
	fprintf(f, "<polyline class=\"rate\" points=\"");
	for (i = 0; i < n; i++) {
		JsonObject *o = json_array_get_object_element(rates, i);
		double      x = n > 1 ? CL + pw * i / (n - 1) : CL + pw / 2;

		fprintf(f, "%.2f,%.2f ", x,
		    CT + ph - (o != NULL ? num(o, "hard_pct") : 0) / ymax * ph);
	}
	fprintf(f, "\"/>\n");
	for (i = 0; i < n; i++) {
		JsonObject *o = json_array_get_object_element(rates, i);
		double      x = n > 1 ? CL + pw * i / (n - 1) : CL + pw / 2;
		double      p = o != NULL ? num(o, "hard_pct") : 0;

		fprintf(f,
		    "<circle class=\"%s\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\">"
		    "<title>",
		    p >= limit ? "over" : "under", x, CT + ph - p / ymax * ph);
		put(f, o != NULL ? str(o, "send") : NULL);
		fprintf(f, ": %.2f%%</title></circle>\n", p);
	}
	fprintf(f, "</svg>\n");
}

/* total - the sum of member k over the days */
static double
total(JsonObject *r, const char *k)
{
	JsonArray *days = array(r, "days");
	double     t = 0;
	guint      i;

	for (i = 0; i < json_array_get_length(days); i++) {
		JsonObject *o = json_array_get_object_element(days, i);
		if (o != NULL)
			t += num(o, k);
	}
	return t;
}

static const char style[] =
    ":root{color-scheme:light;--fg:#1d2329;--mute:#5f6b76;--line:#d5dbe0}"
    "*{box-sizing:border-box}"
    "body{margin:0 auto;max-width:60rem;padding:1rem;color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 "
    ".5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}"
    "p.meta,p.none,p.legend,p.note{color:var(--mute);margin:.3rem 0}"
    ".cards{display:flex;flex-wrap:wrap;gap:.5rem}"
    ".cards div{flex:1 1 7rem;border:1px solid var(--line);border-radius:6px;"
    "padding:.4rem .6rem}.cards b{display:block;font-size:1.3rem}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;"
    "font-size:.9rem}th,td{text-align:left;padding:.25rem .5rem;"
    "border-bottom:1px solid var(--line);vertical-align:top;"
    "overflow-wrap:break-word}th,td:first-child{white-space:nowrap}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "svg.chart{display:block;width:100%;height:auto;max-height:18rem}"
    ".axis line{stroke:#9aa5ae}.axis line.grid{stroke:var(--line);"
    "stroke-dasharray:2 3}.axis text,text.limit{font-size:12px;"
    "fill:var(--mute)}line.limit{stroke:#b3261e;stroke-dasharray:6 4}"
    "polyline.rate{fill:none;stroke:#1f5fa8;stroke-width:2}"
    "circle.under{fill:#1f5fa8}circle.over{fill:#b3261e}"
    ".legend i{display:inline-block;width:.8em;height:.8em;margin:0 .3em "
    "0 .6em;vertical-align:-.05em}"
    "footer{margin-top:2rem;font-size:.85rem;color:var(--mute);"
    "overflow-wrap:anywhere}"
    "@media (max-width:40rem){body{padding:.6rem}.cards div{flex-basis:"
    "5.5rem}.axis text,text.limit{font-size:24px}}"
    "@page{size:A4;margin:12mm}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    ".scroll{overflow:visible}section{break-inside:avoid-page}"
    "a{color:inherit}}";

void
html_report(JsonObject *r, FILE *f)
{
	static const char *const day_keys[] = { "day", "list", "hard", "soft",
		"block", "compl", "sup_h", "sup_s", "sup_c", "sup_m", "unsup" };
	static const char *const day_heads[] = { "day", "list", "hard", "soft",
		"block", "complaints", "suppressed: hard", "soft", "complaint",
		"manual", "unsuppressed" };
	static const char *const rate_keys[] = { "list", "send", "sent",
		"sent_to", "hard", "hard_pct", "compl", "complaint_pct",
		"flag" };
	static const char *const rate_heads[] = { "list", "send", "sent",
		"sent to", "hard", "hard %", "complaints", "complaint %",
		"over" };
	static const char *const inc_keys[] = { "day", "domain", "blocks",
		"median_7_days", "reason", "status", "diagnostic" };
	static const char *const inc_heads[] = { "day", "domain", "blocks",
		"usual (median)", "reason", "status", "a diagnostic" };
	static const char *const sup_keys[] = { "day", "list", "address",
		"cause", "reason", "rule", "proof" };
	static const char *const near_keys[] = { "list", "address", "days",
		"sends", "last" };
	static const char *const near_heads[] = { "list", "address",
		"soft days", "sends in a row", "last bounce" };
	static const char *const dom_keys[] = { "domain", "total", "hard",
		"soft", "block" };
	static const char *const reason_keys[] = { "class", "reason",
		"events" };
	static const char *const rule_keys[] = { "rule", "events" };
	JsonArray               *th = array(r, "thresholds");
	const char              *list = str(r, "list");
	guint                    i;

	fprintf(f,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>rebound "
	    "report ");
	put(f, str(r, "since"));
	fprintf(f, " to ");
	put(f, str(r, "until"));
	fprintf(f,
	    "</title>\n<style>%s</style>\n</head><body>\n<header>"
	    "<h1>Deliverability, ",
	    style);
	put(f, str(r, "since"));
	fprintf(f, " to ");
	put(f, str(r, "until"));
	fprintf(f, "</h1>\n<p class=\"meta\">");
	if (list != NULL) {
		fprintf(f, "list ");
		put(f, list);
	} else
		fprintf(f, "every list");
	fprintf(f,
	    "; days are the days the deliveries failed (UTC)%s</p>\n"
	    "</header>\n",
	    json_object_get_boolean_member_with_default(r, "addresses_masked",
		TRUE)
		? "; addresses masked"
		: "");
	fprintf(f,
	    "<section id=\"summary\"><div class=\"cards\">"
	    "<div>hard<b>%g</b></div><div>soft<b>%g</b></div>"
	    "<div>block<b>%g</b></div><div>complaints<b>%g</b></div>"
	    "<div>suppressed<b>%g</b></div><div>unsuppressed<b>%g</b></div>"
	    "<div>incidents<b>%u</b></div></div></section>\n",
	    total(r, "hard"), total(r, "soft"), total(r, "block"),
	    total(r, "compl"),
	    total(r, "sup_h") + total(r, "sup_s") + total(r, "sup_c") +
		total(r, "sup_m"),
	    total(r, "unsup"), json_array_get_length(array(r, "incidents")));

	fprintf(f, "<section><h2>Bounces per day</h2>\n");
	daily_chart(f, r);
	table(f, array(r, "days"), day_keys, day_heads, G_N_ELEMENTS(day_keys),
	    "Nothing failed in the period.");
	fprintf(f, "</section>\n");

	fprintf(f, "<section><h2>Rates per send</h2>\n");
	rate_chart(f, r);
	table(f, array(r, "rates"), rate_keys, rate_heads,
	    G_N_ELEMENTS(rate_keys),
	    "No send of known size in the period: counts only. Record the "
	    "size of each send (rebound sent --count N, or a connector) to "
	    "see rates.");
	fprintf(f,
	    "<p class=\"note\">Complaint rates count feedback-loop "
	    "reports only: Gmail sends none (its spam rate is in "
	    "Postmaster Tools), so they are a floor.</p>\n</section>\n");

	fprintf(f,
	    "<section><h2>Block incidents</h2>\n<p class=\"note\">A "
	    "receiving domain's blocks on a day over three times the "
	    "median of its seven days before.</p>\n");
	table(f, array(r, "incidents"), inc_keys, inc_heads,
	    G_N_ELEMENTS(inc_keys), "No incident in the period.");
	fprintf(f, "</section>\n");

	fprintf(f, "<section><h2>What rebound suppressed</h2>\n");
	table(f, array(r, "suppressions"), sup_keys, sup_keys,
	    G_N_ELEMENTS(sup_keys), "Nobody was suppressed in the period.");
	fprintf(f, "<h2>Closest to suppression</h2>\n");
	table(f, array(r, "near_threshold"), near_keys, near_heads,
	    G_N_ELEMENTS(near_keys), "Nobody has soft bounces counted.");
	fprintf(f, "</section>\n");

	fprintf(f, "<section><h2>Top receiving domains</h2>\n");
	table(f, array(r, "top_domains"), dom_keys, dom_keys,
	    G_N_ELEMENTS(dom_keys), "None.");
	fprintf(f, "<h2>Top reasons</h2>\n");
	table(f, array(r, "top_reasons"), reason_keys, reason_keys,
	    G_N_ELEMENTS(reason_keys), "None.");
	fprintf(f, "<h2>Top rules</h2>\n");
	table(f, array(r, "top_rules"), rule_keys, rule_keys,
	    G_N_ELEMENTS(rule_keys), "None.");
	fprintf(f,
	    "</section>\n<footer><p>Thresholds the rates are held "
	    "against:</p><ul>\n");
	for (i = 0; i < json_array_get_length(th); i++) {
		JsonObject *o = json_array_get_object_element(th, i);

		if (o == NULL)
			continue;
		fprintf(f, "<li>%g%%: ", num(o, "limit_pct"));
		put(f, str(o, "source"));
		fprintf(f, " (<a href=\"");
		put(f, str(o, "url"));
		fprintf(f, "\" rel=\"noreferrer\">");
		put(f, str(o, "url"));
		fprintf(f, "</a>)</li>\n");
	}
	fprintf(f,
	    "</ul><p>Written by rebound; every text in this page came "
	    "from mail and is shown as text.</p></footer>\n"
	    "</body></html>\n");
}

int
html_write(struct db *db, const struct db_report_query *q, FILE *f,
    char **cause)
{
	char       *buf = NULL;
	size_t      len = 0;
	FILE       *m = open_memstream(&buf, &len);
	JsonParser *p;
	GError     *err = NULL;
	int         rc = -1;

	if (m == NULL) {
		*cause = g_strdup_printf("report: %s", g_strerror(errno));
		return -1;
	}
	if (db_report(db, q, m, DB_JSON, cause) < 0) {
		fclose(m);
		free(buf);
		return -1;
	}
	fclose(m);
	p = json_parser_new();
	if (!json_parser_load_from_data(p, buf, (gssize)len, &err) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
		*cause = g_strdup_printf("report: %s",
		    err != NULL ? err->message : "not an object");
	else {
		html_report(json_node_get_object(json_parser_get_root(p)), f);
		rc = 0;
	}
	g_clear_error(&err);
	g_object_unref(p);
	free(buf);
	return rc;
}
