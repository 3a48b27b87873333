/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A look-alike of a paired node: the same node id, name and TXT record, another
 * certificate, announced before, after or instead of the real one: it gets nothing. */
#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "test-credentials.h"

/* A look-alike: the same node id, name and even the same "tls=" in its TXT
 * record, another certificate. Its handshake is refused before any header. */
void
test_look_alike (void)
{
  g_autoptr (TestCert) cert = test_cert_new ("real", NULL);
  g_autoptr (TestCert) fake_cert = test_cert_new ("look-alike", NULL);
  g_autoptr (FakeAgent) real = fake_agent_new (cert, TOKEN, 0);
  g_autoptr (FakeAgent) fake = fake_agent_new (fake_cert, NULL, 0);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (SeyeServiceInfo) real_info = announce ("1/0/secure-node", "secure-node", NODE_ID, real->port,
                                                    cert->fingerprint, TRUE);
  g_autoptr (SeyeServiceInfo) fake_info = announce ("2/0/secure-node", "secure-node", NODE_ID, fake->port,
                                                    cert->fingerprint, TRUE);
  g_autofree char *fake_address = g_strdup_printf ("127.0.0.1:%u", fake->port);
  SeyeNode *node;

  add_pairing (monitor, NODE_ID, cert->fingerprint, TOKEN);
  seye_monitor_start (monitor);
  seye_monitor_add_service (monitor, real_info);
  node = seye_monitor_lookup (monitor, NODE_ID);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));

  /* The real one leaves mDNS, the look-alike announces itself in its place. */
  seye_monitor_remove_service (monitor, real_info->key);
  seye_monitor_add_service (monitor, fake_info);
  g_assert_cmpstr (seye_node_get_address (node), ==, fake_address);

  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_UNTRUSTED, 5000));
  g_test_message ("look-alike: %s", seye_node_get_error (node));
  g_assert_nonnull (strstr (seye_node_get_error (node), "certificate changed"));
  g_assert_cmpstr (seye_node_get_tls_fingerprint (node), ==, fake_cert->fingerprint);
  g_assert_true (seye_node_get_paired (node));

  /* Nothing reached its handler at all: the handshake failed first. */
  seye_test_spin (1000);
  g_assert_cmpuint (fake->authorization->len, ==, 0);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_UNTRUSTED);

  seye_monitor_stop (monitor);
}

static void
log_state_cb (SeyeNode   *node,
              GParamSpec *pspec,
              GArray     *states)
{
  SeyeNodeState state = seye_node_get_state (node);

  g_test_message ("state: %s at %s (%s)", seye_node_state_to_string (state), seye_node_get_address (node),
                  seye_node_get_error (node) ? seye_node_get_error (node) : "no error");
  g_array_append_val (states, state);
}

typedef enum
{
  FAKE_FIRST,        /* both announced at once, the look-alike first */
  FAKE_AFTER,        /* the look-alike comes while the real node is polled */
  FAKE_ALONE_FIRST,  /* the look-alike alone for a while, then the real node */
} FakeOrder;

/* A look-alike announces the paired node's id (and its "tls=" value) before or
 * after the real node, plain or over TLS with a certificate of its own: the
 * endpoint is the one that presents the pin. The look-alike is tried, never
 * used, and "certificate changed" is shown only while no endpoint presents it. */
static void
check_look_alike_beside (gboolean  fake_tls,
                         gboolean  claim_tls,
                         FakeOrder order)
{
  g_autoptr (TestCert) cert = test_cert_new ("beside-real", NULL);
  g_autoptr (TestCert) fake_cert = test_cert_new ("beside-fake", NULL);
  g_autoptr (FakeAgent) real = fake_agent_new (cert, TOKEN, 0);
  g_autoptr (FakeAgent) fake = fake_agent_new (fake_tls ? fake_cert : NULL, NULL, 0);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  /* Its service name sorts first: it would win a tie. */
  g_autoptr (SeyeServiceInfo) fake_info = announce ("1/0/a-look-alike", "secure-node", NODE_ID, fake->port,
                                                    claim_tls ? cert->fingerprint : NULL, TRUE);
  g_autoptr (SeyeServiceInfo) real_info = announce ("1/0/secure-node", "secure-node", NODE_ID, real->port,
                                                    cert->fingerprint, TRUE);
  g_autofree char *real_address = g_strdup_printf ("127.0.0.1:%u", real->port);
  g_autoptr (GArray) states = g_array_new (FALSE, FALSE, sizeof (SeyeNodeState));
  SeyeNode *node;

  fake->cpu = 99.99;
  add_pairing (monitor, NODE_ID, cert->fingerprint, TOKEN);
  seye_monitor_start (monitor);
  seye_monitor_add_service (monitor, order == FAKE_AFTER ? real_info : fake_info);
  node = seye_monitor_lookup (monitor, NODE_ID);
  g_signal_connect (node, "notify::state", G_CALLBACK (log_state_cb), states);
  if (order == FAKE_ALONE_FIRST)
    {
      /* No endpoint presents the pin: now that is what it says. */
      g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_UNTRUSTED, 5000));
      g_array_set_size (states, 0);
    }
  else if (order == FAKE_AFTER)
    {
      g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));
    }
  seye_monitor_add_service (monitor, order == FAKE_AFTER ? fake_info : real_info);

  /* Plain HTTP behind "tls=" answers no handshake: it is left when the request times out. */
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 15000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 5000));
  g_assert_cmpstr (seye_node_get_address (node), ==, real_address);
  g_assert_cmpfloat (seye_node_get_sample (node)->cpu.busy, ==, 12);
  g_assert_cmpstr (seye_node_get_tls_fingerprint (node), ==, cert->fingerprint);

  /* It stays there while both are announced. */
  seye_test_spin (1500);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpstr (seye_node_get_address (node), ==, real_address);
  g_assert_cmpfloat (seye_node_get_sample (node)->cpu.busy, ==, 12);
  for (guint i = 0; i < states->len; i++)
    g_assert_cmpint (g_array_index (states, SeyeNodeState, i), !=, SEYE_NODE_STATE_UNTRUSTED);

  /* The look-alike never got a request through (TLS: the handshake failed first),
   * let alone a token; the real one got its token every time. */
  g_assert_cmpuint (fake->authorization->len, ==, 0);
  g_assert_cmpuint (real->authorization->len, >=, 2);
  g_assert_cmpuint (fake_agent_count_tokens (real), ==, real->authorization->len);

  g_signal_handlers_disconnect_by_data (node, states);
  seye_monitor_stop (monitor);
}

void
test_look_alike_tls_first (void)
{
  check_look_alike_beside (TRUE, TRUE, FAKE_FIRST);
}

void
test_look_alike_tls_after (void)
{
  check_look_alike_beside (TRUE, TRUE, FAKE_AFTER);
}

void
test_look_alike_tls_alone_first (void)
{
  check_look_alike_beside (TRUE, TRUE, FAKE_ALONE_FIRST);
}

/* Plain HTTP behind the real node's "tls=": no handshake at all. */
void
test_look_alike_plain_first (void)
{
  check_look_alike_beside (FALSE, TRUE, FAKE_FIRST);
}

void
test_look_alike_plain_untagged_first (void)
{
  check_look_alike_beside (FALSE, FALSE, FAKE_FIRST);
}

void
test_look_alike_plain_alone_first (void)
{
  check_look_alike_beside (FALSE, FALSE, FAKE_ALONE_FIRST);
}

