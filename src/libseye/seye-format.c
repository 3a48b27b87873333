/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-format"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "seye-format.h"

#define UNKNOWN "–"

static const char * const units[] = { "KB", "MB", "GB", "TB", "PB", "EB" };

/* The unit @value (>= 1000) is shown in, and what it divides by. */
static guint
choose_unit (double  value,
             double *divisor)
{
  guint unit = 0;

  value /= 1000;
  *divisor = 1000;
  /* Round first so that 999.95 KB becomes "1.0 MB", not "1000 KB". */
  while (unit + 1 < G_N_ELEMENTS (units) &&
         (value >= 1000 || (value >= 99.5 && round (value) >= 1000)))
    {
      value /= 1000;
      *divisor *= 1000;
      unit++;
    }

  return unit;
}

/* One decimal below 10, none from there: "8.6", "12". */
static char *
format_number (double value)
{
  return g_strdup_printf (value < 9.95 ? "%.1f" : "%.0f", value);
}

static char *
format_scaled (double      value,
               const char *suffix)
{
  g_autofree char *number = NULL;
  double divisor;
  guint unit;

  if (!(value >= 0) || isinf (value))
    return g_strdup (UNKNOWN);

  if (value < 1000)
    {
      /* TRANSLATORS: a size in bytes; %s is "" or "/s" */
      return g_strdup_printf (_("%.0f B%s"), round (value), suffix);
    }

  unit = choose_unit (value, &divisor);
  number = format_number (value / divisor);

  return g_strdup_printf ("%s %s%s", number, units[unit], suffix);
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
 * seye_format_bytes_of:
 *
 * Returns: (transfer full): @used of @total in the unit of @total, for narrow
 *   places, e.g. "0.8/25 GB", "3.2/16 GB", "512/900 B".
 */
char *
seye_format_bytes_of (guint64 used,
                      guint64 total)
{
  g_autofree char *used_text = NULL;
  g_autofree char *total_text = NULL;
  double divisor;
  guint unit;

  if (total < 1000)
    {
      /* TRANSLATORS: a part and a whole in bytes, e.g. "512/900 B" */
      return g_strdup_printf (_("%llu/%llu B"), (unsigned long long) used, (unsigned long long) total);
    }

  unit = choose_unit ((double) total, &divisor);
  used_text = format_number (used / divisor);
  total_text = format_number (total / divisor);

  return g_strdup_printf ("%s/%s %s", used_text, total_text, units[unit]);
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
