/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "seye-error.h"
#include "seye-node-id.h"
#include "seye-proc.h"
#include "seye-proc-parse.h"

/* Bounds on what a sample may hold: the ones the JSON decoder enforces, so that
 * every sample the reader hands out can be read back by every client. A value
 * beyond them is malformed input, and a rate beyond them a counter reset. */
#define MAX_BYTES           (G_GUINT64_CONSTANT (1) << 62)
#define MAX_RATE            1e13
#define MAX_COUNT           G_GUINT64_CONSTANT (100000000)
#define MAX_LOAD            1e6
#define MAX_SECONDS         1e10
#define MAX_BOOT_TIME       G_GUINT64_CONSTANT (32503680000)
#define MAX_CORE_ID         65535
#define MAX_PATH            1024

#define MAX_FILE_SIZE       (64 * 1024 * 1024)
#define INITIAL_BUFFER_SIZE (16 * 1024)
#define SECTOR_SIZE         512
#define NET_DEV_COLUMNS     16
#define DISKSTATS_COLUMNS   14

typedef enum
{
  PROC_STAT,
  PROC_MEMINFO,
  PROC_LOADAVG,
  PROC_UPTIME,
  PROC_NET_DEV,
  PROC_DISKSTATS,
  PROC_MOUNTS,
  PROC_CPUINFO,
  PROC_HOSTNAME,
  PROC_OSRELEASE,
  ETC_OS_RELEASE,
  USR_LIB_OS_RELEASE,
  ETC_MACHINE_ID,
  N_FILES
} ProcFile;

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

/* Counters of one core (or of the total) as of the sample it was last seen in. */
typedef struct
{
  guint       generation;     /* that sample; 0 when never seen */
  SeyeCpuStat last;           /* its ticks, and the percentages given then */
} CpuState;

/* Cumulative counters of one interface or disk as of the sample it was last seen in. */
typedef struct
{
  guint   generation;
  guint64 in;                 /* received, read */
  guint64 out;                /* sent, written */
} CounterState;

typedef struct
{
  char    *cpu_error;         /* why the CPU part is out, or NULL */
  char    *procs_error;
  char    *btime_error;
  gboolean have_procs;
  gboolean have_btime;
  guint64  procs_running;
  guint64  procs_blocked;
  guint64  btime;
  SeyeCpuStat total;
} StatInfo;

struct _SeyeProcReader
{
  char       *root;                 /* canonical, "/" for the real machine */
  gboolean    real_root;
  char       *paths[N_FILES];
  char       *proc_dir;
  char       *sys_block_dir;
  GString    *scratch;              /* paths built while sampling */

  /* The last file read, NUL-terminated (it may hold other NULs of its own). */
  char       *buf;
  gsize       buf_size;
  gsize       len;

  GPtrArray  *problems;             /* of char *, always NULL-terminated */

  guint       generation;           /* samples taken so far */
  gint64      last_time_ms;

  CpuState    cpu_total;
  GArray     *cpu_states;           /* CpuState, indexed by core id */
  GArray     *cores;                /* SeyeCpuStat: scratch for /proc/stat */
  GHashTable *net_states;           /* interface name -> CounterState */
  GHashTable *disk_states;          /* disk name -> CounterState */
};

static void
stat_info_clear (StatInfo *info)
{
  g_clear_pointer (&info->cpu_error, g_free);
  g_clear_pointer (&info->procs_error, g_free);
  g_clear_pointer (&info->btime_error, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatInfo, stat_info_clear)

/* Problems ----------------------------------------------------------------- */

static void add_problem (SeyeProcReader *self,
                         const char     *format,
                         ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (SeyeProcReader *self,
             const char     *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_index (self->problems, self->problems->len - 1) = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (self->problems, NULL);
}

static void
add_malformed (SeyeProcReader *self,
               ProcFile        file,
               const char     *why)
{
  add_problem (self, "%s is malformed: %s", self->paths[file], why);
}

static void
clear_problems (SeyeProcReader *self)
{
  g_ptr_array_set_size (self->problems, 0);
  g_ptr_array_add (self->problems, NULL);
}

/* Reading files ------------------------------------------------------------- */

/* One open/read/close into the reusable buffer. Returns 0 or an errno. */
static int
read_path (SeyeProcReader *self,
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
static gboolean
load_file (SeyeProcReader *self,
           ProcFile        file,
           SeyeProcCursor *text)
{
  const char *path = self->paths[file];
  int err = read_path (self, path);

  if (err != 0)
    {
      add_problem (self, "cannot read %s: %s", path, g_strerror (err));
      return FALSE;
    }

  if (self->len == 0)
    {
      add_problem (self, "%s is empty", path);
      return FALSE;
    }

  if (self->buf[self->len - 1] != '\n')
    {
      add_problem (self, "%s is truncated: its last line is incomplete", path);
      return FALSE;
    }

  text->pos = self->buf;
  text->end = self->buf + self->len;

  return TRUE;
}

static inline gboolean
parse_token_u64 (const SeyeProcToken *token,
                 guint64             *value)
{
  return _seye_proc_parse_u64 (token->str, token->len, value);
}

/* Rates -------------------------------------------------------------------- */

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

/* CPU, processes and boot time: /proc/stat ---------------------------------- */

static gboolean
parse_cpu_columns (SeyeProcCursor      *line,
                   const SeyeProcToken *name,
                   SeyeCpuStat         *stat,
                   char               **error)
{
  SeyeProcToken token;
  guint n = 0;

  memset (stat->ticks, 0, sizeof stat->ticks);

  /* Columns after steal (guest, guest_nice) are already part of user and nice. */
  while (n < SEYE_CPU_N_MODES && _seye_proc_next_token (line, &token))
    {
      if (!parse_token_u64 (&token, &stat->ticks[n]))
        {
          g_autofree char *what = _seye_proc_describe (token.str, token.len);
          g_autofree char *where = _seye_proc_describe (name->str, name->len);

          *error = g_strdup_printf ("“%s” in line “%s” is not a count of ticks", what, where);
          return FALSE;
        }
      n++;
    }

  if (n < SEYE_CPU_MODE_IDLE + 1)
    {
      g_autofree char *where = _seye_proc_describe (name->str, name->len);

      *error = g_strdup_printf ("line “%s” has %u columns, expected at least 4", where, n);
      return FALSE;
    }

  return TRUE;
}

/* Parses the number after NAME; on failure says why in *error unless it
 * already holds a reason (the first one is the one worth telling). */
static gboolean
parse_stat_count (SeyeProcCursor      *line,
                  const SeyeProcToken *name,
                  guint64              max,
                  guint64             *value,
                  char               **error)
{
  SeyeProcToken token;

  if (!_seye_proc_next_token (line, &token) || !parse_token_u64 (&token, value) || *value > max)
    {
      if (error != NULL && *error == NULL)
        {
          g_autofree char *where = _seye_proc_describe (name->str, name->len);

          *error = g_strdup_printf ("“%s” does not hold a valid number", where);
        }
      return FALSE;
    }

  return TRUE;
}

static int
compare_core_id (gconstpointer a,
                 gconstpointer b)
{
  const SeyeCpuStat *ca = a;
  const SeyeCpuStat *cb = b;

  return (ca->id > cb->id) - (ca->id < cb->id);
}

/* Parses the text in the buffer into @info and self->cores. */
static void
parse_stat (SeyeProcReader *self,
            SeyeProcCursor *text,
            StatInfo       *info)
{
  SeyeProcCursor line;
  gboolean have_total = FALSE;
  gboolean sorted = TRUE;

  g_array_set_size (self->cores, 0);

  while (_seye_proc_next_line (text, &line))
    {
      SeyeProcToken name;

      if (!_seye_proc_next_token (&line, &name))
        continue;

      if (name.len >= 3 && memcmp (name.str, "cpu", 3) == 0)
        {
          SeyeCpuStat stat = { .id = -1 };
          guint64 id;

          if (info->cpu_error != NULL)
            continue;

          if (name.len == 3)
            {
              if (have_total)
                {
                  info->cpu_error = g_strdup ("it has two “cpu” lines");
                  continue;
                }
              if (parse_cpu_columns (&line, &name, &info->total, &info->cpu_error))
                have_total = TRUE;
              continue;
            }

          if (!_seye_proc_parse_u64 (name.str + 3, name.len - 3, &id) || id > MAX_CORE_ID)
            {
              g_autofree char *where = _seye_proc_describe (name.str, name.len);

              info->cpu_error = g_strdup_printf ("line “%s” does not name a CPU", where);
              continue;
            }

          stat.id = (int) id;
          if (!parse_cpu_columns (&line, &name, &stat, &info->cpu_error))
            continue;

          if (self->cores->len > 0 &&
              g_array_index (self->cores, SeyeCpuStat, self->cores->len - 1).id >= stat.id)
            sorted = FALSE;
          g_array_append_val (self->cores, stat);
        }
      else if (_seye_proc_token_equal (&name, "procs_running"))
        {
          if (parse_stat_count (&line, &name, MAX_COUNT, &info->procs_running, &info->procs_error))
            info->have_procs = TRUE;
        }
      else if (_seye_proc_token_equal (&name, "procs_blocked"))
        {
          parse_stat_count (&line, &name, MAX_COUNT, &info->procs_blocked, &info->procs_error);
        }
      else if (_seye_proc_token_equal (&name, "btime"))
        {
          info->have_btime = parse_stat_count (&line, &name, MAX_BOOT_TIME, &info->btime,
                                               &info->btime_error);
        }
    }

  if (info->cpu_error == NULL && !have_total)
    info->cpu_error = g_strdup ("it has no “cpu” line");

  if (info->cpu_error == NULL && !sorted)
    {
      g_array_sort (self->cores, compare_core_id);
      for (guint i = 1; i < self->cores->len && info->cpu_error == NULL; i++)
        if (g_array_index (self->cores, SeyeCpuStat, i - 1).id ==
            g_array_index (self->cores, SeyeCpuStat, i).id)
          info->cpu_error = g_strdup_printf ("it lists cpu%d twice",
                                             g_array_index (self->cores, SeyeCpuStat, i).id);
    }

  if (info->procs_error != NULL)
    info->have_procs = FALSE;
  else if (!info->have_procs)
    info->procs_error = g_strdup ("it has no “procs_running” line");
}

static void
copy_percentages (SeyeCpuStat       *to,
                  const SeyeCpuStat *from)
{
  to->busy = from->busy;
  to->user = from->user;
  to->system = from->system;
  to->iowait = from->iowait;
  to->steal = from->steal;
}

static inline double
share (double part,
       double total)
{
  return CLAMP (100.0 * part / total, 0.0, 100.0);
}

/* Turns the ticks of @cur into percentages against the state of the previous
 * sample, and makes @cur that state. */
static void
update_cpu (CpuState    *state,
            guint        generation,
            SeyeCpuStat *cur)
{
  gboolean known = state->generation != 0 && state->generation + 1 == generation;
  const guint64 *prev = state->last.ticks;

  cur->busy = cur->user = cur->system = cur->iowait = cur->steal = 0.0;

  if (known)
    {
      guint64 sum_prev = 0;
      guint64 sum_cur = 0;

      for (guint i = 0; i < SEYE_CPU_N_MODES; i++)
        {
          sum_prev = _seye_proc_add_sat (sum_prev, prev[i]);
          sum_cur = _seye_proc_add_sat (sum_cur, cur->ticks[i]);
        }

      if (sum_cur < sum_prev)
        {
          /* Reset or hotplug: measure afresh from here, say what we said. */
          copy_percentages (cur, &state->last);
        }
      else
        {
          double d[SEYE_CPU_N_MODES];
          double total = 0.0;

          for (guint i = 0; i < SEYE_CPU_N_MODES; i++)
            {
              d[i] = cur->ticks[i] > prev[i] ? (double) (cur->ticks[i] - prev[i]) : 0.0;
              total += d[i];
            }

          if (total <= 0.0)
            {
              copy_percentages (cur, &state->last);
            }
          else
            {
              cur->user = share (d[SEYE_CPU_MODE_USER] + d[SEYE_CPU_MODE_NICE], total);
              cur->system = share (d[SEYE_CPU_MODE_SYSTEM] + d[SEYE_CPU_MODE_IRQ] +
                                   d[SEYE_CPU_MODE_SOFTIRQ], total);
              cur->iowait = share (d[SEYE_CPU_MODE_IOWAIT], total);
              cur->steal = share (d[SEYE_CPU_MODE_STEAL], total);
              cur->busy = MIN (cur->user + cur->system + cur->iowait + cur->steal, 100.0);
            }
        }
    }

  state->generation = generation;
  state->last = *cur;
}

static gint64
count_processes (SeyeProcReader *self)
{
  struct dirent *entry;
  gint64 n = 0;
  DIR *dir;

  dir = opendir (self->proc_dir);
  if (dir == NULL)
    {
      add_problem (self, "cannot list %s: %s", self->proc_dir, g_strerror (errno));
      return -1;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      const char *p = entry->d_name;

      if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN)
        continue;

      while (g_ascii_isdigit (*p))
        p++;
      if (*p == '\0' && p != entry->d_name)
        n++;
    }

  closedir (dir);

  return n;
}

static void
sample_stat (SeyeProcReader *self,
             SeyeSample     *sample,
             StatInfo       *info)
{
  SeyeProcCursor text;

  if (!load_file (self, PROC_STAT, &text))
    return;

  parse_stat (self, &text, info);

  if (info->cpu_error != NULL)
    {
      add_malformed (self, PROC_STAT, info->cpu_error);
    }
  else
    {
      sample->cpu = info->total;
      update_cpu (&self->cpu_total, self->generation, &sample->cpu);
      sample->cpu.id = -1;

      /* Keep what the decoder accepts: the cores with the lowest ids. */
      if (self->cores->len > SEYE_MAX_CORES)
        g_array_set_size (self->cores, SEYE_MAX_CORES);

      for (guint i = 0; i < self->cores->len; i++)
        {
          SeyeCpuStat *core = &g_array_index (self->cores, SeyeCpuStat, i);

          if ((guint) core->id >= self->cpu_states->len)
            g_array_set_size (self->cpu_states, core->id + 1);
          update_cpu (&g_array_index (self->cpu_states, CpuState, core->id),
                      self->generation, core);
        }

      g_array_append_vals (sample->cores, self->cores->data, self->cores->len);
      sample->parts |= SEYE_SAMPLE_CPU;
    }

  if (info->procs_error != NULL)
    {
      add_malformed (self, PROC_STAT, info->procs_error);
    }
  else
    {
      gint64 total = count_processes (self);

      if (total >= 0)
        {
          sample->procs_total = (guint) MIN (total, (gint64) MAX_COUNT);
          sample->procs_running = (guint) info->procs_running;
          sample->procs_blocked = (guint) info->procs_blocked;
          sample->parts |= SEYE_SAMPLE_PROCESSES;
        }
    }

  if (info->btime_error != NULL)
    add_malformed (self, PROC_STAT, info->btime_error);
}

/* Memory: /proc/meminfo ------------------------------------------------------ */

enum
{
  MEM_TOTAL,
  MEM_FREE,
  MEM_AVAILABLE,
  MEM_BUFFERS,
  MEM_CACHED,
  MEM_SRECLAIMABLE,
  MEM_SWAP_TOTAL,
  MEM_SWAP_FREE,
  N_MEM
};

static const char * const meminfo_keys[N_MEM] = {
  [MEM_TOTAL]        = "MemTotal:",
  [MEM_FREE]         = "MemFree:",
  [MEM_AVAILABLE]    = "MemAvailable:",
  [MEM_BUFFERS]      = "Buffers:",
  [MEM_CACHED]       = "Cached:",
  [MEM_SRECLAIMABLE] = "SReclaimable:",
  [MEM_SWAP_TOTAL]   = "SwapTotal:",
  [MEM_SWAP_FREE]    = "SwapFree:",
};

static void
sample_meminfo (SeyeProcReader *self,
                SeyeSample     *sample)
{
  guint64 values[N_MEM] = { 0 };
  gboolean seen[N_MEM] = { FALSE };
  g_autofree char *error = NULL;
  SeyeMemory *m = &sample->memory;
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (!load_file (self, PROC_MEMINFO, &text))
    return;

  while (error == NULL && _seye_proc_next_line (&text, &line))
    {
      SeyeProcToken key, value, unit;
      guint k;

      if (!_seye_proc_next_token (&line, &key))
        continue;

      for (k = 0; k < N_MEM; k++)
        if (_seye_proc_token_equal (&key, meminfo_keys[k]))
          break;
      if (k == N_MEM)
        continue;

      if (!_seye_proc_next_token (&line, &value) || !parse_token_u64 (&value, &values[k]) ||
          !_seye_proc_next_token (&line, &unit) || !_seye_proc_token_equal (&unit, "kB"))
        error = g_strdup_printf ("%.*s is not a number of kB", (int) key.len - 1, key.str);
      else if (values[k] > MAX_BYTES / 1024)
        error = g_strdup_printf ("%.*s is out of range", (int) key.len - 1, key.str);
      else
        {
          values[k] *= 1024;
          seen[k] = TRUE;
        }
    }

  if (error == NULL && !seen[MEM_TOTAL])
    error = g_strdup ("no MemTotal line");
  else if (error == NULL && values[MEM_TOTAL] == 0)
    error = g_strdup ("MemTotal is 0");
  else if (error == NULL && values[MEM_FREE] > values[MEM_TOTAL])
    error = g_strdup ("MemFree is larger than MemTotal");

  if (error != NULL)
    {
      add_malformed (self, PROC_MEMINFO, error);
      return;
    }

  m->total = values[MEM_TOTAL];
  m->free = values[MEM_FREE];
  m->buffers = values[MEM_BUFFERS];
  m->cached = MIN (values[MEM_CACHED] + values[MEM_SRECLAIMABLE], MAX_BYTES);
  m->available = seen[MEM_AVAILABLE]
                 ? values[MEM_AVAILABLE]
                 : values[MEM_FREE] + values[MEM_BUFFERS] + values[MEM_CACHED];
  m->available = MIN (m->available, m->total);
  m->used = m->total - m->available;
  m->swap_total = values[MEM_SWAP_TOTAL];
  m->swap_used = values[MEM_SWAP_FREE] < m->swap_total ? m->swap_total - values[MEM_SWAP_FREE] : 0;

  sample->parts |= SEYE_SAMPLE_MEMORY;
}

/* Load and threads: /proc/loadavg -------------------------------------------- */

static void
sample_loadavg (SeyeProcReader *self,
                SeyeSample     *sample)
{
  SeyeProcCursor text;
  SeyeProcCursor line;
  SeyeProcToken token;
  double load[3];
  guint64 running, threads;
  const char *slash;

  if (!load_file (self, PROC_LOADAVG, &text))
    return;

  _seye_proc_next_line (&text, &line);

  for (guint i = 0; i < 3; i++)
    if (!_seye_proc_next_token (&line, &token) ||
        !_seye_proc_parse_double (token.str, token.len, &load[i]) ||
        load[i] > MAX_LOAD)
      {
        add_malformed (self, PROC_LOADAVG, "the load averages are not three numbers");
        return;
      }

  if (!_seye_proc_next_token (&line, &token) ||
      (slash = memchr (token.str, '/', token.len)) == NULL ||
      !_seye_proc_parse_u64 (token.str, slash - token.str, &running) ||
      !_seye_proc_parse_u64 (slash + 1, token.str + token.len - slash - 1, &threads) ||
      threads > MAX_COUNT)
    {
      add_malformed (self, PROC_LOADAVG, "no “running/total” count of threads");
      return;
    }

  memcpy (sample->load, load, sizeof load);
  sample->threads = (guint) threads;
  sample->parts |= SEYE_SAMPLE_LOAD;
}

/* Uptime: /proc/uptime (and btime of /proc/stat) ---------------------------- */

static gboolean
parse_uptime (SeyeProcCursor *text,
              double         *uptime)
{
  SeyeProcCursor line;
  SeyeProcToken token;

  return _seye_proc_next_line (text, &line) &&
         _seye_proc_next_token (&line, &token) &&
         _seye_proc_parse_double (token.str, token.len, uptime) &&
         *uptime <= MAX_SECONDS;
}

static void
sample_uptime (SeyeProcReader *self,
               SeyeSample     *sample,
               const StatInfo *stat)
{
  SeyeProcCursor text;
  double uptime;

  if (!load_file (self, PROC_UPTIME, &text))
    return;

  if (!parse_uptime (&text, &uptime))
    {
      add_malformed (self, PROC_UPTIME, "its first field is not a number of seconds");
      return;
    }

  sample->uptime = uptime;
  if (stat->have_btime)
    sample->boot_time = (gint64) stat->btime;
  else
    sample->boot_time = CLAMP (sample->time_ms / 1000 - (gint64) uptime, 0, (gint64) MAX_BOOT_TIME);
  sample->parts |= SEYE_SAMPLE_UPTIME;
}

/* Network: /proc/net/dev ----------------------------------------------------- */

static int
compare_iface_name (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const SeyeNetIface *) a)->name, ((const SeyeNetIface *) b)->name);
}

static char *
parse_net_dev (SeyeProcCursor *text,
               GArray         *ifaces)
{
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeNetIface iface = { NULL };
      SeyeProcCursor columns;
      SeyeProcToken name, token;
      const char *colon;
      guint n;

      /* The two header lines. */
      if (memchr (line.pos, '|', line.end - line.pos) != NULL)
        continue;

      colon = memchr (line.pos, ':', line.end - line.pos);
      if (colon == NULL)
        {
          if (_seye_proc_count_tokens (&line) == 0)
            continue;
          return g_strdup ("a line names no interface");
        }

      columns.pos = line.pos;
      columns.end = colon;
      if (!_seye_proc_next_token (&columns, &name) || _seye_proc_next_token (&columns, &token) ||
          !_seye_proc_is_device_name (name.str, name.len))
        return g_strdup ("a line names no valid interface");

      columns.pos = colon + 1;
      columns.end = line.end;
      n = _seye_proc_count_tokens (&columns);
      if (n < NET_DEV_COLUMNS)
        {
          g_autofree char *where = _seye_proc_describe (name.str, name.len);

          return g_strdup_printf ("the line of %s has %u columns, expected %u",
                                  where, n, NET_DEV_COLUMNS);
        }

      for (guint i = 0; i <= 8; i++)
        {
          _seye_proc_next_token (&columns, &token);
          if ((i == 0 && !parse_token_u64 (&token, &iface.rx_bytes)) ||
              (i == 8 && !parse_token_u64 (&token, &iface.tx_bytes)))
            {
              g_autofree char *where = _seye_proc_describe (name.str, name.len);

              return g_strdup_printf ("the byte counts of %s are not numbers", where);
            }
        }

      iface.name = g_strndup (name.str, name.len);
      g_array_append_val (ifaces, iface);
    }

  g_array_sort (ifaces, compare_iface_name);
  for (guint i = 1; i < ifaces->len; i++)
    {
      const char *name = g_array_index (ifaces, SeyeNetIface, i).name;

      if (strcmp (g_array_index (ifaces, SeyeNetIface, i - 1).name, name) == 0)
        {
          g_autofree char *where = _seye_proc_describe (name, strlen (name));

          return g_strdup_printf ("it lists %s twice", where);
        }
    }

  return NULL;
}

static void
sample_net_dev (SeyeProcReader *self,
                SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;

  if (!load_file (self, PROC_NET_DEV, &text))
    return;

  if ((error = parse_net_dev (&text, sample->interfaces)) != NULL)
    {
      g_array_set_size (sample->interfaces, 0);
      add_malformed (self, PROC_NET_DEV, error);
      return;
    }

  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);
      CounterState *state = lookup_counter (self->net_states, iface->name);

      if (state->generation != 0 && state->generation + 1 == self->generation)
        {
          iface->rx_bytes_per_sec = counter_rate (state->in, iface->rx_bytes, sample->interval);
          iface->tx_bytes_per_sec = counter_rate (state->out, iface->tx_bytes, sample->interval);
        }

      state->generation = self->generation;
      state->in = iface->rx_bytes;
      state->out = iface->tx_bytes;

      if (strcmp (iface->name, "lo") != 0)
        {
          sample->net_rx_bytes_per_sec += iface->rx_bytes_per_sec;
          sample->net_tx_bytes_per_sec += iface->tx_bytes_per_sec;
        }
    }

  g_hash_table_foreach_remove (self->net_states, counter_is_stale_cb,
                               GUINT_TO_POINTER (self->generation));

  /* Keep what the decoder accepts; the totals still count every interface. */
  if (sample->interfaces->len > SEYE_MAX_INTERFACES)
    g_array_set_size (sample->interfaces, SEYE_MAX_INTERFACES);

  sample->net_rx_bytes_per_sec = MIN (sample->net_rx_bytes_per_sec, MAX_RATE);
  sample->net_tx_bytes_per_sec = MIN (sample->net_tx_bytes_per_sec, MAX_RATE);
  sample->parts |= SEYE_SAMPLE_NETWORK;
}

/* Disk I/O: /proc/diskstats and /sys/block ---------------------------------- */

static int
compare_disk_name (gconstpointer a,
                   gconstpointer b)
{
  return strcmp (((const SeyeDiskDevice *) a)->name, ((const SeyeDiskDevice *) b)->name);
}

/* Whether NAME is a whole physical disk: it has a device behind it in
 * /sys/block (which leaves out loop, ram, zram, dm, md and partitions). */
static gboolean
is_physical_disk (SeyeProcReader *self,
                  const char     *name,
                  gboolean        have_sys_block)
{
  if (!have_sys_block)
    return _seye_proc_is_whole_disk_name (name);

  g_string_assign (self->scratch, self->sys_block_dir);
  g_string_append_c (self->scratch, '/');
  /* "cciss/c0d0" of /proc/diskstats is "cciss!c0d0" in /sys/block. */
  for (const char *p = name; *p; p++)
    g_string_append_c (self->scratch, *p == '/' ? '!' : *p);
  g_string_append (self->scratch, "/device");

  return access (self->scratch->str, F_OK) == 0;
}

static char *
parse_diskstats (SeyeProcReader *self,
                 SeyeProcCursor *text,
                 GArray         *disks)
{
  gboolean have_sys_block = access (self->sys_block_dir, F_OK) == 0;
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeDiskDevice disk = { NULL };
      SeyeProcToken token, name;
      guint64 sectors_read = 0, sectors_written = 0;
      char name_buf[65];
      guint n = _seye_proc_count_tokens (&line);

      if (n == 0)
        continue;

      if (n < 3 ||
          !_seye_proc_next_token (&line, &token) || !_seye_proc_next_token (&line, &token) ||
          !_seye_proc_next_token (&line, &name) ||
          !_seye_proc_is_device_name (name.str, name.len))
        return g_strdup ("a line names no valid device");

      memcpy (name_buf, name.str, name.len);
      name_buf[name.len] = '\0';
      if (!is_physical_disk (self, name_buf, have_sys_block))
        continue;

      if (n < DISKSTATS_COLUMNS)
        return g_strdup_printf ("the line of %s has %u columns, expected at least %u",
                                name_buf, n, DISKSTATS_COLUMNS);

      /* Fields 6 and 10 of the line: sectors read and sectors written. */
      for (guint i = 3; i <= 9; i++)
        {
          _seye_proc_next_token (&line, &token);
          if ((i == 5 && !parse_token_u64 (&token, &sectors_read)) ||
              (i == 9 && !parse_token_u64 (&token, &sectors_written)))
            return g_strdup_printf ("the sector counts of %s are not numbers", name_buf);
        }

      disk.name = g_strdup (name_buf);
      disk.read_bytes = _seye_proc_mul_sat (sectors_read, SECTOR_SIZE);
      disk.written_bytes = _seye_proc_mul_sat (sectors_written, SECTOR_SIZE);
      g_array_append_val (disks, disk);
    }

  g_array_sort (disks, compare_disk_name);
  for (guint i = 1; i < disks->len; i++)
    if (strcmp (g_array_index (disks, SeyeDiskDevice, i - 1).name,
                g_array_index (disks, SeyeDiskDevice, i).name) == 0)
      return g_strdup_printf ("it lists %s twice", g_array_index (disks, SeyeDiskDevice, i).name);

  return NULL;
}

static void
sample_diskstats (SeyeProcReader *self,
                  SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;

  if (!load_file (self, PROC_DISKSTATS, &text))
    return;

  if ((error = parse_diskstats (self, &text, sample->disks)) != NULL)
    {
      g_array_set_size (sample->disks, 0);
      add_malformed (self, PROC_DISKSTATS, error);
      return;
    }

  for (guint i = 0; i < sample->disks->len; i++)
    {
      SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);
      CounterState *state = lookup_counter (self->disk_states, disk->name);

      if (state->generation != 0 && state->generation + 1 == self->generation)
        {
          disk->read_bytes_per_sec = counter_rate (state->in, disk->read_bytes, sample->interval);
          disk->write_bytes_per_sec = counter_rate (state->out, disk->written_bytes, sample->interval);
        }

      state->generation = self->generation;
      state->in = disk->read_bytes;
      state->out = disk->written_bytes;

      sample->disk_read_bytes_per_sec += disk->read_bytes_per_sec;
      sample->disk_write_bytes_per_sec += disk->write_bytes_per_sec;
    }

  g_hash_table_foreach_remove (self->disk_states, counter_is_stale_cb,
                               GUINT_TO_POINTER (self->generation));

  if (sample->disks->len > SEYE_MAX_DISKS)
    g_array_set_size (sample->disks, SEYE_MAX_DISKS);

  sample->disk_read_bytes_per_sec = MIN (sample->disk_read_bytes_per_sec, MAX_RATE);
  sample->disk_write_bytes_per_sec = MIN (sample->disk_write_bytes_per_sec, MAX_RATE);
  sample->parts |= SEYE_SAMPLE_DISK;
}

/* Filesystems: /proc/mounts and statvfs ------------------------------------- */

static gboolean
is_real_filesystem (const char *device,
                    const char *mount_point,
                    const char *fs_type)
{
  static const char * const block_types[] = {
    "ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "vfat", "exfat",
    "ntfs", "ntfs3", "fuseblk", "jfs", "reiserfs",
  };
  static const char * const network_types[] = {
    "nfs", "nfs4", "cifs",
  };

  if (strcmp (mount_point, "/") == 0)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (network_types); i++)
    if (strcmp (fs_type, network_types[i]) == 0)
      return TRUE;

  if (!g_str_has_prefix (device, "/dev/"))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (block_types); i++)
    if (strcmp (fs_type, block_types[i]) == 0)
      return TRUE;

  return FALSE;
}

/* Adds a mount to @filesystems: a later mount on the same point hides the
 * earlier one, and a device mounted twice (bind mounts) is listed once, at its
 * shortest mount point. */
static void
add_mount (GArray *filesystems,
           char   *device,
           char   *mount_point,
           char   *fs_type)
{
  SeyeFilesystem fs = { NULL };

  for (guint i = 0; i < filesystems->len; i++)
    if (strcmp (g_array_index (filesystems, SeyeFilesystem, i).mount_point, mount_point) == 0)
      {
        g_array_remove_index (filesystems, i);
        break;
      }

  for (guint i = 0; i < filesystems->len; i++)
    {
      SeyeFilesystem *other = &g_array_index (filesystems, SeyeFilesystem, i);

      if (strcmp (other->device, device) == 0)
        {
          if (strlen (mount_point) < strlen (other->mount_point))
            {
              g_free (other->mount_point);
              other->mount_point = g_steal_pointer (&mount_point);
            }
          g_free (device);
          g_free (mount_point);
          g_free (fs_type);
          return;
        }
    }

  fs.device = device;
  fs.mount_point = mount_point;
  fs.fs_type = fs_type;
  g_array_append_val (filesystems, fs);
}

static char *
parse_mounts (SeyeProcCursor *text,
              GArray         *filesystems)
{
  SeyeProcCursor line;

  while (_seye_proc_next_line (text, &line))
    {
      SeyeProcToken device, mount_point, fs_type;
      g_autofree char *device_str = NULL;
      g_autofree char *mount_str = NULL;
      g_autofree char *type_str = NULL;
      guint n = _seye_proc_count_tokens (&line);

      if (n == 0)
        continue;

      if (n < 3)
        return g_strdup ("a line has fewer than 3 columns");

      _seye_proc_next_token (&line, &device);
      _seye_proc_next_token (&line, &mount_point);
      _seye_proc_next_token (&line, &fs_type);

      mount_str = _seye_proc_unescape (&mount_point);
      if (mount_str[0] != '/')
        {
          g_autofree char *where = _seye_proc_describe (mount_point.str, mount_point.len);

          return g_strdup_printf ("mount point “%s” is not an absolute path", where);
        }

      device_str = _seye_proc_unescape (&device);
      type_str = _seye_proc_unescape (&fs_type);

      /* Longer than a client accepts: never a filesystem worth showing. */
      if (strlen (mount_str) > MAX_PATH || strlen (device_str) > MAX_PATH ||
          strlen (type_str) > SEYE_MAX_STRING)
        continue;

      if (is_real_filesystem (device_str, mount_str, type_str))
        add_mount (filesystems,
                   g_steal_pointer (&device_str),
                   g_steal_pointer (&mount_str),
                   g_steal_pointer (&type_str));
    }

  return NULL;
}

static void
sample_filesystems (SeyeProcReader *self,
                    SeyeSample     *sample)
{
  g_autofree char *error = NULL;
  SeyeProcCursor text;
  guint i = 0;

  if (!load_file (self, PROC_MOUNTS, &text))
    return;

  if ((error = parse_mounts (&text, sample->filesystems)) != NULL)
    {
      g_array_set_size (sample->filesystems, 0);
      add_malformed (self, PROC_MOUNTS, error);
      return;
    }

  while (i < sample->filesystems->len)
    {
      SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      const char *path = fs->mount_point;
      struct statvfs st;
      guint64 frsize;

      if (!self->real_root)
        {
          g_string_assign (self->scratch, self->root);
          g_string_append (self->scratch, fs->mount_point);
          path = self->scratch->str;
        }

      if (statvfs (path, &st) != 0)
        {
          add_problem (self, "cannot measure the filesystem at %s: %s", path, g_strerror (errno));
          g_array_remove_index (sample->filesystems, i);
          continue;
        }

      frsize = st.f_frsize != 0 ? st.f_frsize : st.f_bsize;
      fs->size_bytes = MIN (_seye_proc_mul_sat (st.f_blocks, frsize), MAX_BYTES);
      fs->free_bytes = MIN (_seye_proc_mul_sat (st.f_bfree, frsize), fs->size_bytes);
      fs->avail_bytes = MIN (_seye_proc_mul_sat (st.f_bavail, frsize), fs->free_bytes);
      fs->used_bytes = fs->size_bytes - fs->free_bytes;
      i++;
    }

  if (sample->filesystems->len > SEYE_MAX_FILESYSTEMS)
    g_array_set_size (sample->filesystems, SEYE_MAX_FILESYSTEMS);

  sample->parts |= SEYE_SAMPLE_FILESYSTEMS;
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

  sample_stat (self, sample, &stat);
  sample_meminfo (self, sample);
  sample_loadavg (self, sample);
  sample_uptime (self, sample, &stat);
  sample_net_dev (self, sample);
  sample_diskstats (self, sample);
  sample_filesystems (self, sample);

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

/* Identity -------------------------------------------------------------------- */

/* The contents of a file, tidied, or NULL when it cannot be read or is blank. */
static char *
read_text (SeyeProcReader *self,
           ProcFile        file)
{
  char *text;

  if (read_path (self, self->paths[file]) != 0)
    return NULL;

  text = _seye_proc_tidy_text (self->buf, self->len, SEYE_MAX_STRING);
  if (text[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

static char *
os_release_value (const char *text,
                  gsize       len,
                  const char *key)
{
  SeyeProcCursor cursor = { text, text + len };
  SeyeProcCursor line;
  gsize key_len = strlen (key);

  while (_seye_proc_next_line (&cursor, &line))
    {
      g_autofree char *raw = NULL;
      g_autofree char *value = NULL;

      while (line.pos < line.end && g_ascii_isspace (*line.pos))
        line.pos++;

      if ((gsize) (line.end - line.pos) <= key_len ||
          memcmp (line.pos, key, key_len) != 0 || line.pos[key_len] != '=')
        continue;

      raw = g_strstrip (g_strndup (line.pos + key_len + 1, line.end - line.pos - key_len - 1));
      value = g_shell_unquote (raw, NULL);
      if (value == NULL)
        {
          /* An unbalanced quote: take the text inside it. */
          value = g_strdup (raw + strspn (raw, "\"'"));
          value[strcspn (value, "\"'")] = '\0';
        }

      return _seye_proc_tidy_text (value, strlen (value), SEYE_MAX_STRING);
    }

  return NULL;
}

static char *
read_os_name (SeyeProcReader *self)
{
  char *name = NULL;

  if (read_path (self, self->paths[ETC_OS_RELEASE]) != 0 &&
      read_path (self, self->paths[USR_LIB_OS_RELEASE]) != 0)
    return g_strdup ("Linux");

  name = os_release_value (self->buf, self->len, "PRETTY_NAME");
  if (name == NULL || name[0] == '\0')
    {
      g_free (name);
      name = os_release_value (self->buf, self->len, "NAME");
    }
  if (name == NULL || name[0] == '\0')
    {
      g_free (name);
      name = g_strdup ("Linux");
    }

  return name;
}

static char *
read_cpu_model (SeyeProcReader *self)
{
  /* In order of preference: x86 and most others, then ARM, MIPS, older ARM. */
  static const char * const keys[] = {
    "model name", "Hardware", "Model", "cpu model", "Processor",
  };
  char *found[G_N_ELEMENTS (keys)] = { NULL };
  char *model = NULL;
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (read_path (self, self->paths[PROC_CPUINFO]) != 0)
    return g_strdup ("unknown");

  text.pos = self->buf;
  text.end = self->buf + self->len;

  while (found[0] == NULL && _seye_proc_next_line (&text, &line))
    {
      const char *colon = memchr (line.pos, ':', line.end - line.pos);
      const char *key_end;

      if (colon == NULL)
        continue;

      key_end = colon;
      while (key_end > line.pos && (key_end[-1] == ' ' || key_end[-1] == '\t'))
        key_end--;

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (found[i] == NULL && (gsize) (key_end - line.pos) == strlen (keys[i]) &&
            memcmp (line.pos, keys[i], key_end - line.pos) == 0)
          {
            char *value = _seye_proc_tidy_text (colon + 1, line.end - colon - 1, SEYE_MAX_STRING);

            if (value[0] != '\0')
              found[i] = value;
            else
              g_free (value);
          }
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (model == NULL)
        model = g_steal_pointer (&found[i]);
      g_free (found[i]);
    }

  return model != NULL ? model : g_strdup ("unknown");
}

/* Counts the cpuN lines of /proc/stat and finds btime; FALSE when unreadable. */
static gboolean
scan_stat (SeyeProcReader *self,
           guint          *n_cores,
           guint64        *btime)
{
  SeyeProcCursor text;
  SeyeProcCursor line;

  if (read_path (self, self->paths[PROC_STAT]) != 0)
    return FALSE;

  text.pos = self->buf;
  text.end = self->buf + self->len;
  *n_cores = 0;
  *btime = 0;

  while (_seye_proc_next_line (&text, &line))
    {
      SeyeProcToken name;
      guint64 value;

      if (!_seye_proc_next_token (&line, &name))
        continue;

      if (name.len > 3 && memcmp (name.str, "cpu", 3) == 0 && g_ascii_isdigit (name.str[3]))
        (*n_cores)++;
      else if (_seye_proc_token_equal (&name, "btime") &&
               parse_stat_count (&line, &name, MAX_BOOT_TIME, &value, NULL))
        *btime = value;
    }

  return TRUE;
}

/**
 * seye_proc_reader_read_node_id:
 *
 * Derives the node id from etc/machine-id (see seye_node_id_derive()).
 *
 * Returns: (transfer full): 32 hex digits, or %NULL with @error set
 *   (%SEYE_ERROR_IO) when etc/machine-id is missing or empty, saying what to do.
 */
char *
seye_proc_reader_read_node_id (SeyeProcReader  *self,
                               GError         **error)
{
  g_autofree char *machine_id = NULL;
  char *node_id;
  int err;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  err = read_path (self, self->paths[ETC_MACHINE_ID]);
  if (err != 0)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                   "cannot read %s: %s; give this node an id with --node-id",
                   self->paths[ETC_MACHINE_ID], g_strerror (err));
      return NULL;
    }

  machine_id = g_strndup (self->buf, self->len);
  node_id = seye_node_id_derive (machine_id);
  if (node_id == NULL)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_IO,
                 "%s is empty; give this node an id with --node-id",
                 self->paths[ETC_MACHINE_ID]);

  return node_id;
}

/**
 * seye_proc_reader_read_identity:
 *
 * Reads what the node says about itself. Never fails: the node id is %NULL
 * when etc/machine-id is missing or empty (seye_proc_reader_read_node_id()
 * says why); every other field falls back to a placeholder ("Linux",
 * "unknown", an empty hostname for a root other than "/").
 *
 * Returns: (transfer full): the identity with @name, @agent_version unset and
 *   @interval 0.
 */
SeyeNodeInfo *
seye_proc_reader_read_identity (SeyeProcReader *self)
{
  g_autoptr (SeyeNodeInfo) info = NULL;
  struct utsname uts;
  gboolean have_uts;
  guint64 btime = 0;
  guint n_cores = 0;

  g_return_val_if_fail (self != NULL, NULL);

  info = seye_node_info_new ();
  info->node_id = seye_proc_reader_read_node_id (self, NULL);

  have_uts = uname (&uts) == 0;

  info->hostname = read_text (self, PROC_HOSTNAME);
  if (info->hostname == NULL)
    {
      const char *host = self->real_root ? g_get_host_name () : "";

      info->hostname = _seye_proc_tidy_text (host, strlen (host), SEYE_MAX_STRING);
    }

  info->kernel = read_text (self, PROC_OSRELEASE);
  if (info->kernel == NULL)
    info->kernel = g_strdup (self->real_root && have_uts ? uts.release : "unknown");

  info->arch = g_strdup (have_uts ? uts.machine : "unknown");
  info->os_name = read_os_name (self);
  info->cpu_model = read_cpu_model (self);

  if (scan_stat (self, &n_cores, &btime))
    info->n_cores = n_cores;
  else if (self->real_root)
    info->n_cores = g_get_num_processors ();

  if (btime == 0 && read_path (self, self->paths[PROC_UPTIME]) == 0)
    {
      SeyeProcCursor text = { self->buf, self->buf + self->len };
      double uptime;

      if (parse_uptime (&text, &uptime))
        btime = MAX (g_get_real_time () / G_USEC_PER_SEC - (gint64) uptime, 0);
    }
  info->boot_time = (gint64) btime;

  return g_steal_pointer (&info);
}
