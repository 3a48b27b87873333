/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A node's state as its source sets it (seye-node-private.h) and in words
 * (seye-node-state.c): "Online" only with a sample to show, and a node polled
 * in turns says how seldom.
 */
#include "config.h"

#include <locale.h>

#include "seye-node-column.h"
#include "seye-node-private.h"

#define NOW_MS 1700000000000

/* A node that said who it is (/v1/node), and nothing more yet. */
static SeyeNode *
node_with_info (void)
{
  SeyeNode *node = _seye_node_new ("0123456789abcdef", "web-1", TRUE, 1.0);
  g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();

  info->node_id = g_strdup ("0123456789abcdef");
  info->name = g_strdup ("web-1");
  info->n_cores = 4;
  info->interval = 1;
  _seye_node_set_info (node, info);
  _seye_node_set_address (node, "127.0.0.1:7373");

  return node;
}

static void
add_sample (SeyeNode *node,
            gint64    time_ms)
{
  g_autoptr (SeyeSample) sample = seye_sample_new ();

  sample->time_ms = time_ms;
  sample->parts = SEYE_SAMPLE_CPU;
  sample->cpu.busy = 12.5;
  g_assert_true (_seye_node_add_sample (node, sample));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
assert_status (SeyeNode   *node,
               const char *expected)
{
  g_autofree char *status = seye_node_column_format_status (node, NOW_MS);

  g_assert_cmpstr (status, ==, expected);
}

/* Info but no sample: whatever the source says, it is not online yet. */
static void
test_no_sample_not_online (void)
{
  g_autoptr (SeyeNode) node = node_with_info ();

  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_CONNECTING);
  g_assert_false (seye_node_has_current_values (node));
  assert_status (node, "Connecting");

  /* Missing a poll is no reason to be called online either. */
  _seye_node_set_state (node, SEYE_NODE_STATE_STALE);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_CONNECTING);

  add_sample (node, NOW_MS - 1000);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_true (seye_node_has_current_values (node));
  assert_status (node, "Online");
}

/* Another machine answered at its address: its samples go, and so does "Online". */
static void
test_cleared_samples_not_online (void)
{
  g_autoptr (SeyeNode) node = node_with_info ();
  guint notified = 0;

  add_sample (node, NOW_MS - 2000);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  g_signal_connect_swapped (node, "notify::state", G_CALLBACK (count_cb), &notified);

  _seye_node_clear_samples (node);
  g_assert_null (seye_node_get_sample (node));
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_CONNECTING);
  g_assert_cmpuint (notified, ==, 1);

  add_sample (node, NOW_MS - 1000);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
}

/* Polled in turns (more nodes than connections): its row says how often. */
static void
test_polled_every (void)
{
  g_autoptr (SeyeNode) node = node_with_info ();
  guint notified = 0;

  add_sample (node, NOW_MS - 1000);
  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  g_signal_connect_swapped (node, "notify::polled-every", G_CALLBACK (count_cb), &notified);

  _seye_node_set_polled_every (node, 3);
  _seye_node_set_polled_every (node, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpfloat (seye_node_get_polled_every (node), ==, 3);
  assert_status (node, "Online · every 3 s");

  /* Its other states say what they always say. */
  _seye_node_set_state (node, SEYE_NODE_STATE_OFFLINE);
  assert_status (node, "Offline");

  _seye_node_set_state (node, SEYE_NODE_STATE_ONLINE);
  _seye_node_set_polled_every (node, 0);
  assert_status (node, "Online");
  g_assert_cmpuint (notified, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/node-state/no-sample-not-online", test_no_sample_not_online);
  g_test_add_func ("/seye/node-state/cleared-samples-not-online", test_cleared_samples_not_online);
  g_test_add_func ("/seye/node-state/polled-every", test_polled_every);

  return g_test_run ();
}
