/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Human units shared by the CLI and the app.
 *
 * Sizes are decimal (SI, powers of 1000) as GNOME shows them everywhere (Files,
 * System Monitor, g_format_size()): 1 KB = 1000 bytes, 1 GB = 10^9 bytes. The
 * labels are "KB", "MB", "GB", "TB". A value shows three significant digits at
 * most: "512 MB", "8.6 GB", "1.2 MB/s", "12 KB".
 *
 * Durations name the largest whole unit: "45 seconds", "5 minutes", "2 hours",
 * "3 days"; the short form combines two units: "45s", "5m 12s", "2h 05m", "3d 4h".
 *
 * Unknown values (negative numbers) are shown as an en dash "–".
 */

char *seye_format_bytes          (guint64 bytes) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_bytes_of       (guint64 used,
                                  guint64 total) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_rate           (double  bytes_per_sec) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_duration       (double  seconds) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_duration_short (double  seconds) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_percent        (double  percent) G_GNUC_WARN_UNUSED_RESULT;
char *seye_format_load           (const double load[3]) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
