/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeMonitor against real agents ($SEYE_AGENT) and against hostile servers
 * in this process. No mDNS: discovery results are fed in by hand. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "seye-monitor.h"
#include "seye-test-util.h"
#include "test-monitor.h"



SeyeMonitor *
new_monitor (void)
{
  SeyeMonitor *monitor = seye_monitor_new ();

  seye_monitor_set_interval (monitor, 0.2);
  seye_monitor_set_discovery (monitor, FALSE);

  return monitor;
}

SeyeNode *
add_agent (SeyeMonitor   *monitor,
           SeyeTestAgent *agent)
{
  g_autofree char *host_port = g_strdup_printf ("127.0.0.1:%u", agent->port);
  g_autoptr (GError) error = NULL;
  SeyeNode *node = seye_monitor_add_manual (monitor, host_port, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static void
test_online (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-online", "--node-id", ID_A,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_agent (monitor, agent);
  guint n_added = 0;

  g_signal_connect_swapped (node, "sample-added", G_CALLBACK (g_atomic_int_inc), &n_added);
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_CONNECTING);
  g_assert_true (seye_node_get_manual (node));

  /* Let the agent build some history first. */
  seye_test_spin (1200);

  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 5000));

  g_assert_cmpstr (seye_node_get_key (node), ==, ID_A);
  g_assert_true (seye_monitor_lookup (monitor, ID_A) == node);
  g_assert_cmpstr (seye_node_get_name (node), ==, "mon-online");
  g_assert_nonnull (seye_node_get_info (node));
  g_assert_cmpstr (seye_node_get_info (node)->node_id, ==, ID_A);
  g_assert_null (seye_node_get_error (node));
  g_assert_cmpint (seye_node_get_last_seen (node), >, 0);
  /* The history came in at once, not one sample per poll. */
  g_assert_cmpuint (seye_history_get_length (seye_node_get_history (node)), >=, 3);
  g_assert_cmpuint (n_added, ==, seye_history_get_length (seye_node_get_history (node)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);

  seye_monitor_stop (monitor);
  g_signal_handlers_disconnect_by_data (node, &n_added);
}

typedef struct
{
  guint kind;
  gboolean active;
  guint count;
} AlertSeen;

static void
alert_cb (SeyeMonitor *monitor,
          SeyeNode    *node,
          guint        kind,
          gboolean     active,
          AlertSeen   *seen)
{
  if (kind != SEYE_ALERT_OFFLINE)
    return;
  seen->kind = kind;
  seen->active = active;
  seen->count++;
}

static void
test_offline_and_back (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-restart", "--node-id", ID_A,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeTestAgent) again = NULL;
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autofree char *port = g_strdup_printf ("%u", agent->port);
  SeyeNode *node = add_agent (monitor, agent);
  AlertSeen seen = { 0 };
  gint64 last_seen;

  g_signal_connect (monitor, "alert", G_CALLBACK (alert_cb), &seen);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 5000));

  seye_test_agent_kill (agent);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, 10000));
  g_assert_nonnull (seye_node_get_error (node));
  g_test_message ("offline: %s", seye_node_get_error (node));
  g_assert_true (strstr (seye_node_get_error (node), "refused") != NULL);
  g_assert_true (seye_node_get_alerting (node));
  g_assert_cmpuint (seye_node_get_active_alerts (node) & SEYE_ALERT_OFFLINE, !=, 0);
  g_assert_cmpuint (seen.count, ==, 1);
  g_assert_true (seen.active);
  last_seen = seye_node_get_last_seen (node);
  g_assert_cmpint (last_seen, >, 0);
  /* Offline nodes are kept, with what was known of them. */
  g_assert_nonnull (seye_node_get_sample (node));

  /* Restarted on the same port: found again within the backoff. */
  again = seye_test_agent_start ("--name", "mon-restart", "--node-id", ID_A, "--interval", "0.25",
                                 "--no-mdns", "--port", port, NULL);
  g_assert_cmpuint (again->port, ==, agent->port);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 20000));
  g_assert_null (seye_node_get_error (node));
  g_assert_false (seye_node_get_alerting (node));
  g_assert_cmpuint (seen.count, ==, 2);
  g_assert_false (seen.active);
  g_assert_cmpint (seye_node_get_last_seen (node), >, last_seen);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);

  seye_monitor_stop (monitor);
}

SeyeServiceInfo *
fake_service (const char    *key,
              const char    *name,
              const char    *node_id,
              SeyeTestAgent *agent)
{
  SeyeServiceInfo *info = g_new0 (SeyeServiceInfo, 1);

  info->key = g_strdup (key);
  info->name = g_strdup (name);
  info->host_name = g_strdup ("test.local");
  info->address = g_strdup ("127.0.0.1");
  info->port = agent->port;
  info->interface = 1;
  info->protocol = 0;
  info->txt.txtvers = 1;
  info->txt.api_version = 1;
  info->txt.node_id = g_strdup (node_id);
  info->txt.agent_version = g_strdup ("0.1.0");

  return info;
}

static void
test_dedupe (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-dedupe", "--node-id", ID_B,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (SeyeServiceInfo) v4 = fake_service ("1/0/mon-dedupe", "mon-dedupe", ID_B, agent);
  g_autoptr (SeyeServiceInfo) other_if = fake_service ("2/0/mon-dedupe", "mon-dedupe", ID_B, agent);
  SeyeNode *node;
  SeyeNode *manual;

  seye_monitor_start (monitor);

  /* The same node on two interfaces is one node. */
  seye_monitor_add_service (monitor, v4);
  seye_monitor_add_service (monitor, other_if);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  node = seye_monitor_lookup (monitor, ID_B);
  g_assert_nonnull (node);
  g_assert_false (seye_node_get_manual (node));
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));

  /* Typed in by hand as well: merged once it says who it is. */
  manual = add_agent (monitor, agent);
  g_assert_true (manual == node);
  g_assert_true (seye_node_get_manual (node));

  /* One service leaves: nothing changes; both leave: it stays while it answers. */
  seye_monitor_remove_service (monitor, "1/0/mon-dedupe");
  seye_monitor_remove_service (monitor, "2/0/mon-dedupe");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);

  seye_monitor_stop (monitor);
}

static void
test_dedupe_manual_first (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-manual", "--node-id", ID_B,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (SeyeServiceInfo) info = fake_service ("1/0/mon-manual", "mon-manual", ID_B, agent);
  SeyeNode *manual;

  seye_monitor_start (monitor);
  manual = add_agent (monitor, agent);
  g_assert_true (seye_test_wait_state (manual, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_cmpstr (seye_node_get_key (manual), ==, ID_B);

  seye_monitor_add_service (monitor, info);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  g_assert_true (seye_monitor_lookup (monitor, ID_B) == manual);

  seye_monitor_stop (monitor);
}

static gboolean
empty_cb (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 0;
}

static void
test_grace (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-grace", "--node-id", ID_A,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (SeyeServiceInfo) info = fake_service ("1/0/mon-grace", "mon-grace", ID_A, agent);
  g_autoptr (SeyeServiceInfo) never = fake_service ("1/0/mon-never", "mon-never", ID_B, agent);
  g_autofree char *clock_dir = g_dir_make_tmp ("seye-clock-XXXXXX", NULL);
  g_autofree char *clock_file = g_build_filename (clock_dir, "offset", NULL);
  SeyeNode *node;

  seye_monitor_set_grace_time (monitor, 1.0);
  seye_monitor_start (monitor);
  seye_monitor_add_service (monitor, info);
  node = seye_monitor_lookup (monitor, ID_A);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));

  /* Gone from mDNS but answering: kept. */
  seye_monitor_remove_service (monitor, info->key);
  seye_test_spin (1500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);

  /* Gone and offline for the grace time, after it answered: kept, offline, for the
   * keep-offline time (7 days by default), however long the grace time was. */
  seye_test_agent_kill (agent);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, 10000));
  g_setenv ("SEYE_CLOCK_OFFSET_FILE", clock_file, TRUE);
  g_assert_true (g_file_set_contents (clock_file, "86400", -1, NULL));   /* a day later */
  seye_test_spin (2500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  g_assert_true (seye_monitor_lookup (monitor, ID_A) == node);

  /* Past the keep-offline time: gone. */
  g_assert_true (g_file_set_contents (clock_file, "691200", -1, NULL));  /* 8 days later */
  g_assert_true (seye_test_wait_until (empty_cb, monitor, 15000));

  /* One that never answered goes after the grace time. */
  g_assert_true (g_file_set_contents (clock_file, "0", -1, NULL));
  seye_monitor_set_keep_offline (monitor, 0);
  seye_monitor_add_service (monitor, never);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  seye_monitor_remove_service (monitor, never->key);
  g_assert_true (seye_test_wait_until (empty_cb, monitor, 15000));

  seye_monitor_stop (monitor);
  g_unsetenv ("SEYE_CLOCK_OFFSET_FILE");
  g_unlink (clock_file);
  g_rmdir (clock_dir);
}

/* An agent stopped with SIGTERM says goodbye in its stream: "Left the network";
 * one killed does not: "Offline", with the offline alert. */
static void
test_goodbye (void)
{
  g_autoptr (SeyeTestAgent) stopped = seye_test_agent_start ("--name", "mon-bye", "--interval", "0.25",
                                                             "--no-mdns", NULL);
  g_autoptr (SeyeTestAgent) killed = seye_test_agent_start ("--name", "mon-dead", "--interval", "0.25",
                                                            "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autofree char *stopped_address = g_strdup_printf ("127.0.0.1:%u", stopped->port);
  g_autofree char *killed_address = g_strdup_printf ("127.0.0.1:%u", killed->port);
  SeyeNode *bye, *dead;

  seye_monitor_start (monitor);
  bye = seye_monitor_add_manual (monitor, stopped_address, NULL);
  dead = seye_monitor_add_manual (monitor, killed_address, NULL);
  g_assert_true (seye_test_wait_state (bye, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_true (seye_test_wait_state (dead, SEYE_NODE_STATE_ONLINE, 5000));
  /* Both followed by their streams, where a goodbye comes. */
  seye_test_spin (1000);

  seye_test_agent_stop (stopped);
  seye_test_agent_kill (killed);
  g_assert_true (seye_test_wait_state (bye, SEYE_NODE_STATE_LEFT, 10000));
  g_assert_true (seye_test_wait_state (dead, SEYE_NODE_STATE_OFFLINE, 10000));

  g_assert_cmpuint (seye_node_get_active_alerts (bye), ==, 0);
  g_assert_cmpuint (seye_node_get_active_alerts (dead), ==, SEYE_ALERT_OFFLINE);
  g_assert_false (seye_node_has_current_values (bye));
  g_assert_false (seye_node_has_current_values (dead));

  seye_monitor_stop (monitor);
}

static void
test_pinned_and_manual_stay (void)
{
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (GError) error = NULL;
  SeyeNode *node;

  seye_monitor_set_grace_time (monitor, 0);
  node = seye_monitor_add_manual (monitor, "127.0.0.1:1", &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, 5000));
  g_assert_cmpstr (seye_node_get_key (node), ==, "127.0.0.1:1");
  g_assert_cmpstr (seye_node_get_address (node), ==, "127.0.0.1:1");
  g_assert_null (seye_node_get_info (node));
  g_assert_null (seye_node_get_sample (node));
  seye_test_spin (1500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);

  seye_monitor_remove (monitor, node);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 0);
  seye_monitor_stop (monitor);
}

static void
test_parse_host_port (void)
{
  static const struct { const char *text; const char *host; guint port; } good[] = {
    { "node-1", "node-1", SEYE_DEFAULT_PORT },
    { "192.168.1.20:8080", "192.168.1.20", 8080 },
    { " 10.0.0.1 ", "10.0.0.1", SEYE_DEFAULT_PORT },
    { "::1", "::1", SEYE_DEFAULT_PORT },
    { "[::1]:9000", "::1", 9000 },
    { "[fe80::1%eth0]:7373", "fe80::1%eth0", 7373 },
    { "[2001:db8::5]", "2001:db8::5", SEYE_DEFAULT_PORT },
  };
  static const char * const bad[] = {
    "", ":80", "host:0", "host:65536", "host:abc", "[::1", "[::1]x", "a b", "http://x", "[host]:1",
    "fe80::1%", "a/b:1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *host = NULL;
      g_autoptr (GError) error = NULL;
      guint16 port = 0;

      g_assert_true (seye_parse_host_port (good[i].text, &host, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, good[i].host);
      g_assert_cmpuint (port, ==, good[i].port);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *host = NULL;
      g_autoptr (GError) error = NULL;
      guint16 port = 0;

      g_assert_false (seye_parse_host_port (bad[i], &host, &port, &error));
      g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
      g_assert_null (host);
    }
}

static void
test_service_uri (void)
{
  SeyeServiceInfo v4 = { .address = (char *) "192.168.1.20", .port = 7373 };
  SeyeServiceInfo v6 = { .address = (char *) "2001:db8::5", .port = 7373 };
  SeyeServiceInfo ll = { .address = (char *) "fe80::1%lo", .port = 7373 };
  g_autofree char *u4 = seye_service_info_dup_uri (&v4);
  g_autofree char *u6 = seye_service_info_dup_uri (&v6);
  g_autofree char *ull = seye_service_info_dup_uri (&ll);
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (u4, ==, "http://192.168.1.20:7373");
  g_assert_cmpstr (u6, ==, "http://[2001:db8::5]:7373");
  g_assert_cmpstr (ull, ==, "http://[fe80::1%25lo]:7373");

  /* GUri (and so libsoup) gets the scope back. */
  parsed = g_uri_parse (ull, SOUP_HTTP_URI_FLAGS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_host (parsed), ==, "fe80::1%lo");
  g_assert_cmpint (g_uri_get_port (parsed), ==, 7373);
}

/* Hostile servers ---------------------------------------------------------- */

typedef enum
{
  HOSTILE_NOT_JSON,
  HOSTILE_WRONG_SCHEMA,
  HOSTILE_HUGE,
  HOSTILE_ABSURD,
  HOSTILE_DEEP,
  HOSTILE_404,
} HostileKind;

static const char *good_info =
  "{\"schema\":1,\"node_id\":\"" ID_A "\",\"name\":\"hostile\",\"hostname\":\"h\",\"os\":\"x\","
  "\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"0\","
  "\"api_version\":1,\"interval\":1,\"boot_time\":1700000000}";

static const char *absurd_sample =
  "{\"schema\":1,\"time\":1700000000000,\"interval\":1,\"cpu\":{\"busy\":1e300}}";

static void
hostile_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  HostileKind kind = GPOINTER_TO_INT (data);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  GString *str;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  /* The identity is fine unless the test is about it. */
  if (g_str_equal (path, "/v1/node") && kind != HOSTILE_NOT_JSON && kind != HOSTILE_WRONG_SCHEMA &&
      kind != HOSTILE_404)
    {
      soup_message_body_append (body, SOUP_MEMORY_STATIC, good_info, strlen (good_info));
      return;
    }

  switch (kind)
    {
    case HOSTILE_NOT_JSON:
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "<html>hello</html>", 18);
      break;

    case HOSTILE_WRONG_SCHEMA:
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "{\"schema\":99}", 13);
      break;

    case HOSTILE_HUGE:
      str = g_string_new ("{\"schema\":1,\"samples\":[");
      while (str->len < 8 * 1024 * 1024)
        g_string_append (str, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",");
      g_string_append (str, "0]}");
      soup_message_body_append (body, SOUP_MEMORY_TAKE, str->str, str->len);
      g_string_free (str, FALSE);
      break;

    case HOSTILE_ABSURD:
      soup_message_body_append (body, SOUP_MEMORY_STATIC, absurd_sample, strlen (absurd_sample));
      break;

    case HOSTILE_DEEP:
      str = g_string_new (NULL);
      for (guint i = 0; i < 100000; i++)
        g_string_append_c (str, '[');
      soup_message_body_append (body, SOUP_MEMORY_TAKE, str->str, str->len);
      g_string_free (str, FALSE);
      break;

    case HOSTILE_404:
    default:
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      break;
    }
}

static void
check_hostile (HostileKind    kind,
               SeyeNodeState  expected_state,
               const char    *expected_error)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  GSList *uris;
  SeyeNode *node;

  soup_server_add_handler (server, NULL, hostile_cb, GINT_TO_POINTER (kind), NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  host_port = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  node = seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  /* An error state: it said who it is but sends no good sample, or not even that. */
  g_assert_true (seye_test_wait_state (node, expected_state, 10000));
  g_assert_nonnull (seye_node_get_error (node));
  g_test_message ("%s", seye_node_get_error (node));
  g_assert_true (strstr (seye_node_get_error (node), expected_error) != NULL);
  g_assert_null (seye_node_get_sample (node));

  /* The server closes first: libsoup 3.2 leaks server connections that the
   * client closes while they are idle (fixed upstream in 3.3). */
  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (server);
  seye_monitor_stop (monitor);
}

static void
test_hostile_not_json (void)
{
  check_hostile (HOSTILE_NOT_JSON, SEYE_NODE_STATE_OFFLINE, "bad data");
}

static void
test_hostile_schema (void)
{
  check_hostile (HOSTILE_WRONG_SCHEMA, SEYE_NODE_STATE_INCOMPATIBLE, "schema version 99");
}

static void
test_hostile_huge (void)
{
  check_hostile (HOSTILE_HUGE, SEYE_NODE_STATE_NOT_RESPONDING, "larger than 256 KiB");
}

static void
test_hostile_absurd (void)
{
  check_hostile (HOSTILE_ABSURD, SEYE_NODE_STATE_NOT_RESPONDING, "bad data");
}

static void
test_hostile_deep (void)
{
  check_hostile (HOSTILE_DEEP, SEYE_NODE_STATE_NOT_RESPONDING, "bad data");
}

static void
test_hostile_404 (void)
{
  check_hostile (HOSTILE_404, SEYE_NODE_STATE_OFFLINE, "HTTP 404");
}

/* Not HTTP at all, and a peer that never answers. */
typedef struct
{
  gboolean   silent;
  GMutex     lock;
  GPtrArray *held;     /* every connection the silent peer keeps open */
} FakePeer;

/* Runs in the threaded service's own thread: blocking reads are fine there. */
static gboolean
garbage_cb (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source,
            gpointer                data)
{
  FakePeer *peer = data;

  if (!peer->silent)
    {
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      GString *request = g_string_new (NULL);
      char buf[1024];
      gssize n;

      /* Read the whole request first: closing on unread data would reset the
       * connection, and the client would see that instead of the garbage. */
      while (strstr (request->str, "\r\n\r\n") == NULL &&
             (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
        g_string_append_len (request, buf, n);
      g_string_free (request, TRUE);

      g_output_stream_write_all (out, "\x01\x02garbage\r\n\r\n\xff\xfe", 15, NULL, NULL, NULL);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  else
    {
      /* Keep every one open and say nothing: dropping one would reset it. */
      g_mutex_lock (&peer->lock);
      g_ptr_array_add (peer->held, g_object_ref (connection));
      g_mutex_unlock (&peer->lock);
    }

  return TRUE;
}

static void
check_socket (gboolean    silent,
              const char *expected_error,
              guint       timeout_ms)
{
  g_autoptr (GSocketService) service = g_threaded_socket_service_new (4);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  g_autoptr (GError) error = NULL;
  g_autofree char *host_port = NULL;
  FakePeer peer = { silent };
  guint16 port;
  SeyeNode *node;

  g_mutex_init (&peer.lock);
  peer.held = g_ptr_array_new_with_free_func (g_object_unref);
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (garbage_cb), &peer);
  g_socket_service_start (service);

  host_port = g_strdup_printf ("127.0.0.1:%u", port);
  node = seye_monitor_add_manual (monitor, host_port, &error);
  g_assert_no_error (error);
  seye_monitor_start (monitor);

  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, timeout_ms));
  g_test_message ("%s", seye_node_get_error (node));
  g_assert_true (strstr (seye_node_get_error (node), expected_error) != NULL);

  seye_monitor_stop (monitor);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_mutex_lock (&peer.lock);
  g_ptr_array_unref (peer.held);
  g_mutex_unlock (&peer.lock);
  g_mutex_clear (&peer.lock);
}

static void
test_hostile_garbage_http (void)
{
  check_socket (FALSE, "HTTP", 10000);
}

static void
test_hostile_silent (void)
{
  check_socket (TRUE, "no answer within", 20000);
}


/* Read by LeakSanitizer in the sanitized pass of build-aux/dev test, for this
 * program only: libsoup 3.2 (Debian 12) leaks a SoupServer's connections, and
 * through them its listener's address, when they are closed while idle (fixed
 * upstream in 3.3, libsoup commit d20c6601). Only the fake hostile servers of
 * this test hit it; the agent does not take that path and its processes are
 * leak-checked without suppressions. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* GLib has no frame pointers: unwind slowly, or the stacks end in g_malloc and
 * the suppressions below never match. */
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\nleak:soup_server_listen_local\n";
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/monitor/parse-host-port", test_parse_host_port);
  g_test_add_func ("/seye/monitor/service-uri", test_service_uri);
  g_test_add_func ("/seye/monitor/pinned-and-manual-stay", test_pinned_and_manual_stay);
  g_test_add_func ("/seye/monitor/online", test_online);
  g_test_add_func ("/seye/monitor/offline-and-back", test_offline_and_back);
  g_test_add_func ("/seye/monitor/dedupe", test_dedupe);
  g_test_add_func ("/seye/monitor/dedupe-manual-first", test_dedupe_manual_first);
  g_test_add_func ("/seye/monitor/grace", test_grace);
  g_test_add_func ("/seye/monitor/goodbye", test_goodbye);
  g_test_add_func ("/seye/monitor/hostile/not-json", test_hostile_not_json);
  g_test_add_func ("/seye/monitor/hostile/schema", test_hostile_schema);
  g_test_add_func ("/seye/monitor/hostile/huge", test_hostile_huge);
  g_test_add_func ("/seye/monitor/hostile/absurd", test_hostile_absurd);
  g_test_add_func ("/seye/monitor/hostile/deep", test_hostile_deep);
  g_test_add_func ("/seye/monitor/hostile/404", test_hostile_404);
  g_test_add_func ("/seye/monitor/hostile/garbage-http", test_hostile_garbage_http);
  g_test_add_func ("/seye/monitor/hostile/silent", test_hostile_silent);
  g_test_add_func ("/seye/monitor/stream/used", test_stream_used);
  g_test_add_func ("/seye/monitor/stream/fallback", test_stream_fallback);
  g_test_add_func ("/seye/monitor/stream/off", test_stream_off);
  g_test_add_func ("/seye/monitor/stream/history-window", test_stream_history_window);
  g_test_add_func ("/seye/monitor/stream/hostile-not-json", test_stream_hostile_not_json);
  g_test_add_func ("/seye/monitor/stream/hostile-schema", test_stream_hostile_schema);
  g_test_add_func ("/seye/monitor/stream/hostile-endless-line", test_stream_hostile_endless_line);
  g_test_add_func ("/seye/monitor/stream/silent", test_stream_silent);
  g_test_add_func ("/seye/monitor/stream/agent-stopped", test_stream_agent_stopped);
  g_test_add_func ("/seye/monitor/dripping/stream", test_dripping_stream);
  g_test_add_func ("/seye/monitor/two-claims/plain-first", test_two_claims_plain_first);
  g_test_add_func ("/seye/monitor/two-claims/tls-first", test_two_claims_tls_first);
  g_test_add_func ("/seye/monitor/two-claims/plain-after", test_two_claims_plain_after);
  g_test_add_func ("/seye/monitor/two-claims/tls-after", test_two_claims_tls_after);
  g_test_add_func ("/seye/monitor/dripping/metrics", test_dripping_metrics);

  return g_test_run ();
}
