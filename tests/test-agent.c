/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sys/socket.h>
#include <string.h>

#include "seye-json.h"
#include "seye-test-util.h"

#define NODE_ID "0123456789abcdef0123456789abcdef"

typedef struct
{
  SeyeTestAgent *agent;
  SoupSession   *session;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25", "--name", "test-node",
                                    "--node-id", NODE_ID, NULL);
  f->session = soup_session_new_with_options ("timeout", 5, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_cmpint (seye_test_agent_stop (f->agent), ==, 0);
  g_clear_pointer (&f->agent, seye_test_agent_free);
  g_clear_object (&f->session);
}

/* One request; returns the body, sets *status and the message for headers. */
static GBytes *
request (Fixture      *f,
         const char   *method,
         const char   *path,
         guint        *status,
         SoupMessage **out_msg)
{
  g_autofree char *uri = g_strconcat (f->agent->base_uri, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GError) error = NULL;
  GBytes *body;

  body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);

  return body;
}

static JsonObject *
parse_object (GBytes     *body,
              JsonParser *parser)
{
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_node (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (SeyeNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  guint status;
  gsize size;
  const char *text;

  body = request (f, "GET", "/v1/node", &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");

  text = g_bytes_get_data (body, &size);
  info = seye_node_info_from_json (text, size, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->node_id, ==, NODE_ID);
  g_assert_cmpstr (info->name, ==, "test-node");
  g_assert_cmpstr (info->agent_version, ==, PACKAGE_VERSION);
  g_assert_cmpuint (info->api_version, ==, 1);
  g_assert_cmpfloat (info->interval, ==, 0.25);
  g_assert_cmpuint (info->n_cores, >, 0);
  g_assert_cmpuint (info->n_cores, ==, g_get_num_processors ());
  g_assert_cmpstr (info->hostname, ==, g_get_host_name ());
  g_assert_true (info->kernel != NULL && info->kernel[0] != '\0');
  g_assert_true (info->boot_time > 1000000000);
}

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  gint64 before = g_get_real_time () / 1000;
  guint status;
  gsize size;
  const char *text;

  body = request (f, "GET", "/v1/metrics", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = g_bytes_get_data (body, &size);
  sample = seye_sample_from_json (text, size, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sample->time_ms, <=, g_get_real_time () / 1000);
  g_assert_cmpint (sample->time_ms, >, before - 60000);
  g_assert_true (sample->parts & SEYE_SAMPLE_CPU);
  g_assert_true (sample->parts & SEYE_SAMPLE_MEMORY);
  g_assert_true (sample->parts & SEYE_SAMPLE_LOAD);
  g_assert_true (sample->parts & SEYE_SAMPLE_PROCESSES);
  g_assert_true (sample->parts & SEYE_SAMPLE_UPTIME);
  g_assert_cmpuint (sample->cores->len, ==, g_get_num_processors ());
  g_assert_cmpuint (sample->memory.total, >, 0);
  g_assert_cmpuint (sample->memory.used, <=, sample->memory.total);
  g_assert_cmpuint (sample->procs_total, >, 1);
  g_assert_cmpfloat (sample->cpu.busy, >=, 0.0);
  g_assert_cmpfloat (sample->cpu.busy, <=, 100.0);
}

static void
test_index_and_prometheus (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) index = NULL;
  g_autoptr (GBytes) prom = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  guint status;

  index = request (f, "GET", "/", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = parse_object (index, parser);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "test-node");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "endpoints")), ==, 6);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "endpoints"), 3),
                   ==, "/v1/stream");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "endpoints"), 4),
                   ==, "/v1/processes");

  prom = request (f, "GET", "/metrics", &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "text/plain");
  text = g_strndup (g_bytes_get_data (prom, NULL), g_bytes_get_size (prom));
  g_assert_nonnull (strstr (text, "\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} "));
  g_assert_nonnull (strstr (text, "\nnode_memory_MemAvailable_bytes "));
  g_assert_nonnull (strstr (text, "\nnode_load1 "));
  g_assert_nonnull (strstr (text, "\nnode_boot_time_seconds "));
  g_assert_nonnull (strstr (text, "\nnode_procs_running "));
  g_assert_nonnull (strstr (text, "seye_node_info{node_id=\"" NODE_ID "\",name=\"test-node\""));
  /* Nothing per process (docs/api.md: cardinality). */
  g_assert_null (strstr (text, "pid="));
  g_assert_null (strstr (text, "comm="));
}

static void
check_error (Fixture    *f,
             const char *method,
             const char *path,
             guint       expected,
             const char *message_part)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  JsonObject *error;
  guint status;

  body = request (f, method, path, &status, &msg);
  g_assert_cmpuint (status, ==, expected);
  if (g_str_equal (method, "HEAD"))
    return;

  error = json_object_get_object_member (parse_object (body, parser), "error");
  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, expected);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), message_part));

  if (expected == 405)
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                     ==, "GET, HEAD");
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  check_error (f, "GET", "/nope", 404, "no such endpoint: /nope");
  check_error (f, "GET", "/v1/metrics/extra", 404, "no such endpoint");
  check_error (f, "POST", "/v1/metrics", 405, "method POST is not allowed");
  check_error (f, "DELETE", "/v1/node", 405, "method DELETE");
  check_error (f, "PUT", "/metrics", 405, "method PUT");
  check_error (f, "GET", "/v1/history?since=yesterday", 400, "“since” must be");
  check_error (f, "GET", "/v1/history?since=-5", 400, "“since” must be");
  check_error (f, "GET", "/v1/stream?interval=soon", 400, "“interval” must be");
  check_error (f, "GET", "/v1/stream?interval=-1", 400, "“interval” must be");
  check_error (f, "GET", "/v1/stream?interval=1e9", 400, "“interval” must be");
  check_error (f, "POST", "/v1/stream", 405, "method POST is not allowed");
  check_error (f, "GET", "/v1/stream?view=some", 400, "“view” must be");
}

static void
test_request_body_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *uri = g_strconcat (f->agent->base_uri, "/v1/metrics", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) big = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  char *junk = g_malloc (8 * 1024 * 1024);
  guint status;

  memset (junk, 'x', 8 * 1024 * 1024);
  big = g_bytes_new_take (junk, 8 * 1024 * 1024);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", big);
  body = soup_session_send_and_read (f->session, msg, NULL, &error);
  /* Refused before the body is read: the answer may come while we still send. */
  if (error == NULL)
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);

  g_clear_pointer (&body, g_bytes_unref);
  body = request (f, "GET", "/v1/node", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* Raw bytes on a socket: what no HTTP library would send. */
static char *
raw_exchange (Fixture    *f,
              const char *data,
              gsize       length)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  GString *reply = g_string_new (NULL);
  char buf[4096];
  gssize n;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", f->agent->port, NULL, &error);
  g_assert_no_error (error);

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             data, length, NULL, NULL, NULL);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (reply, buf, n);

  return g_string_free (reply, FALSE);
}

static void
test_malformed_http (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *garbage = NULL;
  g_autofree char *huge_reply = NULL;
  g_autofree char *binary_reply = NULL;
  g_autoptr (GBytes) body = NULL;
  GString *huge = g_string_new ("GET /v1/node HTTP/1.1\r\nHost: x\r\n");
  const char binary[] = "\x00\x01\x02\xff\xfe GET / HTTP/1.1\r\n\r\n";
  guint status;

  /* libsoup answers what is not HTTP with a bare "HTTP/1.0 400 Bad Request". */
  garbage = raw_exchange (f, "THIS IS NOT HTTP\r\n\r\n", strlen ("THIS IS NOT HTTP\r\n\r\n"));
  g_assert_true (g_str_has_prefix (garbage, "HTTP/1.0 400") || g_str_has_prefix (garbage, "HTTP/1.1 400"));

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (huge, "X-Junk-%u: %s\r\n", i, "0123456789abcdef0123456789abcdef");
  g_string_append (huge, "\r\n");
  huge_reply = raw_exchange (f, huge->str, huge->len);
  g_string_free (huge, TRUE);
  g_assert_false (g_str_has_prefix (huge_reply, "HTTP/1.1 200"));

  binary_reply = raw_exchange (f, binary, sizeof binary - 1);
  g_assert_true (g_str_has_prefix (binary_reply, "HTTP/1.0 400"));

  /* And it still serves. */
  body = request (f, "GET", "/v1/node", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_keep_alive (Fixture       *f,
                 gconstpointer  data)
{
  guint64 first_connection = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (SoupMessage) msg = NULL;
      g_autoptr (GBytes) body = NULL;
      guint status;

      body = request (f, "GET", i % 2 ? "/v1/node" : "/v1/metrics", &status, &msg);
      g_assert_cmpuint (status, ==, 200);
      if (i == 0)
        first_connection = soup_message_get_connection_id (msg);
      else
        g_assert_cmpuint (soup_message_get_connection_id (msg), ==, first_connection);
    }

  g_assert_cmpuint (first_connection, !=, 0);
}

static GPtrArray *
get_history (Fixture *f,
             gint64   since)
{
  g_autofree char *path = g_strdup_printf ("/v1/history?since=%" G_GINT64_FORMAT, since);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *samples;
  guint status;
  gsize size;
  const char *text;

  body = request (f, "GET", path, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = g_bytes_get_data (body, &size);
  samples = seye_history_samples_from_json (text, size, &error);
  g_assert_no_error (error);

  return samples;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);

  return G_SOURCE_REMOVE;
}

static void
sleep_in_loop (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop_cb, loop);
  g_main_loop_run (loop);
}

static void
test_history_grows (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) first = get_history (f, 0);
  g_autoptr (GPtrArray) second = NULL;
  g_autoptr (GPtrArray) newer = NULL;
  SeyeSample *last;

  g_assert_cmpuint (first->len, >=, 1);
  sleep_in_loop (1300);
  second = get_history (f, 0);
  /* 0.25 s interval: about 5 more samples in 1.3 s. */
  g_assert_cmpuint (second->len, >=, first->len + 3);
  g_assert_cmpuint (second->len, <=, first->len + 7);

  last = g_ptr_array_index (first, first->len - 1);
  newer = get_history (f, last->time_ms);
  g_assert_cmpuint (newer->len, ==, second->len - first->len);
  for (guint i = 0; i < newer->len; i++)
    g_assert_cmpint (((SeyeSample *) newer->pdata[i])->time_ms, >, last->time_ms);

  /* Once a delta exists, CPU is measured and within bounds. */
  last = g_ptr_array_index (second, second->len - 1);
  g_assert_cmpfloat (last->cpu.busy, >=, 0.0);
  g_assert_cmpfloat (last->cpu.busy, <=, 100.0);
  g_assert_cmpfloat_with_epsilon (last->interval, 0.25, 0.1);
}

static void
assert_same_sample (SeyeSample *a,
                    SeyeSample *b)
{
  g_assert_cmpint (a->time_ms, ==, b->time_ms);
  g_assert_cmpint (a->parts, ==, b->parts);
  g_assert_cmpfloat (a->cpu.busy, ==, b->cpu.busy);
  g_assert_cmpuint (a->memory.used, ==, b->memory.used);
  g_assert_cmpfloat (a->load[0], ==, b->load[0]);
  g_assert_cmpuint (a->procs_total, ==, b->procs_total);
  g_assert_cmpfloat (a->net_rx_bytes_per_sec, ==, b->net_rx_bytes_per_sec);
}

/* Past 120 samples the agent deflates the older ones in blocks of 60: what it serves
 * from them is what it served before, in order, and "since" inside a block works. */
static void
test_history_blocks (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GPtrArray) early = NULL;
  g_autoptr (GPtrArray) later = NULL;
  g_autoptr (GPtrArray) tail = NULL;
  SeyeSample *cut;

  sleep_in_loop (8000);
  early = get_history (f, 0);
  g_assert_cmpuint (early->len, >=, 20);

  /* 0.25 s interval: 140 samples or more, so at least one block. */
  sleep_in_loop (27000);
  later = get_history (f, 0);
  g_assert_cmpuint (later->len, >=, 130);
  g_test_message ("%u samples served, %u of them taken before the first block was made",
                  later->len, early->len);

  for (guint i = 0; i < early->len; i++)
    assert_same_sample (g_ptr_array_index (early, i), g_ptr_array_index (later, i));
  for (guint i = 1; i < later->len; i++)
    g_assert_cmpint (((SeyeSample *) later->pdata[i])->time_ms, >,
                     ((SeyeSample *) later->pdata[i - 1])->time_ms);

  /* From inside the first block. */
  cut = g_ptr_array_index (later, 15);
  tail = get_history (f, cut->time_ms);
  g_assert_cmpuint (tail->len, >=, later->len - 16);
  for (guint i = 0; i + 16 < later->len; i++)
    assert_same_sample (g_ptr_array_index (tail, i), g_ptr_array_index (later, i + 16));
}

static void
test_head (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  guint status;

  body = request (f, "HEAD", "/v1/metrics", &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

/* Streams ------------------------------------------------------------------ */

/* GET /v1/stream (with @query), read line by line. */
static GDataInputStream *
open_stream (SoupSession   *session,
             SeyeTestAgent *agent,
             const char    *query,
             guint         *status)
{
  g_autofree char *uri = g_strconcat (agent->base_uri, "/v1/stream", query, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GError) error = NULL;

  in = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (*status == 200)
    g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                     ==, "application/x-ndjson");

  return g_data_input_stream_new (in);
}

/* The next line; *heartbeats counts the empty ones before it. NULL at the end. */
static char *
read_line (GDataInputStream *in,
           guint            *heartbeats)
{
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL || line[0] != '\0')
        return line;

      g_free (line);
      if (heartbeats != NULL)
        (*heartbeats)++;
    }
}

static SeyeSample *
read_sample (GDataInputStream *in,
             guint            *heartbeats)
{
  g_autofree char *line = read_line (in, heartbeats);
  g_autoptr (GError) error = NULL;
  SeyeSample *sample;

  g_assert_nonnull (line);
  sample = seye_sample_from_json (line, -1, &error);
  g_assert_no_error (error);

  return sample;
}

static gboolean
last_full_has_lists (GDataInputStream *in)
{
  g_autoptr (SeyeSample) sample = read_sample (in, NULL);

  return (sample->parts & SEYE_SAMPLE_NETWORK) && sample->interfaces->len > 0;
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  gint64 last;
  guint status;

  in = open_stream (f->session, f->agent, "", &status);
  g_assert_cmpuint (status, ==, 200);

  /* The latest sample at once, then every one as it is taken: 0.25 s apart. */
  first = read_sample (in, NULL);
  g_assert_true (first->parts & SEYE_SAMPLE_CPU);
  g_assert_cmpuint (first->cores->len, ==, g_get_num_processors ());
  last = first->time_ms;
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr (SeyeSample) sample = read_sample (in, NULL);

      g_assert_cmpint (sample->time_ms, >, last);
      g_assert_cmpint (sample->time_ms - last, <, 1000);
      g_assert_cmpfloat_with_epsilon (sample->interval, 0.25, 0.1);
      last = sample->time_ms;
    }

  /* The whole sample, lists included (loopback at least). */
  g_assert_true (last_full_has_lists (in));

  /* A HEAD says what a GET would be, without a body. */
  body = request (f, "HEAD", "/v1/stream", &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

/* ?view=totals and ?view=compact: the same samples without the lists. */
static void
test_stream_views (Fixture       *f,
                   gconstpointer  data)
{
  /* Three streams at once: more connections than a session makes by default. */
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, "max-conns-per-host", 8,
                                                                   NULL);
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (GDataInputStream) compact = NULL;
  g_autoptr (GDataInputStream) full = NULL;
  gint64 last = 0;
  guint status;

  in = open_stream (session, f->agent, "?view=totals", &status);
  g_assert_cmpuint (status, ==, 200);
  compact = open_stream (session, f->agent, "?view=compact", &status);
  g_assert_cmpuint (status, ==, 200);
  full = open_stream (session, f->agent, "?view=full", &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (SeyeSample) sample = read_sample (in, NULL);
      g_autoptr (SeyeSample) small = read_sample (compact, NULL);
      g_autoptr (SeyeSample) whole = read_sample (full, NULL);

      g_assert_cmpint (sample->time_ms, >, last);
      last = sample->time_ms;
      g_assert_true (sample->parts & SEYE_SAMPLE_CPU);
      g_assert_cmpuint (sample->cores->len, ==, g_get_num_processors ());
      g_assert_true (sample->parts & SEYE_SAMPLE_NETWORK);
      g_assert_cmpuint (sample->interfaces->len, ==, 0);
      g_assert_false (sample->parts & SEYE_SAMPLE_FILESYSTEMS);

      /* The same moments: the totals of the whole sample. */
      g_assert_cmpint (whole->time_ms, ==, sample->time_ms);
      g_assert_cmpuint (whole->interfaces->len, >, 0);
      g_assert_cmpfloat (whole->net_rx_bytes_per_sec, ==, sample->net_rx_bytes_per_sec);
      g_assert_cmpfloat (whole->cpu.busy, ==, sample->cpu.busy);
      g_assert_cmpuint (whole->memory.used, ==, sample->memory.used);

      g_assert_cmpint (small->time_ms, ==, sample->time_ms);
      g_assert_cmpint (small->parts, ==, sample->parts);
      g_assert_cmpuint (small->cores->len, ==, whole->cores->len);
      g_assert_cmpfloat (g_array_index (small->cores, SeyeCpuStat, 0).busy, ==,
                         g_array_index (whole->cores, SeyeCpuStat, 0).busy);
      g_assert_cmpfloat (small->cpu.busy, ==, whole->cpu.busy);
      g_assert_cmpuint (small->memory.available, ==, whole->memory.available);
      g_assert_cmpfloat (small->load[2], ==, whole->load[2]);
      g_assert_cmpuint (small->threads, ==, whole->threads);
      g_assert_cmpfloat (small->net_tx_bytes_per_sec, ==, whole->net_tx_bytes_per_sec);
      g_assert_cmpfloat (small->disk_read_bytes_per_sec, ==, whole->disk_read_bytes_per_sec);
    }
}

/* ?full_every=N: every Nth line of a compact stream is whole, the first included,
 * so a client sees the lists (filesystems, interfaces) without their cost each time. */
static void
test_stream_full_every (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (GDataInputStream) in = NULL;
  guint status;

  in = open_stream (session, f->agent, "?view=compact&full_every=3", &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr (SeyeSample) sample = read_sample (in, NULL);

      g_assert_true (sample->parts & SEYE_SAMPLE_CPU);
      g_assert_cmpint (!!(sample->parts & SEYE_SAMPLE_FILESYSTEMS), ==, i % 3 == 0);
    }
}

static void
test_stream_interval (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (GDataInputStream) slow = NULL;
  g_autoptr (SeyeSample) first = NULL;
  g_autoptr (SeyeSample) next = NULL;
  guint heartbeats = 0;
  guint status;
  gint64 last;

  /* Every fourth sample for a client that wants one a second (0.25 s between samples;
   * half a sampling interval of slack). */
  in = open_stream (f->session, f->agent, "?interval=1", &status);
  g_assert_cmpuint (status, ==, 200);
  first = read_sample (in, NULL);
  last = first->time_ms;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (SeyeSample) sample = read_sample (in, NULL);

      g_assert_cmpint (sample->time_ms - last, >=, 875);
      last = sample->time_ms;
    }

  /* Five seconds between samples: empty lines in between say the stream is alive. */
  slow = open_stream (f->session, f->agent, "?interval=5", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&first, seye_sample_unref);
  first = read_sample (slow, NULL);
  next = read_sample (slow, &heartbeats);
  g_assert_cmpint (next->time_ms - first->time_ms, >=, 4875);
  g_assert_cmpuint (heartbeats, >=, 1);
}

static gboolean
log_has_drop (SeyeTestAgent *agent)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return strstr (agent->log->str, "dropping a stream") != NULL;
}

/* A client that asks for the stream and never reads: it must not hold the
 * agent up, and it is dropped once it is too far behind. */
static void
test_stream_stalled_reader (void)
{
  static const char request_text[] = "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (GSocket) stalled = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  gint64 last = 0;
  gint64 worst_gap = 0;
  gsize drained = 0;
  guint samples = 0;
  char buf[4096];
  gssize n;

  /* Its debug log says when it drops a reader (meson test turns every debug log on). */
  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "seye-agent", TRUE);
  agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25", NULL);
  session = soup_session_new_with_options ("timeout", 5, NULL);

  /* A small receive window, so the agent's side fills up sooner. */
  stalled = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_option (stalled, SOL_SOCKET, SO_RCVBUF, 2048, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", agent->port);
  g_socket_connect (stalled, address, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_socket_send (stalled, request_text, sizeof request_text - 1, NULL, &error), ==,
                   sizeof request_text - 1);
  g_assert_no_error (error);

  /* Meanwhile another reader gets every sample, on time, until the agent gives up
   * on the stalled one. */
  in = open_stream (session, agent, "", &(guint) { 0 });
  while (!log_has_drop (agent) && g_get_monotonic_time () < deadline)
    {
      g_autoptr (SeyeSample) sample = read_sample (in, NULL);

      if (last != 0)
        {
          g_assert_cmpint (sample->time_ms, >, last);
          worst_gap = MAX (worst_gap, sample->time_ms - last);
        }
      last = sample->time_ms;
      samples++;
    }

  g_test_message ("the stalled reader was dropped after %u samples; worst gap between samples %"
                  G_GINT64_FORMAT " ms", samples, worst_gap);
  g_assert_true (log_has_drop (agent));
  /* Samples every 0.25 s all along: never a whole second without one. */
  g_assert_cmpint (worst_gap, <, 1000);

  /* What the stalled one finds when it reads at last: what was in flight, then the end. */
  g_socket_set_timeout (stalled, 5);
  while ((n = g_socket_receive (stalled, buf, sizeof buf, NULL, &error)) > 0)
    drained += n;
  g_assert_no_error (error);
  g_test_message ("it had %" G_GSIZE_FORMAT " bytes to read before the end", drained);
  g_assert_cmpuint (drained, <, 256 * 1024);

  /* And the agent goes on. */
  {
    g_autoptr (SeyeSample) sample = read_sample (in, NULL);

    g_assert_cmpint (sample->time_ms, >, last);
  }
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Streams are bounded: half the connections at most. */
static void
test_stream_limit (void)
{
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GDataInputStream) one = NULL;
  g_autoptr (GDataInputStream) two = NULL;
  g_autoptr (GDataInputStream) three = NULL;
  g_autoptr (SeyeSample) sample = NULL;
  g_autofree char *line = NULL;
  guint status;

  agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25", "--max-connections", "4", NULL);
  session = soup_session_new_with_options ("timeout", 5, "max-conns-per-host", 8, NULL);

  one = open_stream (session, agent, "", &status);
  g_assert_cmpuint (status, ==, 200);
  two = open_stream (session, agent, "", &status);
  g_assert_cmpuint (status, ==, 200);

  three = open_stream (session, agent, "", &status);
  g_assert_cmpuint (status, ==, 503);
  line = read_line (three, NULL);
  g_assert_nonnull (strstr (line, "serves 2 streams already"));

  /* The two go on. */
  sample = read_sample (two, NULL);
  g_clear_pointer (&sample, seye_sample_unref);
  sample = read_sample (one, NULL);

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* Tests with their own agents ---------------------------------------------- */

static void
test_missing_proc_files (void)
{
  g_autofree char *root = g_test_build_filename (G_TEST_DIST, "data", "proc", "missing", NULL);
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SeyeSample) sample = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *first;

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_fail_printf ("recorded tree %s is missing", root);
      return;
    }

  agent = seye_test_agent_start ("--no-mdns", "--root", root, "--interval", "0.25",
                                 "--node-id", NODE_ID, NULL);
  sleep_in_loop (1000);

  uri = g_strconcat (agent->base_uri, "/v1/metrics", NULL);
  msg = soup_message_new ("GET", uri);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  sample = seye_sample_from_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_assert_true (sample->parts & SEYE_SAMPLE_CPU);
  g_assert_false (sample->parts & SEYE_SAMPLE_MEMORY);

  /* Said once, not every tick (four ticks have passed). */
  first = strstr (agent->log->str, "meminfo");
  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, "meminfo"));
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/seye/agent/node", Fixture, NULL, fixture_setup, test_node, fixture_teardown);
  g_test_add ("/seye/agent/metrics", Fixture, NULL, fixture_setup, test_metrics, fixture_teardown);
  g_test_add ("/seye/agent/index-and-prometheus", Fixture, NULL, fixture_setup,
              test_index_and_prometheus, fixture_teardown);
  g_test_add ("/seye/agent/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/seye/agent/request-body-refused", Fixture, NULL, fixture_setup,
              test_request_body_refused, fixture_teardown);
  g_test_add ("/seye/agent/malformed-http", Fixture, NULL, fixture_setup, test_malformed_http,
              fixture_teardown);
  g_test_add ("/seye/agent/keep-alive", Fixture, NULL, fixture_setup, test_keep_alive,
              fixture_teardown);
  g_test_add ("/seye/agent/history-grows", Fixture, NULL, fixture_setup, test_history_grows,
              fixture_teardown);
  g_test_add ("/seye/agent/history-blocks", Fixture, NULL, fixture_setup, test_history_blocks,
              fixture_teardown);
  g_test_add ("/seye/agent/head", Fixture, NULL, fixture_setup, test_head, fixture_teardown);
  g_test_add ("/seye/agent/stream", Fixture, NULL, fixture_setup, test_stream, fixture_teardown);
  g_test_add ("/seye/agent/stream-views", Fixture, NULL, fixture_setup, test_stream_views,
              fixture_teardown);
  g_test_add ("/seye/agent/stream-full-every", Fixture, NULL, fixture_setup, test_stream_full_every,
              fixture_teardown);
  g_test_add ("/seye/agent/stream-interval", Fixture, NULL, fixture_setup, test_stream_interval,
              fixture_teardown);
  g_test_add_func ("/seye/agent/stream-stalled-reader", test_stream_stalled_reader);
  g_test_add_func ("/seye/agent/stream-limit", test_stream_limit);
  g_test_add_func ("/seye/agent/missing-proc-files", test_missing_proc_files);

  return g_test_run ();
}
