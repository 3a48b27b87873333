/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-graph-time"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-graph-math.h"
#include "seye-graph-time.h"

#define DAY_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

static void
tick_clear (gpointer data)
{
  SeyeTimeTick *tick = data;

  g_clear_pointer (&tick->label, g_free);
}

/* "−30 s", "−4 min", "now": how long before the right edge, in the unit of @step_ms. */
static char *
format_offset (gint64 offset_ms,
               gint64 step_ms)
{
  if (offset_ms <= 0)
    return g_strdup (C_("time axis", "now"));

  if (step_ms % 3600000 == 0)
    /* Translators: hours before now on a graph's time axis; the sign is a minus sign */
    return g_strdup_printf (C_("time axis", "−%d h"), (int) (offset_ms / 3600000));

  if (step_ms % 60000 == 0)
    /* Translators: minutes before now on a graph's time axis */
    return g_strdup_printf (C_("time axis", "−%d min"), (int) (offset_ms / 60000));

  /* Translators: seconds before now on a graph's time axis */
  return g_strdup_printf (C_("time axis", "−%d s"), (int) (offset_ms / 1000));
}

static char *
format_clock (gint64     t_ms,
              gboolean   dates,
              GTimeZone *tz)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t_ms / 1000);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, tz);

  /* Translators: strftime formats of the time axis: a day ("5 Dec") and a time ("14:00") */
  return g_date_time_format (local, dates ? C_("time axis", "%-d %b") : C_("time axis", "%H:%M"));
}

/* Milliseconds east of UTC in @tz at @t_ms, so that round times are round locally. */
static gint64
utc_offset_ms (gint64     t_ms,
               GTimeZone *tz)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, t_ms / 1000);

  return interval >= 0 ? (gint64) g_time_zone_get_offset (tz, interval) * 1000 : 0;
}

GArray *
seye_graph_time_ticks (gint64     end_ms,
                       gint64     window_ms,
                       gboolean   live,
                       GTimeZone *tz)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SeyeTimeTick));
  gint64 step = seye_graph_time_grid_step (window_ms);
  gint64 start = end_ms - window_ms;

  g_array_set_clear_func (ticks, tick_clear);

  if (window_ms <= 0 || step <= 0)
    return ticks;

  if (live)
    {
      /* Counted from the right edge, so the lines stand still while time goes by. */
      for (gint64 offset = (window_ms / step) * step; offset >= 0; offset -= step)
        {
          SeyeTimeTick tick = { end_ms - offset, format_offset (offset, step) };

          g_array_append_val (ticks, tick);
        }
    }
  else
    {
      gint64 offset = utc_offset_ms (start, tz);
      gint64 t = start + offset;

      /* The first round local time at or after the left edge. */
      t = ((t + step - 1) / step) * step - offset;
      for (; t <= end_ms; t += step)
        {
          SeyeTimeTick tick = { t, format_clock (t, step >= DAY_MS, tz) };

          g_array_append_val (ticks, tick);
        }
    }

  return ticks;
}

char *
seye_graph_recorded_since (gint64     first_ms,
                           gint64     end_ms,
                           gint64     window_ms,
                           GTimeZone *tz)
{
  g_autoptr (GDateTime) first_utc = NULL;
  g_autoptr (GDateTime) end_utc = NULL;
  g_autoptr (GDateTime) first = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autofree char *when = NULL;

  if (first_ms - (end_ms - window_ms) <= window_ms / 20)
    return NULL;

  first_utc = g_date_time_new_from_unix_utc (first_ms / 1000);
  end_utc = g_date_time_new_from_unix_utc (end_ms / 1000);
  first = g_date_time_to_timezone (first_utc, tz);
  end = g_date_time_to_timezone (end_utc, tz);

  /* The time alone on the day the range ends, else the date. */
  if (g_date_time_get_year (first) == g_date_time_get_year (end) &&
      g_date_time_get_day_of_year (first) == g_date_time_get_day_of_year (end))
    when = g_date_time_format (first, C_("time axis", "%H:%M"));
  else
    when = g_date_time_format (first, C_("time axis", "%-d %b"));

  /* Translators: %s is a time ("14:02") or a date ("3 Dec"): the oldest data of a graph */
  return g_strdup_printf (_("Recorded since %s"), when);
}
