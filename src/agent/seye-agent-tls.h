/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTlsCertificate *seye_agent_tls_get_certificate         (const char       *certificate_path,
                                                         const char       *key_path,
                                                         const char       *state_dir,
                                                         char            **used_path,
                                                         gboolean         *generated,
                                                         GError          **error) G_GNUC_WARN_UNUSED_RESULT;
char            *seye_agent_tls_fingerprint             (GTlsCertificate  *certificate) G_GNUC_WARN_UNUSED_RESULT;
char            *seye_agent_tls_fingerprint_for_humans  (const char       *fingerprint) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
