/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include "seye-test-wait.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

gboolean
seye_test_wait_until (gboolean (*condition) (gpointer data),
                      gpointer   data,
                      guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (source);

  return condition (data);
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
seye_test_poll_until (gboolean (*condition) (gpointer data),
                      gpointer   data,
                      guint      timeout_ms)
{
  guint wake = g_timeout_add (200, wake_cb, NULL);
  gboolean met = seye_test_wait_until (condition, data, timeout_ms);

  g_source_remove (wake);

  return met;
}

/* Nodes -------------------------------------------------------------------- */

SeyeNode *
seye_test_find_node (GListModel *nodes,
                     const char *name)
{
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (nodes, i);

      if (g_strcmp0 (seye_node_get_name (node), name) == 0)
        return node;
    }

  return NULL;
}

guint
seye_test_count_nodes (GListModel *nodes,
                       const char *name)
{
  guint n = g_list_model_get_n_items (nodes);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (nodes, i);

      count += g_strcmp0 (seye_node_get_name (node), name) == 0;
    }

  return count;
}

typedef struct
{
  GListModel *nodes;
  const char *name;
} NodeWait;

static gboolean
node_found_cb (gpointer data)
{
  NodeWait *wait = data;

  return seye_test_find_node (wait->nodes, wait->name) != NULL;
}

SeyeNode *
seye_test_wait_for_node (GListModel *nodes,
                         const char *name,
                         guint       timeout_ms)
{
  NodeWait wait = { nodes, name };

  if (!seye_test_wait_until (node_found_cb, &wait, timeout_ms))
    g_error ("“%s” was not found within %u s", name, timeout_ms / 1000);

  return seye_test_find_node (nodes, name);
}

typedef struct
{
  SeyeNode      *node;
  SeyeNodeState  state;
  guint16        port;
} StateWait;

static gboolean
node_state_cb (gpointer data)
{
  StateWait *wait = data;
  g_autofree char *port = NULL;

  if (seye_node_get_state (wait->node) != wait->state)
    return FALSE;
  if (wait->port == 0)
    return TRUE;

  port = g_strdup_printf (":%u", wait->port);

  return g_str_has_suffix (seye_node_get_address (wait->node), port);
}

double
seye_test_wait_node_state (SeyeNode      *node,
                           SeyeNodeState  state,
                           guint16        port,
                           guint          timeout_ms)
{
  StateWait wait = { node, state, port };
  gint64 start = g_get_monotonic_time ();

  if (!seye_test_wait_until (node_state_cb, &wait, timeout_ms))
    g_error ("“%s” is %s at %s (%s), not %s within %u s", seye_node_get_name (node),
             seye_node_state_to_string (seye_node_get_state (node)), seye_node_get_address (node),
             seye_node_get_error (node) ? seye_node_get_error (node) : "no error",
             seye_node_state_to_string (state), timeout_ms / 1000);

  return (g_get_monotonic_time () - start) / 1e6;
}

static void
watch_sample_cb (SeyeNode      *node,
                 gpointer       sample,
                 SeyeTestWatch *watch)
{
  watch->samples++;
}

static void
watch_state_cb (SeyeNode      *node,
                GParamSpec    *pspec,
                SeyeTestWatch *watch)
{
  if (seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE)
    return;

  watch->left_online++;
  g_test_message ("%s: %s at %s (%s)", seye_node_get_name (node),
                  seye_node_state_to_string (seye_node_get_state (node)),
                  seye_node_get_address (node),
                  seye_node_get_error (node) ? seye_node_get_error (node) : "no error");
}

void
seye_test_watch_start (SeyeTestWatch *watch,
                       SeyeNode      *node)
{
  g_assert_nonnull (node);

  watch->node = g_object_ref (node);
  watch->samples = 0;
  watch->left_online = 0;
  watch->sample_id = g_signal_connect (node, "sample-added", G_CALLBACK (watch_sample_cb), watch);
  watch->state_id = g_signal_connect (node, "notify::state", G_CALLBACK (watch_state_cb), watch);
}

void
seye_test_watch_stop (SeyeTestWatch *watch)
{
  if (watch->node == NULL)
    return;

  g_clear_signal_handler (&watch->sample_id, watch->node);
  g_clear_signal_handler (&watch->state_id, watch->node);
  g_clear_object (&watch->node);
}

static gboolean
heartbeat_cb (gpointer data)
{
  SeyeTestHeartbeat *beat = data;
  gint64 now = g_get_monotonic_time ();

  beat->worst_lag = MAX (beat->worst_lag, now - beat->expected);
  beat->expected = now + 50 * 1000;
  beat->ticks++;

  return G_SOURCE_CONTINUE;
}

void
seye_test_heartbeat_start (SeyeTestHeartbeat *beat)
{
  beat->worst_lag = 0;
  beat->ticks = 0;
  beat->expected = g_get_monotonic_time () + 50 * 1000;
  beat->source = g_timeout_add (50, heartbeat_cb, beat);
}

void
seye_test_heartbeat_stop (SeyeTestHeartbeat *beat)
{
  g_clear_handle_id (&beat->source, g_source_remove);
}

gboolean
seye_test_wait_state (SeyeNode      *node,
                      SeyeNodeState  state,
                      guint          timeout_ms)
{
  StateWait wait = { node, state, 0 };

  return seye_test_wait_until (node_state_cb, &wait, timeout_ms);
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

void
seye_test_spin (guint ms)
{
  seye_test_wait_until (never_cb, NULL, ms);
}

gboolean
seye_test_node_has_sample (gpointer data)
{
  return seye_node_get_sample (data) != NULL;
}

gboolean
seye_test_node_has_info (gpointer data)
{
  return seye_node_get_info (data) != NULL;
}

