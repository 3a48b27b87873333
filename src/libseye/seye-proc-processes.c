/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seye-json.h"
#include "seye-proc-parse.h"
#include "seye-proc-processes.h"

/*
 * The processes of a machine, on demand (docs/api.md, GET /v1/processes).
 * Pure parsers of one process's files first, then the scanner that keeps
 * per-process counters between scans, then the list and its JSON.
 */

#define MAX_FILE   (16 * 1024)    /* what is read of one file of /proc/PID */
#define MAX_PASSWD (4 * 1024 * 1024)
#define MAX_PID    G_GUINT64_CONSTANT (4194304)   /* PID_MAX_LIMIT */

/* Parsers ------------------------------------------------------------------ */

/* Fields of /proc/PID/stat after the name, counted from 0 at the state (field 3). */
enum {
  STAT_STATE = 0,
  STAT_UTIME = 11,
  STAT_STIME = 12,
  STAT_THREADS = 17,
  STAT_START = 19,
  STAT_MIN_FIELDS = 20,
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

/* The scanner -------------------------------------------------------------- */

/* One process as of the last scan that saw it; also its own hash key. */
typedef struct
{
  guint32  pid;
  guint64  start_ticks;
  guint    generation;       /* the scan that last saw it */
  gboolean seen_before;      /* in an earlier scan: rates are over a window */

  char    *name;
  guint32  uid;
  char     state;
  guint64  threads;
  guint64  rss_bytes;
  guint64  ticks;
  double   cpu_percent;

  gboolean have_io;
  guint64  read_bytes;
  guint64  write_bytes;
  double   read_rate;
  double   write_rate;
} ProcState;

struct _SeyeProcessScanner
{
  char       *proc_dir;
  char       *passwd_path;
  char       *stat_path;
  GString    *path;                /* scratch */
  char       *buf;                 /* MAX_FILE + 1 */

  GHashTable *states;              /* ProcState, keyed by itself */
  guint       generation;
  guint       scans_in_window;     /* scans since the last forget */
  gint64      last_us;
  double      interval;
  guint       total;
  guint       not_readable;
  guint64     scans;               /* ever, for tests and the debug log */

  long        clk_tck;
  guint64     btime;               /* 0 until read */

  GHashTable *users;               /* uid -> name */
  struct stat passwd_stat;
};

static guint
proc_state_hash (gconstpointer key)
{
  const ProcState *state = key;

  return state->pid ^ (guint) (state->start_ticks * 2654435761u);
}

static gboolean
proc_state_equal (gconstpointer a,
                  gconstpointer b)
{
  const ProcState *x = a, *y = b;

  return x->pid == y->pid && x->start_ticks == y->start_ticks;
}

static void
proc_state_free (ProcState *state)
{
  g_free (state->name);
  g_free (state);
}

SeyeProcessScanner *
seye_process_scanner_new (const char *root)
{
  SeyeProcessScanner *self = g_new0 (SeyeProcessScanner, 1);

  if (root == NULL)
    root = "/";
  self->proc_dir = g_build_filename (root, "proc", NULL);
  self->passwd_path = g_build_filename (root, "etc", "passwd", NULL);
  self->stat_path = g_build_filename (root, "proc", "stat", NULL);
  self->path = g_string_new (NULL);
  self->buf = g_malloc (MAX_FILE + 1);
  self->states = g_hash_table_new_full (proc_state_hash, proc_state_equal,
                                        (GDestroyNotify) proc_state_free, NULL);
  self->users = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->clk_tck = sysconf (_SC_CLK_TCK);
  if (self->clk_tck <= 0)
    self->clk_tck = 100;

  return self;
}

void
seye_process_scanner_free (SeyeProcessScanner *self)
{
  if (self == NULL)
    return;

  g_free (self->proc_dir);
  g_free (self->passwd_path);
  g_free (self->stat_path);
  g_string_free (self->path, TRUE);
  g_free (self->buf);
  g_hash_table_unref (self->states);
  g_hash_table_unref (self->users);
  g_free (self);
}

/* Reads ROOT/proc/PID/NAME (or any path when @pid is 0) into self->buf, at
 * most MAX_FILE bytes. Returns the length, or -1 with errno set. */
static gssize
read_file (SeyeProcessScanner *self,
           guint32             pid,
           const char         *name)
{
  gsize len = 0;
  int fd;

  if (pid != 0)
    {
      g_string_printf (self->path, "%s/%u/%s", self->proc_dir, pid, name);
      name = self->path->str;
    }

  fd = open (name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -1;

  while (len < MAX_FILE)
    {
      gssize n = read (fd, self->buf + len, MAX_FILE - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          errno = saved;
          return -1;
        }
      if (n == 0)
        break;
      len += n;
    }
  close (fd);
  self->buf[len] = '\0';

  return len;
}

static gboolean
vanished (int error)
{
  return error == ENOENT || error == ESRCH;
}

/* User names of ROOT/etc/passwd, read again only when the file changed. */
static void
load_users (SeyeProcessScanner *self)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  struct stat st;
  gsize len;

  if (stat (self->passwd_path, &st) != 0)
    {
      g_hash_table_remove_all (self->users);
      memset (&self->passwd_stat, 0, sizeof self->passwd_stat);
      return;
    }
  if (st.st_ino == self->passwd_stat.st_ino && st.st_size == self->passwd_stat.st_size &&
      st.st_mtim.tv_sec == self->passwd_stat.st_mtim.tv_sec &&
      st.st_mtim.tv_nsec == self->passwd_stat.st_mtim.tv_nsec)
    return;

  self->passwd_stat = st;
  g_hash_table_remove_all (self->users);
  if (st.st_size > MAX_PASSWD || !g_file_get_contents (self->passwd_path, &contents, &len, NULL))
    return;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ":", 4);
      guint64 uid;

      if (g_strv_length (fields) < 4 || fields[0][0] == '\0' ||
          !_seye_proc_parse_u64 (fields[2], strlen (fields[2]), &uid) || uid > G_MAXUINT32 ||
          g_hash_table_contains (self->users, GUINT_TO_POINTER ((guint) uid)))
        continue;
      g_hash_table_insert (self->users, GUINT_TO_POINTER ((guint) uid),
                           _seye_proc_tidy_text (fields[0], strlen (fields[0]), SEYE_PROCESS_MAX_NAME));
    }
}

/* The boot time of ROOT/proc/stat, once: start times are ticks after it. */
static void
load_btime (SeyeProcessScanner *self)
{
  SeyeProcCursor text, line;
  gssize len;

  if (self->btime != 0 || (len = read_file (self, 0, self->stat_path)) < 0)
    return;

  text.pos = self->buf;
  text.end = self->buf + len;
  while (_seye_proc_next_line (&text, &line))
    {
      SeyeProcToken name, value;

      if (_seye_proc_next_token (&line, &name) && _seye_proc_token_equal (&name, "btime") &&
          _seye_proc_next_token (&line, &value))
        _seye_proc_parse_u64 (value.str, value.len, &self->btime);
    }
}

static double
rate (guint64 now,
      guint64 before,
      double  interval)
{
  return now >= before && interval > 0 ? (double) (now - before) / interval : 0;
}

static void
scan_io (SeyeProcessScanner *self,
         ProcState          *state,
         gboolean            known,
         double              interval)
{
  gboolean had_io = known && state->have_io;
  guint64 read_bytes, write_bytes;
  gssize len = read_file (self, state->pid, "io");

  state->have_io = len >= 0 && _seye_proc_parse_pid_io (self->buf, len, &read_bytes, &write_bytes);
  state->read_rate = 0;
  state->write_rate = 0;
  if (!state->have_io)
    return;

  if (had_io)
    {
      state->read_rate = rate (read_bytes, state->read_bytes, interval);
      state->write_rate = rate (write_bytes, state->write_bytes, interval);
    }
  state->read_bytes = read_bytes;
  state->write_bytes = write_bytes;
}

/* One /proc/PID: skipped when it went away, counted when it cannot be read. */
static void
scan_pid (SeyeProcessScanner *self,
          guint32             pid,
          double              interval)
{
  SeyeProcPidStat stat;
  ProcState key, *state;
  guint32 uid;
  guint64 threads, rss_bytes;
  gboolean known;
  gssize len;

  if ((len = read_file (self, pid, "stat")) < 0)
    {
      if (!vanished (errno))
        self->not_readable++;
      return;
    }
  if (!_seye_proc_parse_pid_stat (self->buf, len, &stat))
    {
      self->not_readable++;
      return;
    }

  if ((len = read_file (self, pid, "status")) < 0 ||
      !_seye_proc_parse_pid_status (self->buf, len, &uid, &threads, &rss_bytes))
    {
      if (len >= 0 || !vanished (errno))
        self->not_readable++;
      g_free (stat.name);
      return;
    }

  key.pid = pid;
  key.start_ticks = stat.start_ticks;
  state = g_hash_table_lookup (self->states, &key);
  known = state != NULL;
  if (!known)
    {
      state = g_new0 (ProcState, 1);
      state->pid = pid;
      state->start_ticks = stat.start_ticks;
      g_hash_table_add (self->states, state);
    }

  state->seen_before = known;
  state->generation = self->generation;
  g_free (state->name);
  state->name = g_steal_pointer (&stat.name);
  state->uid = uid;
  state->state = stat.state;
  state->threads = threads != 0 ? threads : stat.threads;
  state->rss_bytes = rss_bytes;
  state->cpu_percent = known ? rate (stat.ticks, state->ticks, interval) * 100.0 / self->clk_tck : 0;
  /* Ticks come in whole 1/CLK_TCK: over a short window a thread that ran all
   * along may show a few points more than it could have used. */
  state->cpu_percent = MIN (state->cpu_percent, 100.0 * MAX (state->threads, 1));
  state->ticks = stat.ticks;
  scan_io (self, state, known, interval);

  self->total++;
}

static gboolean
is_pid_name (const char *name,
             guint64    *pid)
{
  return name[0] >= '1' && name[0] <= '9' &&
         _seye_proc_parse_u64 (name, strlen (name), pid) && *pid <= MAX_PID;
}

static gboolean
gone_cb (gpointer key,
         gpointer value,
         gpointer data)
{
  SeyeProcessScanner *self = data;
  ProcState *state = key;

  return state->generation != self->generation;
}

/**
 * seye_process_scanner_scan:
 * @now_us: a monotonic time, in microseconds
 *
 * Reads every ROOT/proc/PID once. The rates are over the time since the scan
 * before, when there was one since the last seye_process_scanner_forget().
 */
void
seye_process_scanner_scan (SeyeProcessScanner *self,
                           gint64              now_us)
{
  double interval = 0;
  struct dirent *entry;
  DIR *dir;

  if (self->scans_in_window > 0 && now_us > self->last_us)
    interval = (now_us - self->last_us) / (double) G_USEC_PER_SEC;

  self->scans++;
  self->generation++;
  self->total = 0;
  self->not_readable = 0;
  load_users (self);
  load_btime (self);

  dir = opendir (self->proc_dir);
  while (dir != NULL && (entry = readdir (dir)) != NULL)
    {
      guint64 pid;

      if (is_pid_name (entry->d_name, &pid))
        scan_pid (self, (guint32) pid, interval);
    }
  if (dir != NULL)
    closedir (dir);

  g_hash_table_foreach_remove (self->states, gone_cb, self);
  self->interval = interval;
  self->last_us = now_us;
  self->scans_in_window = MIN (self->scans_in_window + 1, 2);
}

/* Whether the last scan had one before it: its rates span a window. */
gboolean
seye_process_scanner_has_window (SeyeProcessScanner *self)
{
  return self->scans_in_window >= 2 && self->interval > 0;
}

/* Lets go of every process's counters: the next scan starts a new window. */
void
seye_process_scanner_forget (SeyeProcessScanner *self)
{
  g_hash_table_remove_all (self->states);
  self->scans_in_window = 0;
  self->interval = 0;
  self->total = 0;
  self->not_readable = 0;
}

guint64
seye_process_scanner_get_scans (SeyeProcessScanner *self)
{
  return self->scans;
}

/* The list ------------------------------------------------------------------ */

static int
compare_cpu (gconstpointer a,
             gconstpointer b)
{
  const ProcState *x = *(ProcState **) a, *y = *(ProcState **) b;

  if (x->cpu_percent != y->cpu_percent)
    return x->cpu_percent > y->cpu_percent ? -1 : 1;
  if (x->rss_bytes != y->rss_bytes)
    return x->rss_bytes > y->rss_bytes ? -1 : 1;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int
compare_memory (gconstpointer a,
                gconstpointer b)
{
  const ProcState *x = *(ProcState **) a, *y = *(ProcState **) b;

  if (x->rss_bytes != y->rss_bytes)
    return x->rss_bytes > y->rss_bytes ? -1 : 1;
  return compare_cpu (a, b);
}

static int
compare_io (gconstpointer a,
            gconstpointer b)
{
  const ProcState *x = *(ProcState **) a, *y = *(ProcState **) b;
  double io_x = x->read_rate + x->write_rate;
  double io_y = y->read_rate + y->write_rate;

  if (io_x != io_y)
    return io_x > io_y ? -1 : 1;
  return compare_cpu (a, b);
}

static SeyeProcess *
process_new (SeyeProcessScanner *self,
             const ProcState    *state,
             gboolean            with_argv)
{
  SeyeProcess *process = g_new0 (SeyeProcess, 1);
  const char *user = g_hash_table_lookup (self->users, GUINT_TO_POINTER (state->uid));

  process->pid = state->pid;
  process->name = g_strdup (state->name);
  process->user = user != NULL ? g_strdup (user) : g_strdup_printf ("%u", state->uid);
  process->state = state->state;
  process->cpu_percent = state->cpu_percent;
  process->rss_bytes = state->rss_bytes;
  process->threads = (guint) MIN (state->threads, G_MAXUINT);
  process->start_time = self->btime != 0 ? (gint64) (self->btime + state->start_ticks / self->clk_tck) : 0;
  process->have_io = state->have_io;
  process->read_bytes_per_sec = state->read_rate;
  process->write_bytes_per_sec = state->write_rate;

  if (with_argv)
    {
      gssize len = read_file (self, state->pid, "cmdline");

      if (len >= 0)
        process->argv = _seye_proc_parse_cmdline (self->buf, MIN ((gsize) len, SEYE_PROCESS_MAX_ARGS));
    }

  return process;
}

static void
process_free (SeyeProcess *process)
{
  g_free (process->name);
  g_free (process->user);
  g_strfreev (process->argv);
  g_free (process);
}

/**
 * seye_process_scanner_list:
 * @limit: at most this many (and never more than %SEYE_PROCESS_MAX_LIMIT)
 * @with_argv: read each listed process's command line now
 *
 * The processes of the last scan, the busiest first by @sort.
 */
SeyeProcessList *
seye_process_scanner_list (SeyeProcessScanner *self,
                           SeyeProcessSort     sort,
                           guint               limit,
                           gboolean            with_argv)
{
  static const GCompareFunc compare[] = {
    [SEYE_PROCESS_SORT_CPU] = compare_cpu,
    [SEYE_PROCESS_SORT_MEMORY] = compare_memory,
    [SEYE_PROCESS_SORT_IO] = compare_io,
  };
  SeyeProcessList *list = g_new0 (SeyeProcessList, 1);
  g_autoptr (GPtrArray) all = g_ptr_array_sized_new (g_hash_table_size (self->states));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail ((guint) sort < G_N_ELEMENTS (compare), list);

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (all, key);
  g_ptr_array_sort (all, compare[sort]);

  limit = MIN (limit, SEYE_PROCESS_MAX_LIMIT);
  list->interval = self->interval;
  list->total = self->total;
  list->not_readable = self->not_readable;
  list->processes = g_ptr_array_new_with_free_func ((GDestroyNotify) process_free);
  for (guint i = 0; i < all->len && i < limit; i++)
    g_ptr_array_add (list->processes, process_new (self, all->pdata[i], with_argv));

  return list;
}

void
seye_process_list_free (SeyeProcessList *list)
{
  if (list == NULL)
    return;

  g_ptr_array_unref (list->processes);
  g_free (list);
}

gboolean
seye_process_sort_from_string (const char      *text,
                               SeyeProcessSort *sort)
{
  if (g_strcmp0 (text, "cpu") == 0)
    *sort = SEYE_PROCESS_SORT_CPU;
  else if (g_strcmp0 (text, "memory") == 0)
    *sort = SEYE_PROCESS_SORT_MEMORY;
  else if (g_strcmp0 (text, "io") == 0)
    *sort = SEYE_PROCESS_SORT_IO;
  else
    return FALSE;

  return TRUE;
}

static void
write_process (GString           *str,
               const SeyeProcess *process,
               gboolean           with_argv)
{
  char state[2] = { process->state, '\0' };

  g_string_append_printf (str, "{\"pid\":%u,\"name\":", process->pid);
  seye_json_write_string (str, process->name);
  g_string_append (str, ",\"user\":");
  seye_json_write_string (str, process->user);
  g_string_append (str, ",\"state\":");
  seye_json_write_string (str, g_ascii_isalpha (process->state) ? state : "?");
  g_string_append (str, ",\"cpu_percent\":");
  seye_json_write_double (str, process->cpu_percent);
  g_string_append_printf (str, ",\"rss_bytes\":%" G_GUINT64_FORMAT ",\"threads\":%u"
                          ",\"start_time\":%" G_GINT64_FORMAT,
                          process->rss_bytes, process->threads, process->start_time);
  if (process->have_io)
    {
      g_string_append (str, ",\"read_bytes_per_sec\":");
      seye_json_write_double (str, process->read_bytes_per_sec);
      g_string_append (str, ",\"write_bytes_per_sec\":");
      seye_json_write_double (str, process->write_bytes_per_sec);
    }
  else
    {
      g_string_append (str, ",\"read_bytes_per_sec\":null,\"write_bytes_per_sec\":null");
    }
  if (with_argv)
    {
      g_string_append (str, ",\"argv\":");
      if (process->argv == NULL)
        g_string_append (str, "null");
      else
        {
          g_string_append_c (str, '[');
          for (guint i = 0; process->argv[i] != NULL; i++)
            {
              if (i > 0)
                g_string_append_c (str, ',');
              seye_json_write_string (str, process->argv[i]);
            }
          g_string_append_c (str, ']');
        }
    }
  g_string_append_c (str, '}');
}

/* {"interval":…,"processes":[…],"total":…,"not_readable":…} (docs/api.md). */
void
seye_process_list_write_json (GString               *str,
                              const SeyeProcessList *list,
                              gboolean               with_argv)
{
  g_string_append (str, "{\"interval\":");
  seye_json_write_double (str, list->interval);
  g_string_append (str, ",\"processes\":[");
  for (guint i = 0; i < list->processes->len; i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      write_process (str, list->processes->pdata[i], with_argv);
    }
  g_string_append_printf (str, "],\"total\":%u,\"not_readable\":%u}", list->total, list->not_readable);
}
