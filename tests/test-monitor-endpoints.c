/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeMonitor and two machines under one node id; agents that answer but drip. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "test-monitor.h"

/* Two machines, one id --------------------------------------------------------- */

static SeyeNode *
find_at_port (SeyeMonitor *monitor,
              guint16      port)
{
  g_autofree char *suffix = g_strdup_printf (":%u", port);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (monitor)); i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (G_LIST_MODEL (monitor), i);

      if (g_str_has_suffix (seye_node_get_address (node), suffix))
        return node;
    }

  return NULL;
}

typedef struct
{
  SeyeMonitor *monitor;
  guint16      real_port;
  guint16      fake_port;
} TwoClaims;

static gboolean
two_claims_shown_cb (gpointer data)
{
  TwoClaims *claims = data;
  SeyeNode *real = find_at_port (claims->monitor, claims->real_port);
  SeyeNode *fake = find_at_port (claims->monitor, claims->fake_port);

  return real != NULL && fake != NULL && real != fake &&
         seye_node_get_sample (real) != NULL && seye_node_get_sample (fake) != NULL &&
         seye_node_get_conflict (real) != NULL && seye_node_get_conflict (fake) != NULL;
}

/* A real agent, and a look-alike (plain, or HTTPS with its own certificate)
 * announcing its id; nobody paired: nothing tells which is real. Both are shown,
 * each with its own numbers at its own address, and both say "two machines claim
 * this node" with both addresses; neither hides the other. */
static void
check_two_claims (gboolean fake_tls,
                  gboolean fake_first)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-claimed", "--node-id", ID_A,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeTestAgent) fake = seye_test_fake_agent_start ("--node-id", ID_A, "--name", "mon-claimed",
                                                               fake_tls ? "--tls" : NULL, NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (SeyeServiceInfo) real_info = fake_service ("1/0/mon-claimed", "mon-claimed", ID_A, agent);
  /* Its service name sorts first: it would win a tie. */
  g_autoptr (SeyeServiceInfo) fake_info = fake_service ("1/0/a-mon-claimed", "mon-claimed", ID_A, fake);
  g_autofree char *real_address = g_strdup_printf ("127.0.0.1:%u", agent->port);
  g_autofree char *fake_address = g_strdup_printf ("127.0.0.1:%u", fake->port);
  TwoClaims claims = { monitor, agent->port, fake->port };
  SeyeNode *real;
  SeyeNode *look_alike;

  if (fake_tls)
    fake_info->txt.tls_fingerprint = g_strdup ("abababababababababababababababababababababababababababababababab");

  seye_monitor_start (monitor);
  seye_monitor_add_service (monitor, fake_first ? fake_info : real_info);
  if (!fake_first)
    g_assert_true (seye_test_wait_until (seye_test_node_has_sample, seye_monitor_lookup (monitor, ID_A), 5000));
  seye_monitor_add_service (monitor, fake_first ? real_info : fake_info);

  g_assert_true (seye_test_wait_until (two_claims_shown_cb, &claims, 15000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 2);
  real = find_at_port (monitor, agent->port);
  look_alike = find_at_port (monitor, fake->port);
  g_test_message ("real: %s", seye_node_get_conflict (real));

  /* Each shows its own numbers (the real CPU may be 100 % busy too on a loaded machine:
   * the look-alike's load of exactly 66.6 and its memory tell them apart). */
  g_assert_cmpfloat (seye_node_get_sample (look_alike)->cpu.busy, ==, 99.99);
  g_assert_cmpfloat (seye_node_get_sample (look_alike)->load[0], ==, 66.6);
  g_assert_cmpfloat (seye_node_get_sample (real)->load[0], !=, 66.6);
  g_assert_true (seye_node_get_sample (real)->parts & SEYE_SAMPLE_MEMORY);
  g_assert_false (seye_node_get_sample (look_alike)->parts & SEYE_SAMPLE_MEMORY);
  g_assert_cmpstr (seye_node_get_info (look_alike)->hostname, ==, "look-alike");
  g_assert_cmpstr (seye_node_get_info (real)->hostname, !=, "look-alike");

  /* Both say so, with both addresses. */
  for (guint i = 0; i < 2; i++)
    {
      const char *conflict = seye_node_get_conflict (i == 0 ? real : look_alike);

      g_assert_nonnull (strstr (conflict, "two machines claim this node"));
      g_assert_nonnull (strstr (conflict, real_address));
      g_assert_nonnull (strstr (conflict, fake_address));
    }

  /* And so it stays. */
  seye_test_spin (1500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 2);
  g_assert_true (find_at_port (monitor, agent->port) == real);
  g_assert_cmpint (seye_node_get_state (real), ==, SEYE_NODE_STATE_ONLINE);

  /* The look-alike goes: the conflict with it. */
  seye_monitor_remove (monitor, look_alike);
  g_assert_null (seye_node_get_conflict (real));

  seye_monitor_stop (monitor);
}

void
test_two_claims_plain_first (void)
{
  check_two_claims (FALSE, TRUE);
}

void
test_two_claims_tls_first (void)
{
  check_two_claims (TRUE, TRUE);
}

void
test_two_claims_plain_after (void)
{
  check_two_claims (FALSE, FALSE);
}

/* HTTPS ranks before plain HTTP for the same agent, not for a stranger. */
void
test_two_claims_tls_after (void)
{
  check_two_claims (TRUE, FALSE);
}

/* Dripping ---------------------------------------------------------------- */

typedef struct
{
  GArray *states;   /* SeyeNodeState, every one the node took */
} StateLog;

static void
log_state_cb (SeyeNode   *node,
              GParamSpec *pspec,
              StateLog   *log)
{
  SeyeNodeState state = seye_node_get_state (node);

  g_test_message ("state: %s (%s)", seye_node_state_to_string (state),
                  seye_node_get_error (node) ? seye_node_get_error (node) : "no error");
  g_array_append_val (log->states, state);
}

/* An agent that says who it is, then drips bytes on /v1/metrics and /v1/stream and never sends a sample: "connecting", then "not responding",
 * never "online". */
static void
check_dripping (gboolean stream)
{
  g_autoptr (SeyeTestAgent) fake = seye_test_fake_agent_start ("--node-id", ID_A, "--name", "mon-drip",
                                                               "--drip", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_agent (monitor, fake);
  StateLog log = { g_array_new (FALSE, FALSE, sizeof (SeyeNodeState)) };
  gint64 start;
  double waited;

  seye_monitor_set_stream (monitor, stream);
  g_signal_connect (node, "notify::state", G_CALLBACK (log_state_cb), &log);
  start = g_get_monotonic_time ();
  seye_monitor_start (monitor);

  /* It answered who it is. */
  g_assert_true (seye_test_agent_wait_log (fake, "request /v1/node", 5000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_info, node, 5000));
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_CONNECTING);

  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_NOT_RESPONDING, 15000));
  waited = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("not responding after %.1f s: %s", waited, seye_node_get_error (node));
  g_assert_nonnull (strstr (seye_node_get_error (node), "no sample"));

  /* And so it stays while it drips (a request to it ends after 10 s). */
  seye_test_spin (6000);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_NOT_RESPONDING);
  g_assert_null (seye_node_get_sample (node));
  for (guint i = 0; i < log.states->len; i++)
    g_assert_cmpint (g_array_index (log.states, SeyeNodeState, i), !=, SEYE_NODE_STATE_ONLINE);
  g_assert_nonnull (strstr (fake->log->str, stream ? "request /v1/stream" : "request /v1/metrics"));

  g_signal_handlers_disconnect_by_data (node, &log);
  g_array_unref (log.states);
  seye_monitor_stop (monitor);
}

void
test_dripping_stream (void)
{
  check_dripping (TRUE);
}

void
test_dripping_metrics (void)
{
  check_dripping (FALSE);
}
