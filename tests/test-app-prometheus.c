/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app with Prometheus servers, under Xvfb, in this process:
 *
 * 1. `--prometheus URL` against a real Prometheus ($SEYE_PROMETHEUS, Debian's
 *    prometheus) that the test starts on loopback, scraping two real agents every
 *    second: both are listed with CPU values, from that source; the live CPU graph
 *    of one is full at once (Prometheus' half minute of scrapes before the app
 *    started, read once, in one query for both); the 1 hour range
 *    comes from the server (the history store cannot even be opened); their processes
 *    say they are not available from Prometheus; Preferences → Sources lists the
 *    server as working, for this session; a server added there (with a bearer token,
 *    kept by a real gnome-keyring-daemon) goes into the setting and the keyring, is
 *    said to be not reachable in the window and in its row, and removing it takes it
 *    out of all three.
 * 2. A server that is down: the window says so in words, and the app keeps running;
 *    an address that is no server's is refused before the app starts.
 *
 * Without prometheus the first is skipped, unless CI=true, where it is a failure.
 */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "seye-application.h"
#include "seye-keyring.h"
#include "seye-preferences-window.h"
#include "seye-process-view.h"
#include "seye-test-keyring.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

#define TOKEN "test-token-4f1b"

static char *home;
static gboolean keyring_up;

/* One gnome-keyring-daemon for the whole run: without it the session bus would start
 * one of its own. */
static gboolean
ensure_keyring (void)
{
  if (!keyring_up)
    keyring_up = seye_test_keyring_start (home);

  return keyring_up;
}

/* A real Prometheus ----------------------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *dir;
  char        *url;
} Prometheus;

/* Starts it scraping @targets every second; FALSE (skipped) when it is not installed. */
static gboolean
prometheus_start (Prometheus         *prometheus,
                  const char * const *targets)
{
  const char *program = g_getenv ("SEYE_PROMETHEUS");
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GError) error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *data_arg = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *listen_arg = NULL;
  g_autofree char *log = NULL;

  if (program == NULL || program[0] == '\0')
    program = "/usr/bin/prometheus";
  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("%s is missing: install prometheus (build-aux/dev)", program);
      g_printerr ("SKIPPING: %s is not installed (build-aux/dev installs prometheus)\n", program);
      g_test_skip ("prometheus is not installed (build-aux/dev installs it)");
      return FALSE;
    }

  prometheus->dir = g_build_filename (home, "prometheus", NULL);
  g_assert_cmpint (g_mkdir_with_parents (prometheus->dir, 0700), ==, 0);
  list = g_strjoinv ("', '", (char **) targets);
  config = g_strdup_printf ("global:\n"
                            "  scrape_interval: 1s\n"
                            "scrape_configs:\n"
                            "  - job_name: nodes\n"
                            "    static_configs:\n"
                            "      - targets: ['%s']\n", list);
  config_path = g_build_filename (prometheus->dir, "prometheus.yml", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));

  listen = g_strdup_printf ("127.0.0.1:%u", seye_test_socket_free_port ());
  prometheus->url = g_strconcat ("http://", listen, NULL);
  config_arg = g_strconcat ("--config.file=", config_path, NULL);
  data_arg = g_strconcat ("--storage.tsdb.path=", prometheus->dir, "/data", NULL);
  listen_arg = g_strconcat ("--web.listen-address=", listen, NULL);
  log = g_build_filename (prometheus->dir, "prometheus.log", NULL);

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
  prometheus->process = g_subprocess_launcher_spawn (launcher, &error, program, config_arg, data_arg,
                                                     listen_arg, NULL);
  g_assert_no_error (error);

  return TRUE;
}

/* How many scrapes of every target Prometheus holds over the last 5 minutes (0 before
 * it answers). */
static guint
prometheus_scrapes (Prometheus *prometheus)
{
  g_autofree char *uri = g_strconcat (prometheus->url, "/api/v1/query?query=",
                                      "min(count_over_time(node_memory_MemTotal_bytes%5B5m%5D))", NULL);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *data;
  JsonArray *result;
  JsonArray *value;

  if (body == NULL || soup_message_get_status (message) != SOUP_STATUS_OK ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    return 0;

  /* {"data":{"result":[{"value":[time,"count"]}]}} */
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "data");
  result = json_object_get_array_member (data, "result");
  if (json_array_get_length (result) != 1)
    return 0;
  value = json_object_get_array_member (json_array_get_object_element (result, 0), "value");

  return (guint) g_ascii_strtoull (json_array_get_string_element (value, 1), NULL, 10);
}

static void
prometheus_stop (Prometheus *prometheus)
{
  if (prometheus->process != NULL)
    {
      g_subprocess_send_signal (prometheus->process, SIGTERM);
      g_subprocess_wait (prometheus->process, NULL, NULL);
    }
  g_clear_object (&prometheus->process);
  g_clear_pointer (&prometheus->dir, g_free);
  g_clear_pointer (&prometheus->url, g_free);
}

/* The app, in this process --------------------------------------------------- */

typedef struct
{
  SeyeApplication *app;
  const char      *url;
  void           (*scenario) (gpointer data);
  gboolean         done;
} Run;

static gboolean
scenario_cb (gpointer data)
{
  Run *run = data;

  run->scenario (run);
  run->done = TRUE;
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static void
started_cb (Run *run)
{
  g_idle_add (scenario_cb, run);
}

static int
run_app (Run        *run,
         const char *url)
{
  char *argv[] = { (char *) "sorcerers-eye", (char *) "--prometheus", (char *) url, NULL };
  int status;

  run->app = seye_application_new ();
  g_application_set_flags (G_APPLICATION (run->app), G_APPLICATION_NON_UNIQUE);
  /* Only once it starts: refused options end the run before. */
  g_signal_connect_swapped (run->app, "startup", G_CALLBACK (started_cb), run);
  status = g_application_run (G_APPLICATION (run->app), 3, argv);
  g_clear_object (&run->app);

  return status;
}

static SeyeWindow *
get_window (Run *run)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  return SEYE_IS_WINDOW (window) ? SEYE_WINDOW (window) : NULL;
}

static gboolean
has_window_cb (gpointer data)
{
  return get_window (data) != NULL;
}

typedef struct
{
  Run        *run;
  const char *needle;   /* in the sources notice; NULL: no notice */
} NoticeWait;

static gboolean
notice_cb (gpointer data)
{
  NoticeWait *wait = data;
  const char *notice = _seye_window_get_sources_notice (get_window (wait->run));

  if (wait->needle == NULL)
    return notice == NULL;

  return notice != NULL && strstr (notice, wait->needle) != NULL;
}

static void
wait_notice (Run        *run,
             const char *needle)
{
  NoticeWait wait = { run, needle };

  if (!seye_test_wait_until (notice_cb, &wait, 60000))
    g_error ("the window's sources notice is “%s”, not one with “%s”",
             _seye_window_get_sources_notice (get_window (run)), needle ? needle : "(none)");
}

/* The text of a label under @widget that contains @needle, as the user sees it. */
static gboolean
has_label (GtkWidget  *widget,
           const char *needle)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, needle))
      return TRUE;

  return FALSE;
}

/* Scenario 1: a real Prometheus ------------------------------------------------ */

typedef struct
{
  Run         run;
  const char *names[2];
} RealRun;

static gboolean
listed_with_cpu_cb (gpointer data)
{
  RealRun *real = data;
  SeyeMonitor *monitor = seye_application_get_monitor (real->run.app);

  for (guint i = 0; i < G_N_ELEMENTS (real->names); i++)
    {
      SeyeNode *node = seye_test_find_node (G_LIST_MODEL (monitor), real->names[i]);
      SeyeSample *sample = node != NULL ? seye_node_get_sample (node) : NULL;

      if (sample == NULL || !(sample->parts & SEYE_SAMPLE_CPU))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  SeyeGraph            *graph;
  SeyePrometheusSource *source;
} FullWait;

static gboolean
graph_full_cb (gpointer data)
{
  FullWait *full = data;

  return seye_graph_get_n_points (full->graph) > seye_prometheus_source_get_refreshes (full->source) + 20;
}

static gboolean
range_shown_cb (gpointer data)
{
  SeyeGraph *graph = data;

  return seye_graph_get_showing_history (graph) && seye_graph_get_n_points (graph) > 0;
}

/* The first widget of @type under @widget, or NULL. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
processes_said_cb (gpointer data)
{
  return has_label (data, "Not available from Prometheus");
}

static SeyePreferencesWindow *
open_preferences (Run *run)
{
  g_autoptr (GListModel) toplevels = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (run->app), "preferences", NULL);

  toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (SEYE_IS_PREFERENCES_WINDOW (window))
        return SEYE_PREFERENCES_WINDOW (window);
    }

  g_assert_not_reached ();
}

typedef struct
{
  SeyePreferencesSources *page;
  const char             *url;
  const char             *needle;   /* NULL: the row is gone */
} RowWait;

static gboolean
row_cb (gpointer data)
{
  RowWait *wait = data;
  const char *state = _seye_preferences_sources_get_state (wait->page, wait->url);

  if (wait->needle == NULL)
    return state == NULL;

  return state != NULL && strstr (state, wait->needle) != NULL;
}

static void
wait_row (SeyePreferencesSources *page,
          const char             *url,
          const char             *needle)
{
  RowWait wait = { page, url, needle };

  if (!seye_test_wait_until (row_cb, &wait, 60000))
    g_error ("the row of %s says “%s”, not “%s”", url, _seye_preferences_sources_get_state (page, url),
             needle ? needle : "(gone)");
}

/* What the keyring holds for @url, read as the app reads it. */
static void
secret_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  char **secret = data;
  g_autoptr (GError) error = NULL;
  char *value = seye_keyring_lookup_server_secret_finish (result, &error);

  g_assert_no_error (error);
  *secret = value != NULL ? g_strdup (value) : g_strdup ("");
  if (value != NULL)
    seye_keyring_secret_free (value);
}

static gboolean
is_set_cb (gpointer data)
{
  return *(char **) data != NULL;
}

static char *
keyring_secret (const char *url)
{
  char *secret = NULL;

  seye_keyring_lookup_server_secret_async (url, NULL, secret_cb, &secret);
  g_assert_true (seye_test_wait_until (is_set_cb, &secret, 30000));

  return secret;
}

/* The setting holds @url (or not). */
static gboolean
setting_has (const char *url)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GPtrArray) servers = seye_prometheus_servers_load (settings);

  return seye_prometheus_server_find (servers, url) != NULL;
}

static void
check_sources_page (Run *run)
{
  SeyePreferencesWindow *preferences = open_preferences (run);
  SeyePreferencesSources *page = _seye_preferences_window_get_sources (preferences);
  g_autofree char *down = g_strdup_printf ("http://127.0.0.1:%u", seye_test_socket_free_port ());
  g_autofree char *secret = NULL;

  /* The --prometheus server: working, for this session. */
  wait_row (page, run->url, "Working");
  wait_row (page, run->url, "for this session only");
  g_assert_false (setting_has (run->url));

  /* A server added in the form: kept in the setting, its token in the keyring. */
  _seye_preferences_sources_fill (page, down, SEYE_PROMETHEUS_AUTH_BEARER, NULL, TOKEN, NULL);
  g_assert_true (_seye_preferences_sources_add (page));
  g_assert_true (setting_has (down));
  wait_row (page, down, "not reachable");
  wait_notice (run, "not reachable");
  g_assert_nonnull (strstr (_seye_window_get_sources_notice (get_window (run)), down));
  secret = keyring_secret (down);
  g_assert_cmpstr (secret, ==, TOKEN);
  g_clear_pointer (&secret, g_free);

  /* A wrong address is refused, in words, and nothing is kept. */
  _seye_preferences_sources_fill (page, "ftp://example.org", SEYE_PROMETHEUS_AUTH_NONE, NULL, NULL, NULL);
  g_assert_false (_seye_preferences_sources_add (page));

  /* Removed: out of the list, the setting, the keyring; the notice goes with it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sources.remove", "s", down));
  wait_row (page, down, NULL);
  g_assert_false (setting_has (down));
  wait_notice (run, NULL);
  secret = keyring_secret (down);
  g_assert_cmpstr (secret, ==, "");

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
real_scenario (gpointer data)
{
  RealRun *real = data;
  Run *run = &real->run;
  SeyeMonitor *monitor;
  SeyeWindow *window;
  SeyeDetailPane *pane;
  SeyeNode *node;

  g_assert_true (seye_test_wait_until (has_window_cb, run, 30000));
  window = get_window (run);
  monitor = seye_application_get_monitor (run->app);

  /* Both agents, through Prometheus, with CPU values. */
  if (!seye_test_wait_until (listed_with_cpu_cb, real, 90000))
    g_error ("the agents are not listed with CPU values; the notice says “%s”",
             _seye_window_get_sources_notice (window));
  for (guint i = 0; i < G_N_ELEMENTS (real->names); i++)
    {
      node = seye_test_find_node (G_LIST_MODEL (monitor), real->names[i]);
      g_assert_true (SEYE_IS_PROMETHEUS_SOURCE (seye_monitor_get_node_source (monitor, node)));
      g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
      g_test_message ("%s: CPU %.1f %%", real->names[i], seye_node_get_sample (node)->cpu.busy);
    }
  g_assert_null (_seye_window_get_sources_notice (window));

  /* The last hour, from the server: this run has no history store to read it from. */
  node = seye_test_find_node (G_LIST_MODEL (monitor), real->names[0]);
  g_assert_null (seye_application_get_store (run->app));
  seye_window_show_node (window, node);
  pane = _seye_window_get_detail_pane (window);
  g_assert_true (g_str_has_prefix (_seye_detail_pane_get_connection (pane), "Through Prometheus at "));
  g_assert_nonnull (strstr (_seye_detail_pane_get_connection (pane), run->url));
  /* Its live graph is full at once: Prometheus' last minutes, more points than the
   * refreshes since the start could have given. */
  seye_detail_pane_set_window (pane, SEYE_GRAPH_MAX_WINDOW);
  {
    FullWait full = { seye_detail_pane_get_graph (pane, SEYE_GRAPH_CPU),
                      SEYE_PROMETHEUS_SOURCE (seye_monitor_get_node_source (monitor, node)) };

    if (!seye_test_wait_until (graph_full_cb, &full, 60000))
      g_error ("the CPU graph has %u points after %" G_GUINT64_FORMAT " refreshes",
               seye_graph_get_n_points (full.graph), seye_prometheus_source_get_refreshes (full.source));
    g_test_message ("live CPU graph: %u points after %" G_GUINT64_FORMAT " refreshes",
                    seye_graph_get_n_points (full.graph), seye_prometheus_source_get_refreshes (full.source));
    g_assert_cmpuint (seye_prometheus_source_get_fills_sent (full.source), ==, 1);
  }

  seye_detail_pane_set_window (pane, 3600);
  g_assert_true (seye_test_wait_until (range_shown_cb, seye_detail_pane_get_graph (pane, SEYE_GRAPH_CPU),
                                       60000));
  {
    g_autofree char *values = _seye_detail_pane_dup_cpu_values (pane);

    g_test_message ("over the hour: %s", values);
    g_assert_true (g_str_has_prefix (values, "avg "));
  }
  seye_detail_pane_set_window (pane, 60);

  /* Processes: not available from Prometheus, said so. */
  gtk_expander_set_expanded (_seye_detail_pane_get_processes_expander (pane), TRUE);
  g_assert_true (seye_test_wait_until (processes_said_cb, _seye_detail_pane_get_process_view (pane), 30000));
  /* Nothing to sort or search there: the search entry and the sort buttons are hidden. */
  {
    GtkWidget *entry = find_widget (GTK_WIDGET (_seye_detail_pane_get_process_view (pane)), GTK_TYPE_SEARCH_ENTRY);

    g_assert_nonnull (entry);
    g_assert_false (gtk_widget_is_visible (entry));
  }

  check_sources_page (run);
}

static void
test_real (void)
{
  g_autoptr (SeyeTestAgent) a = NULL;
  g_autoptr (SeyeTestAgent) b = NULL;
  g_autofree char *a_address = NULL;
  g_autofree char *b_address = NULL;
  g_autofree char *prefix = g_strdup_printf ("pa%d", (int) getpid ());
  g_autofree char *name_a = g_strconcat (prefix, "-a", NULL);
  g_autofree char *name_b = g_strconcat (prefix, "-b", NULL);
  Prometheus prometheus = { NULL };
  RealRun real = { { NULL } };

  if (!ensure_keyring ())
    return;

  a = seye_test_agent_start ("--no-mdns", "--name", name_a, NULL);
  b = seye_test_agent_start ("--no-mdns", "--name", name_b, NULL);
  a_address = g_strdup_printf ("127.0.0.1:%u", a->port);
  b_address = g_strdup_printf ("127.0.0.1:%u", b->port);
  {
    const char *targets[] = { a_address, b_address, NULL };

    if (!prometheus_start (&prometheus, targets))
      return;
  }

  /* Half a minute of scrapes before the app starts: its graphs must show them at once. */
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    guint scrapes;

    while ((scrapes = prometheus_scrapes (&prometheus)) < 30 && g_get_monotonic_time () < deadline)
      g_usleep (G_USEC_PER_SEC);
    g_test_message ("Prometheus holds %u scrapes of each agent", scrapes);
    g_assert_cmpuint (scrapes, >=, 30);
  }

  real.names[0] = name_a;
  real.names[1] = name_b;
  real.run.url = prometheus.url;
  real.run.scenario = real_scenario;
  g_assert_cmpint (run_app (&real.run, prometheus.url), ==, 0);
  g_assert_true (real.run.done);

  prometheus_stop (&prometheus);
}

/* Scenario 2: a server that is down ------------------------------------------- */

static void
down_scenario (gpointer data)
{
  Run *run = data;
  SeyeWindow *window;

  g_assert_true (seye_test_wait_until (has_window_cb, run, 30000));
  window = get_window (run);

  wait_notice (run, "not reachable");
  g_assert_nonnull (strstr (_seye_window_get_sources_notice (window), run->url));
  g_test_message ("%s", _seye_window_get_sources_notice (window));

  /* It keeps asking, and keeps running meanwhile. */
  seye_test_spin (3000);
  g_assert_true (get_window (run) == window);
  wait_notice (run, "not reachable");
}

static void
test_down (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", seye_test_socket_free_port ());
  Run run = { NULL };

  if (!ensure_keyring ())
    return;

  run.url = url;
  run.scenario = down_scenario;
  g_assert_cmpint (run_app (&run, url), ==, 0);
  g_assert_true (run.done);

  /* Not a server's address: refused before the start. */
  {
    Run bad = { NULL };

    bad.scenario = down_scenario;
    g_assert_cmpint (run_app (&bad, "ftp://example.org"), ==, 1);
    g_assert_false (bad.done);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  home = g_dir_make_tmp ("seye-app-prometheus-XXXXXX", &error);
  g_assert_no_error (error);
  /* A data folder that is a file: the history store cannot be opened, so a long range
   * shown can only come from the server. */
  data_home = g_build_filename (home, "not-a-folder", NULL);
  g_assert_true (g_file_set_contents (data_home, "", 0, &error));
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  /* Only this test's nodes (no mDNS), and no notification server on its bus. */
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "discovery", FALSE);
    g_settings_set_boolean (settings, "notifications", FALSE);
  }

  /* The app warns that it keeps no history, on purpose here: warnings are not fatal
   * (criticals still are). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/seye/app/prometheus/real", test_real);
  g_test_add_func ("/seye/app/prometheus/down", test_down);

  status = g_test_run ();

  if (keyring_up)
    seye_test_keyring_stop ();

  seye_test_remove_tree (home);
  g_free (home);

  return status;
}
