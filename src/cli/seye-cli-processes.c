/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A node's processes in words and columns, for `seye fetch --processes` and `seye top`. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-cli-processes.h"
#include "seye-format.h"
#include "seye-sanitize.h"

#define BOLD  "\033[1m"
#define RED   "\033[31m"
#define RESET "\033[0m"

const char *
seye_cli_process_header (SeyeCliProcessColumn column)
{
  switch (column)
    {
    case SEYE_CLI_PROCESS_PID:     return _("PID");
    case SEYE_CLI_PROCESS_USER:    return _("USER");
    /* TRANSLATORS: the column of a process's state (R running, S sleeping, …): one letter */
    case SEYE_CLI_PROCESS_STATE:   return C_("process state", "S");
    case SEYE_CLI_PROCESS_CPU:     return _("CPU%");
    case SEYE_CLI_PROCESS_MEMORY:  return _("MEM");
    /* TRANSLATORS: the column of a process's threads */
    case SEYE_CLI_PROCESS_THREADS: return _("THR");
    case SEYE_CLI_PROCESS_READ:    return _("READ/s");
    case SEYE_CLI_PROCESS_WRITE:   return _("WRITE/s");
    case SEYE_CLI_PROCESS_NAME:    return _("NAME");
    case SEYE_CLI_N_PROCESS_COLUMNS:
    default:                       g_return_val_if_reached ("");
    }
}

gboolean
seye_cli_process_right_aligned (SeyeCliProcessColumn column)
{
  return column != SEYE_CLI_PROCESS_USER && column != SEYE_CLI_PROCESS_STATE &&
         column != SEYE_CLI_PROCESS_NAME;
}

/* Whether @column is the one the list is sorted by (I/O: both rates). */
gboolean
seye_cli_process_sort_column (SeyeCliProcessColumn column,
                              SeyeProcessSort      sort)
{
  switch (sort)
    {
    case SEYE_PROCESS_SORT_MEMORY:
      return column == SEYE_CLI_PROCESS_MEMORY;
    case SEYE_PROCESS_SORT_IO:
      return column == SEYE_CLI_PROCESS_READ || column == SEYE_CLI_PROCESS_WRITE;
    case SEYE_PROCESS_SORT_CPU:
    default:
      return column == SEYE_CLI_PROCESS_CPU;
    }
}

/* The first @max characters of @text, "…" at the end when cut. */
static char *
cut (const char *text,
     glong       max)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);

  start = g_utf8_substring (text, 0, max - 1);

  return g_strconcat (start, "…", NULL);
}

/**
 * seye_cli_process_cells:
 *
 * Returns: (transfer full): the cells of @process, SEYE_CLI_N_PROCESS_COLUMNS of
 *   them, sanitised; rates are "–" where the node could not read them.
 */
GStrv
seye_cli_process_cells (const SeyeProcess *process)
{
  GStrv cells = g_new0 (char *, SEYE_CLI_N_PROCESS_COLUMNS + 1);
  g_autofree char *user = seye_sanitize_display (process->user ? process->user : "?");
  char state[2] = { process->state, '\0' };

  cells[SEYE_CLI_PROCESS_PID] = g_strdup_printf ("%u", process->pid);
  cells[SEYE_CLI_PROCESS_USER] = cut (user, SEYE_CLI_MAX_USER);
  cells[SEYE_CLI_PROCESS_STATE] = g_ascii_isgraph (process->state) ? g_strdup (state) : g_strdup ("?");
  cells[SEYE_CLI_PROCESS_CPU] = g_strdup_printf ("%.1f", process->cpu_percent);
  cells[SEYE_CLI_PROCESS_MEMORY] = seye_format_bytes (process->rss_bytes);
  cells[SEYE_CLI_PROCESS_THREADS] = g_strdup_printf ("%u", process->threads);
  cells[SEYE_CLI_PROCESS_READ] = process->have_io ? seye_format_rate (process->read_bytes_per_sec)
                                                  : g_strdup ("–");
  cells[SEYE_CLI_PROCESS_WRITE] = process->have_io ? seye_format_rate (process->write_bytes_per_sec)
                                                   : g_strdup ("–");
  cells[SEYE_CLI_PROCESS_NAME] = seye_sanitize_display (process->name ? process->name : "?");

  return cells;
}

gboolean
seye_cli_process_pegged (const SeyeProcess *process)
{
  return process->cpu_percent >= SEYE_CLI_PEGGED_PERCENT;
}

/**
 * seye_cli_process_totals:
 *
 * Returns: (transfer full): "312 processes, 3 not readable", "12 processes"
 */
char *
seye_cli_process_totals (const SeyeProcessList *list)
{
  g_autofree char *total = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u process", "%u processes",
                                                         list->total),
                                            list->total);

  if (list->not_readable == 0)
    return g_steal_pointer (&total);

  /* TRANSLATORS: "312 processes, 3 not readable" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u not readable", "%s, %u not readable",
                                       list->not_readable),
                          total, list->not_readable);
}

/* "cpu", "memory", "io": as the options and the JSON say it. */
const char *
seye_cli_process_sort_id (SeyeProcessSort sort)
{
  switch (sort)
    {
    case SEYE_PROCESS_SORT_MEMORY: return "memory";
    case SEYE_PROCESS_SORT_IO:     return "io";
    case SEYE_PROCESS_SORT_CPU:
    default:                       return "cpu";
    }
}

/* "CPU", "memory", "I/O": as a sentence says it. */
const char *
seye_cli_process_sort_title (SeyeProcessSort sort)
{
  switch (sort)
    {
    case SEYE_PROCESS_SORT_MEMORY: return _("memory");
    case SEYE_PROCESS_SORT_IO:     return _("I/O");
    case SEYE_PROCESS_SORT_CPU:
    default:                       return _("CPU");
    }
}

static void
append_cell (GString    *line,
             const char *text,
             guint       width,
             gboolean    right)
{
  guint len = (guint) g_utf8_strlen (text, -1);
  guint pad = len < width ? width - len : 0;

  if (right)
    g_string_append_printf (line, "%*s%s", pad, "", text);
  else
    g_string_append_printf (line, "%s%*s", text, pad, "");
}

/**
 * seye_cli_append_processes:
 * @indent: what each line starts with
 * @color: a pegged process's CPU % in bold red
 *
 * Appends the column headers (the sort column marked with "*") and a line per
 * process, in aligned columns, each line ending with a newline.
 */
void
seye_cli_append_processes (GString               *out,
                           const SeyeProcessList *list,
                           SeyeProcessSort        sort,
                           const char            *indent,
                           gboolean               color)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GStrv headers = g_new0 (char *, SEYE_CLI_N_PROCESS_COLUMNS + 1);
  guint widths[SEYE_CLI_N_PROCESS_COLUMNS];

  for (guint c = 0; c < SEYE_CLI_N_PROCESS_COLUMNS; c++)
    {
      headers[c] = g_strconcat (seye_cli_process_header (c), seye_cli_process_sort_column (c, sort) ? "*" : "",
                                NULL);
      widths[c] = g_utf8_strlen (headers[c], -1);
    }
  g_ptr_array_add (rows, headers);

  for (guint i = 0; i < list->processes->len; i++)
    {
      GStrv cells = seye_cli_process_cells (list->processes->pdata[i]);

      for (guint c = 0; c < SEYE_CLI_N_PROCESS_COLUMNS; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (cells[c], -1));
      g_ptr_array_add (rows, cells);
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = rows->pdata[r];
      gboolean pegged = r > 0 && color && seye_cli_process_pegged (list->processes->pdata[r - 1]);

      g_string_append (out, indent);
      for (guint c = 0; c < SEYE_CLI_N_PROCESS_COLUMNS; c++)
        {
          gboolean last = c == SEYE_CLI_N_PROCESS_COLUMNS - 1;

          if (c > 0)
            g_string_append (out, "  ");
          if (pegged && c == SEYE_CLI_PROCESS_CPU)
            g_string_append (out, BOLD RED);
          append_cell (out, cells[c], last ? 0 : widths[c], seye_cli_process_right_aligned (c));
          if (pegged && c == SEYE_CLI_PROCESS_CPU)
            g_string_append (out, RESET);
        }
      g_string_append_c (out, '\n');
    }
}
