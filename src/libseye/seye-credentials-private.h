/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "seye-credentials.h"

G_BEGIN_DECLS

/*
 * SeyeTlsCheck:
 *
 * Guards one SoupMessage to an https node. Every TLS handshake of its
 * connection comes to the check (the session has no TLS database, so GIO
 * validates nothing and libsoup always asks through "accept-certificate"):
 * with a pinned pairing only the pinned certificate is accepted; without one
 * any certificate is, for open data. The token is added in "starting", after
 * the connection is up and before any header leaves, and only when the
 * certificate of that very connection is the pinned one.
 */
typedef struct _SeyeTlsCheck SeyeTlsCheck;

SeyeTlsCheck *_seye_tls_check_new        (SoupMessage       *message,
                                          const SeyePairing *pinned,
                                          SeyeCredentials   *credentials) G_GNUC_WARN_UNUSED_RESULT;
void          _seye_tls_check_free       (SeyeTlsCheck      *check);
const char   *_seye_tls_check_get_fingerprint (SeyeTlsCheck *check);
gboolean      _seye_tls_check_get_mismatch    (SeyeTlsCheck *check);
gboolean      _seye_tls_check_get_token_sent  (SeyeTlsCheck *check);
const char   *_seye_tls_check_get_pinned_fingerprint (SeyeTlsCheck *check);

/* For tests: how many TLS handshakes came to a check, in this process. */
guint         _seye_tls_check_get_n_handshakes (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeTlsCheck, _seye_tls_check_free)

G_END_DECLS
