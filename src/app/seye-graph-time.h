/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The time axis of the graphs, free of GTK so that it can be unit tested: where its
 * lines go and what they say ("−30 s" … "now" for live ranges, clock times for an hour
 * or a day, dates for a week), and what a range that reaches back before the first
 * recorded point says instead of an empty grid.
 */

typedef struct
{
  gint64  time_ms;
  char   *label;
} SeyeTimeTick;

/* The ticks of a window of @window_ms ending at @end_ms, oldest first; live ranges
 * count back from the right edge, stored ones fall on round times in @tz. */
GArray *seye_graph_time_ticks         (gint64     end_ms,
                                       gint64     window_ms,
                                       gboolean   live,
                                       GTimeZone *tz) G_GNUC_WARN_UNUSED_RESULT;

/* "Recorded since 14:02" (the same day as @end_ms) or "Recorded since 3 Dec"; NULL when
 * @first_ms is within a twentieth of the window from its left edge. */
char   *seye_graph_recorded_since     (gint64     first_ms,
                                       gint64     end_ms,
                                       gint64     window_ms,
                                       GTimeZone *tz) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
