/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-clock"

#include "config.h"

#include "seye-clock.h"

/* The offset in microseconds: 0 unless SEYE_CLOCK_OFFSET_FILE names a file
 * with seconds in it. The file is read again at most once a second. */
static gint64
offset_us (void)
{
  static gint64 offset;
  static gint64 checked_us;
  const char *path = g_getenv ("SEYE_CLOCK_OFFSET_FILE");
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;
  gint64 read_offset = 0;

  if (path == NULL || *path == '\0')
    return 0;

  if (checked_us != 0 && now - checked_us < G_USEC_PER_SEC)
    return offset;
  checked_us = now;

  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      double seconds = g_ascii_strtod (text, NULL);

      if (seconds > 0 && seconds < 1e9)
        read_offset = (gint64) (seconds * G_USEC_PER_SEC);
    }

  if (read_offset != offset)
    g_debug ("clock offset: %.0f s", read_offset / (double) G_USEC_PER_SEC);
  offset = read_offset;

  return offset;
}

gint64
seye_clock_get_real_ms (void)
{
  return (g_get_real_time () + offset_us ()) / 1000;
}

gint64
seye_clock_get_monotonic_us (void)
{
  return g_get_monotonic_time () + offset_us ();
}
