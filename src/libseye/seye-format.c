/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-format"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "seye-format.h"

#define UNKNOWN "–"

static char *
format_scaled (double      value,
               const char *suffix)
{
  static const char * const units[] = { "KB", "MB", "GB", "TB", "PB", "EB" };
  guint unit = 0;

  if (!(value >= 0) || isinf (value))
    return g_strdup (UNKNOWN);

  if (value < 1000)
    {
      /* TRANSLATORS: a size in bytes; %s is "" or "/s" */
      return g_strdup_printf (_("%.0f B%s"), round (value), suffix);
    }

  value /= 1000;
  /* Round first so that 999.95 KB becomes "1.0 MB", not "1000 KB". */
  while (unit + 1 < G_N_ELEMENTS (units) &&
         (value >= 1000 || (value >= 99.5 && round (value) >= 1000)))
    {
      value /= 1000;
      unit++;
    }

  if (value < 9.95)
    return g_strdup_printf ("%.1f %s%s", value, units[unit], suffix);

  return g_strdup_printf ("%.0f %s%s", value, units[unit], suffix);
}

/**
 * seye_format_bytes:
 *
 * Returns: (transfer full): @bytes in decimal units, e.g. "512 MB", "8.6 GB", "900 B".
 */
char *
seye_format_bytes (guint64 bytes)
{
  return format_scaled ((double) bytes, "");
}

/**
 * seye_format_rate:
 *
 * Returns: (transfer full): a transfer rate, e.g. "1.2 MB/s", "0 B/s".
 */
char *
seye_format_rate (double bytes_per_sec)
{
  return format_scaled (bytes_per_sec, "/s");
}

/**
 * seye_format_duration:
 *
 * Returns: (transfer full): the largest whole unit, e.g. "2 hours", "3 days", "1 minute".
 */
char *
seye_format_duration (double seconds)
{
  guint64 s;

  if (!(seconds >= 0) || isinf (seconds))
    return g_strdup (UNKNOWN);

  s = (guint64) seconds;

  if (s < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", (gulong) s),
                            (guint) s);
  if (s < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", (gulong) (s / 60)),
                            (guint) (s / 60));
  if (s < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", (gulong) (s / 3600)),
                            (guint) (s / 3600));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", (gulong) (s / 86400)),
                          (guint) (s / 86400));
}

/**
 * seye_format_duration_short:
 *
 * Returns: (transfer full): two units at most, e.g. "45s", "5m 12s", "2h 05m", "3d 4h".
 */
char *
seye_format_duration_short (double seconds)
{
  guint64 s;

  if (!(seconds >= 0) || isinf (seconds))
    return g_strdup (UNKNOWN);

  s = (guint64) seconds;

  if (s < 60)
    return g_strdup_printf ("%us", (guint) s);
  if (s < 3600)
    return g_strdup_printf ("%um %02us", (guint) (s / 60), (guint) (s % 60));
  if (s < 86400)
    return g_strdup_printf ("%uh %02um", (guint) (s / 3600), (guint) (s % 3600 / 60));

  return g_strdup_printf ("%" G_GUINT64_FORMAT "d %uh", s / 86400, (guint) (s % 86400 / 3600));
}

/**
 * seye_format_percent:
 *
 * Returns: (transfer full): e.g. "6 %", "100 %"; "–" when @percent is negative.
 */
char *
seye_format_percent (double percent)
{
  if (!(percent >= 0) || isinf (percent))
    return g_strdup (UNKNOWN);

  return g_strdup_printf ("%.0f %%", round (percent));
}

/**
 * seye_format_load:
 *
 * Returns: (transfer full): the three load averages, e.g. "0.42 0.38 0.30".
 */
char *
seye_format_load (const double load[3])
{
  g_return_val_if_fail (load != NULL, NULL);

  return g_strdup_printf ("%.2f %.2f %.2f", load[0], load[1], load[2]);
}
