/*
 * html.h - the deliverability report (`rebound report --format html`) as
 * one self-contained HTML page: inline CSS and SVG charts drawn here, no
 * script, no request to anywhere (a Content-Security-Policy forbids
 * both), readable on a phone and printable on A4.  Every text in it came
 * from a stranger's mail and is escaped.
 */
#ifndef REBOUND_HTML_H
#define REBOUND_HTML_H

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "db.h"

/* html_report - write the page of report r (a rebound-report/1 object,
 * docs/report.md) to f */
void html_report(JsonObject *r, FILE *f);

/* html_write - the page of query q, read from the database (db_report()'s
 * JSON, drawn), to f.  0, or -1 with *cause. */
int html_write(struct db *db, const struct db_report_query *q, FILE *f,
    char **cause);

#endif /* REBOUND_HTML_H */
