/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The truth of the fleet in the app's window, against real agents found through a real
 * avahi-daemon, under Xvfb: a killed agent says "Offline", a stopped one "Left the
 * network", and both stay listed past the old five-minute grace time, for the
 * keep-offline time of the settings (the clock is moved ahead, the default is not
 * changed). A machine in trouble (a recorded tree with memory at 96 % and /data 97 %
 * full) says why beside its state.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include "seye-node-cell.h"
#include "seye-preferences-window.h"
#include "seye-node-column.h"
#include "seye-recorder.h"
#include "seye-store.h"
#include "seye-test-mounts.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

typedef struct
{
  char          *prefix;     /* unique per run: other runs' agents do not count */
  char          *clock_dir;  /* SEYE_CLOCK_OFFSET_FILE lives here */
  char          *clock_file;
  GSettings     *settings;
  SeyeMonitor   *monitor;
  SeyeWindow    *window;
  SeyeNodeList  *list;
} Fixture;

static SeyeNode *
find_node (Fixture    *f,
           const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", f->prefix, suffix);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->monitor));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (f->monitor), i);

      if (g_strcmp0 (seye_node_get_name (node), name) == 0)
        return node;
    }

  return NULL;
}

static SeyeTestAgent *
start_agent (Fixture    *f,
             const char *suffix,
             const char *root)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", f->prefix, suffix);
  g_autofree char *id = seye_test_node_id (suffix[0]);

  if (root != NULL)
    return seye_test_agent_start ("--name", name, "--node-id", id, "--interval", "0.5", "--root", root, NULL);

  return seye_test_agent_start ("--name", name, "--node-id", id, "--interval", "0.5", NULL);
}

typedef struct
{
  Fixture       *f;
  const char    *suffix;
  SeyeNodeState  state;
} StateWait;

static gboolean
state_cb (gpointer data)
{
  StateWait *wait = data;
  SeyeNode *node = find_node (wait->f, wait->suffix);

  return node != NULL && seye_node_get_state (node) == wait->state;
}

static gboolean
wait_state (Fixture       *f,
            const char    *suffix,
            SeyeNodeState  state,
            guint          timeout_ms)
{
  StateWait wait = { f, suffix, state };

  return seye_test_wait_until (state_cb, &wait, timeout_ms);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->prefix = g_strdup_printf ("seye-fleet-%d", (int) getpid ());
  f->clock_dir = g_dir_make_tmp ("seye-fleet-clock-XXXXXX", NULL);
  f->clock_file = g_build_filename (f->clock_dir, "offset", NULL);
  g_setenv ("SEYE_CLOCK_OFFSET_FILE", f->clock_file, TRUE);

  if (!seye_test_require_avahi ())
    return;

  /* As the application does: the settings say how long offline nodes stay. */
  f->settings = g_settings_new (APP_ID);
  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  seye_monitor_set_grace_time (f->monitor, g_settings_get_double (f->settings, "grace-time"));
  seye_monitor_set_keep_offline (f->monitor, g_settings_get_int64 (f->settings, "keep-offline"));
  seye_monitor_set_discovery (f->monitor, TRUE);
  seye_monitor_start (f->monitor);

  f->window = seye_window_new (NULL, f->monitor);
  f->list = _seye_window_get_node_list (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  seye_node_list_set_search_text (f->list, f->prefix);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  if (f->monitor != NULL)
    {
      seye_monitor_stop (f->monitor);
      g_clear_object (&f->monitor);
    }
  g_clear_object (&f->settings);
  g_unsetenv ("SEYE_CLOCK_OFFSET_FILE");
  g_unlink (f->clock_file);
  g_rmdir (f->clock_dir);
  g_clear_pointer (&f->clock_file, g_free);
  g_clear_pointer (&f->clock_dir, g_free);
  g_clear_pointer (&f->prefix, g_free);
}

static char *
status_of (Fixture    *f,
           const char *suffix)
{
  return seye_node_column_format (find_node (f, suffix), SEYE_NODE_COLUMN_STATUS);
}

static gboolean
killed_gone_cb (gpointer data)
{
  return find_node (data, "k") == NULL;
}

/* SIGKILL: "Offline"; SIGTERM: "Left the network"; both still listed long after. */
static void
test_never_dropped (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (SeyeTestAgent) killed = NULL;
  g_autoptr (SeyeTestAgent) stopped = NULL;
  g_autofree char *offline = NULL;
  g_autofree char *left = NULL;

  if (f->monitor == NULL)
    return;

  /* The defaults a user gets: a week, and the old grace time of five minutes. */
  g_assert_cmpint (g_settings_get_int64 (f->settings, "keep-offline"), ==, 7 * 24 * 3600);
  g_assert_cmpfloat (g_settings_get_double (f->settings, "grace-time"), ==, 300);

  killed = start_agent (f, "k", NULL);
  stopped = start_agent (f, "s", NULL);
  g_assert_true (wait_state (f, "k", SEYE_NODE_STATE_ONLINE, 15000));
  g_assert_true (wait_state (f, "s", SEYE_NODE_STATE_ONLINE, 15000));
  seye_test_spin (1500);   /* followed by their streams */

  seye_test_agent_kill (killed);
  seye_test_agent_stop (stopped);
  g_assert_true (wait_state (f, "k", SEYE_NODE_STATE_OFFLINE, 10000));
  g_assert_true (wait_state (f, "s", SEYE_NODE_STATE_LEFT, 10000));

  /* Ten minutes later, by the clock the app judges ages by: twice the old grace time. */
  g_assert_true (g_file_set_contents (f->clock_file, "600", -1, NULL));
  seye_test_spin (3000);
  g_assert_nonnull (find_node (f, "k"));
  g_assert_nonnull (find_node (f, "s"));
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 2);

  offline = status_of (f, "k");
  left = status_of (f, "s");
  g_assert_cmpstr (offline, ==, "Offline · 10 min");
  g_assert_cmpstr (left, ==, "Left the network · 10 min");
  g_assert_true (seye_node_get_alerting (find_node (f, "k")));
  g_assert_false (seye_node_get_alerting (find_node (f, "s")));

  /* Past the keep-offline time: they go. */
  g_assert_true (g_file_set_contents (f->clock_file, "700000", -1, NULL));
  g_assert_true (seye_test_wait_until (killed_gone_cb, f, 10000));
  g_assert_null (find_node (f, "s"));
}

/* The cell of @node in @column, anywhere under @widget. */
static SeyeNodeCell *
find_cell (GtkWidget      *widget,
           SeyeNode       *node,
           SeyeNodeColumn  column)
{
  if (SEYE_IS_NODE_CELL (widget) && seye_node_cell_get_node (SEYE_NODE_CELL (widget)) == node &&
      seye_node_cell_get_column (SEYE_NODE_CELL (widget)) == column)
    return SEYE_NODE_CELL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SeyeNodeCell *cell = find_cell (child, node, column);

      if (cell != NULL)
        return cell;
    }

  return NULL;
}

typedef struct
{
  SeyeStore  *store;
  const char *node_id;
  const char *rule;
  SeyeAlertEventType event;
} LogWait;

static gboolean
logged_cb (gpointer data)
{
  LogWait *wait = data;
  g_autoptr (GPtrArray) events = seye_store_list_alert_events (wait->store, 0, wait->node_id, 100, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      SeyeAlertEvent *event = events->pdata[i];

      if (g_strcmp0 (event->rule, wait->rule) == 0 && event->event == wait->event)
        return TRUE;
    }

  return FALSE;
}

static gboolean
both_alerts_cb (gpointer data)
{
  SeyeNode *node = find_node (data, "h");

  return node != NULL &&
         (seye_node_get_active_alerts (node) & (SEYE_ALERT_MEMORY | SEYE_ALERT_FILESYSTEM)) ==
         (SEYE_ALERT_MEMORY | SEYE_ALERT_FILESYSTEM);
}

/* A recorded machine with memory at 96 % and /data 97 % full: the row says why, its
 * cells are in the error colour, the alert log has the starts (and `seye alerts`
 * lists them), and acknowledging takes it out of the header's count. */
static void
test_machine_in_trouble (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (SeyeTestHotRoot) hot = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *status = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *node_id;
  SeyeNodeCell *memory_cell;
  SeyeNode *node;
  guint alerting;
  gboolean listed = FALSE;
  JsonArray *array;

  if (f->monitor == NULL || (hot = seye_test_hot_root_new ()) == NULL)
    return;

  db = g_build_filename (f->clock_dir, "history.db", NULL);
  store = seye_store_open (db, &error);
  g_assert_no_error (error);
  recorder = seye_recorder_new (store, f->monitor);

  agent = start_agent (f, "h", hot->root);
  g_assert_true (wait_state (f, "h", SEYE_NODE_STATE_ONLINE, 15000));
  g_assert_true (seye_test_wait_until (both_alerts_cb, f, 15000));
  node = find_node (f, "h");
  node_id = seye_node_get_info (node)->node_id;

  /* The row: the state, and why beside it. */
  status = status_of (f, "h");
  g_assert_cmpstr (status, ==, "Online · Disk /data 97 % · 1 more");
  {
    g_autofree char *memory = seye_node_describe_alert (node, SEYE_ALERT_MEMORY);

    g_assert_cmpstr (memory, ==, "Memory 96 %");
  }

  /* The cells carry the error style. */
  seye_test_spin (1500);
  memory_cell = find_cell (GTK_WIDGET (f->window), node, SEYE_NODE_COLUMN_MEMORY);
  g_assert_nonnull (memory_cell);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (memory_cell), "error"));
  {
    SeyeNodeCell *status_cell = find_cell (GTK_WIDGET (f->window), node, SEYE_NODE_COLUMN_STATUS);

    g_assert_nonnull (status_cell);
    g_assert_cmpstr (seye_node_cell_get_text (status_cell), ==, "Online · Disk /data 97 % · 1 more");
  }

  /* The alert log has both starts. */
  {
    LogWait memory = { store, node_id, "memory", SEYE_ALERT_EVENT_START };
    LogWait disk = { store, node_id, "filesystem", SEYE_ALERT_EVENT_START };

    g_assert_true (seye_test_wait_until (logged_cb, &memory, 10000));
    g_assert_true (seye_test_wait_until (logged_cb, &disk, 10000));
  }

  /* Acknowledged: no longer counted in the header, no longer red, still said. */
  alerting = seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALERTING);
  g_assert_cmpuint (alerting, >=, 1);
  seye_monitor_acknowledge_alerts (f->monitor, node, SEYE_ALERT_ALL);
  g_assert_false (seye_node_get_alerting (node));
  g_assert_cmpuint (seye_node_list_get_count (f->list, SEYE_STATUS_FILTER_ALERTING), ==, alerting - 1);
  seye_test_spin (1500);   /* the cell follows at the next tick */
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (memory_cell), "error"));
  g_clear_pointer (&status, g_free);
  status = status_of (f, "h");
  g_assert_cmpstr (status, ==, "Online · Disk /data 97 % · 1 more");
  {
    LogWait ack = { store, node_id, "memory", SEYE_ALERT_EVENT_ACKNOWLEDGE };

    g_assert_true (seye_test_wait_until (logged_cb, &ack, 10000));
  }

  /* And `seye alerts --json` lists it. */
  g_assert_cmpint (seye_test_run_cli (&json, NULL, "alerts", "--db", db, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (event, "node_id"), node_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (event, "rule"), "filesystem") == 0 &&
          g_strcmp0 (json_object_get_string_member (event, "event"), "start") == 0)
        listed = TRUE;
    }
  g_assert_true (listed);
}

/* The first widget of @type under @widget whose "title" is @title. */
static GtkWidget *
find_titled (GtkWidget  *widget,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      g_autofree char *text = NULL;

      g_object_get (widget, "title", &text, NULL);
      if (g_strcmp0 (text, title) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_titled (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
remove_store_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* History: "Disk space for history" writes bytes, "No limit" 0; the usage row says what
 * the store's file and its log take, with the budget. */
static void
test_preferences_history (GtkWidget *window)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-prefs-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *size = NULL;
  g_autofree char *title = NULL;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (SeyeSample) sample = seye_sample_new ();
  GtkWidget *budget, *usage;
  GStatBuf db_st, wal_st;

  g_assert_no_error (error);
  budget = find_titled (window, ADW_TYPE_COMBO_ROW, "Disk space for history");
  g_assert_nonnull (budget);
  g_assert_nonnull (find_titled (window, ADW_TYPE_ACTION_ROW, "History is not kept"));

  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (budget)), ==, 2);   /* 5 GB */
  adw_combo_row_set_selected (ADW_COMBO_ROW (budget), 6);
  g_assert_cmpint (g_settings_get_int64 (settings, "history-budget"), ==, 0);
  g_settings_set_int64 (settings, "history-budget", 3000000000);   /* shown as the next larger */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (budget)), ==, 2);
  g_settings_reset (settings, "history-budget");

  store = seye_store_open (path, &error);
  g_assert_no_error (error);
  sample->time_ms = g_get_real_time () / 1000;
  sample->parts = SEYE_SAMPLE_CPU;
  seye_store_add (store, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "alpha", NULL, sample);
  g_assert_true (seye_store_commit (store, &error));
  g_assert_no_error (error);

  seye_preferences_window_set_store (SEYE_PREFERENCES_WINDOW (window), store);
  g_assert_cmpint (g_stat (path, &db_st), ==, 0);
  g_assert_cmpint (g_stat (wal, &wal_st), ==, 0);
  size = g_format_size (db_st.st_size + wal_st.st_size);
  title = g_strdup_printf ("History uses %s", size);
  usage = find_titled (window, ADW_TYPE_ACTION_ROW, title);
  g_assert_nonnull (usage);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (usage)), ==, "Of at most 5.0\u00a0GB");

  seye_preferences_window_set_store (SEYE_PREFERENCES_WINDOW (window), NULL);
  g_clear_object (&store);
  remove_store_files (path);
  g_rmdir (dir);
}

/* Preferences: an optional rule's switch writes "off" (past the range) and back its
 * threshold; "Keep Offline Nodes For" maps to keep-offline, "Until Removed" to 0. */
static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = seye_preferences_window_new (NULL);
  GtkWidget *swap, *keep, *alerts;

  gtk_window_present (GTK_WINDOW (window));
  alerts = find_titled (window, ADW_TYPE_PREFERENCES_PAGE, "Alerts");
  g_assert_nonnull (alerts);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (alerts));
  swap = find_titled (window, ADW_TYPE_EXPANDER_ROW, "Swap in Use");
  keep = find_titled (window, ADW_TYPE_COMBO_ROW, "Keep Offline Nodes For");
  g_assert_nonnull (swap);
  g_assert_nonnull (keep);

  /* Defaults as a user finds them. */
  g_assert_true (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (swap)));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (keep)), ==, 1);   /* 7 days */

  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (swap), FALSE);
  g_assert_cmpfloat (g_settings_get_double (settings, "swap-threshold"), ==, 101);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (swap), TRUE);
  g_assert_cmpfloat (g_settings_get_double (settings, "swap-threshold"), ==, 80);

  /* Set elsewhere (dconf-editor): the row follows. */
  g_settings_set_double (settings, "swap-threshold", 101);
  g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (swap)));
  g_settings_reset (settings, "swap-threshold");

  adw_combo_row_set_selected (ADW_COMBO_ROW (keep), 3);
  g_assert_cmpint (g_settings_get_int64 (settings, "keep-offline"), ==, 0);
  g_settings_set_int64 (settings, "keep-offline", 2 * 24 * 3600);   /* shown as the next longer */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (keep)), ==, 1);
  g_settings_reset (settings, "keep-offline");

  test_preferences_history (window);

  seye_test_spin (300);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  seye_test_mounts_init ();
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/seye/app/fleet/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("never-dropped", test_never_dropped);
  ADD ("machine-in-trouble", test_machine_in_trouble);
#undef ADD
  g_test_add_func ("/seye/app/fleet/preferences", test_preferences);

  return g_test_run ();
}
