/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include "seye-json.h"
#include "seye-proc-processes-private.h"

/*
 * The list of the last scan's processes, the busiest first, and its JSON
 * (docs/api.md, GET /v1/processes).
 */

/* What a process is ranked by: the sort's key, then CPU, memory and pid. */
typedef struct
{
  double   cpu;
  guint64  rss;
  double   io;        /* -1 where it is not readable */
  guint32  pid;
} Rank;

static int
compare_ranks (const Rank      *x,
               const Rank      *y,
               SeyeProcessSort  sort)
{
  if (sort == SEYE_PROCESS_SORT_MEMORY && x->rss != y->rss)
    return x->rss > y->rss ? -1 : 1;
  if (sort == SEYE_PROCESS_SORT_IO && x->io != y->io)
    return x->io > y->io ? -1 : 1;
  if (x->cpu != y->cpu)
    return x->cpu > y->cpu ? -1 : 1;
  if (x->rss != y->rss)
    return x->rss > y->rss ? -1 : 1;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int
compare_states (gconstpointer a,
                gconstpointer b,
                gpointer      data)
{
  const SeyeProcessState *x = *(SeyeProcessState **) a, *y = *(SeyeProcessState **) b;
  Rank rx = { x->cpu_percent, x->rss_bytes, x->read_rate + x->write_rate, x->pid };
  Rank ry = { y->cpu_percent, y->rss_bytes, y->read_rate + y->write_rate, y->pid };

  return compare_ranks (&rx, &ry, GPOINTER_TO_INT (data));
}

/* What a listed process's stat says now: its name, state and threads, which
 * the fast path of a scan does not read. */
static void
refresh_stat (SeyeProcessScanner *self,
              SeyeProcessState   *state)
{
  SeyeProcPidStat stat;
  gssize len;

  if (state->statm_fd < 0 || (len = _seye_process_scanner_read_file (self, state->pid, "stat")) < 0 ||
      !_seye_proc_parse_pid_stat (self->buf, len, &stat))
    return;

  if (stat.start_ticks == state->start_ticks)
    _seye_process_state_set_stat (state, &stat);
  g_free (stat.name);
}

/* A listed process, with its owner read again: a process may change its uid
 * after it was first seen (a daemon that drops privileges, su). */
static SeyeProcess *
process_new (SeyeProcessScanner *self,
             SeyeProcessState   *state,
             gboolean            with_argv)
{
  SeyeProcess *process = g_new0 (SeyeProcess, 1);
  const char *user;
  guint32 uid;

  refresh_stat (self, state);
  if (_seye_process_scanner_read_uid (self, state->pid, &uid))
    state->uid = uid;
  user = g_hash_table_lookup (self->users, GUINT_TO_POINTER (state->uid));

  process->pid = state->pid;
  process->name = g_strdup (state->name);
  process->user = user != NULL ? g_strdup (user) : g_strdup_printf ("%u", state->uid);
  process->state = state->state;
  process->cpu_percent = MIN (state->cpu_percent, 100.0 * MAX (state->threads, 1));
  process->rss_bytes = state->rss_bytes;
  process->threads = (guint) MIN (state->threads, G_MAXUINT);
  process->start_time = self->btime != 0 ? (gint64) (self->btime + state->start_ticks / self->clk_tck) : 0;
  process->have_io = state->have_io;
  process->read_bytes_per_sec = state->read_rate;
  process->write_bytes_per_sec = state->write_rate;

  if (with_argv)
    {
      gssize len = _seye_process_scanner_read_file (self, state->pid, "cmdline");

      if (len >= 0)
        process->argv = _seye_proc_parse_cmdline (self->buf, MIN ((gsize) len, SEYE_PROCESS_MAX_ARGS));
    }

  return process;
}

void
seye_process_free (SeyeProcess *process)
{
  if (process == NULL)
    return;

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
  SeyeProcessList *list = g_new0 (SeyeProcessList, 1);
  g_autoptr (GPtrArray) all = g_ptr_array_sized_new (g_hash_table_size (self->states));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail ((guint) sort <= SEYE_PROCESS_SORT_IO, list);

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (all, key);
  g_ptr_array_sort_with_data (all, compare_states, GINT_TO_POINTER (sort));

  limit = MIN (limit, SEYE_PROCESS_MAX_LIMIT);
  list->interval = self->interval;
  list->total = self->total;
  list->not_readable = self->not_readable;
  list->processes = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_process_free);
  for (guint i = 0; i < all->len && i < limit; i++)
    g_ptr_array_add (list->processes, process_new (self, all->pdata[i], with_argv));

  return list;
}

static int
compare_processes (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const SeyeProcess *x = *(SeyeProcess **) a, *y = *(SeyeProcess **) b;
  Rank rx = { x->cpu_percent, x->rss_bytes, x->have_io ? x->read_bytes_per_sec + x->write_bytes_per_sec : -1, x->pid };
  Rank ry = { y->cpu_percent, y->rss_bytes, y->have_io ? y->read_bytes_per_sec + y->write_bytes_per_sec : -1, y->pid };

  return compare_ranks (&rx, &ry, GPOINTER_TO_INT (data));
}

/**
 * seye_process_list_sort:
 *
 * Sorts @list by @sort as an agent does: the key (processes whose I/O is not
 * readable last for %SEYE_PROCESS_SORT_IO), then CPU, memory and pid.
 */
void
seye_process_list_sort (SeyeProcessList *list,
                        SeyeProcessSort  sort)
{
  g_return_if_fail ((guint) sort <= SEYE_PROCESS_SORT_IO);

  g_ptr_array_sort_with_data (list->processes, compare_processes, GINT_TO_POINTER (sort));
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
