/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "seye-proc-private.h"

/*
 * What the kernel counts for the whole machine: CPU time per core, the
 * processes and the boot time (/proc/stat), the load and the threads
 * (/proc/loadavg), and the uptime (/proc/uptime).
 */

void
_seye_proc_stat_info_clear (StatInfo *info)
{
  g_clear_pointer (&info->cpu_error, g_free);
  g_clear_pointer (&info->procs_error, g_free);
  g_clear_pointer (&info->btime_error, g_free);
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
      if (!_seye_proc_token_u64 (&token, &stat->ticks[n]))
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
gboolean
_seye_proc_parse_stat_count (SeyeProcCursor      *line,
                             const SeyeProcToken *name,
                             guint64              max,
                             guint64             *value,
                             char               **error)
{
  SeyeProcToken token;

  if (!_seye_proc_next_token (line, &token) || !_seye_proc_token_u64 (&token, value) ||
      *value > max)
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
          if (_seye_proc_parse_stat_count (&line, &name, MAX_COUNT, &info->procs_running,
                                           &info->procs_error))
            info->have_procs = TRUE;
        }
      else if (_seye_proc_token_equal (&name, "procs_blocked"))
        {
          _seye_proc_parse_stat_count (&line, &name, MAX_COUNT, &info->procs_blocked,
                                       &info->procs_error);
        }
      else if (_seye_proc_token_equal (&name, "btime"))
        {
          info->have_btime = _seye_proc_parse_stat_count (&line, &name, MAX_BOOT_TIME,
                                                          &info->btime, &info->btime_error);
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
      _seye_proc_add_problem (self, "cannot list %s: %s", self->proc_dir, g_strerror (errno));
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

void
_seye_proc_sample_stat (SeyeProcReader *self,
                        SeyeSample     *sample,
                        StatInfo       *info)
{
  SeyeProcCursor text;

  if (!_seye_proc_load_file (self, PROC_STAT, &text))
    return;

  parse_stat (self, &text, info);

  if (info->cpu_error != NULL)
    {
      _seye_proc_add_malformed (self, PROC_STAT, info->cpu_error);
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
      _seye_proc_add_malformed (self, PROC_STAT, info->procs_error);
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
    _seye_proc_add_malformed (self, PROC_STAT, info->btime_error);
}

/* Load and threads: /proc/loadavg -------------------------------------------- */

void
_seye_proc_sample_loadavg (SeyeProcReader *self,
                           SeyeSample     *sample)
{
  SeyeProcCursor text;
  SeyeProcCursor line;
  SeyeProcToken token;
  double load[3];
  guint64 running, threads;
  const char *slash;

  if (!_seye_proc_load_file (self, PROC_LOADAVG, &text))
    return;

  _seye_proc_next_line (&text, &line);

  for (guint i = 0; i < 3; i++)
    if (!_seye_proc_next_token (&line, &token) ||
        !_seye_proc_parse_double (token.str, token.len, &load[i]) ||
        load[i] > MAX_LOAD)
      {
        _seye_proc_add_malformed (self, PROC_LOADAVG, "the load averages are not three numbers");
        return;
      }

  if (!_seye_proc_next_token (&line, &token) ||
      (slash = memchr (token.str, '/', token.len)) == NULL ||
      !_seye_proc_parse_u64 (token.str, slash - token.str, &running) ||
      !_seye_proc_parse_u64 (slash + 1, token.str + token.len - slash - 1, &threads) ||
      threads > MAX_COUNT)
    {
      _seye_proc_add_malformed (self, PROC_LOADAVG, "no “running/total” count of threads");
      return;
    }

  memcpy (sample->load, load, sizeof load);
  sample->threads = (guint) threads;
  sample->parts |= SEYE_SAMPLE_LOAD;
}

/* Uptime: /proc/uptime (and btime of /proc/stat) ---------------------------- */

gboolean
_seye_proc_parse_uptime (SeyeProcCursor *text,
                         double         *uptime)
{
  SeyeProcCursor line;
  SeyeProcToken token;

  return _seye_proc_next_line (text, &line) &&
         _seye_proc_next_token (&line, &token) &&
         _seye_proc_parse_double (token.str, token.len, uptime) &&
         *uptime <= MAX_SECONDS;
}

void
_seye_proc_sample_uptime (SeyeProcReader *self,
                          SeyeSample     *sample,
                          const StatInfo *stat)
{
  SeyeProcCursor text;
  double uptime;

  if (!_seye_proc_load_file (self, PROC_UPTIME, &text))
    return;

  if (!_seye_proc_parse_uptime (&text, &uptime))
    {
      _seye_proc_add_malformed (self, PROC_UPTIME, "its first field is not a number of seconds");
      return;
    }

  sample->uptime = uptime;
  if (stat->have_btime)
    sample->boot_time = (gint64) stat->btime;
  else
    sample->boot_time = CLAMP (sample->time_ms / 1000 - (gint64) uptime, 0, (gint64) MAX_BOOT_TIME);
  sample->parts |= SEYE_SAMPLE_UPTIME;
}
