/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SeyeMonitor and agents that stream their samples (GET /v1/stream), real and fake. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "seye-error.h"
#include "seye-json.h"
#include "test-monitor.h"

/* Streams ------------------------------------------------------------------ */

typedef enum
{
  STREAM_SAMPLES,      /* a sample every 200 ms */
  STREAM_NONE,         /* 404: an agent from before /v1/stream */
  STREAM_NOT_JSON,     /* a line of garbage */
  STREAM_SCHEMA,       /* a sample of another schema */
  STREAM_ENDLESS_LINE, /* a line that never ends */
} StreamKind;

/* A node in this process that serves /v1/stream as the agent does (or does not). */
typedef struct
{
  StreamKind  kind;
  SoupServer *server;
  char       *host_port;
  GPtrArray  *streams;     /* SoupServerMessage: the open ones */
  guint       tick_id;
  gboolean    mute;        /* keep the streams open, send nothing */
  guint       n_stream;
  guint       n_metrics;
  guint       history_seconds; /* /v1/history: that many samples 1 s apart ... */
  gint64      history_end_ms;  /* ... the newest at this time (Unix ms) */
} StreamFake;

/* The fake's /v1/history: history_seconds samples, or none. */
static char *
stream_fake_history (StreamFake *fake)
{
  GString *str = g_string_new ("{\"schema\":1,\"node_id\":\"" ID_B "\",\"interval\":1,\"samples\":[");

  for (guint i = 0; i < fake->history_seconds; i++)
    g_string_append_printf (str, "%s{\"schema\":1,\"time\":%" G_GINT64_FORMAT ",\"interval\":1,"
                            "\"load\":[%u,0.25,0.125]}", i > 0 ? "," : "",
                            fake->history_end_ms - (gint64) (fake->history_seconds - 1 - i) * 1000, i);
  g_string_append (str, "]}");

  return g_string_free (str, FALSE);
}

static GBytes *
stream_fake_sample (void)
{
  g_autofree char *line = g_strdup_printf ("{\"schema\":1,\"time\":%" G_GINT64_FORMAT ",\"interval\":0.2,"
                                           "\"load\":[0.5,0.25,0.125]}\n",
                                           g_get_real_time () / 1000);

  return g_bytes_new (line, strlen (line));
}

static void
stream_fake_finished_cb (SoupServerMessage *msg,
                         StreamFake        *fake)
{
  g_ptr_array_remove (fake->streams, msg);
}

static gboolean
stream_fake_tick_cb (gpointer data)
{
  StreamFake *fake = data;
  g_autoptr (GBytes) line = NULL;

  if (fake->mute || fake->kind != STREAM_SAMPLES)
    return G_SOURCE_CONTINUE;

  line = stream_fake_sample ();
  for (guint i = 0; i < fake->streams->len; i++)
    {
      SoupServerMessage *msg = fake->streams->pdata[i];

      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), line);
      soup_server_message_unpause (msg);
    }

  return G_SOURCE_CONTINUE;
}

static void
stream_fake_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  static const char info[] =
    "{\"schema\":1,\"node_id\":\"" ID_B "\",\"name\":\"streamer\",\"hostname\":\"h\",\"os\":\"x\","
    "\"kernel\":\"k\",\"arch\":\"a\",\"cpu_model\":\"c\",\"cores\":1,\"agent_version\":\"0\","
    "\"api_version\":1,\"interval\":0.2,\"boot_time\":1700000000}";
  StreamFake *fake = data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr (GBytes) line = NULL;
  GString *endless;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  if (g_str_equal (path, "/v1/node"))
    {
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, info, strlen (info));
      return;
    }

  if (g_str_equal (path, "/v1/history"))
    {
      char *history = stream_fake_history (fake);

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, history, strlen (history));
      return;
    }

  if (g_str_equal (path, "/v1/metrics"))
    {
      fake->n_metrics++;
      line = stream_fake_sample ();
      soup_message_body_append_bytes (body, line);
      return;
    }

  if (g_str_equal (path, "/v1/stream"))
    fake->n_stream++;

  if (!g_str_equal (path, "/v1/stream") || fake->kind == STREAM_NONE)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "application/x-ndjson", NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_EOF);
  soup_message_body_set_accumulate (body, FALSE);

  switch (fake->kind)
    {
    case STREAM_NOT_JSON:
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "<html>hello</html>\n", 19);
      break;

    case STREAM_SCHEMA:
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "{\"schema\":99}\n", 14);
      break;

    case STREAM_ENDLESS_LINE:
      endless = g_string_new ("{\"schema\":1,\"junk\":\"");
      while (endless->len < 512 * 1024)
        g_string_append (endless, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
      soup_message_body_append (body, SOUP_MEMORY_TAKE, endless->str, endless->len);
      g_string_free (endless, FALSE);
      break;

    case STREAM_SAMPLES:
    case STREAM_NONE:
    default:
      line = stream_fake_sample ();
      soup_message_body_append_bytes (body, line);
      break;
    }

  /* Open until the client goes. */
  g_ptr_array_add (fake->streams, g_object_ref (msg));
  g_signal_connect (msg, "finished", G_CALLBACK (stream_fake_finished_cb), fake);
}

static StreamFake *
stream_fake_new (StreamKind kind)
{
  StreamFake *fake = g_new0 (StreamFake, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  fake->kind = kind;
  fake->streams = g_ptr_array_new_with_free_func (g_object_unref);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, stream_fake_cb, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->host_port = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fake->tick_id = g_timeout_add (200, stream_fake_tick_cb, fake);

  return fake;
}

static void
stream_fake_free (StreamFake *fake)
{
  g_clear_handle_id (&fake->tick_id, g_source_remove);
  for (guint i = 0; i < fake->streams->len; i++)
    g_signal_handlers_disconnect_by_data (fake->streams->pdata[i], fake);
  g_ptr_array_unref (fake->streams);
  /* The server closes first (see check_hostile()). */
  soup_server_disconnect (fake->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fake->server);
  g_free (fake->host_port);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StreamFake, stream_fake_free)

typedef struct
{
  SeyeNode *node;
  guint     target;
  guint     count;
} SampleCount;

static void
count_sample_cb (SeyeNode    *node,
                 SeyeSample  *sample,
                 SampleCount *count)
{
  count->count++;
}

static gboolean
enough_samples_cb (gpointer data)
{
  SampleCount *count = data;

  return count->count >= count->target;
}

static SeyeNode *
add_fake (SeyeMonitor *monitor,
          StreamFake  *fake)
{
  g_autoptr (GError) error = NULL;
  SeyeNode *node = seye_monitor_add_manual (monitor, fake->host_port, &error);

  g_assert_no_error (error);

  return node;
}

/* Samples come on the stream: no poll at all. */
void
test_stream_used (void)
{
  g_autoptr (StreamFake) fake = stream_fake_new (STREAM_SAMPLES);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_fake (monitor, fake);
  SampleCount count = { node, 8 };

  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 10000));

  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpfloat (seye_node_get_sample (node)->load[0], ==, 0.5);
  g_assert_cmpuint (fake->n_stream, ==, 1);
  g_assert_cmpuint (fake->n_metrics, ==, 0);

  g_signal_handlers_disconnect_by_data (node, &count);
  seye_monitor_stop (monitor);
}

/* A node without /v1/stream is polled, and asked for a stream only once. */
void
test_stream_fallback (void)
{
  g_autoptr (StreamFake) fake = stream_fake_new (STREAM_NONE);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_fake (monitor, fake);
  SampleCount count = { node, 5 };

  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 10000));

  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_null (seye_node_get_error (node));
  g_assert_cmpuint (fake->n_stream, ==, 1);
  g_assert_cmpuint (fake->n_metrics, >=, 5);

  g_signal_handlers_disconnect_by_data (node, &count);
  seye_monitor_stop (monitor);
}

/* The same with "stream" off: polled, never asked for a stream. */
void
test_stream_off (void)
{
  g_autoptr (StreamFake) fake = stream_fake_new (STREAM_SAMPLES);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_fake (monitor, fake);
  SampleCount count = { node, 5 };

  seye_monitor_set_stream (monitor, FALSE);
  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 10000));
  g_assert_cmpuint (fake->n_stream, ==, 0);
  g_assert_cmpuint (fake->n_metrics, >=, 5);

  g_signal_handlers_disconnect_by_data (node, &count);
  seye_monitor_stop (monitor);
}

/* A node that hands over 15 minutes of history on first contact: every sample goes
 * through "sample-added" (to the recorder and the alerts), the node keeps only the
 * series of the last SEYE_HISTORY_SECONDS before its newest sample. */
void
test_stream_history_window (void)
{
  g_autoptr (StreamFake) fake = stream_fake_new (STREAM_SAMPLES);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node;
  SeyeHistory *history;
  SampleCount count = { NULL, 900 + 5 };
  gint64 latest;
  guint n_from_history = 0;

  fake->history_seconds = 900;
  fake->history_end_ms = g_get_real_time () / 1000 - 2000;
  node = add_fake (monitor, fake);
  count.node = node;
  history = seye_node_get_history (node);
  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 30000));
  g_signal_handlers_disconnect_by_data (node, &count);
  seye_monitor_stop (monitor);

  latest = seye_history_get_latest_time (history);
  g_assert_cmpint (latest, ==, seye_node_get_sample (node)->time_ms);
  g_assert_cmpint (latest, >, fake->history_end_ms);
  for (guint i = 0; i < fake->history_seconds; i++)
    n_from_history += fake->history_end_ms - (gint64) i * 1000 > latest - SEYE_HISTORY_SECONDS * 1000;

  /* The history's samples inside the window and every streamed one; nothing older. */
  g_assert_cmpuint (n_from_history, >, SEYE_HISTORY_SECONDS - 30);
  g_assert_cmpuint (n_from_history, <=, SEYE_HISTORY_SECONDS);
  g_assert_cmpuint (seye_history_get_length (history), ==, n_from_history + count.count - 900);
  g_assert_cmpint (seye_history_get_time (history, 0), >, latest - SEYE_HISTORY_SECONDS * 1000);
  g_assert_cmpint (seye_history_get_time (history, 0), ==,
                   fake->history_end_ms - (gint64) (n_from_history - 1) * 1000);
  /* The oldest kept is the history's sample number 900 - n_from_history: its own load. */
  g_assert_cmpfloat (seye_history_get_value (history, 0, SEYE_SERIES_LOAD1), ==, 900 - n_from_history);
}

typedef struct
{
  SeyeNode   *node;
  const char *text;
} ErrorWait;

static gboolean
error_says_cb (gpointer data)
{
  ErrorWait *wait = data;
  const char *error = seye_node_get_error (wait->node);

  return error != NULL && strstr (error, wait->text) != NULL;
}

static void
check_stream_hostile (StreamKind     kind,
                      SeyeNodeState  expected_state,
                      const char    *expected_error)
{
  g_autoptr (StreamFake) fake = stream_fake_new (kind);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_fake (monitor, fake);
  ErrorWait wait = { node, expected_error };

  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, expected_state, 10000));
  /* A stream that is still open first misses its samples, then says why. */
  g_assert_true (seye_test_wait_until (error_says_cb, &wait, 10000));
  g_test_message ("%s", seye_node_get_error (node));
  g_assert_cmpint (seye_node_get_state (node), ==, expected_state);
  g_assert_null (seye_node_get_sample (node));
  g_assert_cmpuint (fake->n_stream, >=, 1);

  seye_monitor_stop (monitor);
}

void
test_stream_hostile_not_json (void)
{
  check_stream_hostile (STREAM_NOT_JSON, SEYE_NODE_STATE_NOT_RESPONDING, "bad data");
}

void
test_stream_hostile_schema (void)
{
  check_stream_hostile (STREAM_SCHEMA, SEYE_NODE_STATE_INCOMPATIBLE, "schema version 99");
}

void
test_stream_hostile_endless_line (void)
{
  check_stream_hostile (STREAM_ENDLESS_LINE, SEYE_NODE_STATE_NOT_RESPONDING, "line longer than 256 KiB");
}

/* A stream that stays open and says nothing: stale, then offline; back when it speaks. */
void
test_stream_silent (void)
{
  g_autoptr (StreamFake) fake = stream_fake_new (STREAM_SAMPLES);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_fake (monitor, fake);
  SampleCount count = { node, 3 };

  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 5000));

  fake->mute = TRUE;
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_STALE, 5000));
  g_assert_nonnull (strstr (seye_node_get_error (node), "no sample for"));
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, 5000));
  g_test_message ("%s", seye_node_get_error (node));

  /* The monitor closed it, and knocks again: samples on a new stream. */
  fake->mute = FALSE;
  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 10000));
  g_assert_cmpint (seye_node_get_state (node), ==, SEYE_NODE_STATE_ONLINE);
  g_assert_cmpuint (fake->n_stream, ==, 2);
  g_assert_cmpuint (fake->n_metrics, ==, 0);
  g_signal_handlers_disconnect_by_data (node, &count);

  seye_monitor_stop (monitor);
}

/* A real agent that stops (SIGSTOP): its stream goes quiet, not closed. */
void
test_stream_agent_stopped (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--name", "mon-stopped", "--node-id", ID_A,
                                                           "--interval", "0.25", "--no-mdns", NULL);
  g_autoptr (SeyeMonitor) monitor = new_monitor ();
  SeyeNode *node = add_agent (monitor, agent);
  SampleCount count = { node, 0 };

  seye_monitor_start (monitor);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 5000));
  g_assert_true (seye_test_wait_until (seye_test_node_has_sample, node, 5000));

  g_subprocess_send_signal (agent->process, SIGSTOP);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_OFFLINE, 10000));
  g_test_message ("stopped: %s", seye_node_get_error (node));

  g_subprocess_send_signal (agent->process, SIGCONT);
  g_assert_true (seye_test_wait_state (node, SEYE_NODE_STATE_ONLINE, 30000));

  /* Samples again, and the gap filled from its history. */
  count.target = 4;
  g_signal_connect (node, "sample-added", G_CALLBACK (count_sample_cb), &count);
  g_assert_true (seye_test_wait_until (enough_samples_cb, &count, 10000));

  g_signal_handlers_disconnect_by_data (node, &count);
  seye_monitor_stop (monitor);
}

