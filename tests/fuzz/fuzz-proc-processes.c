/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-proc-processes.h"

/*
 * The parsers of one process's files on fuzz bytes: the input is cut at each
 * 0xff byte into /proc/PID/stat, status, io, cmdline and statm, in this order (a
 * part the input does not reach is empty). Each parser must either refuse
 * its part or give a name that is valid UTF-8 without control characters.
 */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static const char *
next_part (const char **pos,
           const char  *end,
           gsize       *len)
{
  const char *part = *pos;
  const char *cut = part < end ? memchr (part, 0xff, end - part) : NULL;

  *len = (cut != NULL ? cut : end) - part;
  *pos = cut != NULL ? cut + 1 : end;

  return part;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *pos = (const char *) data;
  const char *end = pos + size;
  SeyeProcPidStat stat;
  guint32 uid;
  guint64 threads, rss, read_bytes, write_bytes;
  const char *part;
  GStrv args;
  gsize len;

  part = next_part (&pos, end, &len);
  if (_seye_proc_parse_pid_stat (part, len, &stat))
    {
      g_assert_true (g_utf8_validate (stat.name, -1, NULL));
      for (const char *p = stat.name; *p != '\0'; p++)
        g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
      g_assert_cmpuint (strlen (stat.name), <=, SEYE_PROCESS_MAX_NAME);
      g_assert_true (g_ascii_isalpha (stat.state));
      g_free (stat.name);
    }
  else
    {
      g_assert_null (stat.name);
    }

  part = next_part (&pos, end, &len);
  _seye_proc_parse_pid_status (part, len, &uid, &threads, &rss);

  part = next_part (&pos, end, &len);
  _seye_proc_parse_pid_io (part, len, &read_bytes, &write_bytes);

  part = next_part (&pos, end, &len);
  args = _seye_proc_parse_cmdline (part, len);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_assert_true (g_utf8_validate (args[i], -1, NULL));
  g_strfreev (args);

  part = next_part (&pos, end, &len);
  _seye_proc_parse_pid_statm (part, len, &rss);

  return 0;
}
