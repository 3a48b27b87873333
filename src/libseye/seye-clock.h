/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The clock the client judges ages by: how long a node has been offline, when
 * it leaves the list. The real clock, plus an offset that tests may set to
 * jump ahead without waiting: the environment variable SEYE_CLOCK_OFFSET_FILE
 * names a file holding a number of seconds, read again when it changes.
 */
gint64 seye_clock_get_real_ms       (void);   /* Unix time in milliseconds */
gint64 seye_clock_get_monotonic_us  (void);   /* g_get_monotonic_time() plus the offset */

G_END_DECLS
