/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "seye-proc-parse.h"
#include "seye-proc-processes-private.h"

/*
 * The processes of a machine, on demand (docs/api.md, GET /v1/processes): the
 * scanner that reads every /proc/PID and keeps per-process counters between
 * scans. The parsers of one process's files are in seye-proc-processes-parse.c,
 * the list of the last scan and its JSON in seye-proc-processes-list.c.
 */

#define MAX_PASSWD (4 * 1024 * 1024)
#define MAX_PID    G_GUINT64_CONSTANT (4194304)   /* PID_MAX_LIMIT */

/* By pid: a pid is one process at a time (its start time tells which). */
static guint
proc_state_hash (gconstpointer key)
{
  const SeyeProcessState *state = key;

  return state->pid * 2654435761u;
}

static gboolean
proc_state_equal (gconstpointer a,
                  gconstpointer b)
{
  const SeyeProcessState *x = a, *y = b;

  return x->pid == y->pid;
}

/* Closes @fd if open and sets it to -1. */
static void
release_file (SeyeProcessScanner *self,
              int                *fd)
{
  if (*fd < 0)
    return;

  close (*fd);
  *fd = -1;
  self->held--;
}

/* Lets go of the files held open for @state's process. */
static void
release_files (SeyeProcessScanner *self,
               SeyeProcessState   *state)
{
  release_file (self, &state->statm_fd);
  release_file (self, &state->io_fd);
}

static void
release_all_files (SeyeProcessScanner *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    release_files (self, key);
}

static void
proc_state_free (SeyeProcessState *state)
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
  self->proc_fd = -1;
  self->buf = g_malloc (SEYE_PROCESS_MAX_FILE + 1);
  self->states = g_hash_table_new_full (proc_state_hash, proc_state_equal,
                                        (GDestroyNotify) proc_state_free, NULL);
  self->users = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->clk_tck = sysconf (_SC_CLK_TCK);
  if (self->clk_tck <= 0)
    self->clk_tck = 100;
  self->page_size = sysconf (_SC_PAGESIZE);
  if (self->page_size <= 0)
    self->page_size = 4096;

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
  if (self->proc_fd >= 0)
    close (self->proc_fd);
  g_free (self->buf);
  release_all_files (self);
  g_hash_table_unref (self->states);
  g_hash_table_unref (self->users);
  g_free (self);
}

/* Reads @fd from its start into self->buf, at most SEYE_PROCESS_MAX_FILE
 * bytes, with one pread() when that comes back short: the kernel renders the
 * files of /proc/PID whole on the first read, and the read that would return 0
 * costs a system call more per file. Reading a file held open from its start
 * renders it afresh. Returns the length, or -1 with errno set. */
static gssize
read_fd (SeyeProcessScanner *self,
         int                 fd)
{
  gsize len = 0;

  while (len < SEYE_PROCESS_MAX_FILE)
    {
      gssize want = SEYE_PROCESS_MAX_FILE - len;
      gssize n = pread (fd, self->buf + len, want, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      len += n;
      if (n == 0 || n < want)
        break;
    }
  self->buf[len] = '\0';

  return len;
}

/* Opens ROOT/proc, and tells whether it is the procfs of the pid namespace
 * this process runs in: its "self" is our pid. Only there do the pids it lists
 * name the processes that clock_gettime() reads. */
static gboolean
open_proc_dir (SeyeProcessScanner *self)
{
  struct statfs fs;
  char self_link[32];
  gssize len;

  if (self->proc_fd >= 0)
    return TRUE;
  if ((self->proc_fd = open (self->proc_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return FALSE;

  len = readlinkat (self->proc_fd, "self", self_link, sizeof self_link - 1);
  if (len > 0)
    self_link[len] = '\0';
  self->own_procfs = fstatfs (self->proc_fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC && len > 0 &&
                     g_ascii_strtoll (self_link, NULL, 10) == getpid ();

  return TRUE;
}

/* Opens ROOT/proc/PID/NAME relative to ROOT/proc (a shorter path walk, for
 * thousands of opens a scan), or the path @name when @pid is 0. */
static int
open_file (SeyeProcessScanner *self,
           guint32             pid,
           const char         *name)
{
  char rel[64];

  if (pid == 0)
    return open (name, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (!open_proc_dir (self))
    return -1;
  g_snprintf (rel, sizeof rel, "%u/%s", pid, name);

  return openat (self->proc_fd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

/* Reads ROOT/proc/PID/NAME (or the path @name when @pid is 0) into self->buf,
 * at most SEYE_PROCESS_MAX_FILE bytes. Returns the length, or -1 with errno set. */
gssize
_seye_process_scanner_read_file (SeyeProcessScanner *self,
                                 guint32             pid,
                                 const char         *name)
{
  int fd = open_file (self, pid, name);
  int saved;
  gssize len;

  if (fd < 0)
    return -1;

  len = read_fd (self, fd);
  saved = errno;
  close (fd);
  errno = saved;

  return len;
}

/* Reads ROOT/proc/PID/NAME through the file held open in *@held (opened for
 * the same process), else opens it, and keeps it open in *@held while fewer
 * than self->max_held are. Returns the length, or -1 with errno set: when a
 * held file cannot be read, its process has ended (even if its pid has been
 * used again). */
static gssize
read_held (SeyeProcessScanner *self,
           int                *held,
           guint32             pid,
           const char         *name)
{
  gssize len;
  int fd;

  if (*held >= 0)
    return read_fd (self, *held);

  if ((fd = open_file (self, pid, name)) < 0)
    return -1;
  len = read_fd (self, fd);
  if (len >= 0 && self->held < self->max_held)
    {
      *held = fd;
      self->held++;
    }
  else
    {
      int saved = errno;

      close (fd);
      errno = saved;
    }

  return len;
}

/* Files held open: at most SEYE_PROCESS_MAX_HELD_FILES, and 1,024 fewer than
 * the soft limit of open files, for everything else. None but on our own
 * procfs: a file held in a recorded tree keeps what it was when opened. */
static guint
max_held_files (SeyeProcessScanner *self)
{
  struct rlimit limit;

  if (!open_proc_dir (self) || !self->own_procfs || getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur == RLIM_INFINITY)
    return SEYE_PROCESS_MAX_HELD_FILES;

  return limit.rlim_cur > 1024 ? (guint) MIN (limit.rlim_cur - 1024, SEYE_PROCESS_MAX_HELD_FILES) : 0;
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

  if (self->btime != 0 || (len = _seye_process_scanner_read_file (self, 0, self->stat_path)) < 0)
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
         SeyeProcessState   *state,
         gboolean            known,
         double              interval)
{
  gboolean had_io = known && state->have_io;
  guint64 read_bytes, write_bytes;
  gssize len = read_held (self, &state->io_fd, state->pid, "io");

  if (len < 0)
    release_file (self, &state->io_fd);
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

/**
 * _seye_process_scanner_read_uid:
 *
 * The real uid of ROOT/proc/PID/status. Returns FALSE with errno set when the
 * file cannot be read, with errno 0 when it has no Uid.
 */
gboolean
_seye_process_scanner_read_uid (SeyeProcessScanner *self,
                                guint32             pid,
                                guint32            *uid)
{
  guint64 threads, rss_bytes;
  gssize len;

  if ((len = _seye_process_scanner_read_file (self, pid, "status")) < 0)
    return FALSE;
  if (!_seye_proc_parse_pid_status (self->buf, len, uid, &threads, &rss_bytes))
    {
      errno = 0;
      return FALSE;
    }

  return TRUE;
}

/* What a process's stat tells but its CPU time and memory: its name (kept
 * when it did not change), state and threads. Takes @stat's name. */
void
_seye_process_state_set_stat (SeyeProcessState *state,
                              SeyeProcPidStat  *stat)
{
  if (g_strcmp0 (state->name, stat->name) != 0)
    {
      g_free (state->name);
      state->name = g_steal_pointer (&stat->name);
    }
  g_clear_pointer (&stat->name, g_free);
  state->state = stat->state;
  state->threads = stat->threads;
}

/* A process seen for the first time (or a pid used again): its owner from its
 * status. Returns NULL when that cannot be read. */
static SeyeProcessState *
add_state (SeyeProcessScanner *self,
           guint32             pid,
           guint64             start_ticks)
{
  SeyeProcessState *state;
  guint32 uid;

  if (!_seye_process_scanner_read_uid (self, pid, &uid))
    {
      if (!vanished (errno))
        self->not_readable++;
      return NULL;
    }

  state = g_new0 (SeyeProcessState, 1);
  state->pid = pid;
  state->start_ticks = start_ticks;
  state->statm_fd = -1;
  state->io_fd = -1;
  state->uid = uid;
  g_hash_table_add (self->states, state);

  return state;
}

/* The fast path, for a process seen before whose statm is held open: its CPU
 * time from its clock, its memory from its statm, its I/O from its io. Returns
 * FALSE when its statm cannot be read (its process has ended) or its clock. */
static gboolean
scan_fast (SeyeProcessScanner *self,
           SeyeProcessState   *state,
           double              interval)
{
  struct timespec cpu;
  guint64 rss_pages, ns;
  gint64 now_us;
  gssize len = read_fd (self, state->statm_fd);

  if (len < 0 || !_seye_proc_parse_pid_statm (self->buf, len, &rss_pages) ||
      clock_gettime (state->cpu_clock, &cpu) != 0)
    return FALSE;

  now_us = g_get_monotonic_time ();
  ns = (guint64) cpu.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) cpu.tv_nsec;
  /* Nanoseconds over microseconds, each over its own window: exact, no cap needed. */
  state->cpu_percent = ns >= state->cpu_ns && now_us > state->cpu_us
                       ? (ns - state->cpu_ns) / 10.0 / (double) (now_us - state->cpu_us) : 0;
  state->cpu_ns = ns;
  state->cpu_us = now_us;
  state->rss_bytes = _seye_proc_mul_sat (rss_pages, self->page_size);
  state->seen_before = TRUE;
  state->generation = self->generation;
  scan_io (self, state, TRUE, interval);

  return TRUE;
}

/* Puts a process on the fast path for the next scans, when there is room for
 * its statm and io: its statm held open, its CPU clock read once. */
static void
start_fast (SeyeProcessScanner *self,
            SeyeProcessState   *state)
{
  struct timespec cpu;
  gssize len;

  if (self->held + 2 > self->max_held)
    return;

  len = read_held (self, &state->statm_fd, state->pid, "statm");
  if (len < 0 || state->statm_fd < 0 ||
      clock_getcpuclockid ((pid_t) state->pid, &state->cpu_clock) != 0 ||
      clock_gettime (state->cpu_clock, &cpu) != 0)
    {
      release_file (self, &state->statm_fd);
      return;
    }

  state->cpu_us = g_get_monotonic_time ();
  state->cpu_ns = (guint64) cpu.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) cpu.tv_nsec;
}

/* One /proc/PID: skipped when it went away, counted when it cannot be read.
 * The fast path when it can; else its stat, and its status when the process
 * is new (the owner, read again for each one listed). */
static void
scan_pid (SeyeProcessScanner *self,
          guint32             pid,
          double              interval)
{
  SeyeProcessState key = { .pid = pid };
  SeyeProcessState *state = g_hash_table_lookup (self->states, &key);
  SeyeProcPidStat stat;
  gboolean known;
  gssize len;

  if (state != NULL && state->statm_fd >= 0)
    {
      if (scan_fast (self, state, interval))
        {
          self->total++;
          return;
        }
      /* Its process ended: the pid may be another's now. */
      release_files (self, state);
    }

  if ((len = _seye_process_scanner_read_file (self, pid, "stat")) < 0)
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

  known = state != NULL && state->start_ticks == stat.start_ticks;
  if (!known)
    {
      if (state != NULL)
        {
          release_files (self, state);
          g_hash_table_remove (self->states, state);
        }
      if ((state = add_state (self, pid, stat.start_ticks)) == NULL)
        {
          g_free (stat.name);
          return;
        }
    }

  state->seen_before = known;
  state->generation = self->generation;
  _seye_process_state_set_stat (state, &stat);
  state->rss_bytes = _seye_proc_mul_sat (stat.rss_pages, self->page_size);
  /* Ticks over the scan before only (a process back from the fast path has none). */
  state->cpu_percent = known && state->ticks_generation + 1 == self->generation
                       ? rate (stat.ticks, state->ticks, interval) * 100.0 / self->clk_tck : 0;
  /* Ticks come in whole 1/CLK_TCK: over a short window a thread that ran all
   * along may show a few points more than it could have used. */
  state->cpu_percent = MIN (state->cpu_percent, 100.0 * MAX (state->threads, 1));
  state->ticks = stat.ticks;
  state->ticks_generation = self->generation;
  scan_io (self, state, known, interval);
  if (self->max_held > 0)
    start_fast (self, state);

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
  SeyeProcessState *state = key;

  if (state->generation == self->generation)
    return FALSE;

  release_files (self, state);

  return TRUE;
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
  self->max_held = max_held_files (self);
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
  release_all_files (self);
  g_hash_table_remove_all (self->states);
  if (self->proc_fd >= 0)
    close (self->proc_fd);
  self->proc_fd = -1;
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

