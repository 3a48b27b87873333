/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <unistd.h>

#include "seye-alerts.h"
#include "seye-node-column.h"
#include "seye-clock.h"
#include "seye-cli-observe-private.h"
#include "seye-cli-screen.h"
#include "seye-format.h"
#include "seye-sanitize.h"

enum {
  PAIR_ALERT = SEYE_CLI_PAIR_ALERT,
  PAIR_OK = SEYE_CLI_PAIR_OK,
  PAIR_DIM = SEYE_CLI_PAIR_DIM,
};

/* Cells -------------------------------------------------------------------- */

char *
_seye_cli_observe_memory_cell (SeyeSample *sample)
{
  g_autofree char *used = NULL;
  g_autofree char *total = NULL;
  g_autofree char *percent = NULL;

  if (sample == NULL || !(sample->parts & SEYE_SAMPLE_MEMORY))
    return g_strdup ("–");

  used = seye_format_bytes (sample->memory.used);
  total = seye_format_bytes (sample->memory.total);
  percent = seye_format_percent (seye_sample_get_memory_percent (sample));

  return g_strdup_printf ("%s/%s %s", used, total, percent);
}

/* The node's error is its own words (an HTTP reason phrase, say): sanitised. */
char *
_seye_cli_observe_state_cell (SeyeNode *node)
{
  g_autofree char *state = seye_node_column_format_status (node, seye_clock_get_real_ms ());
  g_autofree char *error = seye_sanitize_display (seye_node_get_error (node));
  g_autofree char *conflict = seye_sanitize_display (seye_node_get_conflict (node));

  if (seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE && error != NULL)
    return g_strdup_printf ("%s: %s", state, error);

  /* Another machine answers under its id: shown as its own row, and said here. */
  if (conflict != NULL)
    return g_strdup_printf ("%s: %s", state, conflict);

  return g_strdup (state);
}


/* Terminal mode ------------------------------------------------------------ */

static void
draw_bar (int      y,
          int      x,
          int      width,
          double   percent,
          gboolean alert,
          gboolean color)
{
  int inner = width - 2;
  int filled;

  if (width < 3 || x >= COLS)
    return;

  filled = percent < 0 ? 0 : (int) (inner * MIN (percent, 100) / 100 + 0.5);

  mvaddch (y, x, '[');
  if (color)
    attron (COLOR_PAIR (alert ? PAIR_ALERT : PAIR_OK));
  for (int i = 0; i < inner; i++)
    addch (i < filled ? '|' : ' ');
  if (color)
    attroff (COLOR_PAIR (alert ? PAIR_ALERT : PAIR_OK));
  addch (']');
}

typedef struct
{
  int name, cpu, bar, memory, load, procs, uptime, status;
} Columns;

static Columns
layout (void)
{
  /* Fixed: CPU 6, memory 19, load 15, processes 6, uptime 8, status 10 at
   * least, and the gaps. The name, the bar and the status share what is left. */
  int spare = MAX (0, COLS - (1 + 7 + 20 + 16 + 7 + 9 + 10));
  int name = CLAMP (spare * 45 / 100, 12, 28);
  int bar = CLAMP (spare - name - 10, 8, 22);
  Columns c;

  c.name = 0;
  c.cpu = name + 2;
  c.bar = c.cpu + 7;
  c.memory = c.bar + bar + 1;
  c.load = c.memory + 20;
  c.procs = c.load + 16;
  c.uptime = c.procs + 7;
  c.status = c.uptime + 9;

  return c;
}

static void
draw_cores (Observe  *self,
            SeyeNode *node,
            int       top,
            int       bottom)
{
  SeyeSample *sample = seye_node_get_sample (node);
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *title = NULL;
  int cell = 22;
  int per_line;
  guint n;

  if (bottom - top < 2)
    return;

  if (seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE || sample == NULL)
    {
      /* No cores to show: say why, in full (the status column may be cut). */
      g_autofree char *state = _seye_cli_observe_state_cell (node);
      g_autofree char *line = g_strdup_printf ("%s: %s", name, state);

      seye_cli_screen_put (top, 0, COLS, line, FALSE);
      return;
    }

  if (!(sample->parts & SEYE_SAMPLE_CPU))
    return;

  n = sample->cores->len;
  title = g_strdup_printf (_("Cores of %s (%u)"), name, n);
  attron (A_BOLD);
  seye_cli_screen_put (top, 0, COLS, title, FALSE);
  attroff (A_BOLD);

  per_line = MAX (1, COLS / cell);

  for (guint i = 0; i < n; i++)
    {
      const SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, i);
      int y = top + 1 + (int) i / per_line;
      int x = ((int) i % per_line) * cell;
      char label[16];
      char percent[8];

      if (y >= bottom)
        {
          g_autofree char *more = g_strdup_printf (_("… %u more"), n - i);

          seye_cli_screen_put (bottom - 1, MAX (0, COLS - 12), 12, more, TRUE);
          break;
        }

      g_snprintf (label, sizeof label, "%3d", core->id);
      g_snprintf (percent, sizeof percent, "%3.0f%%", core->busy);
      seye_cli_screen_put (y, x, 4, label, TRUE);
      draw_bar (y, x + 5, cell - 11, core->busy, FALSE, self->color);
      seye_cli_screen_put (y, x + cell - 6, 4, percent, TRUE);
    }
}

/* The first line: how many nodes, how many online, and how discovery goes. */
static void
draw_title (Observe   *self,
            GPtrArray *nodes)
{
  const char *status = seye_monitor_get_discovery_status (self->monitor);
  g_autofree char *header = NULL;
  guint online = 0;

  for (guint i = 0; i < nodes->len; i++)
    if (seye_node_get_state (nodes->pdata[i]) == SEYE_NODE_STATE_ONLINE)
      online++;

  header = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sorcerer's Eye — %u node, %u online",
                                         "Sorcerer's Eye — %u nodes, %u online", nodes->len),
                            nodes->len, online);
  attron (A_BOLD);
  seye_cli_screen_put (0, 0, COLS, header, FALSE);
  attroff (A_BOLD);
  /* How the Prometheus server is; discovery off; or one of avahi-daemon's limits reached. */
  if (self->prometheus != NULL && seye_prometheus_source_get_status_message (self->prometheus) != NULL)
    status = seye_prometheus_source_get_status_message (self->prometheus);
  if (status == NULL)
    status = seye_monitor_get_discovery_notice (self->monitor);
  if (status != NULL)
    seye_cli_screen_put (0, (int) g_utf8_strlen (header, -1) + 3, COLS, status, FALSE);
}

/* The column headers, the sort column marked. */
static void
draw_headers (Observe *self,
              Columns  c)
{
  struct { int x; int w; const char *label; gboolean right; SeyeNodeColumn sort; } heads[] = {
    { c.name, c.cpu - 1, _("NAME"), FALSE, SEYE_NODE_COLUMN_NAME },
    { c.cpu, 6, _("CPU"), TRUE, SEYE_NODE_COLUMN_CPU },
    { c.memory, 19, _("MEMORY"), FALSE, SEYE_NODE_COLUMN_MEMORY },
    { c.load, 15, _("LOAD"), FALSE, SEYE_NODE_COLUMN_LOAD },
    { c.procs, 6, _("PROCS"), TRUE, SEYE_NODE_COLUMN_PROCESSES },
    { c.uptime, 8, _("UPTIME"), TRUE, SEYE_NODE_COLUMN_UPTIME },
    { c.status, COLS - c.status, _("STATUS"), FALSE, SEYE_NODE_COLUMN_STATUS },
  };

  attron (A_REVERSE);
  mvhline (1, 0, ' ', COLS);
  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autofree char *label = heads[i].sort == self->sort ? g_strconcat (heads[i].label, "*", NULL)
                                                           : g_strdup (heads[i].label);

      seye_cli_screen_put (1, heads[i].x, heads[i].w, label, heads[i].right);
    }
  attroff (A_REVERSE);
}

/* Text in the alert colour when @alert, on a terminal with colours. */
static void
put_alert (Observe    *self,
           gboolean    alert,
           int         y,
           int         x,
           int         width,
           const char *text,
           gboolean    right)
{
  if (alert && self->color)
    attron (COLOR_PAIR (PAIR_ALERT));
  seye_cli_screen_put (y, x, width, text, right);
  if (alert && self->color)
    attroff (COLOR_PAIR (PAIR_ALERT));
}

/* The values of a node that sends them. */
static void
draw_values (Observe    *self,
             SeyeNode   *node,
             int         y,
             Columns     c)
{
  SeyeSample *sample = seye_node_get_sample (node);
  guint alerts = seye_node_get_active_alerts (node);
  g_autofree char *memory = _seye_cli_observe_memory_cell (sample);
  g_autofree char *load = sample->parts & SEYE_SAMPLE_LOAD ? seye_format_load (sample->load)
                                                           : g_strdup ("–");
  g_autofree char *procs = g_strdup_printf ("%u", sample->procs_total);
  g_autofree char *uptime = seye_node_column_format (node, SEYE_NODE_COLUMN_UPTIME);

  if (sample->parts & SEYE_SAMPLE_CPU)
    {
      g_autofree char *cpu = seye_node_column_format (node, SEYE_NODE_COLUMN_CPU);
      gboolean alert = (alerts & SEYE_ALERT_CPU) != 0;

      put_alert (self, alert, y, c.cpu, 6, cpu, TRUE);
      draw_bar (y, c.bar, c.memory - c.bar - 1, sample->cpu.busy, alert, self->color);
    }
  else
    {
      seye_cli_screen_put (y, c.cpu, 6, "–", TRUE);
    }

  put_alert (self, (alerts & SEYE_ALERT_MEMORY) != 0, y, c.memory, 19, memory, FALSE);
  seye_cli_screen_put (y, c.load, 15, load, FALSE);
  seye_cli_screen_put (y, c.procs, 6, procs, TRUE);
  seye_cli_screen_put (y, c.uptime, 8, uptime, TRUE);
}

static void
draw_row (Observe  *self,
          SeyeNode *node,
          gboolean  is_selected,
          int       y,
          Columns   c)
{
  guint alerts = seye_node_get_active_alerts (node);
  gboolean offline = seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE;
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *state = _seye_cli_observe_state_cell (node);

  if (is_selected)
    {
      attron (A_BOLD);
      mvaddch (y, 0, '>');
    }

  seye_cli_screen_put (y, c.name + 1, c.cpu - 2, name, FALSE);

  if (seye_node_get_sample (node) != NULL && !offline)
    draw_values (self, node, y, c);
  else
    seye_cli_screen_put (y, c.cpu, 6, "–", TRUE);

  if (offline && self->color)
    attron (COLOR_PAIR ((alerts & SEYE_ALERT_OFFLINE) ? PAIR_ALERT : PAIR_DIM));
  seye_cli_screen_put (y, c.status, COLS - c.status, state, FALSE);
  if (offline && self->color)
    attroff (COLOR_PAIR ((alerts & SEYE_ALERT_OFFLINE) ? PAIR_ALERT : PAIR_DIM));

  if (is_selected)
    attroff (A_BOLD);
}

/* The bottom line: the keys, or the filter being typed. */
static void
draw_help (Observe *self)
{
  const char *sort = seye_node_column_get_id (self->sort);
  g_autofree char *help = NULL;

  attron (A_REVERSE);
  mvhline (LINES - 1, 0, ' ', COLS);
  if (self->editing_filter)
    help = g_strdup_printf (_("Filter: %s_   (Enter keep, Esc clear)"), self->filter->str);
  else if (self->filter->len > 0)
    help = g_strdup_printf (_("Up/Down select   s sort: %s   / filter: %s   q quit"),
                            sort, self->filter->str);
  else
    help = g_strdup_printf (_("Up/Down select   s sort: %s   / filter   q quit"), sort);
  seye_cli_screen_put (LINES - 1, 0, COLS, help, FALSE);
  attroff (A_REVERSE);
}

/* The row of the selected node; until the user picks one (or when it is gone),
 * the top row. */
guint
_seye_cli_observe_find_selected (Observe   *self,
               GPtrArray *nodes)
{
  guint index = 0;

  for (guint i = 0; i < nodes->len; i++)
    if (g_strcmp0 (seye_node_get_key (nodes->pdata[i]), self->selected_key) == 0)
      index = i;

  return index;
}

void
_seye_cli_observe_draw (Observe *self)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, self->filter->str, self->sort);
  guint selected_index = _seye_cli_observe_find_selected (self, nodes);
  SeyeNode *selected = nodes->len > 0 ? nodes->pdata[selected_index] : NULL;
  Columns c = layout ();
  int list_top = 2;
  int list_rows;
  int first = 0;
  int y;

  erase ();
  draw_title (self, nodes);
  draw_headers (self, c);

  /* Rows: a third of the screen at least stays for the cores of the selected node. */
  list_rows = MAX (1, LINES - list_top - 2);
  if (selected != NULL && seye_node_get_sample (selected) != NULL)
    list_rows = MAX (1, MIN ((int) nodes->len, list_rows - MIN (list_rows / 3, 8)));
  if ((int) selected_index >= list_rows)
    first = (int) selected_index - list_rows + 1;

  y = list_top;
  for (guint i = first; i < nodes->len && y < list_top + list_rows; i++, y++)
    draw_row (self, nodes->pdata[i], nodes->pdata[i] == selected, y, c);

  if (nodes->len == 0)
    {
      const char *empty = self->filter->len > 0 ? _("No node matches the filter.")
                                                : _("Looking for nodes… (start sorcerers-eye-agent on a node, or use --host)");

      seye_cli_screen_put (list_top, 1, COLS - 1, empty, FALSE);
    }

  if (selected != NULL)
    draw_cores (self, selected, y + 1, LINES - 1);

  draw_help (self);
  refresh ();
}

