/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-cli-observe.h"
#include "seye-cli-observe-private.h"
#include "seye-cli-screen.h"
#include "seye-error.h"
#include "seye-format.h"
#include "seye-monitor.h"
#include "seye-sanitize.h"

#define MAX_FILTER 64

static char **opt_hosts;
static gboolean opt_no_discovery;
static double opt_interval = 1.0;
static double opt_grace = 60.0;
static char *opt_sort;
static char *opt_filter;
static int opt_count;
static SeyeCliPrometheusOptions opt_prometheus;

static const GOptionEntry entries[] = {
  { "host", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_hosts,
    N_("Watch this node as well (repeat for more; default port 7373)"), N_("HOST[:PORT]") },
  { "no-discovery", 'n', 0, G_OPTION_ARG_NONE, &opt_no_discovery,
    N_("Do not look for nodes over mDNS; watch only --host"), NULL },
  { "interval", 'i', 0, G_OPTION_ARG_DOUBLE, &opt_interval,
    N_("Seconds between updates (default 1)"), N_("SECONDS") },
  { "grace", 0, 0, G_OPTION_ARG_DOUBLE, &opt_grace,
    N_("Forget a node that never answered this long after it left mDNS (default 60); one that answered stays, offline"), N_("SECONDS") },
  { "sort", 's', 0, G_OPTION_ARG_STRING, &opt_sort,
    N_("Sort by cpu, memory, load, name, uptime or processes (default cpu)"), N_("KEY") },
  { "filter", 'f', 0, G_OPTION_ARG_STRING, &opt_filter,
    N_("Show only nodes whose name, address, id or a tag contains TEXT; "
       "“tag:web”: only those tagged web"), N_("TEXT") },
  { "count", 'c', 0, G_OPTION_ARG_INT, &opt_count,
    N_("When not on a terminal: stop after this many updates (default: run until interrupted)"),
    N_("N") },
  { NULL }
};

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
      g_autofree char *state = _seye_cli_observe_state_cell (node);

      if (sample == NULL || seye_node_get_state (node) == SEYE_NODE_STATE_OFFLINE)
        {
          g_print ("%s %s (%s) %s\n", stamp, name, address, state);
        }
      else
        {
          g_autofree char *cpu = seye_node_column_format (node, SEYE_NODE_COLUMN_CPU);
          g_autofree char *memory = _seye_cli_observe_memory_cell (sample);
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

static gboolean
redraw_cb (gpointer data)
{
  Observe *self = data;

  self->redraw_id = 0;
  _seye_cli_observe_draw (self);

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
  int index;

  if (nodes->len == 0)
    return;

  index = (int) _seye_cli_observe_find_selected (self, nodes) + delta;
  index = CLAMP (index, 0, (int) nodes->len - 1);
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

        /* A screenful (less the title, the headers and the bottom line), as a pager does. */
        case KEY_PPAGE:
          move_selection (self, -MAX (1, LINES - 6));
          break;

        case KEY_NPAGE:
          move_selection (self, MAX (1, LINES - 6));
          break;

        case KEY_HOME:
        case 'g':
          move_selection (self, -G_MAXINT / 2);
          break;

        case KEY_END:
        case 'G':
          move_selection (self, G_MAXINT / 2);
          break;

        case 's':
          self->sort = seye_cli_next_sort (self->sort, 1);
          break;

        case 'S':
          self->sort = seye_cli_next_sort (self->sort, -1);
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

  seye_cli_screen_resize ();
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

/* Command ------------------------------------------------------------------ */

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int             *argc,
               char          ***argv,
               SeyeNodeColumn  *sort)
{
  const char *summary = _("A live view of the nodes found over mDNS (and any --host): one row per\n"
                          "node, the cores of the selected one below. Keys: Up/Down select, PgUp/PgDn\n"
                          "a screenful, Home/End (g/G) the first and last, s cycles the sort column,\n"
                          "/ filters (tag:web for a tag), q quits. Rows turn red on the alert rules the\n"
                          "desktop app uses by default (CPU ≥ 90 % for 30 s, memory ≥ 90 %, swap ≥ 80 %,\n"
                          "a disk ≥ 90 %, load ≥ 2 per core for 5 min, offline); the status says why.\n"
                          "When standard output is not a terminal, prints one line per node per update.");
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;

  g_autofree GOptionEntry *prometheus_entries = seye_cli_prometheus_option_entries (&opt_prometheus);

  context = seye_cli_option_context_new (_("- watch every node live"), entries, summary);
  g_option_context_add_main_entries (context, prometheus_entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, seye_cli_prometheus_help ());

  if (!seye_cli_parse_options (context, "observe", _("Try “seye observe --help”."), argc, argv))
    return FALSE;

  if (*argc > 1)
    {
      g_printerr ("seye observe: %s “%s”\n%s\n", _("unexpected argument"), (*argv)[1],
                  _("Try “seye observe --help”."));
      return FALSE;
    }

  if (!(opt_interval >= 0.1 && opt_interval <= 3600) || !(opt_grace >= 0) || opt_count < 0)
    {
      g_printerr ("seye observe: %s\n",
                  _("--interval takes 0.1 to 3600 seconds; --grace and --count cannot be negative"));
      return FALSE;
    }

  if (opt_sort != NULL && !seye_cli_parse_sort (opt_sort, sort, &error))
    {
      g_printerr ("seye observe: %s\n", error->message);
      return FALSE;
    }

  return TRUE;
}

/* A monitor of the --host nodes and, unless told not to, of those found over
 * mDNS; with --prometheus, of that server's nodes instead of mDNS. */
static SeyeMonitor *
new_monitor (Observe  *self,
             GError  **error)
{
  g_autoptr (SeyeMonitor) monitor = seye_monitor_new ();
  gboolean discovery = !opt_no_discovery && opt_prometheus.url == NULL;
  g_autoptr (GError) local = NULL;

  seye_monitor_set_interval (monitor, opt_interval);
  seye_monitor_set_grace_time (monitor, opt_grace);
  seye_monitor_set_fetch_history (monitor, FALSE);
  seye_monitor_set_discovery (monitor, discovery);

  if (!seye_cli_add_hosts (monitor, opt_hosts, error))
    return NULL;

  self->prometheus = seye_cli_prometheus_add (monitor, &opt_prometheus, 10.0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  if (!discovery && self->prometheus == NULL && g_list_model_get_n_items (G_LIST_MODEL (monitor)) == 0)
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                           _("nothing to watch: give --host HOST[:PORT] or leave discovery on"));
      return NULL;
    }

  return g_steal_pointer (&monitor);
}

/* On a terminal, a screen that follows the nodes and the keys; else a line per
 * node at each interval. Until the loop ends, or the signals that end it. */
/* Lines: avahi-daemon's limit reached (said once), with the setting to raise. */
static void
notice_cb (SeyeMonitor *monitor)
{
  if (seye_monitor_get_discovery_notice (monitor) != NULL)
    g_printerr ("seye observe: %s\n", seye_monitor_get_discovery_notice (monitor));
}

/* Lines: how the Prometheus server is, each time that changes. */
static void
prometheus_status_cb (SeyePrometheusSource *source)
{
  if (seye_prometheus_source_get_status_message (source) != NULL)
    g_printerr ("seye observe: %s\n", seye_prometheus_source_get_status_message (source));
}

/* Screen: the title says it. */
static void
prometheus_redraw_cb (Observe *self)
{
  queue_redraw (self);
}

static void
watch (Observe  *self,
       gboolean  tty)
{
  GListModel *nodes = G_LIST_MODEL (self->monitor);

  self->sources[0] = g_unix_signal_add (SIGINT, quit_cb, self);
  self->sources[1] = g_unix_signal_add (SIGTERM, quit_cb, self);
  self->sources[2] = g_unix_signal_add (SIGHUP, quit_cb, self);

  if (tty)
    {
      self->color = seye_cli_screen_start ();
      self->curses = TRUE;
      self->sources[3] = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                        stdin_cb, self);
      self->sources[4] = g_unix_signal_add (SIGWINCH, resize_cb, self);
      g_signal_connect (nodes, "items-changed", G_CALLBACK (items_changed_cb), self);
      g_signal_connect_swapped (nodes, "notify::discovery-status",
                                G_CALLBACK (node_changed_cb), self);
      g_signal_connect_swapped (nodes, "notify::discovery-notice",
                                G_CALLBACK (node_changed_cb), self);
      items_changed_cb (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
      if (self->prometheus != NULL)
        g_signal_connect_swapped (self->prometheus, "notify::status-message",
                                  G_CALLBACK (prometheus_redraw_cb), self);
    }
  else
    {
      self->sources[3] = g_timeout_add ((guint) (opt_interval * 1000), lines_tick_cb, self);
      g_signal_connect (nodes, "notify::discovery-notice", G_CALLBACK (notice_cb), NULL);
      if (self->prometheus != NULL)
        g_signal_connect (self->prometheus, "notify::status-message", G_CALLBACK (prometheus_status_cb), NULL);
    }
}

static void
unwatch (Observe *self)
{
  g_signal_handlers_disconnect_by_func (self->monitor, notice_cb, NULL);
  if (self->prometheus != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->prometheus, prometheus_status_cb, NULL);
      g_signal_handlers_disconnect_by_data (self->prometheus, self);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->sources); i++)
    g_clear_handle_id (&self->sources[i], g_source_remove);
  g_clear_handle_id (&self->redraw_id, g_source_remove);

  if (self->curses)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      disconnect_nodes (self);
      seye_cli_screen_restore ();
    }
}

int
seye_cli_observe (int    argc,
                  char **argv)
{
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  gboolean tty = isatty (STDOUT_FILENO) && isatty (STDIN_FILENO);
  Observe self = { 0 };

  self.sort = SEYE_NODE_COLUMN_CPU;
  if (!parse_options (&argc, &argv, &self.sort))
    return SEYE_EXIT_USAGE;

  monitor = new_monitor (&self, &error);
  if (monitor == NULL)
    {
      g_printerr ("seye observe: %s\n", error->message);
      return SEYE_EXIT_USAGE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  self.monitor = monitor;
  self.loop = loop;
  self.filter = g_string_new (opt_filter);
  self.count = (guint) opt_count;
  self.started_us = g_get_monotonic_time ();

  watch (&self, tty);
  seye_monitor_start (monitor);

  if (!tty && seye_monitor_get_discovery_status (monitor) != NULL)
    g_printerr ("seye observe: %s\n", seye_monitor_get_discovery_status (monitor));

  queue_redraw (&self);
  g_main_loop_run (loop);

  unwatch (&self);
  seye_monitor_stop (monitor);
  g_string_free (self.filter, TRUE);
  g_free (self.selected_key);
  g_clear_object (&self.prometheus);

  return self.exit_status;
}
