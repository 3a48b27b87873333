/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "seye-proc-private.h"

/*
 * The reader: the object, the problems of the last sample, the reading of
 * files into one reusable buffer and the counters kept from one sample to the
 * next. Each part of a sample is read in a file of its own (seye-proc-private.h).
 */

#define MAX_FILE_SIZE       (64 * 1024 * 1024)
#define INITIAL_BUFFER_SIZE (16 * 1024)

static const char * const file_names[N_FILES] = {
  [PROC_STAT]          = "proc/stat",
  [PROC_MEMINFO]       = "proc/meminfo",
  [PROC_LOADAVG]       = "proc/loadavg",
  [PROC_UPTIME]        = "proc/uptime",
  [PROC_NET_DEV]       = "proc/net/dev",
  [PROC_DISKSTATS]     = "proc/diskstats",
  [PROC_MOUNTS]        = "proc/mounts",
  [PROC_CPUINFO]       = "proc/cpuinfo",
  [PROC_HOSTNAME]      = "proc/sys/kernel/hostname",
  [PROC_OSRELEASE]     = "proc/sys/kernel/osrelease",
  [ETC_OS_RELEASE]     = "etc/os-release",
  [USR_LIB_OS_RELEASE] = "usr/lib/os-release",
  [ETC_MACHINE_ID]     = "etc/machine-id",
};

/* Problems ----------------------------------------------------------------- */

void
_seye_proc_add_problem (SeyeProcReader *self,
                        const char     *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_index (self->problems, self->problems->len - 1) = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (self->problems, NULL);
}

void
_seye_proc_add_malformed (SeyeProcReader *self,
                          ProcFile        file,
                          const char     *why)
{
  _seye_proc_add_problem (self, "%s is malformed: %s", self->paths[file], why);
}

static void
clear_problems (SeyeProcReader *self)
{
  g_ptr_array_set_size (self->problems, 0);
  g_ptr_array_add (self->problems, NULL);
}

/* Reading files ------------------------------------------------------------- */

/* One open/read/close into the reusable buffer. Returns 0 or an errno. */
int
_seye_proc_read_path (SeyeProcReader *self,
                      const char     *path)
{
  int fd;

  self->len = 0;
  self->buf[0] = '\0';

  do
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    return errno;

  for (;;)
    {
      gssize n;

      if (self->buf_size - self->len < 2)
        {
          if (self->buf_size >= MAX_FILE_SIZE)
            {
              close (fd);
              self->len = 0;
              return EFBIG;
            }
          self->buf_size *= 2;
          self->buf = g_realloc (self->buf, self->buf_size);
        }

      n = read (fd, self->buf + self->len, self->buf_size - self->len - 1);
      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          close (fd);
          self->len = 0;
          return saved;
        }
      if (n == 0)
        break;
      self->len += n;
    }

  close (fd);
  self->buf[self->len] = '\0';

  return 0;
}

/* Reads one file of /proc for a sample; a file that cannot be read, is empty
 * or whose last line is cut short is named in the problems. */
gboolean
_seye_proc_load_file (SeyeProcReader *self,
                      ProcFile        file,
                      SeyeProcCursor *text)
{
  const char *path = self->paths[file];
  int err = _seye_proc_read_path (self, path);

  if (err != 0)
    {
      _seye_proc_add_problem (self, "cannot read %s: %s", path, g_strerror (err));
      return FALSE;
    }

  if (self->len == 0)
    {
      _seye_proc_add_problem (self, "%s is empty", path);
      return FALSE;
    }

  if (self->buf[self->len - 1] != '\n')
    {
      _seye_proc_add_problem (self, "%s is truncated: its last line is incomplete", path);
      return FALSE;
    }

  text->pos = self->buf;
  text->end = self->buf + self->len;

  return TRUE;
}

/* Rates -------------------------------------------------------------------- */

/* Cumulative counters of one interface or disk as of the sample it was last seen in. */
typedef struct
{
  guint   generation;
  guint64 in;                 /* received, read */
  guint64 out;                /* sent, written */
} CounterState;

/* Bytes per second between two readings of a cumulative counter: 0 without a
 * previous reading or interval, and 0 when the counter went backwards or jumped
 * beyond any real device (a reset: the next interval is measured afresh). */
static double
counter_rate (guint64 previous,
              guint64 current,
              double  interval)
{
  double rate;

  if (interval <= 0.0 || current < previous)
    return 0.0;

  rate = (double) (current - previous) / interval;

  return rate <= MAX_RATE ? rate : 0.0;
}

static CounterState *
lookup_counter (GHashTable *states,
                const char *name)
{
  CounterState *state = g_hash_table_lookup (states, name);

  if (state == NULL)
    {
      state = g_new0 (CounterState, 1);
      g_hash_table_insert (states, g_strdup (name), state);
    }

  return state;
}

static gboolean
counter_is_stale_cb (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  const CounterState *state = value;

  return state->generation != GPOINTER_TO_UINT (user_data);
}

/* Measures one interface or disk, NAME, against the sample before: its rates
 * when it was seen in that sample (left as they are otherwise), and keeps its
 * counters for the next one. */
void
_seye_proc_update_counter (SeyeProcReader *self,
                           GHashTable     *states,
                           const char     *name,
                           guint64         in,
                           guint64         out,
                           double          interval,
                           double         *in_rate,
                           double         *out_rate)
{
  CounterState *state = lookup_counter (states, name);

  if (state->generation != 0 && state->generation + 1 == self->generation)
    {
      *in_rate = counter_rate (state->in, in, interval);
      *out_rate = counter_rate (state->out, out, interval);
    }

  state->generation = self->generation;
  state->in = in;
  state->out = out;
}

/* Forgets the interfaces or disks that the last sample did not see. */
void
_seye_proc_forget_counters (SeyeProcReader *self,
                            GHashTable     *states)
{
  g_hash_table_foreach_remove (states, counter_is_stale_cb, GUINT_TO_POINTER (self->generation));
}

/* Public API ------------------------------------------------------------------ */

/**
 * seye_proc_reader_new:
 * @root: (nullable): the directory that holds proc/, sys/ and etc/; %NULL or
 *   "/" for the machine itself
 *
 * Returns: (transfer full): a reader that has not sampled yet.
 */
SeyeProcReader *
seye_proc_reader_new (const char *root)
{
  SeyeProcReader *self = g_new0 (SeyeProcReader, 1);

  if (root == NULL || root[0] == '\0')
    root = "/";

  self->root = g_canonicalize_filename (root, NULL);
  self->real_root = strcmp (self->root, "/") == 0;
  for (guint i = 0; i < N_FILES; i++)
    self->paths[i] = g_build_filename (self->root, file_names[i], NULL);
  self->proc_dir = g_build_filename (self->root, "proc", NULL);
  self->sys_block_dir = g_build_filename (self->root, "sys", "block", NULL);
  self->scratch = g_string_sized_new (256);

  self->buf_size = INITIAL_BUFFER_SIZE;
  self->buf = g_malloc (self->buf_size);

  self->problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->problems, NULL);

  self->cpu_states = g_array_new (FALSE, TRUE, sizeof (CpuState));
  self->cores = g_array_new (FALSE, TRUE, sizeof (SeyeCpuStat));
  self->net_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->disk_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

void
seye_proc_reader_free (SeyeProcReader *self)
{
  if (self == NULL)
    return;

  g_free (self->root);
  for (guint i = 0; i < N_FILES; i++)
    g_free (self->paths[i]);
  g_free (self->proc_dir);
  g_free (self->sys_block_dir);
  g_string_free (self->scratch, TRUE);
  g_free (self->buf);
  g_ptr_array_unref (self->problems);
  g_array_unref (self->cpu_states);
  g_array_unref (self->cores);
  g_hash_table_unref (self->net_states);
  g_hash_table_unref (self->disk_states);
  g_free (self);
}

/**
 * seye_proc_reader_get_root:
 *
 * Returns: the root the reader reads, made absolute ("/" for the machine itself).
 */
const char *
seye_proc_reader_get_root (SeyeProcReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->root;
}

/**
 * seye_proc_reader_sample:
 * @now_ms: the wall-clock time of the sample, in Unix milliseconds
 *
 * Reads every source once. Rates and percentages are measured against the
 * previous sample; on the first one, after a source could not be read, and
 * for devices or cores that just appeared, they are 0. If @now_ms is not
 * later than the previous sample's time, the interval is 0 and so are the rates.
 *
 * Returns: (transfer full): the sample, never %NULL; parts that could not be
 *   read are left out and named in seye_proc_reader_get_problems().
 */
SeyeSample *
seye_proc_reader_sample (SeyeProcReader *self,
                         gint64          now_ms)
{
  g_auto (StatInfo) stat = { NULL };
  SeyeSample *sample;

  g_return_val_if_fail (self != NULL, NULL);

  clear_problems (self);
  sample = seye_sample_new ();
  sample->time_ms = now_ms;

  self->generation++;
  if (self->generation > 1 && now_ms > self->last_time_ms)
    sample->interval = (double) (now_ms - self->last_time_ms) / 1000.0;
  self->last_time_ms = now_ms;

  _seye_proc_sample_stat (self, sample, &stat);
  _seye_proc_sample_meminfo (self, sample);
  _seye_proc_sample_loadavg (self, sample);
  _seye_proc_sample_uptime (self, sample, &stat);
  _seye_proc_sample_net_dev (self, sample);
  _seye_proc_sample_diskstats (self, sample);
  _seye_proc_sample_filesystems (self, sample);

  return sample;
}

/**
 * seye_proc_reader_get_problems:
 *
 * Returns: (transfer none) (array zero-terminated=1): what kept parts out of
 *   the last sample, one short sentence each naming the file; empty when none.
 *   Valid until the next sample.
 */
const char * const *
seye_proc_reader_get_problems (SeyeProcReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->problems->pdata;
}
