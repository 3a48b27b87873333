/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <string.h>

#include "seye-proc-parse.h"
#include "seye-proc-processes.h"

/*
 * The parsers of one process's files of /proc/PID: pure functions of a
 * buffer, shared by the scanner (seye-proc-processes.c), the tests and the
 * fuzzer (tests/fuzz/fuzz-proc-processes.c).
 */

/* Fields of /proc/PID/stat after the name, counted from 0 at the state (field 3). */
enum {
  STAT_STATE = 0,
  STAT_UTIME = 11,
  STAT_STIME = 12,
  STAT_THREADS = 17,
  STAT_START = 19,
  STAT_RSS = 21,
  STAT_MIN_FIELDS = 22,
};

/**
 * _seye_proc_parse_pid_stat:
 *
 * Reads /proc/PID/stat. The name is what lies between the first '(' and the
 * last ')': a process may call itself "a) (b" or put a newline in its name,
 * and only the last ')' is the kernel's. Returns FALSE for anything else.
 */
gboolean
_seye_proc_parse_pid_stat (const char      *buf,
                           gsize            len,
                           SeyeProcPidStat *out)
{
  const char *open = memchr (buf, '(', len);
  const char *close = NULL;
  SeyeProcCursor rest;
  SeyeProcToken token;
  guint64 utime = 0, stime = 0;
  guint field = 0;

  memset (out, 0, sizeof *out);
  if (open == NULL)
    return FALSE;
  for (const char *p = buf + len; p > open + 1; p--)
    if (p[-1] == ')')
      {
        close = p - 1;
        break;
      }
  if (close == NULL)
    return FALSE;

  rest.pos = close + 1;
  rest.end = buf + len;
  /* The line's end, after the last field read (rss) when a file has no more. */
  while (rest.end > rest.pos && rest.end[-1] == '\n')
    rest.end--;
  while (_seye_proc_next_token (&rest, &token) && field < STAT_MIN_FIELDS)
    {
      gboolean ok = TRUE;

      if (field == STAT_STATE)
        {
          if (token.len != 1 || !g_ascii_isalpha (token.str[0]))
            return FALSE;
          out->state = token.str[0];
        }
      else if (field == STAT_UTIME)
        ok = _seye_proc_parse_u64 (token.str, token.len, &utime);
      else if (field == STAT_STIME)
        ok = _seye_proc_parse_u64 (token.str, token.len, &stime);
      else if (field == STAT_THREADS)
        ok = _seye_proc_parse_u64 (token.str, token.len, &out->threads);
      else if (field == STAT_START)
        ok = _seye_proc_parse_u64 (token.str, token.len, &out->start_ticks);
      else if (field == STAT_RSS)
        ok = _seye_proc_parse_u64 (token.str, token.len, &out->rss_pages);
      if (!ok)
        return FALSE;
      field++;
    }
  if (field < STAT_MIN_FIELDS)
    return FALSE;

  out->ticks = _seye_proc_add_sat (utime, stime);
  out->name = _seye_proc_tidy_text (open + 1, close - open - 1, SEYE_PROCESS_MAX_NAME);

  return TRUE;
}

static gboolean
parse_status_value (SeyeProcCursor *line,
                    guint64        *value)
{
  SeyeProcToken token;

  return _seye_proc_next_token (line, &token) && _seye_proc_parse_u64 (token.str, token.len, value);
}

/**
 * _seye_proc_parse_pid_status:
 *
 * The real uid, the threads and the resident memory of /proc/PID/status. A
 * kernel thread has no VmRSS: its @rss_bytes is 0. Returns FALSE without a Uid.
 */
gboolean
_seye_proc_parse_pid_status (const char *buf,
                             gsize       len,
                             guint32    *uid,
                             guint64    *threads,
                             guint64    *rss_bytes)
{
  SeyeProcCursor text = { buf, buf + len };
  SeyeProcCursor line;
  gboolean have_uid = FALSE;

  *uid = 0;
  *threads = 0;
  *rss_bytes = 0;

  while (_seye_proc_next_line (&text, &line))
    {
      SeyeProcToken name;
      guint64 value;

      if (!_seye_proc_next_token (&line, &name))
        continue;
      if (_seye_proc_token_equal (&name, "Uid:"))
        {
          if (!parse_status_value (&line, &value) || value > G_MAXUINT32)
            return FALSE;
          *uid = (guint32) value;
          have_uid = TRUE;
        }
      else if (_seye_proc_token_equal (&name, "Threads:"))
        {
          if (parse_status_value (&line, &value))
            *threads = value;
        }
      else if (_seye_proc_token_equal (&name, "VmRSS:"))
        {
          if (parse_status_value (&line, &value))
            *rss_bytes = _seye_proc_mul_sat (value, 1024);
        }
    }

  return have_uid;
}

/**
 * _seye_proc_parse_pid_io:
 *
 * The bytes a process had read from and written to storage, from /proc/PID/io.
 */
gboolean
_seye_proc_parse_pid_io (const char *buf,
                         gsize       len,
                         guint64    *read_bytes,
                         guint64    *write_bytes)
{
  SeyeProcCursor text = { buf, buf + len };
  SeyeProcCursor line;
  gboolean have_read = FALSE, have_write = FALSE;

  *read_bytes = 0;
  *write_bytes = 0;

  while (_seye_proc_next_line (&text, &line))
    {
      SeyeProcToken name;

      if (!_seye_proc_next_token (&line, &name))
        continue;
      if (_seye_proc_token_equal (&name, "read_bytes:"))
        have_read = parse_status_value (&line, read_bytes);
      else if (_seye_proc_token_equal (&name, "write_bytes:"))
        have_write = parse_status_value (&line, write_bytes);
    }

  return have_read && have_write;
}

/**
 * _seye_proc_parse_pid_statm:
 *
 * The resident pages of /proc/PID/statm, its second number.
 */
gboolean
_seye_proc_parse_pid_statm (const char *buf,
                            gsize       len,
                            guint64    *rss_pages)
{
  SeyeProcCursor text = { buf, buf + len };
  SeyeProcCursor line;
  SeyeProcToken size, resident;

  *rss_pages = 0;

  return _seye_proc_next_line (&text, &line) &&
         _seye_proc_next_token (&line, &size) && _seye_proc_parse_u64 (size.str, size.len, rss_pages) &&
         _seye_proc_next_token (&line, &resident) &&
         _seye_proc_parse_u64 (resident.str, resident.len, rss_pages);
}

/**
 * _seye_proc_parse_cmdline:
 *
 * /proc/PID/cmdline: arguments ended by NULs (the last NUL may be missing when
 * the buffer was cut), each made valid UTF-8. NULL when empty (kernel threads,
 * zombies).
 */
GStrv
_seye_proc_parse_cmdline (const char *buf,
                          gsize       len)
{
  GPtrArray *args;
  const char *p = buf;
  const char *end = buf + len;

  if (len == 0)
    return NULL;

  args = g_ptr_array_new ();
  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);
      const char *arg_end = nul != NULL ? nul : end;

      g_ptr_array_add (args, g_utf8_make_valid (p, arg_end - p));
      p = arg_end + 1;
    }

  g_ptr_array_add (args, NULL);

  return (GStrv) g_ptr_array_free (args, FALSE);
}
