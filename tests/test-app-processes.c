/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detail pane's Processes section and named actions, under Xvfb, against real agents
 * on loopback: (1) a busy loop started here tops the rows by CPU, near 100 %, in the
 * error colour, is found by name, and goes when it ends; Memory asks again; a metric's
 * column sorts highest first. (2) Nothing is asked while the section cannot be seen
 * (collapsed, scrolled away, window hidden, another node shown, the node offline).
 * (3) A paired agent over HTTPS shows its action buttons; one runs after its
 * confirmation and its output shows; one already running says so in words.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "seye-detail-pane.h"
#include "seye-process-item.h"
#include "seye-process-view.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

#define NODE_ID "5eed0000000000000000000000000014"

/* The app ------------------------------------------------------------------ */

typedef struct
{
  SeyeMonitor     *monitor;
  SeyeWindow      *window;
  SeyeDetailPane  *pane;
  SeyeProcessView *view;
} App;

static void
app_start (App *app)
{
  app->monitor = seye_monitor_new ();
  seye_monitor_set_interval (app->monitor, 0.5);
  seye_monitor_start (app->monitor);

  app->window = seye_window_new (NULL, app->monitor);
  gtk_window_set_default_size (GTK_WINDOW (app->window), 1366, 768);
  gtk_window_present (GTK_WINDOW (app->window));
  app->pane = _seye_window_get_detail_pane (app->window);
  app->view = _seye_detail_pane_get_process_view (app->pane);
}

static void
app_stop (App *app)
{
  gtk_window_destroy (GTK_WINDOW (app->window));
  seye_monitor_stop (app->monitor);
  g_clear_object (&app->monitor);
}

static SeyeNode *
app_add (App           *app,
         SeyeTestAgent *agent)
{
  g_autoptr (GError) error = NULL;
  gboolean tls = g_str_has_prefix (agent->base_uri, "https://");
  g_autofree char *address = g_strdup_printf ("%s127.0.0.1:%u", tls ? "https://" : "", agent->port);
  SeyeNode *node = seye_monitor_add_manual (app->monitor, address, &error);

  g_assert_no_error (error);

  return node;
}

/* The node in the pane, its Processes section open. */
static void
app_show (App      *app,
          SeyeNode *node)
{
  seye_window_show_node (app->window, node);
  gtk_expander_set_expanded (_seye_detail_pane_get_processes_expander (app->pane), TRUE);
  seye_test_spin (300);
  g_assert_true (seye_detail_pane_get_node (app->pane) == node);
  g_assert_true (seye_process_view_get_node (app->view) == node);
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("SEYE_TEST_SCREENSHOTS");
  const char *argv[] = { "import", "-window", "root", NULL, NULL };
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  seye_test_spin (1500);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  argv[3] = path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* The rows ----------------------------------------------------------------- */

static SeyeProcessItem *
row_at (App   *app,
        guint  position)
{
  g_autoptr (SeyeProcessItem) item = g_list_model_get_item (_seye_process_view_get_rows (app->view), position);

  return item;   /* the model keeps it */
}

static guint
n_rows (App *app)
{
  return g_list_model_get_n_items (_seye_process_view_get_rows (app->view));
}

/* The row of @pid, or -1. */
static int
find_row (App  *app,
          GPid  pid)
{
  for (guint i = 0; i < n_rows (app); i++)
    if (seye_process_item_get_pid (row_at (app, i)) == (guint32) pid)
      return i;

  return -1;
}

static gboolean
sorted_by (App               *app,
           SeyeProcessColumn  column,
           int                direction)
{
  for (guint i = 1; i < n_rows (app); i++)
    if (direction * seye_process_item_compare (row_at (app, i - 1), row_at (app, i), column) > 0)
      return FALSE;

  return n_rows (app) > 1;
}

static guint
requests (App *app)
{
  return _seye_process_view_get_n_requests (app->view);
}

/* Left alone, the rows show their top however they move. */
static void
assert_at_top (App *app)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (app->view),
                                                                                    SEYE_TYPE_PROCESS_VIEW,
                                                                                    "scrolled_window"));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, gtk_adjustment_get_lower (adjustment));
}

/* The inscription showing @text somewhere under @widget. */
static GtkWidget *
find_text (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The CPU cell on the row whose name cell shows @name: a row holds its cells in column order. */
static GtkWidget *
find_cpu_cell (App        *app,
               const char *name)
{
  GtkWidget *name_cell = find_text (GTK_WIDGET (app->view), name);
  GtkWidget *cell;

  g_assert_nonnull (name_cell);
  cell = gtk_widget_get_parent (name_cell);
  for (guint i = 0; i < SEYE_PROCESS_COLUMN_CPU; i++)
    cell = gtk_widget_get_next_sibling (cell);

  return gtk_widget_get_first_child (cell);
}

typedef struct
{
  App        *app;
  const char *prefix;
} MessageWait;

static gboolean
message_cb (gpointer data)
{
  MessageWait *wait = data;
  g_autofree char *message = _seye_process_view_dup_message (wait->app->view);

  return message != NULL && g_str_has_prefix (message, wait->prefix);
}

/* The section says @prefix... in words instead of showing rows. */
static void
assert_message (App        *app,
                const char *prefix)
{
  MessageWait wait = { app, prefix };
  g_autofree char *message = NULL;

  seye_test_wait_until (message_cb, &wait, 5000);
  message = _seye_process_view_dup_message (app->view);
  g_test_message ("says: %s", message);
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, prefix));
}

/* A busy loop -------------------------------------------------------------- */

/* A shell spinning under a name of its own: a copy of /bin/sh named seye-spin-NNNNN. */
static GSubprocess *
start_busy_loop (const char *dir,
                 char      **name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) sh = g_file_new_for_path ("/bin/sh");
  g_autoptr (GFile) copy = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *path = NULL;
  GSubprocess *process;

  *name = g_strdup_printf ("seye-spin-%05u", (guint) getpid () % 100000);
  path = g_build_filename (dir, *name, NULL);
  copy = g_file_new_for_path (path);
  g_file_copy (sh, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);

  /* It ends with the test, however the test ends. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, path, "-c", "while :; do :; done", NULL);
  g_assert_no_error (error);

  return process;
}

/* utime + stime of /proc/PID/stat, in ticks. */
static guint64
own_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  fields = g_strsplit (strrchr (text, ')') + 2, " ", -1);

  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

typedef struct
{
  App  *app;
  GPid  pid;
  guint requests;
} RowWait;

/* The loop is listed busy, and only processes at least as busy come before it (on a
 * shared machine other tests may spin too). */
static gboolean
busy_on_top_cb (gpointer data)
{
  RowWait *wait = data;
  int at = find_row (wait->app, wait->pid);
  double cpu;

  if (at < 0)
    return FALSE;

  cpu = seye_process_item_get_cpu_percent (row_at (wait->app, at));
  for (int i = 0; i < at; i++)
    if (seye_process_item_get_cpu_percent (row_at (wait->app, i)) < cpu)
      return FALSE;

  return cpu >= SEYE_PROCESS_BUSY_PERCENT;
}

static gboolean
gone_cb (gpointer data)
{
  RowWait *wait = data;

  return n_rows (wait->app) > 0 && find_row (wait->app, wait->pid) < 0;
}

static gboolean
only_row_cb (gpointer data)
{
  RowWait *wait = data;

  return n_rows (wait->app) == 1 && seye_process_item_get_pid (row_at (wait->app, 0)) == (guint32) wait->pid;
}

/* Asked again, and the rows in the node's order by memory, the most first. */
static gboolean
by_memory_cb (gpointer data)
{
  RowWait *wait = data;

  return requests (wait->app) > wait->requests && sorted_by (wait->app, SEYE_PROCESS_COLUMN_MEMORY, -1);
}

/* At the top, busy, at the CPU % its own counters give over the same couple of seconds
 * (near 100 % on an idle machine; other tests may share the cores), in the warning or
 * error colour. */
static void
check_busy (App        *app,
            GPid        pid,
            const char *name)
{
  RowWait wait = { app, pid, 0 };
  long clk_tck = sysconf (_SC_CLK_TCK);
  guint64 ticks = own_ticks (pid);
  gint64 since = g_get_monotonic_time ();
  GtkWidget *cpu_cell;
  double listed, own;

  g_assert_true (seye_test_wait_until (busy_on_top_cb, &wait, 10000));
  /* Two refreshes more: a window all of which it spent spinning. */
  seye_test_spin (2 * SEYE_PROCESS_VIEW_REFRESH_MS);
  g_assert_true (busy_on_top_cb (&wait));
  listed = seye_process_item_get_cpu_percent (row_at (app, find_row (app, pid)));
  own = (own_ticks (pid) - ticks) * 100.0 / clk_tck / ((g_get_monotonic_time () - since) / 1e6);
  g_test_message ("%s at row %d: %.1f %% listed, %.1f %% by its own counters; %s", name, find_row (app, pid),
                  listed, own, _seye_process_view_get_footer (app->view));
  g_assert_cmpstr (seye_process_item_get_text (row_at (app, find_row (app, pid)), SEYE_PROCESS_COLUMN_NAME),
                   ==, name);
  g_assert_cmpfloat (listed, >=, SEYE_PROCESS_BUSY_PERCENT);
  g_assert_cmpfloat (fabs (listed - own), <=, 25.0);

  cpu_cell = find_cpu_cell (app, name);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (cpu_cell)), ==,
                   seye_process_item_get_text (row_at (app, find_row (app, pid)), SEYE_PROCESS_COLUMN_CPU));
  g_assert_true (gtk_widget_has_css_class (cpu_cell, listed >= SEYE_PROCESS_PEGGED_PERCENT ? "pegged" : "busy"));
  /* The window is the time between the agent's last two scans: it scans when
   * asked and its last scan is a second old, so about the 2 s between two asks. */
  {
    const char *footer = _seye_process_view_get_footer (app->view);
    const char *window = strstr (footer, "over the last ");
    double seconds;

    g_assert_nonnull (window);
    g_assert_true (g_str_has_suffix (footer, " s"));
    seconds = g_ascii_strtod (window + strlen ("over the last "), NULL);
    g_assert_cmpfloat (seconds, >=, 0.9);
    g_assert_cmpfloat (seconds, <=, 2.0 * SEYE_PROCESS_VIEW_REFRESH_MS / 1000.0);
  }
}

/* A search by its name leaves its row, and the footer says so. */
static void
check_search (App        *app,
              GPid        pid,
              const char *name)
{
  RowWait wait = { app, pid, 0 };
  GtkEditable *search = _seye_process_view_get_search (app->view);

  gtk_editable_set_text (search, name);
  g_assert_true (seye_test_wait_until (only_row_cb, &wait, 5000));
  g_assert_true (g_str_has_prefix (_seye_process_view_get_footer (app->view), "1 match · "));
  gtk_editable_set_text (search, "no process is called this");
  assert_message (app, "No matching process\n");
  gtk_editable_set_text (search, "");
}

/* The first click on a metric's header sorts it highest first; on a name, A to Z. */
static void
check_column_sort (App *app)
{
  GtkColumnView *column_view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (app->view),
                                                                               SEYE_TYPE_PROCESS_VIEW,
                                                                               "column_view"));
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_autoptr (GtkColumnViewColumn) pid = g_list_model_get_item (columns, SEYE_PROCESS_COLUMN_PID);
  g_autoptr (GtkColumnViewColumn) name = g_list_model_get_item (columns, SEYE_PROCESS_COLUMN_NAME);

  gtk_column_view_sort_by_column (column_view, pid, GTK_SORT_ASCENDING);
  g_assert_true (sorted_by (app, SEYE_PROCESS_COLUMN_PID, -1));
  gtk_column_view_sort_by_column (column_view, name, GTK_SORT_ASCENDING);
  g_assert_true (sorted_by (app, SEYE_PROCESS_COLUMN_NAME, 1));
  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
}

static void
test_busy_loop (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-spin-XXXXXX", &error);
  g_autofree char *name = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GSubprocess) busy = NULL;
  App app = { NULL, };
  RowWait wait = { &app, 0, 0 };
  SeyeNode *node;
  guint before;

  g_assert_no_error (error);
  busy = start_busy_loop (dir, &name);
  wait.pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (busy), NULL, 10);
  agent = seye_test_agent_start ("--no-mdns", "--name", "seye-processes", "--interval", "0.5", NULL);

  app_start (&app);
  node = app_add (&app, agent);
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 10000));
  app_show (&app, node);

  check_busy (&app, wait.pid, name);
  assert_at_top (&app);
  screenshot ("processes-busy");
  check_search (&app, wait.pid, name);
  check_column_sort (&app);

  /* Memory: the node is asked again, sorted by memory; then CPU again. */
  wait.requests = requests (&app);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.view), "processes.sort", "s", "memory"));
  g_assert_cmpstr (seye_process_view_get_sort (app.view), ==, "memory");
  g_assert_true (seye_test_wait_until (by_memory_cb, &wait, 5000));
  screenshot ("processes-memory");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.view), "processes.sort", "s", "cpu"));
  g_assert_true (seye_test_wait_until (busy_on_top_cb, &wait, 10000));

  /* Its end: its row goes within a few refreshes. */
  before = requests (&app);
  g_subprocess_force_exit (busy);
  g_subprocess_wait (busy, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (seye_test_wait_until (gone_cb, &wait, 4 * SEYE_PROCESS_VIEW_REFRESH_MS));
  g_test_message ("gone after %u requests", requests (&app) - before);

  app_stop (&app);
  seye_test_remove_tree (dir);
}

/* Nothing asked while hidden ------------------------------------------------ */

/* An agent that logs each process scan (at debug level), under a node id of its own:
 * two agents on one machine would otherwise be one node in conflict. */
static SeyeTestAgent *
start_logging_agent (const char *name,
                     const char *node_id)
{
  SeyeTestAgent *agent;

  g_setenv ("G_MESSAGES_DEBUG", "seye-agent", TRUE);
  agent = seye_test_agent_start ("--no-mdns", "--name", name, "--node-id", node_id, "--interval", "0.5", NULL);
  g_unsetenv ("G_MESSAGES_DEBUG");

  return agent;
}

static gboolean
asked_cb (gpointer data)
{
  RowWait *wait = data;

  return requests (wait->app) > wait->requests && n_rows (wait->app) > 0;
}

/* The number of the agent's last process scan, 0 when none. */
static guint64
last_scan (SeyeTestAgent *agent)
{
  const char *last = g_strrstr (agent->log->str, "processes: scan ");

  return last != NULL ? g_ascii_strtoull (last + strlen ("processes: scan "), NULL, 10) : 0;
}

/* No request for @ms, and the agent, asked by nobody else, stops scanning. */
static void
assert_quiet (App           *app,
              SeyeTestAgent *agent,
              guint          ms,
              const char    *why)
{
  guint before = requests (app);
  guint64 scans;

  g_string_truncate (agent->log, 0);
  seye_test_spin (ms);
  g_test_message ("%s: %u requests in %u ms", why, requests (app) - before, ms);
  g_assert_cmpuint (requests (app), ==, before);

  g_assert_true (seye_test_agent_wait_log (agent, "scans stop", 10000));
  scans = last_scan (agent);
  seye_test_spin (2000);
  g_assert_cmpuint (last_scan (agent), ==, scans);
  g_assert_cmpuint (requests (app), ==, before);
}

/* Asked again, and (when given) @agent scans for it. */
static void
resume (App           *app,
        SeyeTestAgent *agent)
{
  RowWait wait = { app, 0, requests (app) };

  if (agent != NULL)
    g_string_truncate (agent->log, 0);
  g_assert_true (seye_test_wait_until (asked_cb, &wait, 5000));
  if (agent != NULL)
    g_assert_true (seye_test_agent_wait_log (agent, "processes: scan", 5000));
}

/* Scrolled to the bottom of the pane, the section out of sight; or back to the top. */
static void
scroll_pane (App      *app,
             gboolean  away)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (gtk_widget_get_parent (GTK_WIDGET (app->view)),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  gtk_adjustment_set_value (adjustment, away ? gtk_adjustment_get_upper (adjustment)
                                             : gtk_adjustment_get_lower (adjustment));
  if (!away)
    return;

  seye_test_spin (300);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (app->view), scrolled, &bounds));
  g_test_message ("scrolled to %.0f of %.0f: the section at y %.0f, %.0f px tall", gtk_adjustment_get_value (adjustment),
                  gtk_adjustment_get_upper (adjustment), bounds.origin.y, bounds.size.height);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <, 0);
}

static void
test_hidden (void)
{
  g_autoptr (SeyeTestAgent) first = NULL;
  g_autoptr (SeyeTestAgent) second = NULL;
  App app = { NULL, };
  SeyeNode *node, *other;
  GtkExpander *expander;

  first = start_logging_agent ("seye-watched", "5eed0000000000000000000000000001");
  second = start_logging_agent ("seye-other", "5eed0000000000000000000000000002");
  app_start (&app);
  expander = _seye_detail_pane_get_processes_expander (app.pane);
  node = app_add (&app, first);
  other = app_add (&app, second);
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 10000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, other, 10000));
  app_show (&app, node);
  resume (&app, first);

  /* Folded. */
  gtk_expander_set_expanded (expander, FALSE);
  assert_quiet (&app, first, 7000, "collapsed");
  gtk_expander_set_expanded (expander, TRUE);
  resume (&app, first);

  /* Out of view in the pane. */
  scroll_pane (&app, TRUE);
  assert_quiet (&app, first, 3000, "scrolled away");
  scroll_pane (&app, FALSE);
  resume (&app, first);

  /* The window hidden. */
  gtk_widget_set_visible (GTK_WIDGET (app.window), FALSE);
  assert_quiet (&app, first, 3000, "window hidden");
  gtk_window_present (GTK_WINDOW (app.window));
  resume (&app, first);

  /* Another node shown: that one is asked, the first no more. */
  seye_window_show_node (app.window, other);
  g_assert_true (seye_process_view_get_node (app.view) == other);
  g_string_truncate (first->log, 0);
  g_assert_true (seye_test_agent_wait_log (first, "scans stop", 10000));
  g_assert_true (seye_test_agent_wait_log (second, "processes: scan", 5000));

  /* Offline: said so, and nothing asked. */
  seye_test_agent_kill (second);
  seye_test_wait_node_state (other, SEYE_NODE_STATE_OFFLINE, 0, 30000);
  {
    guint before = requests (&app);

    assert_message (&app, "Processes are shown while the node is online\n");
    g_assert_cmpuint (n_rows (&app), ==, 0);
    screenshot ("processes-offline");
    seye_test_spin (3000);
    g_assert_cmpuint (requests (&app), ==, before);
  }

  app_stop (&app);
}

/* Named actions --------------------------------------------------------------- */

typedef struct
{
  char          *dir;
  char          *state_dir;
  char          *token;
  char          *fingerprint;    /* "SHA256:AB:…" as printed */
  SeyeTestAgent *agent;
} SecureAgent;

/* What a user reads on the node: `sorcerers-eye-agent --pairing-info`. */
static void
read_pairing_info (SecureAgent *secure)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("SEYE_AGENT"), "--pairing-info",
                              "--tls", "--auth=token", "--state-dir", secure->state_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      const char *value = NULL;

      for (guint j = 1; words[0] != NULL && words[j] != NULL; j++)
        if (words[j][0] != '\0')
          value = words[j];

      if (g_strcmp0 (words[0], "Token:") == 0)
        secure->token = g_strdup (value);
      else if (g_strcmp0 (words[0], "Fingerprint:") == 0)
        secure->fingerprint = g_strdup (value);
    }

  g_assert_nonnull (secure->token);
  g_assert_nonnull (secure->fingerprint);
}

/* An agent over HTTPS with the token and two actions: one that greets after a moment
 * (with an escape sequence among its words), one that naps. */
static void
secure_agent_start (SecureAgent *secure)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *conf = NULL;
  const char *contents =
    "[agent]\nauth=token\ntls=true\n"
    "[actions]\n"
    "greet=/bin/sh -c 'sleep 1; printf \"hello from the node\\\\n\\\\033[31mred\\\\033[0m\\\\n\"'\n"
    "greet.description=Says hello after a second\n"
    "nap=/bin/sleep 3\n";

  secure->dir = g_dir_make_tmp ("seye-app-actions-XXXXXX", &error);
  g_assert_no_error (error);
  secure->state_dir = g_build_filename (secure->dir, "state", NULL);
  conf = g_build_filename (secure->dir, "agent.conf", NULL);
  g_file_set_contents (conf, contents, -1, &error);
  g_assert_no_error (error);

  secure->agent = seye_test_agent_start ("--no-mdns", "--node-id", NODE_ID, "--name", "seye-actions", "--tls",
                                         "--config", conf, "--state-dir", secure->state_dir,
                                         "--interval", "0.5", NULL);
  read_pairing_info (secure);
}

static void
secure_agent_stop (SecureAgent *secure)
{
  g_clear_pointer (&secure->agent, seye_test_agent_free);
  seye_test_remove_tree (secure->dir);
  g_free (secure->dir);
  g_free (secure->state_dir);
  g_free (secure->token);
  g_free (secure->fingerprint);
}

static gboolean
button_shown_cb (gpointer data)
{
  App *app = data;

  return _seye_detail_pane_get_action_button (app->pane, "greet") != NULL;
}

typedef struct
{
  App        *app;
  const char *heading;
} DialogWait;

static gboolean
dialog_cb (gpointer data)
{
  DialogWait *wait = data;
  AdwMessageDialog *dialog = _seye_detail_pane_get_action_dialog (wait->app->pane);

  return dialog != NULL && g_str_has_prefix (adw_message_dialog_get_heading (dialog), wait->heading);
}

/* Answers the open dialog as a click on its button @response does (and closes it). */
static void
answer (App        *app,
        const char *response)
{
  g_autoptr (AdwMessageDialog) dialog = g_object_ref (_seye_detail_pane_get_action_dialog (app->pane));

  adw_message_dialog_response (dialog, response);
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Presses the button of @action and answers its confirmation with Run. */
static void
press_and_confirm (App        *app,
                   const char *action)
{
  GtkButton *button = _seye_detail_pane_get_action_button (app->pane, action);
  g_autofree char *heading = g_strdup_printf ("Run “%s” on seye-actions?", action);
  DialogWait wait = { app, heading };
  AdwMessageDialog *dialog;

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (seye_test_wait_until (dialog_cb, &wait, 5000));
  dialog = _seye_detail_pane_get_action_dialog (app->pane);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "run"), ==, ADW_RESPONSE_DESTRUCTIVE);
  answer (app, "run");
}

/* Runs "greet": its button spins while it runs; its output comes in the result dialog. */
static void
check_run (App *app)
{
  GtkButton *button = _seye_detail_pane_get_action_button (app->pane, "greet");
  DialogWait wait = { app, "“greet” on seye-actions" };
  g_autofree char *text = NULL;

  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (button)), ==, "Says hello after a second");
  g_signal_emit_by_name (button, "clicked");
  {
    g_autofree char *confirm = _seye_detail_pane_dup_action_dialog_text (app->pane);

    g_test_message ("asks: %s", confirm);
    g_assert_true (g_str_has_prefix (confirm, "Run “greet” on seye-actions?\nSays hello after a second\n"));
  }
  screenshot ("action-confirm");
  answer (app, "cancel");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));

  press_and_confirm (app, "greet");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (button)));
  g_assert_true (seye_test_wait_until (dialog_cb, &wait, 20000));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));

  text = _seye_detail_pane_dup_action_dialog_text (app->pane);
  g_test_message ("result: %s", text);
  g_assert_true (g_str_has_prefix (text, "“greet” on seye-actions\nFinished in "));
  /* The output as it came, its escape sequences shown, not obeyed. */
  g_assert_nonnull (strstr (text, "\nhello from the node\n\\x1b[31mred\\x1b[0m\n"));
  screenshot ("action-result");
  answer (app, "close");
}

static void
direct_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr (SeyeActionResult) run = seye_source_run_action_finish (SEYE_SOURCE (object), result, NULL);

  *(gboolean *) data = TRUE;
}

static gboolean
flag_cb (gpointer data)
{
  return *(gboolean *) data;
}

/* "nap" already running for another client: the app says so in words. */
static void
check_busy_action (App      *app,
                   SeyeNode *node)
{
  SeyeSource *source = seye_monitor_get_node_source (app->monitor, node);
  DialogWait wait = { app, "Could not run “nap” on seye-actions" };
  g_autofree char *text = NULL;
  gboolean done = FALSE;

  seye_source_run_action (source, node, "nap", NULL, direct_run_cb, &done);
  seye_test_spin (500);
  press_and_confirm (app, "nap");
  g_assert_true (seye_test_wait_until (dialog_cb, &wait, 10000));
  text = _seye_detail_pane_dup_action_dialog_text (app->pane);
  g_test_message ("busy: %s", text);
  g_assert_nonnull (strstr (text, "“nap” is already running on seye-actions: wait for it to end"));
  answer (app, "close");
  g_assert_true (seye_test_wait_until (flag_cb, &done, 10000));
}

static void
test_actions (void)
{
  SecureAgent secure = { NULL, };
  App app = { NULL, };
  g_autoptr (SeyePairing) pairing = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *address = NULL;
  SeyeNode *node;

  secure_agent_start (&secure);
  app_start (&app);
  node = app_add (&app, secure.agent);

  /* Not paired: the section says what to do, and there is no action to press. */
  seye_test_wait_node_state (node, SEYE_NODE_STATE_NEEDS_PAIRING, 0, 10000);
  app_show (&app, node);
  assert_message (&app, "Pair with this node to see its processes\n");
  g_assert_null (_seye_detail_pane_get_action_button (app.pane, "greet"));
  g_assert_cmpuint (requests (&app), ==, 0);

  /* Paired as the pair dialog would: the node's pin and token. */
  fingerprint = seye_fingerprint_parse (secure.fingerprint, &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%u", secure.agent->port);
  pairing = seye_pairing_new (address, "seye-actions", fingerprint, secure.token);
  seye_credentials_add (seye_monitor_get_credentials (app.monitor), pairing);
  seye_test_wait_node_state (node, SEYE_NODE_STATE_ONLINE, 0, 10000);
  g_assert_true (seye_node_get_paired (node));
  g_assert_true (seye_test_wait_until (button_shown_cb, &app, 10000));
  resume (&app, NULL);
  seye_test_spin (2 * SEYE_PROCESS_VIEW_REFRESH_MS);
  assert_at_top (&app);
  screenshot ("actions-paired");

  check_run (&app);
  check_busy_action (&app, node);

  app_stop (&app);
  g_assert_cmpint (seye_test_agent_stop (secure.agent), ==, 0);
  secure_agent_stop (&secure);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  /* The app's style sheet, as AdwApplication loads it: the window looks as it does. */
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (g_getenv ("SEYE_AGENT") == NULL)
    {
      g_test_skip ("SEYE_AGENT is not set");
      return g_test_run ();
    }

  g_test_add_func ("/seye/app/processes/busy-loop", test_busy_loop);
  g_test_add_func ("/seye/app/processes/hidden", test_hidden);
  g_test_add_func ("/seye/app/processes/actions", test_actions);

  return g_test_run ();
}
