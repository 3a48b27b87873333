/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SEYE_FINGERPRINT_LENGTH 64   /* SHA-256 in lower-case hex */
#define SEYE_TOKEN_LENGTH       64   /* 32 random bytes in lower-case hex */

/**
 * SeyePairing:
 * @node_id: the node's id (32 hex digits); "host:port" for a node added by
 *   address whose id was not known when it was paired
 * @name: the node's name when it was paired, for display (keyring label)
 * @fingerprint: SHA-256 of the DER of the pinned certificate, 64 lower-case hex digits
 * @token: the bearer token, 64 lower-case hex digits
 *
 * What the user agreed to when pairing with a node: the token goes to the
 * holder of that certificate and to no one else.
 */
typedef struct
{
  char *node_id;
  char *name;
  char *fingerprint;
  char *token;
} SeyePairing;

#define SEYE_TYPE_PAIRING (seye_pairing_get_type ())
GType        seye_pairing_get_type (void) G_GNUC_CONST;
SeyePairing *seye_pairing_new      (const char        *node_id,
                                    const char        *name,
                                    const char        *fingerprint,
                                    const char        *token) G_GNUC_WARN_UNUSED_RESULT;
SeyePairing *seye_pairing_copy     (const SeyePairing *self) G_GNUC_WARN_UNUSED_RESULT;
void         seye_pairing_free     (SeyePairing       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyePairing, seye_pairing_free)

char     *seye_tls_certificate_fingerprint (GTlsCertificate *certificate) G_GNUC_WARN_UNUSED_RESULT;
char     *seye_fingerprint_format          (const char      *fingerprint) G_GNUC_WARN_UNUSED_RESULT;
char     *seye_fingerprint_parse           (const char      *text,
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  seye_fingerprint_equal           (const char      *a,
                                            const char      *b);
char     *seye_token_parse                 (const char      *text,
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * SeyeCredentials:
 *
 * The pairings a client holds, in memory, by node id. Where they are kept
 * between runs is the caller's business (the app: the desktop keyring, see
 * seye-keyring.h; `seye`: a token file and a pin on the command line).
 *
 * Signals: "changed" (const char *node_id): a pairing was added, replaced or removed.
 */
#define SEYE_TYPE_CREDENTIALS (seye_credentials_get_type ())
G_DECLARE_FINAL_TYPE (SeyeCredentials, seye_credentials, SEYE, CREDENTIALS, GObject)

SeyeCredentials   *seye_credentials_new                (void) G_GNUC_WARN_UNUSED_RESULT;
void               seye_credentials_add                (SeyeCredentials   *self,
                                                        const SeyePairing *pairing);
gboolean           seye_credentials_remove             (SeyeCredentials   *self,
                                                        const char        *node_id);
const SeyePairing *seye_credentials_lookup             (SeyeCredentials   *self,
                                                        const char        *node_id);
const SeyePairing *seye_credentials_lookup_fingerprint (SeyeCredentials   *self,
                                                        const char        *fingerprint);
guint              seye_credentials_get_n_pairings     (SeyeCredentials   *self);

G_END_DECLS
