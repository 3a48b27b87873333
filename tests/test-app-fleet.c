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
#include <unistd.h>

#include "seye-node-column.h"
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
#undef ADD

  return g_test_run ();
}
