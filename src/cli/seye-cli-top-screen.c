/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye top` on a terminal: the summary, the status, the processes and the keys. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <glib/gi18n.h>

#include "seye-cli-screen.h"
#include "seye-cli-top-private.h"

/* Widths of the columns but NAME, which takes the rest; a space between two. */
static const int widths[SEYE_CLI_N_PROCESS_COLUMNS] = {
  [SEYE_CLI_PROCESS_PID] = 7,
  [SEYE_CLI_PROCESS_USER] = SEYE_CLI_MAX_USER,
  [SEYE_CLI_PROCESS_STATE] = 1,
  [SEYE_CLI_PROCESS_CPU] = 6,
  [SEYE_CLI_PROCESS_MEMORY] = 8,
  [SEYE_CLI_PROCESS_THREADS] = 4,
  [SEYE_CLI_PROCESS_READ] = 9,
  [SEYE_CLI_PROCESS_WRITE] = 9,
  [SEYE_CLI_PROCESS_NAME] = 0,
};

static int
column_x (SeyeCliProcessColumn column)
{
  int x = 0;

  for (guint c = 0; c < column; c++)
    x += widths[c] + 1;

  return x;
}

static int
column_width (SeyeCliProcessColumn column)
{
  return column == SEYE_CLI_PROCESS_NAME ? MAX (0, COLS - column_x (column)) : widths[column];
}

/* The column headers, the sort column marked with "*". */
static void
draw_headers (Top *self,
              int  y)
{
  attron (A_REVERSE);
  mvhline (y, 0, ' ', COLS);
  for (guint c = 0; c < SEYE_CLI_N_PROCESS_COLUMNS; c++)
    {
      gboolean sorted = seye_cli_process_sort_column (c, self->sort);
      g_autofree char *label = g_strconcat (seye_cli_process_header (c), sorted ? "*" : "", NULL);

      if (sorted)
        attron (A_BOLD);
      seye_cli_screen_put (y, column_x (c), column_width (c), label, seye_cli_process_right_aligned (c));
      if (sorted)
        attroff (A_BOLD);
    }
  attroff (A_REVERSE);
}

/* A process; one that keeps a core busy in bold, its CPU % in the alert colour. */
static void
draw_process (Top               *self,
              const SeyeProcess *process,
              int                y)
{
  g_auto (GStrv) cells = seye_cli_process_cells (process);
  gboolean pegged = seye_cli_process_pegged (process);

  if (pegged)
    attron (A_BOLD);

  for (guint c = 0; c < SEYE_CLI_N_PROCESS_COLUMNS; c++)
    {
      gboolean alert = pegged && self->color && c == SEYE_CLI_PROCESS_CPU;

      if (alert)
        attron (COLOR_PAIR (SEYE_CLI_PAIR_ALERT));
      seye_cli_screen_put (y, column_x (c), column_width (c), cells[c], seye_cli_process_right_aligned (c));
      if (alert)
        attroff (COLOR_PAIR (SEYE_CLI_PAIR_ALERT));
    }

  if (pegged)
    attroff (A_BOLD);
}

/* The second line: what is wrong, or how fresh the list is. */
static void
draw_status (Top        *self,
             const char *status,
             int         y)
{
  g_autofree char *fresh = NULL;

  if (status != NULL)
    {
      if (self->color)
        attron (COLOR_PAIR (SEYE_CLI_PAIR_ALERT));
      seye_cli_screen_put (y, 0, COLS, status, FALSE);
      if (self->color)
        attroff (COLOR_PAIR (SEYE_CLI_PAIR_ALERT));
      return;
    }

  if (self->updated == NULL)
    return;

  {
    g_autofree char *time = g_date_time_format (self->updated, "%H:%M:%S");

    /* TRANSLATORS: "By CPU, every 2 s; updated 14:03:12" */
    fresh = g_strdup_printf (_("By %s, every %g s; updated %s"), seye_cli_process_sort_title (self->sort),
                             self->interval, time);
  }
  attron (A_DIM);
  seye_cli_screen_put (y, 0, COLS, fresh, FALSE);
  attroff (A_DIM);
}

/* The bottom line: the keys. */
static void
draw_help (Top *self)
{
  g_autofree char *help = NULL;

  /* TRANSLATORS: the keys of seye top; %s: by what the list is sorted (CPU, memory, I/O) */
  help = g_strdup_printf (_("c CPU   m memory   i I/O   q quit   sorted by %s"),
                          seye_cli_process_sort_title (self->sort));
  attron (A_REVERSE);
  mvhline (LINES - 1, 0, ' ', COLS);
  seye_cli_screen_put (LINES - 1, 0, COLS, help, FALSE);
  attroff (A_REVERSE);
}

void
_seye_cli_top_draw (Top *self)
{
  g_autofree char *summary = _seye_cli_top_summary (self);
  g_autofree char *status = _seye_cli_top_status (self);
  int top = 3;

  erase ();

  attron (A_BOLD);
  seye_cli_screen_put (0, 0, COLS, summary, FALSE);
  attroff (A_BOLD);
  draw_status (self, status, 1);
  draw_headers (self, 2);

  /* The last list stays while the node does not answer, dimmed. */
  if (status != NULL)
    attron (A_DIM);
  for (guint i = 0; self->list != NULL && i < self->list->processes->len && top + (int) i < LINES - 1; i++)
    draw_process (self, self->list->processes->pdata[i], top + (int) i);
  if (status != NULL)
    attroff (A_DIM);

  draw_help (self);
  refresh ();
}
