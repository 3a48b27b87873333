/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-cli-observe.h"
#include "seye-format.h"
#include "seye-monitor.h"
#include "seye-sanitize.h"

#define MAX_FILTER 64

enum {
  PAIR_ALERT = 1,
  PAIR_OK,
  PAIR_DIM,
  PAIR_HEADER,
};

typedef struct
{
  SeyeMonitor *monitor;
  GMainLoop   *loop;
  SeyeCliSort  sort;
  GString     *filter;
  char        *selected_key;   /* follows the node, not the row; NULL: the top row */
  guint        redraw_id;
  guint        count;          /* lines mode: intervals left; 0 = forever */
  gint64       started_us;     /* lines mode: when the first contacts began */
  int          exit_status;
  gboolean     curses;
  gboolean     color;
  gboolean     editing_filter;
} Observe;

static char **opt_hosts;
static gboolean opt_no_discovery;
static double opt_interval = 1.0;
static double opt_grace = 60.0;
static char *opt_sort;
static char *opt_filter;
static int opt_count;

static const GOptionEntry entries[] = {
  { "host", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_hosts,
    N_("Watch this node as well (repeat for more; default port 7373)"), N_("HOST[:PORT]") },
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, &opt_no_discovery,
    N_("Do not look for nodes over mDNS; watch only --host"), NULL },
  { "interval", 'i', 0, G_OPTION_ARG_DOUBLE, &opt_interval,
    N_("Seconds between updates (default 1)"), N_("SECONDS") },
  { "grace", 0, 0, G_OPTION_ARG_DOUBLE, &opt_grace,
    N_("Forget a node this long after it left mDNS and went offline (default 60)"), N_("SECONDS") },
  { "sort", 's', 0, G_OPTION_ARG_STRING, &opt_sort,
    N_("Sort by cpu, memory, load, name, uptime or processes (default cpu)"), N_("KEY") },
  { "filter", 'f', 0, G_OPTION_ARG_STRING, &opt_filter,
    N_("Show only nodes whose name, address or id contains TEXT"), N_("TEXT") },
  { "count", 'c', 0, G_OPTION_ARG_INT, &opt_count,
    N_("When not on a terminal: stop after this many updates (default: run until interrupted)"),
    N_("N") },
  { NULL }
};

/* Formatting --------------------------------------------------------------- */

static char *
memory_cell (SeyeSample *sample)
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
static char *
state_cell (SeyeNode *node)
{
  const char *state = seye_node_state_to_string (seye_node_get_state (node));
  g_autofree char *error = seye_sanitize_display (seye_node_get_error (node));
  g_autofree char *conflict = seye_sanitize_display (seye_node_get_conflict (node));

  if (seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE && error != NULL)
    return g_strdup_printf ("%s: %s", state, error);

  /* Another machine answers under its id: shown as its own row, and said here. */
  if (conflict != NULL)
    return g_strdup_printf ("%s: %s", state, conflict);

  return g_strdup (state);
}

/* Lines mode (standard output is not a terminal) --------------------------- */

static void
print_lines (Observe *self)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, self->filter->str, self->sort);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");

  for (guint i = 0; i < nodes->len; i++)
    {
      SeyeNode *node = nodes->pdata[i];
      SeyeSample *sample = seye_node_get_sample (node);
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
      g_autofree char *address = seye_cli_display_address (node);
      g_autofree char *state = state_cell (node);

      if (sample == NULL || seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE)
        {
          g_print ("%s %s (%s) %s\n", stamp, name, address, state);
        }
      else
        {
          g_autofree char *cpu = seye_format_percent (sample->parts & SEYE_SAMPLE_CPU ? sample->cpu.busy : -1);
          g_autofree char *memory = memory_cell (sample);
          g_autofree char *load = sample->parts & SEYE_SAMPLE_LOAD ? seye_format_load (sample->load)
                                                                   : g_strdup ("–");
          g_autofree char *uptime = seye_format_duration (sample->parts & SEYE_SAMPLE_UPTIME ? sample->uptime : -1);

          g_print ("%s %s (%s) %s cpu %s memory %s load %s processes %u uptime %s\n",
                   stamp, name, address, state, cpu, memory, load,
                   sample->procs_total, uptime);
        }
    }

  if (nodes->len == 0)
    g_print ("%s %s\n", stamp, _("no nodes"));

  fflush (stdout);
}

/* TRUE while a node has not answered (nor failed) its first request, or has
 * not sent its first sample yet, for at most FIRST_CONTACT_WAIT: lines start
 * with what the nodes have to say. */
#define FIRST_CONTACT_WAIT (5 * G_USEC_PER_SEC)

static gboolean
waiting_for_first_contact (Observe *self)
{
  g_autoptr (GPtrArray) nodes = NULL;

  if (g_get_monotonic_time () - self->started_us >= FIRST_CONTACT_WAIT)
    return FALSE;

  nodes = seye_cli_collect_nodes (self->monitor, self->filter->str, self->sort);
  for (guint i = 0; i < nodes->len; i++)
    {
      SeyeNodeState state = seye_node_get_state (nodes->pdata[i]);

      if (state == SEYE_NODE_STATE_CONNECTING ||
          (state == SEYE_NODE_STATE_ONLINE && seye_node_get_sample (nodes->pdata[i]) == NULL))
        return TRUE;
    }

  return FALSE;
}

static gboolean
lines_tick_cb (gpointer data)
{
  Observe *self = data;

  if (waiting_for_first_contact (self))
    return G_SOURCE_CONTINUE;

  print_lines (self);

  /* The source is removed when the loop has ended. */
  if (self->count > 0 && --self->count == 0)
    g_main_loop_quit (self->loop);

  return G_SOURCE_CONTINUE;
}

/* Terminal mode ------------------------------------------------------------ */

static void
put (int         y,
     int         x,
     int         width,
     const char *text,
     gboolean    right)
{
  glong len;

  if (x >= COLS || y >= LINES || width <= 0)
    return;

  width = MIN (width, COLS - x);
  len = g_utf8_strlen (text, -1);

  if (len > width)
    {
      /* Cut at a character, never inside one. */
      const char *end = g_utf8_offset_to_pointer (text, width);

      mvaddnstr (y, x, text, (int) (end - text));
      return;
    }

  mvaddstr (y, right ? x + width - (int) len : x, text);
}

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
      g_autofree char *state = state_cell (node);
      g_autofree char *line = g_strdup_printf ("%s: %s", name, state);

      put (top, 0, COLS, line, FALSE);
      return;
    }

  if (!(sample->parts & SEYE_SAMPLE_CPU))
    return;

  n = sample->cores->len;
  title = g_strdup_printf (_("Cores of %s (%u)"), name, n);
  attron (A_BOLD);
  put (top, 0, COLS, title, FALSE);
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

          put (bottom - 1, MAX (0, COLS - 12), 12, more, TRUE);
          break;
        }

      g_snprintf (label, sizeof label, "%3d", core->id);
      g_snprintf (percent, sizeof percent, "%3.0f%%", core->busy);
      put (y, x, 4, label, TRUE);
      draw_bar (y, x + 5, cell - 11, core->busy, FALSE, self->color);
      put (y, x + cell - 6, 4, percent, TRUE);
    }
}

static void
draw (Observe *self)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, self->filter->str, self->sort);
  Columns c = layout ();
  SeyeNode *selected = NULL;
  guint selected_index = 0;
  const char *status = seye_monitor_get_discovery_status (self->monitor);
  g_autofree char *header = NULL;
  g_autofree char *help = NULL;
  guint online = 0;
  int list_top = 2;
  int list_rows;
  int first = 0;
  int y;

  erase ();

  for (guint i = 0; i < nodes->len; i++)
    {
      SeyeNode *node = nodes->pdata[i];

      if (seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE)
        online++;
      if (g_strcmp0 (seye_node_get_key (node), self->selected_key) == 0)
        {
          selected = node;
          selected_index = i;
        }
    }

  /* Until the user picks one (or when it is gone), the top row is selected. */
  if (selected == NULL && nodes->len > 0)
    selected = nodes->pdata[0];

  /* Title */
  header = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sorcerer's Eye — %u node, %u online",
                                         "Sorcerer's Eye — %u nodes, %u online", nodes->len),
                            nodes->len, online);
  attron (A_BOLD);
  put (0, 0, COLS, header, FALSE);
  attroff (A_BOLD);
  if (status != NULL)
    put (0, (int) g_utf8_strlen (header, -1) + 3, COLS, status, FALSE);

  /* Column headers, the sort column marked */
  attron (A_REVERSE);
  mvhline (1, 0, ' ', COLS);
  {
    struct { int x; int w; const char *label; gboolean right; SeyeCliSort sort; } heads[] = {
      { c.name, c.cpu - 1, _("NAME"), FALSE, SEYE_CLI_SORT_NAME },
      { c.cpu, 6, _("CPU"), TRUE, SEYE_CLI_SORT_CPU },
      { c.memory, 19, _("MEMORY"), FALSE, SEYE_CLI_SORT_MEMORY },
      { c.load, 15, _("LOAD"), FALSE, SEYE_CLI_SORT_LOAD },
      { c.procs, 6, _("PROCS"), TRUE, SEYE_CLI_SORT_PROCESSES },
      { c.uptime, 8, _("UPTIME"), TRUE, SEYE_CLI_SORT_UPTIME },
      { c.status, COLS - c.status, _("STATUS"), FALSE, SEYE_CLI_N_SORTS },
    };

    for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
      {
        g_autofree char *label = heads[i].sort == self->sort ? g_strconcat (heads[i].label, "*", NULL)
                                                             : g_strdup (heads[i].label);

        put (1, heads[i].x, heads[i].w, label, heads[i].right);
      }
  }
  attroff (A_REVERSE);

  /* Rows: a third of the screen at least stays for the cores of the selected node. */
  list_rows = MAX (1, LINES - list_top - 2);
  if (selected != NULL && seye_node_get_sample (selected) != NULL)
    list_rows = MAX (1, MIN ((int) nodes->len, list_rows - MIN (list_rows / 3, 8)));
  if ((int) selected_index >= list_rows)
    first = (int) selected_index - list_rows + 1;

  y = list_top;
  for (guint i = first; i < nodes->len && y < list_top + list_rows; i++, y++)
    {
      SeyeNode *node = nodes->pdata[i];
      SeyeSample *sample = seye_node_get_sample (node);
      guint alerts = seye_node_get_active_alerts (node);
      gboolean offline = seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE;
      gboolean has_data = sample != NULL && !offline;
      gboolean is_selected = node == selected;
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
      g_autofree char *state = state_cell (node);

      if (is_selected)
        {
          attron (A_BOLD);
          mvaddch (y, 0, '>');
        }

      put (y, c.name + 1, c.cpu - 2, name, FALSE);

      if (has_data && (sample->parts & SEYE_SAMPLE_CPU))
        {
          g_autofree char *cpu = seye_format_percent (sample->cpu.busy);
          gboolean alert = (alerts & SEYE_ALERT_CPU) != 0;

          if (alert && self->color)
            attron (COLOR_PAIR (PAIR_ALERT));
          put (y, c.cpu, 6, cpu, TRUE);
          if (alert && self->color)
            attroff (COLOR_PAIR (PAIR_ALERT));
          draw_bar (y, c.bar, c.memory - c.bar - 1, sample->cpu.busy, alert, self->color);
        }
      else
        {
          put (y, c.cpu, 6, "–", TRUE);
        }

      if (has_data)
        {
          g_autofree char *memory = memory_cell (sample);
          g_autofree char *load = sample->parts & SEYE_SAMPLE_LOAD ? seye_format_load (sample->load)
                                                                   : g_strdup ("–");
          g_autofree char *procs = g_strdup_printf ("%u", sample->procs_total);
          g_autofree char *uptime = seye_format_duration_short (sample->parts & SEYE_SAMPLE_UPTIME
                                                               ? sample->uptime : -1);
          gboolean alert = (alerts & SEYE_ALERT_MEMORY) != 0;

          if (alert && self->color)
            attron (COLOR_PAIR (PAIR_ALERT));
          put (y, c.memory, 19, memory, FALSE);
          if (alert && self->color)
            attroff (COLOR_PAIR (PAIR_ALERT));
          put (y, c.load, 15, load, FALSE);
          put (y, c.procs, 6, procs, TRUE);
          put (y, c.uptime, 8, uptime, TRUE);
        }

      if (offline && self->color)
        attron (COLOR_PAIR ((alerts & SEYE_ALERT_OFFLINE) ? PAIR_ALERT : PAIR_DIM));
      put (y, c.status, COLS - c.status, state, FALSE);
      if (offline && self->color)
        attroff (COLOR_PAIR ((alerts & SEYE_ALERT_OFFLINE) ? PAIR_ALERT : PAIR_DIM));

      if (is_selected)
        attroff (A_BOLD);
    }

  if (nodes->len == 0)
    {
      const char *empty = self->filter->len > 0 ? _("No node matches the filter.")
                                                : _("Looking for nodes… (start sorcerers-eye-agent on a node, or use --host)");

      put (list_top, 1, COLS - 1, empty, FALSE);
    }

  if (selected != NULL)
    draw_cores (self, selected, y + 1, LINES - 1);

  /* Bottom line: the keys, or the filter being typed */
  attron (A_REVERSE);
  mvhline (LINES - 1, 0, ' ', COLS);
  if (self->editing_filter)
    help = g_strdup_printf (_("Filter: %s_   (Enter keep, Esc clear)"), self->filter->str);
  else if (self->filter->len > 0)
    help = g_strdup_printf (_("Up/Down select   s sort: %s   / filter: %s   q quit"),
                            seye_cli_sort_to_string (self->sort), self->filter->str);
  else
    help = g_strdup_printf (_("Up/Down select   s sort: %s   / filter   q quit"),
                            seye_cli_sort_to_string (self->sort));
  put (LINES - 1, 0, COLS, help, FALSE);
  attroff (A_REVERSE);

  refresh ();
}

static gboolean
redraw_cb (gpointer data)
{
  Observe *self = data;

  self->redraw_id = 0;
  draw (self);

  return G_SOURCE_REMOVE;
}

static void
queue_redraw (Observe *self)
{
  if (self->curses && self->redraw_id == 0)
    self->redraw_id = g_idle_add_full (G_PRIORITY_LOW, redraw_cb, self, NULL);
}

static void
move_selection (Observe *self,
                int      delta)
{
  g_autoptr (GPtrArray) nodes = seye_cli_collect_nodes (self->monitor, self->filter->str, self->sort);
  int index = 0;

  if (nodes->len == 0)
    return;

  for (guint i = 0; i < nodes->len; i++)
    if (g_strcmp0 (seye_node_get_key (nodes->pdata[i]), self->selected_key) == 0)
      index = (int) i;

  index = CLAMP (index + delta, 0, (int) nodes->len - 1);
  g_free (self->selected_key);
  self->selected_key = g_strdup (seye_node_get_key (nodes->pdata[index]));
}

static void
handle_filter_key (Observe *self,
                   int      ch)
{
  switch (ch)
    {
    case '\n':
    case '\r':
    case KEY_ENTER:
      self->editing_filter = FALSE;
      break;

    case 27: /* Escape */
      g_string_truncate (self->filter, 0);
      self->editing_filter = FALSE;
      break;

    case KEY_BACKSPACE:
    case 127:
    case 8:
      if (self->filter->len > 0)
        {
          /* Remove the last character, not the last byte. */
          const char *last = g_utf8_find_prev_char (self->filter->str, self->filter->str + self->filter->len);

          g_string_truncate (self->filter, last ? (gsize) (last - self->filter->str) : 0);
        }
      break;

    default:
      if (ch >= 32 && ch < 256 && ch != 127 && self->filter->len < MAX_FILTER)
        g_string_append_c (self->filter, (char) ch);
      break;
    }
}

static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     data)
{
  Observe *self = data;
  int ch;

  /* The source is removed once the loop has ended. */
  if (condition & (G_IO_HUP | G_IO_ERR))
    {
      g_main_loop_quit (self->loop);
      return G_SOURCE_CONTINUE;
    }

  while ((ch = getch ()) != ERR)
    {
      if (self->editing_filter)
        {
          handle_filter_key (self, ch);
          continue;
        }

      switch (ch)
        {
        case 'q':
        case 'Q':
          g_main_loop_quit (self->loop);
          return G_SOURCE_CONTINUE;

        case KEY_UP:
        case 'k':
          move_selection (self, -1);
          break;

        case KEY_DOWN:
        case 'j':
          move_selection (self, 1);
          break;

        case KEY_PPAGE:
          move_selection (self, -10);
          break;

        case KEY_NPAGE:
          move_selection (self, 10);
          break;

        case 's':
          self->sort = (self->sort + 1) % SEYE_CLI_N_SORTS;
          break;

        case 'S':
          self->sort = (self->sort + SEYE_CLI_N_SORTS - 1) % SEYE_CLI_N_SORTS;
          break;

        case '/':
          self->editing_filter = TRUE;
          break;

        case 27:
          g_string_truncate (self->filter, 0);
          break;

        case KEY_RESIZE:
        default:
          break;
        }
    }

  queue_redraw (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
resize_cb (gpointer data)
{
  Observe *self = data;
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0)
    resizeterm (size.ws_row, size.ws_col);

  clear ();
  queue_redraw (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
  Observe *self = data;

  self->exit_status = 130;
  g_main_loop_quit (self->loop);

  return G_SOURCE_CONTINUE;
}

static void
node_changed_cb (Observe *self)
{
  queue_redraw (self);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Observe    *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      g_signal_connect_swapped (node, "notify::sample", G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (node, "notify::state", G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (node, "notify::error", G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (node, "notify::conflict", G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (node, "notify::name", G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (node, "notify::active-alerts", G_CALLBACK (node_changed_cb), self);
    }

  queue_redraw (self);
}

static void
disconnect_nodes (Observe *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (self->monitor), i);

      g_signal_handlers_disconnect_by_data (node, self);
    }
}

static gboolean curses_active;

static void
restore_terminal (void)
{
  if (curses_active)
    {
      curs_set (1);
      endwin ();
      curses_active = FALSE;
    }
}

static void
start_curses (Observe *self)
{
  initscr ();
  curses_active = TRUE;
  atexit (restore_terminal);
  cbreak ();
  noecho ();
  nonl ();
  keypad (stdscr, TRUE);
  nodelay (stdscr, TRUE);
  set_escdelay (25);
  curs_set (0);

  self->color = seye_cli_use_color (STDOUT_FILENO) && has_colors ();
  if (self->color)
    {
      start_color ();
      use_default_colors ();
      init_pair (PAIR_ALERT, COLOR_RED, -1);
      init_pair (PAIR_OK, COLOR_GREEN, -1);
      init_pair (PAIR_DIM, COLOR_YELLOW, -1);
      init_pair (PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
    }

  self->curses = TRUE;
}

/* Command ------------------------------------------------------------------ */

int
seye_cli_observe (int    argc,
                  char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  gboolean tty = isatty (STDOUT_FILENO) && isatty (STDIN_FILENO);
  Observe self = { 0 };
  guint sources[5] = { 0 };

  context = g_option_context_new (_("- watch every node live"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("A live view of the nodes found over mDNS (and any --host): one row per\n"
                                  "node, the cores of the selected one below. Keys: Up/Down select, s cycles\n"
                                  "the sort column, / filters, q quits. Rows turn red on the alert rules the\n"
                                  "desktop app uses (CPU ≥ 90 % for 30 s, memory ≥ 90 %, offline).\n"
                                  "When standard output is not a terminal, prints one line per node per update."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("seye observe: %s\n%s\n", error->message, _("Try “seye observe --help”."));
      return SEYE_EXIT_USAGE;
    }

  if (argc > 1)
    {
      g_printerr ("seye observe: %s “%s”\n%s\n", _("unexpected argument"), argv[1],
                  _("Try “seye observe --help”."));
      return SEYE_EXIT_USAGE;
    }

  if (!(opt_interval >= 0.1 && opt_interval <= 3600) || !(opt_grace >= 0) || opt_count < 0)
    {
      g_printerr ("seye observe: %s\n",
                  _("--interval takes 0.1 to 3600 seconds; --grace and --count cannot be negative"));
      return SEYE_EXIT_USAGE;
    }

  self.sort = SEYE_CLI_SORT_CPU;
  if (opt_sort != NULL && !seye_cli_parse_sort (opt_sort, &self.sort, &error))
    {
      g_printerr ("seye observe: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, opt_interval);
  seye_monitor_set_grace_time (monitor, opt_grace);
  seye_monitor_set_fetch_history (monitor, FALSE);
  seye_monitor_set_discovery (monitor, !opt_no_discovery);

  if (!seye_cli_add_hosts (monitor, opt_hosts, &error))
    {
      g_printerr ("seye observe: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  if (opt_no_discovery && g_list_model_get_n_items (G_LIST_MODEL (monitor)) == 0)
    {
      g_printerr ("seye observe: %s\n", _("nothing to watch: give --host HOST[:PORT] or leave discovery on"));
      return SEYE_EXIT_USAGE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  self.monitor = monitor;
  self.loop = loop;
  self.filter = g_string_new (opt_filter);
  self.count = (guint) opt_count;
  self.started_us = g_get_monotonic_time ();

  sources[0] = g_unix_signal_add (SIGINT, quit_cb, &self);
  sources[1] = g_unix_signal_add (SIGTERM, quit_cb, &self);
  sources[2] = g_unix_signal_add (SIGHUP, quit_cb, &self);

  if (tty)
    {
      start_curses (&self);
      sources[3] = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &self);
      sources[4] = g_unix_signal_add (SIGWINCH, resize_cb, &self);
      g_signal_connect (monitor, "items-changed", G_CALLBACK (items_changed_cb), &self);
      g_signal_connect_swapped (monitor, "notify::discovery-status", G_CALLBACK (node_changed_cb), &self);
      items_changed_cb (G_LIST_MODEL (monitor), 0, 0,
                        g_list_model_get_n_items (G_LIST_MODEL (monitor)), &self);
    }
  else
    {
      sources[3] = g_timeout_add ((guint) (opt_interval * 1000), lines_tick_cb, &self);
    }

  seye_monitor_start (monitor);

  if (!tty && seye_monitor_get_discovery_status (monitor) != NULL)
    g_printerr ("seye observe: %s\n", seye_monitor_get_discovery_status (monitor));

  queue_redraw (&self);
  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_clear_handle_id (&sources[i], g_source_remove);
  g_clear_handle_id (&self.redraw_id, g_source_remove);

  if (self.curses)
    {
      g_signal_handlers_disconnect_by_data (monitor, &self);
      disconnect_nodes (&self);
      restore_terminal ();
    }

  seye_monitor_stop (monitor);
  g_string_free (self.filter, TRUE);
  g_free (self.selected_key);

  return self.exit_status;
}
