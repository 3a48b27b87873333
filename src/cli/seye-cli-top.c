/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `seye top NODE`: one node's processes, live. */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "seye-cli-screen.h"
#include "seye-cli-top.h"
#include "seye-cli-top-private.h"
#include "seye-clock.h"
#include "seye-format.h"
#include "seye-node-column.h"
#include "seye-sanitize.h"

#define PLAIN_LIMIT 20   /* processes a block has without --limit, when not on a terminal */

static double opt_interval = 2.0;
static char *opt_sort;
static int opt_limit;
static gboolean opt_once;

static const GOptionEntry entries[] = {
  { "interval", 'i', 0, G_OPTION_ARG_DOUBLE, &opt_interval,
    N_("Seconds between updates (default 2)"), N_("SECONDS") },
  { "sort", 's', 0, G_OPTION_ARG_STRING, &opt_sort,
    N_("Sort by cpu, memory or io (default cpu; keys c, m and i change it)"), N_("KEY") },
  { "limit", 'l', 0, G_OPTION_ARG_INT, &opt_limit,
    N_("Show this many processes, 1 to 200 (default: what the screen holds; 20 when not on a terminal)"),
    N_("N") },
  { "once", 0, 0, G_OPTION_ARG_NONE, &opt_once,
    N_("Print the list once, as plain lines, and exit"), NULL },
  { NULL }
};

static SeyeCliGatherOptions node_options;

/* Words -------------------------------------------------------------------- */

/* "demo — CPU 12 % of 8 cores · memory 3.1 GB of 16 GB (19 %) · load 1.20 0.80 0.50 —
 * 312 processes, 3 not readable" */
char *
_seye_cli_top_summary (Top *self)
{
  SeyeSample *sample = seye_node_get_sample (self->node);
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
  GString *str = g_string_new (name);

  if (sample != NULL && seye_node_get_state (self->node) == SEYE_NODE_STATE_ONLINE)
    {
      if (sample->parts & SEYE_SAMPLE_CPU)
        {
          g_autofree char *cpu = seye_format_percent (sample->cpu.busy);
          guint cores = seye_cli_node_n_cores (self->node);

          g_string_append (str, " — ");
          g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, "CPU %s of %u core", "CPU %s of %u cores",
                                                    cores),
                                  cpu, cores);
        }
      if (sample->parts & SEYE_SAMPLE_MEMORY)
        {
          g_autofree char *used = seye_format_bytes (sample->memory.used);
          g_autofree char *total = seye_format_bytes (sample->memory.total);
          g_autofree char *percent = seye_format_percent (seye_sample_get_memory_percent (sample));

          g_string_append (str, " · ");
          /* TRANSLATORS: "memory 3.1 GB of 16 GB (19 %)" */
          g_string_append_printf (str, _("memory %s of %s (%s)"), used, total, percent);
        }
      if (sample->parts & SEYE_SAMPLE_LOAD)
        {
          g_autofree char *load = seye_format_load (sample->load);

          g_string_append (str, " · ");
          g_string_append_printf (str, _("load %s"), load);
        }
    }
  else
    {
      g_autofree char *state = seye_node_column_format_status (self->node, seye_clock_get_real_ms ());

      g_string_append_printf (str, " — %s", state);
    }

  if (self->list != NULL)
    {
      g_autofree char *totals = seye_cli_process_totals (self->list);

      g_string_append_printf (str, " — %s", totals);
    }

  return g_string_free (str, FALSE);
}

/* What is wrong with the node or its last answer, and that it is tried again;
 * NULL when nothing is. */
char *
_seye_cli_top_status (Top *self)
{
  g_autofree char *why = NULL;

  if (self->problem != NULL)
    why = g_strdup (self->problem);
  else if (seye_node_get_state (self->node) != SEYE_NODE_STATE_ONLINE &&
           seye_node_get_state (self->node) != SEYE_NODE_STATE_STALE)
    {
      g_autofree char *state = seye_node_column_format_status (self->node, seye_clock_get_real_ms ());
      g_autofree char *problem = seye_sanitize_display (seye_cli_node_problem (self->node, FALSE));

      why = g_strdup_printf ("%s: %s", state, problem);
    }

  if (why == NULL)
    return NULL;

  /* TRANSLATORS: "Trying again every 2 s — demo: connection refused"; what is
   * wrong comes last, as a narrow terminal cuts it */
  return g_strdup_printf (_("Trying again every %g s — %s"), self->interval, why);
}

/* Plain lines -------------------------------------------------------------- */

/* A block: the time and the summary, the processes (or why none), a blank line. */
static void
print_block (Top *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *summary = _seye_cli_top_summary (self);
  g_autofree char *status = _seye_cli_top_status (self);
  g_autoptr (GString) out = g_string_new (NULL);

  g_string_append_printf (out, "%s %s\n", stamp, summary);
  if (status != NULL)
    g_string_append_printf (out, "%s\n", status);
  else if (self->list != NULL)
    seye_cli_append_processes (out, self->list, self->sort, "", self->color);
  g_string_append_c (out, '\n');

  fputs (out->str, stdout);
  fflush (stdout);
}

/* Asking ------------------------------------------------------------------- */

static gboolean
redraw_cb (gpointer data)
{
  Top *self = data;

  self->redraw_id = 0;
  _seye_cli_top_draw (self);

  return G_SOURCE_REMOVE;
}

static void
queue_redraw (Top *self)
{
  if (self->curses && self->redraw_id == 0)
    self->redraw_id = g_idle_add_full (G_PRIORITY_LOW, redraw_cb, self, NULL);
}

/* The rows of the terminal on standard output; 0 when it is not one. */
static int
terminal_rows (void)
{
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
    return size.ws_row;

  return 0;
}

/* How many processes to ask for: --limit, else what the screen holds. */
static guint
limit (Top *self)
{
  int rows;

  if (self->limit > 0)
    return self->limit;

  if (self->plain)
    return PLAIN_LIMIT;

  /* The summary, the status, the headers and the keys take four lines. */
  rows = self->curses ? LINES : terminal_rows ();

  return CLAMP (rows - 4, 1, SEYE_PROCESS_MAX_LIMIT);
}

static void ask (Top *self);

static void
processes_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Top *self = data;
  g_autoptr (GError) error = NULL;
  SeyeProcessList *list = seye_source_fetch_processes_finish (SEYE_SOURCE (source), result, &error);

  self->asking = FALSE;

  /* Leaving. */
  if (list == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (list != NULL)
    {
      /* The sort may have changed on the way. */
      seye_process_list_sort (list, self->sort);
      g_clear_pointer (&self->list, seye_process_list_free);
      self->list = list;
      g_clear_pointer (&self->problem, g_free);
      g_clear_pointer (&self->updated, g_date_time_unref);
      self->updated = g_date_time_new_now_local ();

      /* It answers: no need to wait for the next try of an offline node. */
      if (seye_node_get_state (self->node) == SEYE_NODE_STATE_OFFLINE)
        seye_monitor_poll_now (self->gather.monitor);
    }
  else
    {
      g_free (self->problem);
      self->problem = seye_cli_describe_ask_error (self->node, error);
    }

  if (self->ask_again)
    {
      self->ask_again = FALSE;
      ask (self);
    }

  if (self->curses)
    queue_redraw (self);
  else if (self->loop != NULL && g_main_loop_is_running (self->loop))
    print_block (self);
}

/* Asks the node for its processes, unless it is being asked (then once more after). */
static void
ask (Top *self)
{
  SeyeSource *source = seye_monitor_get_node_source (self->gather.monitor, self->node);

  if (self->asking)
    {
      self->ask_again = TRUE;
      return;
    }

  if (source == NULL)
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));

      g_free (self->problem);
      self->problem = g_strdup_printf (_("%s is no longer followed"), name);
      return;
    }

  self->asking = TRUE;
  seye_source_fetch_processes (source, self->node, self->sort, limit (self), self->cancellable,
                               processes_cb, self);
}

static gboolean
tick_cb (gpointer data)
{
  Top *self = data;

  if (!self->asking)
    ask (self);

  return G_SOURCE_CONTINUE;
}

/* Keys and signals --------------------------------------------------------- */

static void
set_sort (Top             *self,
          SeyeProcessSort  sort)
{
  if (sort == self->sort)
    return;

  self->sort = sort;
  /* What is at hand, at once; the node's own order follows. */
  if (self->list != NULL)
    seye_process_list_sort (self->list, sort);
  ask (self);
}

static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     data)
{
  Top *self = data;
  int ch;

  /* The source is removed once the loop has ended. */
  if (condition & (G_IO_HUP | G_IO_ERR))
    {
      g_main_loop_quit (self->loop);
      return G_SOURCE_CONTINUE;
    }

  while ((ch = getch ()) != ERR)
    {
      switch (ch)
        {
        case 'q':
        case 'Q':
          g_main_loop_quit (self->loop);
          return G_SOURCE_CONTINUE;
        case 'c':
        case 'C':
          set_sort (self, SEYE_PROCESS_SORT_CPU);
          break;
        case 'm':
        case 'M':
          set_sort (self, SEYE_PROCESS_SORT_MEMORY);
          break;
        case 'i':
        case 'I':
          set_sort (self, SEYE_PROCESS_SORT_IO);
          break;
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
  Top *self = data;

  seye_cli_screen_resize ();
  queue_redraw (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
  Top *self = data;

  self->exit_status = 130;
  g_main_loop_quit (self->loop);

  return G_SOURCE_CONTINUE;
}

/* Command ------------------------------------------------------------------ */

/* The options, checked: FALSE (and the reason printed) when they are wrong. */
static gboolean
parse_options (int             *argc,
               char          ***argv,
               SeyeProcessSort *sort)
{
  const char *summary = _("Follows the processes of one node, like top: the busiest first, updated\n"
                          "every 2 s. NODE is a node's name, its node id (or its beginning), or its\n"
                          "address HOST[:PORT] (https://HOST:PORT for HTTPS). Keys: c, m and i sort\n"
                          "by CPU, memory and I/O, q quits. A process keeping a core busy (CPU% of one\n"
                          "core ≥ 90) stands out. When standard output is not a terminal, prints a\n"
                          "block of plain lines per update.");
  g_autoptr (GOptionContext) context = NULL;
  g_autofree GOptionEntry *node_entries = seye_cli_node_option_entries (&node_options);

  context = seye_cli_option_context_new (_("NODE - follow a node's processes live"), entries, summary);
  g_option_context_add_main_entries (context, node_entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _("Exit status:\n"
                                               "  0  quit with q, or --once printed the list\n"
                                               "  1  the node cannot give its processes (not reachable, needs\n"
                                               "     pairing, an agent too old…)\n"
                                               "  2  no such node, or wrong arguments\n"
                                               "\n"
                                               "Examples:\n"
                                               "  seye top build-server\n"
                                               "  seye top 192.168.1.20 --sort memory\n"
                                               "  seye top https://192.168.1.20:7373 --pin SHA256:AB:… --token-file token\n"
                                               "  seye top build-server --once --limit 5\n"));

  if (!seye_cli_parse_options (context, "top", _("Try “seye top --help”."), argc, argv))
    return FALSE;

  if (*argc != 2)
    {
      g_printerr ("seye top: %s\n%s\n",
                  *argc < 2 ? _("which node? Give its name, node id or address") : _("give one node only"),
                  _("Try “seye top --help”."));
      return FALSE;
    }

  if (!(opt_interval >= 0.5 && opt_interval <= 3600) || opt_limit < 0 || opt_limit > SEYE_PROCESS_MAX_LIMIT)
    {
      g_printerr ("seye top: %s\n", _("--interval takes 0.5 to 3600 seconds, --limit 1 to 200 processes"));
      return FALSE;
    }

  if (opt_sort != NULL && !seye_process_sort_from_string (opt_sort, sort))
    {
      g_printerr ("seye top: %s\n", _("--sort takes cpu, memory or io"));
      return FALSE;
    }

  return seye_cli_node_options_check (&node_options, "top", (*argv)[1]);
}

/* The first list, or why there is none (said on standard error). */
static int
first_list (Top *self)
{
  if (seye_node_get_sample (self->node) == NULL)
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
      g_autofree char *problem = seye_sanitize_display (seye_cli_node_problem (self->node, FALSE));

      g_printerr ("seye top: %s: %s\n", name, problem);
      return SEYE_EXIT_PARTIAL;
    }

  ask (self);
  while (self->asking)
    g_main_context_iteration (NULL, TRUE);

  if (self->list == NULL)
    {
      g_printerr ("seye top: %s\n", self->problem);
      return SEYE_EXIT_PARTIAL;
    }

  return SEYE_EXIT_OK;
}

/* Until q, the signals, or the end of standard input: the screen on a terminal,
 * else a block per update. */
static void
follow (Top      *self,
        gboolean  tty)
{
  self->loop = g_main_loop_new (NULL, FALSE);
  self->sources[0] = g_unix_signal_add (SIGINT, quit_cb, self);
  self->sources[1] = g_unix_signal_add (SIGTERM, quit_cb, self);
  self->sources[2] = g_unix_signal_add (SIGHUP, quit_cb, self);

  if (tty)
    {
      self->color = seye_cli_screen_start ();
      self->curses = TRUE;
      self->sources[3] = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, self);
      self->sources[4] = g_unix_signal_add (SIGWINCH, resize_cb, self);
      queue_redraw (self);
    }

  self->timer_id = g_timeout_add ((guint) (self->interval * 1000), tick_cb, self);
  g_main_loop_run (self->loop);

  for (guint i = 0; i < G_N_ELEMENTS (self->sources); i++)
    g_clear_handle_id (&self->sources[i], g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->redraw_id, g_source_remove);
  if (self->curses)
    seye_cli_screen_restore ();
  self->curses = FALSE;
}

static void
top_clear (Top *self)
{
  /* An ask on the way ends before what it writes to goes. */
  g_cancellable_cancel (self->cancellable);
  while (self->asking)
    g_main_context_iteration (NULL, TRUE);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->node);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->list, seye_process_list_free);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->updated, g_date_time_unref);
  seye_cli_gather_clear (&self->gather);
}

int
seye_cli_top (int    argc,
              char **argv)
{
  Top self = { 0 };
  int status = SEYE_EXIT_USAGE;

  seye_cli_node_options_init (&node_options);
  self.sort = SEYE_PROCESS_SORT_CPU;
  self.cancellable = g_cancellable_new ();

  if (parse_options (&argc, &argv, &self.sort))
    self.node = seye_cli_find_one_node (&self.gather, "top", &node_options, argv[1], &status);

  if (self.node != NULL)
    {
      gboolean tty = isatty (STDOUT_FILENO) && isatty (STDIN_FILENO) && !opt_once;

      self.limit = (guint) opt_limit;
      self.interval = opt_interval;
      self.plain = !tty;
      self.color = !tty && seye_cli_use_color (STDOUT_FILENO);
      seye_node_set_pinned (self.node, TRUE);
      seye_monitor_set_interval (self.gather.monitor, MIN (opt_interval, 5.0));
      status = first_list (&self);

      if (status == SEYE_EXIT_OK && self.plain)
        print_block (&self);
      if (status == SEYE_EXIT_OK && !opt_once)
        {
          follow (&self, tty);
          status = self.exit_status;
        }
    }

  top_clear (&self);
  seye_cli_node_options_clear (&node_options);

  return status;
}
