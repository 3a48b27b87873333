/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses "host", "host:port", "[v6]:port"; the default port when none. */
gboolean  seye_parse_host_port    (const char  *text,
                                   char       **host,
                                   guint16     *port,
                                   GError     **error);
/* The same, with an optional "http://" or "https://" in front. */
gboolean  seye_parse_node_address (const char  *text,
                                   char       **host,
                                   guint16     *port,
                                   gboolean    *tls,
                                   GError     **error);

char     *seye_address_format     (const char  *host,
                                   guint16      port) G_GNUC_WARN_UNUSED_RESULT;
char     *seye_address_base_uri   (const char  *host,
                                   guint16      port,
                                   gboolean     tls) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
