/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's window against real agents found through a real avahi-daemon, under Xvfb:
 * nodes appear, every column sorts both ways, the filter narrows the list, the detail
 * pane and its graphs follow the selected node, a killed agent goes offline and comes
 * back on a new port, an agent that sends garbage neither crashes nor freezes it, and a
 * look-alike claiming a node's id is shown beside it, both marked. How the window opens
 * is test-app-window-start.c; hostile names are test-app-window-hostile.c.
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <unistd.h>

#include "seye-graph.h"
#include "seye-node-cell.h"
#include "seye-node-column.h"
#include "seye-test-util.h"
#include "seye-window-private.h"

typedef struct
{
  char          *prefix;        /* unique per run, so other agents on the LAN do not count */
  SeyeMonitor   *monitor;
  SeyeWindow    *window;
  SeyeNodeList  *list;
  SeyeTestAgent *agents[3];
  const char    *suffixes[3];
} Fixture;

/* Ids of this run's agents only: another run on the same avahi-daemon announcing the
 * same id would be another machine claiming it (two rows, both marked). */
static char *node_ids[3];

static SeyeTestAgent *
start_agent (Fixture *f,
             guint    i)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", f->prefix, f->suffixes[i]);

  return seye_test_agent_start ("--name", name, "--node-id", node_ids[i], "--interval", "0.5", NULL);
}

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

static gboolean
agents_online_cb (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      SeyeNode *node = find_node (f, f->suffixes[i]);

      if (node == NULL || seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE)
        return FALSE;
    }

  return TRUE;
}

static gboolean
all_online_cb (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      SeyeNode *node = find_node (f, f->suffixes[i]);

      if (node == NULL || seye_node_get_state (node) != SEYE_NODE_STATE_ONLINE ||
          seye_node_get_sample (node) == NULL)
        return FALSE;
    }

  return g_list_model_get_n_items (seye_node_list_get_model (f->list)) == 3;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->prefix = g_strdup_printf ("seye-app-test-%d", (int) getpid ());
  f->suffixes[0] = "2";
  f->suffixes[1] = "9";
  f->suffixes[2] = "10";

  if (!seye_test_require_avahi ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    f->agents[i] = start_agent (f, i);

  f->monitor = seye_monitor_new ();
  seye_monitor_set_interval (f->monitor, 0.5);
  seye_monitor_set_discovery (f->monitor, TRUE);
  seye_monitor_start (f->monitor);

  f->window = seye_window_new (NULL, f->monitor);
  f->list = _seye_window_get_node_list (f->window);
  gtk_window_present (GTK_WINDOW (f->window));

  /* Only this run's agents. */
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
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    g_clear_pointer (&f->agents[i], seye_test_agent_free);
  g_clear_pointer (&f->prefix, g_free);
}

static void
test_nodes_appear (Fixture       *f,
                   gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();

  if (f->monitor == NULL)
    return;

  /* Zero-config: found over mDNS, nothing added by hand. */
  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  g_test_message ("3 agents online in the list after %.2f s",
                  (g_get_monotonic_time () - start) / 1e6);

  for (guint i = 0; i < 3; i++)
    g_assert_false (seye_node_get_manual (find_node (f, f->suffixes[i])));
}

static void
check_sorted (Fixture        *f,
              SeyeNodeColumn  column,
              GtkSortType     order)
{
  GListModel *model = seye_node_list_get_model (f->list);
  guint n = g_list_model_get_n_items (model);

  seye_node_list_sort_by (f->list, column, order);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr (SeyeNode) a = g_list_model_get_item (model, i - 1);
      g_autoptr (SeyeNode) b = g_list_model_get_item (model, i);
      int cmp = seye_node_column_compare (a, b, column);

      if (order == GTK_SORT_ASCENDING)
        g_assert_cmpint (cmp, <, 0);
      else
        g_assert_cmpint (cmp, >, 0);

      /* Numbers sort as numbers, not as the text in the cell. */
      if (seye_node_column_is_numeric (column))
        {
          double va = seye_node_column_get_value (a, column);
          double vb = seye_node_column_get_value (b, column);

          if (order == GTK_SORT_ASCENDING)
            g_assert_cmpfloat (va, <=, vb);
          else
            g_assert_cmpfloat (va, >=, vb);
        }
    }
}

static const char *
name_at (Fixture *f,
         guint    position)
{
  g_autoptr (SeyeNode) node = g_list_model_get_item (seye_node_list_get_model (f->list), position);

  return seye_node_get_name (node) + strlen (f->prefix) + 1;
}

static guint
port_at (Fixture *f,
         guint    position)
{
  g_autoptr (SeyeNode) node = g_list_model_get_item (seye_node_list_get_model (f->list), position);
  const char *address = seye_node_get_address (node);

  return (guint) g_ascii_strtoull (strrchr (address, ':') + 1, NULL, 10);
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));

  for (SeyeNodeColumn column = 0; column < SEYE_NODE_N_COLUMNS; column++)
    {
      if (column == SEYE_NODE_COLUMN_HISTORY)
        continue;

      check_sorted (f, column, GTK_SORT_ASCENDING);
      check_sorted (f, column, GTK_SORT_DESCENDING);
    }

  /* Names in natural order: 2, 9, 10 (not "10" < "2"). */
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_NAME, GTK_SORT_ASCENDING);
  g_assert_cmpstr (name_at (f, 0), ==, "2");
  g_assert_cmpstr (name_at (f, 1), ==, "9");
  g_assert_cmpstr (name_at (f, 2), ==, "10");
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_NAME, GTK_SORT_DESCENDING);
  g_assert_cmpstr (name_at (f, 0), ==, "10");
  g_assert_cmpstr (name_at (f, 2), ==, "2");

  /* Addresses on one host: ports in numeric order. */
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_ADDRESS, GTK_SORT_ASCENDING);
  g_assert_cmpuint (port_at (f, 0), <, port_at (f, 1));
  g_assert_cmpuint (port_at (f, 1), <, port_at (f, 2));

  /* The order holds while values update: a second of new samples, then re-sorted in place. */
  seye_node_list_sort_by (f->list, SEYE_NODE_COLUMN_CPU, GTK_SORT_DESCENDING);
  seye_test_spin (1200);
  seye_node_list_refresh (f->list);
  check_sorted (f, SEYE_NODE_COLUMN_CPU, GTK_SORT_DESCENDING);
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  GListModel *model;
  g_autofree char *one = NULL;
  g_autofree char *upper = NULL;

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  model = seye_node_list_get_model (f->list);

  /* "-1" matches only "-10". */
  one = g_strdup_printf ("%s-1", f->prefix);
  seye_node_list_set_search_text (f->list, one);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (name_at (f, 0), ==, "10");

  /* Case does not matter. */
  upper = g_ascii_strup (f->prefix, -1);
  seye_node_list_set_search_text (f->list, upper);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* By address: the port of one agent. */
  {
    g_autofree char *port = g_strdup_printf (":%u", f->agents[1]->port);

    seye_node_list_set_search_text (f->list, port);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    g_assert_cmpstr (name_at (f, 0), ==, "9");
  }

  seye_node_list_set_search_text (f->list, "no node has this name");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* Status filter on top of the search. */
  seye_node_list_set_search_text (f->list, f->prefix);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_OFFLINE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_ONLINE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_ALL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
}

static gboolean
model_contains (GListModel *model,
                SeyeNode   *node)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) item = g_list_model_get_item (model, i);

      if (item == node)
        return TRUE;
    }

  return FALSE;
}

/* The search matches what `seye fetch --filter` matches: the node id and the host name
 * as well as the name and the address. */
static void
test_filter_id (Fixture       *f,
                gconstpointer  data)
{
  GListModel *model;
  g_autofree char *upper_id = NULL;
  const SeyeNodeInfo *info;

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  model = seye_node_list_get_model (f->list);

  /* By node id, in any case: this run's ids are its own. */
  seye_node_list_set_search_text (f->list, node_ids[1]);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (name_at (f, 0), ==, "9");

  upper_id = g_ascii_strup (node_ids[2], -1);
  seye_node_list_set_search_text (f->list, upper_id);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (name_at (f, 0), ==, "10");

  /* By host name: the agents all run here, so all three match (and maybe others). */
  info = seye_node_get_info (find_node (f, "2"));
  g_assert_nonnull (info);
  g_assert_nonnull (info->hostname);
  seye_node_list_set_search_text (f->list, info->hostname);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    g_assert_true (model_contains (model, find_node (f, f->suffixes[i])));
}

typedef struct
{
  SeyeGraph *graph;
  guint64    samples;
} GraphWait;

static gboolean
graph_has_samples_cb (gpointer data)
{
  GraphWait *wait = data;

  return seye_graph_get_n_samples_received (wait->graph) >= wait->samples &&
         seye_graph_get_n_draws (wait->graph) > 0;
}

static void
test_detail (Fixture       *f,
             gconstpointer  data)
{
  SeyeDetailPane *pane;
  SeyeNode *node;
  g_autofree char *summary = NULL;
  const SeyeNodeInfo *info;

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  pane = _seye_window_get_detail_pane (f->window);

  node = find_node (f, "9");
  seye_window_show_node (f->window, node);
  g_assert_true (seye_node_list_get_selected_node (f->list) == node);
  g_assert_true (seye_detail_pane_get_node (pane) == node);

  /* The header shows what the node said about itself. */
  info = seye_node_get_info (node);
  g_assert_nonnull (info);
  summary = seye_detail_pane_dup_summary (pane);
  g_test_message ("detail header:\n%s", summary);
  g_assert_nonnull (strstr (summary, info->hostname));
  g_assert_nonnull (strstr (summary, info->kernel));
  g_assert_nonnull (strstr (summary, info->agent_version));
  g_assert_nonnull (strstr (summary, seye_node_get_address (node)));

  /* Every graph follows the node, receives its samples and draws them. */
  for (SeyeGraphKind kind = SEYE_GRAPH_CPU; kind <= SEYE_GRAPH_NETWORK; kind++)
    {
      GraphWait wait = { seye_detail_pane_get_graph (pane, kind), 0 };

      g_assert_true (seye_graph_get_node (wait.graph) == node);
      wait.samples = seye_graph_get_n_samples_received (wait.graph) + 2;
      g_assert_true (seye_test_wait_until (graph_has_samples_cb, &wait, 5000));
      g_assert_cmpuint (seye_graph_get_n_points (wait.graph), >=, 2);
    }

  /* One small graph per core, laid out for the node's cores. */
  g_assert_cmpuint (seye_node_get_sample (node)->cores->len, ==, info->n_cores);

  /* The time window reaches the graphs. */
  seye_detail_pane_set_window (pane, 300);
  g_assert_cmpuint (seye_graph_get_window (seye_detail_pane_get_graph (pane, SEYE_GRAPH_CORES)), ==, 300);
}

typedef struct
{
  Fixture       *f;
  const char    *suffix;
  SeyeNodeState  state;
  guint16        port;
} StateWait;

static gboolean
node_state_cb (gpointer data)
{
  StateWait *wait = data;
  SeyeNode *node = find_node (wait->f, wait->suffix);
  g_autofree char *port = NULL;

  if (node == NULL || seye_node_get_state (node) != wait->state)
    return FALSE;
  if (wait->port == 0)
    return TRUE;

  port = g_strdup_printf (":%u", wait->port);

  return g_str_has_suffix (seye_node_get_address (node), port);
}

static void
test_offline_and_back (Fixture       *f,
                       gconstpointer  data)
{
  StateWait wait = { f, "9", SEYE_NODE_STATE_OFFLINE, 0 };
  guint16 old_port;
  gint64 start;

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  old_port = f->agents[1]->port;

  start = g_get_monotonic_time ();
  seye_test_agent_kill (f->agents[1]);
  g_assert_true (seye_test_wait_until (node_state_cb, &wait, 8000));
  g_test_message ("offline %.2f s after SIGKILL", (g_get_monotonic_time () - start) / 1e6);

  /* The row says so: the status filter shows it as offline. */
  seye_node_list_refresh (f->list);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_OFFLINE);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 1);
  g_assert_cmpstr (name_at (f, 0), ==, "9");
  g_assert_cmpint (seye_node_get_last_seen (find_node (f, "9")), >, 0);
  seye_node_list_set_status_filter (f->list, SEYE_STATUS_FILTER_ALL);

  /* Same name and node id, new port: the same row comes back online. */
  g_clear_pointer (&f->agents[1], seye_test_agent_free);
  f->agents[1] = start_agent (f, 1);
  g_assert_cmpuint (f->agents[1]->port, !=, old_port);

  start = g_get_monotonic_time ();
  wait.state = SEYE_NODE_STATE_ONLINE;
  wait.port = f->agents[1]->port;
  g_assert_true (seye_test_wait_until (node_state_cb, &wait, 15000));
  g_test_message ("online again on port %u %.2f s after restart", wait.port,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 3);
}

/* A server that answers every request with something that is not what the agent sends. */
static void
garbage_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  const char *kind = data;

  if (g_str_equal (kind, "syntax"))
    {
      static const char body[] = "{\"schema\": 1, \"name\": \"<b>broken</b>\", [[[ \xff\xfe";

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, sizeof body - 1);
    }
  else if (g_str_equal (kind, "absurd"))
    {
      static const char body[] =
        "{\"schema\":1,\"api\":1,\"node_id\":\"zz\",\"name\":\"<i>x</i>\",\"cores\":-4,"
        "\"cpu\":{\"busy\":1e308,\"user\":\"NaN\"},\"memory\":{\"total\":-1},\"load\":[1e999]}";

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, sizeof body - 1);
    }
  else
    {
      /* Huge: 8 MB of an endless array. */
      GString *body = g_string_new ("[");

      while (body->len < 8 * 1024 * 1024)
        g_string_append (body, "[1,2,3,4,5,6,7,8,9],");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        body->str, body->len);
      g_string_free (body, FALSE);
    }

  soup_server_message_set_status (msg, 200, NULL);
}

static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  static const char * const kinds[] = { "syntax", "absurd", "huge" };
  SoupServer *servers[G_N_ELEMENTS (kinds)];
  SeyeNode *nodes[G_N_ELEMENTS (kinds)];
  SeyeTestHeartbeat beat = { 0 };

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  seye_node_list_set_search_text (f->list, "");

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSList) uris = NULL;
      g_autofree char *host_port = NULL;

      servers[i] = soup_server_new (NULL, NULL);
      soup_server_add_handler (servers[i], NULL, garbage_cb, (gpointer) kinds[i], NULL);
      soup_server_listen_local (servers[i], 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
      g_assert_no_error (error);
      uris = soup_server_get_uris (servers[i]);
      host_port = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
      g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

      nodes[i] = seye_monitor_add_manual (f->monitor, host_port, &error);
      g_assert_no_error (error);
      g_assert_nonnull (nodes[i]);
    }

  /* Select one of them so the detail pane and its graphs deal with it too. */
  seye_window_show_node (f->window, nodes[1]);

  /* For four seconds the main loop keeps ticking: no freeze. */
  seye_test_heartbeat_start (&beat);
  seye_test_spin (4000);
  seye_test_heartbeat_stop (&beat);

  g_test_message ("main loop ticked %u times, worst lag %.0f ms", beat.ticks, beat.worst_lag / 1000.0);
  g_assert_cmpuint (beat.ticks, >=, 40);
  g_assert_cmpint (beat.worst_lag, <, 1000 * 1000);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_test_message ("%s: %s, %s", kinds[i], seye_node_state_to_string (seye_node_get_state (nodes[i])),
                      seye_node_get_error (nodes[i]) ? seye_node_get_error (nodes[i]) : "no error");
      g_assert_cmpint (seye_node_get_state (nodes[i]), !=, SEYE_NODE_STATE_ONLINE);
      g_assert_null (seye_node_get_sample (nodes[i]));
    }

  /* The real agents did not suffer. */
  g_assert_true (agents_online_cb (f) || seye_test_wait_until (agents_online_cb, f, 3000));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      seye_monitor_remove (f->monitor, nodes[i]);
      g_object_unref (servers[i]);
    }
}

static SeyeNode *
find_at_port (Fixture *f,
              guint16  port)
{
  g_autofree char *suffix = g_strdup_printf (":%u", port);
  GListModel *model = seye_node_list_get_model (f->list);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      if (g_str_has_suffix (seye_node_get_address (node), suffix))
        return node;
    }

  return NULL;
}

typedef struct
{
  Fixture *f;
  guint16  real_port;
  guint16  fake_port;
} LookAlikeWait;

static gboolean
both_claims_shown_cb (gpointer data)
{
  LookAlikeWait *wait = data;
  SeyeNode *real = find_at_port (wait->f, wait->real_port);
  SeyeNode *fake = find_at_port (wait->f, wait->fake_port);

  return real != NULL && fake != NULL && seye_node_get_sample (real) != NULL &&
         seye_node_get_sample (fake) != NULL && seye_node_get_conflict (real) != NULL &&
         seye_node_get_conflict (fake) != NULL;
}

/* A look-alike announces node "9"'s id over mDNS (plain, then HTTPS with
 * a certificate of its own): the real node stays in the list with its own
 * numbers, the look-alike is a row of its own, and both say that two machines
 * claim the node, the detail pane with both addresses. */
static void
check_look_alike (Fixture  *f,
                  gboolean  tls)
{
  /* Another service name (mDNS would rename a second "-9"), the same id. */
  g_autofree char *name = g_strdup_printf ("%s-9%s", f->prefix, tls ? "t" : "p");
  g_autoptr (SeyeTestAgent) fake = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *real_address = NULL;
  g_autofree char *fake_address = NULL;
  SeyeDetailPane *pane;
  LookAlikeWait wait = { f, f->agents[1]->port, 0 };
  SeyeNode *real;
  SeyeNode *look_alike;

  if (f->monitor == NULL)
    return;

  g_assert_true (seye_test_wait_until (all_online_cb, f, 10000));
  fake = seye_test_fake_agent_start ("--node-id", node_ids[1], "--name", name, "--announce",
                                     tls ? "--tls" : NULL, NULL);
  g_assert_true (seye_test_agent_wait_log (fake, "mDNS: announced", 10000));
  wait.fake_port = fake->port;

  g_assert_true (seye_test_wait_until (both_claims_shown_cb, &wait, 15000));
  g_assert_cmpuint (g_list_model_get_n_items (seye_node_list_get_model (f->list)), ==, 4);
  real = find_at_port (f, f->agents[1]->port);
  look_alike = find_at_port (f, fake->port);
  real_address = g_strdup_printf ("127.0.0.1:%u", f->agents[1]->port);
  fake_address = g_strdup_printf ("127.0.0.1:%u", fake->port);

  g_assert_cmpint (seye_node_get_state (real), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpfloat (seye_node_get_sample (real)->load[0], !=, 66.6);
  g_assert_cmpfloat (seye_node_get_sample (look_alike)->cpu.busy, ==, 99.99);

  pane = _seye_window_get_detail_pane (f->window);
  seye_window_show_node (f->window, real);
  summary = seye_detail_pane_dup_summary (pane);
  g_test_message ("detail header:\n%s", summary);
  g_assert_nonnull (strstr (summary, "two machines claim this node"));
  g_assert_nonnull (strstr (summary, real_address));
  g_assert_nonnull (strstr (summary, fake_address));
  g_assert_null (strstr (summary, "look-alike"));

  /* The look-alike goes: one row again, without the warning. */
  seye_test_agent_stop (fake);
  seye_monitor_remove (f->monitor, look_alike);
  g_assert_null (seye_node_get_conflict (real));
}

static void
test_look_alike_plain (Fixture       *f,
                       gconstpointer  data)
{
  check_look_alike (f, FALSE);
}

static void
test_look_alike_tls (Fixture       *f,
                     gconstpointer  data)
{
  check_look_alike (f, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (node_ids); i++)
    node_ids[i] = seye_test_node_id (i);

#define ADD(path, func) \
  g_test_add ("/seye/app/window/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("nodes-appear", test_nodes_appear);
  ADD ("sort", test_sort);
  ADD ("filter", test_filter);
  ADD ("filter-id", test_filter_id);
  ADD ("detail", test_detail);
  ADD ("offline-and-back", test_offline_and_back);
  ADD ("garbage", test_garbage);
  ADD ("look-alike-plain", test_look_alike_plain);
  ADD ("look-alike-tls", test_look_alike_tls);
#undef ADD

  return g_test_run ();
}
