/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SEYE_TXT_VERSION 1

/**
 * SeyeTxtRecord:
 *
 * The TXT record of a _sorcerers-eye._tcp service: "txtvers=1", "id=<node id>",
 * "api=1", "version=<agent version>", and when the agent has them
 * "tls=<SHA-256 of its certificate, 64 lower-case hex digits>" (it serves
 * HTTPS only), "auth=token" (its JSON API wants a bearer token) and
 * "tags=web,eu-1" (seye-tags.h).
 */
typedef struct
{
  guint     txtvers;
  char     *node_id;
  guint     api_version;
  char     *agent_version;
  char     *tls_fingerprint;  /* NULL: plain HTTP */
  gboolean  auth_token;
  GStrv     tags;             /* NULL: none */
} SeyeTxtRecord;

#define SEYE_TXT_FINGERPRINT_LENGTH 64

void      seye_txt_record_clear       (SeyeTxtRecord   *self);
gboolean  seye_txt_record_parse_entry (SeyeTxtRecord   *self,
                                       const guint8    *data,
                                       gsize            length,
                                       GError         **error);
gboolean  seye_txt_record_validate    (SeyeTxtRecord   *self,
                                       GError         **error);
GStrv     seye_txt_record_to_strv     (const SeyeTxtRecord *self) G_GNUC_WARN_UNUSED_RESULT;
void      seye_txt_record_copy        (SeyeTxtRecord       *dest,
                                       const SeyeTxtRecord *src);
gboolean  seye_txt_record_equal       (const SeyeTxtRecord *a,
                                       const SeyeTxtRecord *b);

gboolean  seye_txt_fingerprint_is_valid (const char *fingerprint);

G_END_DECLS
