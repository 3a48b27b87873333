/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Text that came from the network, made safe to show.
 *
 * Every string another machine chose (an mDNS service name, a TXT value, a
 * field of /v1/node or of a sample, an HTTP reason phrase, an error message
 * quoting one of these) passes seye_sanitize_display() before a terminal, a
 * label, a notification, a window title, a file name or a log line sees it.
 * The model keeps the exact string: JSON output writes it escaped as JSON, not
 * through this.
 */

char     *seye_sanitize_display   (const char *text) G_GNUC_WARN_UNUSED_RESULT;
gboolean  seye_sanitize_is_hidden (gunichar    c);

G_END_DECLS
