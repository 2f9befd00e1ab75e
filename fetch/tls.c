/*
 * tls.c - verify the certificate a TLS server presented.
 *
 * Debian's libetpan accepts any certificate during the handshake (see
 * ../shared/notes/libraries.md), so after every TLS connection or STARTTLS
 * the chain is taken from the stream and checked here with GnuTLS: against
 * the configured CA file or the system trust store, then against the host
 * name (or IP address) that was asked for.  No library call does this for a
 * libetpan stream, hence this file.
 */
#include <arpa/inet.h>

#include <string.h>

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "internal.h"

void
tls_sni(struct mailstream_ssl_context *ctx, void *host)
{
	mailstream_ssl_set_server_name(ctx, host);
}

/* host_matches - does the leaf certificate name host (DNS name or IP)? */
static int
host_matches(gnutls_x509_crt_t leaf, const char *host)
{
	unsigned char ip[16];

	if (inet_pton(AF_INET, host, ip) == 1)
		return gnutls_x509_crt_check_ip(leaf, ip, 4, 0);
	if (inet_pton(AF_INET6, host, ip) == 1)
		return gnutls_x509_crt_check_ip(leaf, ip, 16, 0);
	return gnutls_x509_crt_check_hostname2(leaf, host, 0);
}

int
tls_check(struct _mailstream *stream, const char *host, const char *ca_file,
    char **cause)
{
	carray *chain = mailstream_get_certificate_chain(stream);
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_x509_crt_t       *crts = NULL;
	unsigned                 i, n = 0, verify = 0;
	int                      rc = -1, r;

	if (chain == NULL || carray_count(chain) == 0) {
		*cause =
		    g_strdup_printf("%s: the server presented no certificate",
			host);
		goto out;
	}
	n = carray_count(chain);
	crts = g_new0(gnutls_x509_crt_t, n);
	for (i = 0; i < n; i++) {
		MMAPString    *der = carray_get(chain, i);
		gnutls_datum_t d = { (unsigned char *)der->str,
			(unsigned)der->len };
		if (gnutls_x509_crt_init(&crts[i]) < 0 ||
		    gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER) <
			0) {
			*cause =
			    g_strdup_printf("%s: cannot read certificate %u "
					    "of the chain",
				host, i);
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&trust, 0) < 0)
		goto nomem;
	if (ca_file != NULL)
		r = gnutls_x509_trust_list_add_trust_file(trust, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
	else
		r = gnutls_x509_trust_list_add_system_trust(trust, 0, 0);
	if (r <= 0) {
		*cause =
		    g_strdup_printf("%s: no trusted certificates loaded from "
				    "%s",
			host, ca_file != NULL ? ca_file : "the system store");
		goto out;
	}
	r = gnutls_x509_trust_list_verify_crt(trust, crts, n, 0, &verify, NULL);
	if (r < 0 || verify != 0) {
		gnutls_datum_t why = { NULL, 0 };
		gnutls_certificate_verification_status_print(verify,
		    GNUTLS_CRT_X509, &why, 0);
		*cause = g_strdup_printf("%s: certificate not trusted (%s)%s",
		    host,
		    why.data != NULL ? (char *)why.data : gnutls_strerror(r),
		    ca_file != NULL
			? "; ca_file does not hold the CA that signed it"
			: "; set ca_file for a private CA");
		gnutls_free(why.data);
		goto out;
	}
	if (!host_matches(crts[0], host)) {
		*cause =
		    g_strdup_printf("%s: the certificate is not for this host "
				    "name",
			host);
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	*cause = g_strdup("out of memory");
out:
	for (i = 0; crts != NULL && i < n; i++)
		if (crts[i] != NULL)
			gnutls_x509_crt_deinit(crts[i]);
	g_free(crts);
	if (trust != NULL)
		gnutls_x509_trust_list_deinit(trust, 1);
	for (i = 0; chain != NULL && i < carray_count(chain); i++)
		mmap_string_free(carray_get(chain, i));
	if (chain != NULL)
		carray_free(chain);
	return rc;
}
