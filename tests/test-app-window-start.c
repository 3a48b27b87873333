/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's window as it opens, under Xvfb: with no system bus it runs on manual nodes
 * and says discovery is off; with more nodes than it shows, it shows the top of the list.
 */
#include "config.h"

#include <adwaita.h>

#include "seye-test-util.h"
#include "seye-window-private.h"

typedef struct
{
  SeyeWindow *window;
  SeyeNode   *node;
} DiscoveryOff;

static gboolean
discovery_off_cb (gpointer data)
{
  DiscoveryOff *d = data;

  return _seye_window_get_discovery_notice_shown (d->window) &&
         seye_node_get_state (d->node) == SEYE_NODE_STATE_ONLINE;
}


static void
test_discovery_off (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  DiscoveryOff d = { 0 };

  /* No system bus, so no Avahi: the app runs with manual nodes and says why discovery is
   * off. The bus address is read once per process: tests/meson.build runs this test alone
   * with DBUS_SYSTEM_BUS_ADDRESS pointing nowhere. */
  if (g_getenv ("SEYE_TEST_NO_SYSTEM_BUS") == NULL)
    {
      g_test_skip ("run by test-app-discovery-off, without a system bus");
      return;
    }

  agent = seye_test_agent_start ("--name", "manual-only", "--no-mdns", "--interval", "0.5", NULL);
  monitor = seye_monitor_new ();
  seye_monitor_set_discovery (monitor, TRUE);
  host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);
  d.node = seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  d.window = seye_window_new (NULL, monitor);
  gtk_window_present (GTK_WINDOW (d.window));

  g_assert_true (seye_test_wait_until (discovery_off_cb, &d, 10000));
  g_assert_nonnull (seye_monitor_get_discovery_status (monitor));
  g_assert_nonnull (strstr (_seye_window_get_subtitle (d.window), "discovery off"));
  g_test_message ("notice: %s", seye_monitor_get_discovery_status (monitor));

  gtk_window_destroy (GTK_WINDOW (d.window));
  seye_monitor_stop (monitor);
}

#define N_TOP_AGENTS 40

typedef struct
{
  SeyeMonitor  *monitor;
  SeyeNodeList *list;
} StartsAtTop;

static gboolean
starts_at_top_ready_cb (gpointer data)
{
  StartsAtTop *t = data;
  GListModel *shown = seye_node_list_get_model (t->list);
  guint n = g_list_model_get_n_items (shown);

  if (n != N_TOP_AGENTS)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (shown, i);

      if (seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE || seye_node_get_sample (node) == NULL)
        return FALSE;
    }

  return TRUE;
}

static void
test_starts_at_top (void)
{
  SeyeTestAgent *agents[N_TOP_AGENTS];
  g_autoptr (SeyeMonitor) monitor = NULL;
  g_autoptr (SeyeNode) first = NULL;
  GtkAdjustment *vadjustment;
  SeyeWindow *window;
  StartsAtTop t = { 0 };

  /* More nodes than the window shows, added last-named first and named only once they
   * answer: each is sorted in above the row that was first at the top. The user has
   * not touched the list, so it must still show its top: the first node by name. */
  monitor = seye_monitor_new ();
  seye_monitor_set_interval (monitor, 0.5);
  for (guint i = 0; i < N_TOP_AGENTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("top-%02u", N_TOP_AGENTS - i);
      g_autofree char *node_id = g_strdup_printf ("70b%029x", N_TOP_AGENTS - i);
      g_autofree char *host_port = NULL;
      g_autoptr (GError) error = NULL;

      agents[i] = seye_test_agent_start ("--name", name, "--node-id", node_id, "--no-mdns",
                                         "--interval", "0.5", NULL);
      host_port = g_strdup_printf ("127.0.0.1:%u", agents[i]->port);
      seye_monitor_add_manual (monitor, host_port, &error);
      g_assert_no_error (error);
    }
  seye_monitor_start (monitor);

  window = seye_window_new (NULL, monitor);
  t.monitor = monitor;
  t.list = _seye_window_get_node_list (window);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (seye_test_wait_until (starts_at_top_ready_cb, &t, 20000));
  seye_test_spin (1500);

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (_seye_node_list_get_column_view (t.list)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment) - gtk_adjustment_get_lower (vadjustment), >,
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, gtk_adjustment_get_lower (vadjustment));
  first = g_list_model_get_item (seye_node_list_get_model (t.list), 0);
  g_assert_cmpstr (seye_node_get_name (first), ==, "top-01");
  g_assert_true (seye_node_list_get_selected_node (t.list) == first);

  gtk_window_destroy (GTK_WINDOW (window));
  seye_monitor_stop (monitor);
  for (guint i = 0; i < N_TOP_AGENTS; i++)
    seye_test_agent_free (agents[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/seye/app/window/discovery-off", test_discovery_off);
  g_test_add_func ("/seye/app/window/starts-at-top", test_starts_at_top);

  return g_test_run ();
}
