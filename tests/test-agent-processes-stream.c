/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "seye-json.h"
#include "seye-test-util.h"

/*
 * GET /v1/stream?processes=N against real agent processes: each line carries
 * the top N processes in every view; such a stream keeps the scanner running
 * with no request at all, and scans stop a few seconds after it closes (the
 * agent's debug log names every scan); streams that do not ask get the lines
 * they always had and cost no scan; the queries are checked.
 */

/* SEYE_AGENT_PROCESSES_MAX_LISTS: different lists streamed at once. */
#define MAX_PROCESS_LISTS 8

/* GET /v1/stream@query, read line by line. */
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

  return g_data_input_stream_new (in);
}

/* The next line that is not a heartbeat. */
static char *
read_line (GDataInputStream *in)
{
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (line[0] != '\0')
        return line;
      g_free (line);
    }
}

/* The top processes of a line: the member of an object view, the place after
 * the sample's of the compact one. NULL for null (the first window has not
 * passed). The line is a sample as before too. */
static JsonObject *
top_processes_of (JsonParser *parser,
                  const char *line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeSample) sample = seye_sample_from_json (line, -1, &error);
  JsonNode *root, *top;

  g_assert_no_error (error);
  g_assert_true (sample->parts & SEYE_SAMPLE_CPU);

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 11);
      top = json_array_get_element (json_node_get_array (root), 10);
    }
  else
    {
      g_assert_true (json_object_has_member (json_node_get_object (root), "top_processes"));
      top = json_object_get_member (json_node_get_object (root), "top_processes");
    }

  return JSON_NODE_HOLDS_NULL (top) ? NULL : json_node_get_object (top);
}

/* Reads lines until one carries a list (at most @max_lines), and checks it. */
static void
read_top_processes (GDataInputStream *in,
                    guint             limit,
                    guint             max_lines)
{
  for (guint i = 0; i < max_lines; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autofree char *line = read_line (in);
      JsonObject *top = top_processes_of (parser, line);
      JsonArray *processes;

      if (top == NULL)
        continue;

      processes = json_object_get_array_member (top, "processes");
      g_assert_cmpuint (json_array_get_length (processes), ==, limit);
      g_assert_cmpfloat (json_object_get_double_member (top, "interval"), >, 0);
      g_assert_cmpint (json_object_get_int_member (top, "total"), >=, limit);
      g_assert_true (json_object_has_member (top, "not_readable"));
      for (guint p = 0; p < limit; p++)
        {
          JsonObject *process = json_array_get_object_element (processes, p);

          g_assert_cmpint (json_object_get_int_member (process, "pid"), >, 0);
          g_assert_true (json_object_has_member (process, "cpu_percent"));
          /* Never argv in a stream. */
          g_assert_false (json_object_has_member (process, "argv"));
        }
      return;
    }

  g_error ("no line with the top processes in %u lines", max_lines);
}

/* The N of the agent's last "processes: scan N" (0: none yet). */
static guint64
last_scan (SeyeTestAgent *agent)
{
  const char *last;

  /* Let the log catch up. */
  seye_test_agent_wait_log (agent, "\n\n\n", 100);
  last = g_strrstr (agent->log->str, "processes: scan ");

  return last ? g_ascii_strtoull (last + strlen ("processes: scan "), NULL, 10) : 0;
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

static gboolean
stopped_twice_cb (gpointer data)
{
  SeyeTestAgent *agent = data;

  return count (agent->log->str, "scans stop") == 2;
}

/* A stream with processes=3: every view carries 3 processes; the scanner runs
 * for as long as it is open, with no request, and stops after it closes. */
static void
test_stream_watches (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25",
                                                           "--rate-limit", "0", NULL);
  static const char * const views[] = { "", "&view=totals", "&view=compact", "&view=compact&full_every=2" };
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *next = NULL;
  gint64 deadline;
  guint64 scans;
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autoptr (SoupSession) other = soup_session_new_with_options ("timeout", 5, NULL);
      g_autofree char *query = g_strconcat ("?processes=3", views[i], NULL);
      g_autoptr (GDataInputStream) stream = open_stream (other, agent, query, &status);

      g_test_message ("%s", query);
      g_assert_cmpuint (status, ==, 200);
      read_top_processes (stream, 3, 8);
      /* Every line has them, the whole ones of full_every too. */
      read_top_processes (stream, 3, 1);
      read_top_processes (stream, 3, 1);
    }

  /* Those streams closed: scans stop. */
  g_assert_true (seye_test_agent_wait_log (agent, "scans stop", 10000));

  /* Only a stream, never a request: scans go on well past the 5 s a request keeps them. */
  scans = last_scan (agent);
  in = open_stream (session, agent, "?processes=3&process_sort=memory", &status);
  g_assert_cmpuint (status, ==, 200);
  deadline = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    read_top_processes (in, 3, 4);
  g_test_message ("%" G_GUINT64_FORMAT " scans, then %" G_GUINT64_FORMAT " 8 s later", scans,
                  last_scan (agent));
  g_assert_cmpuint (last_scan (agent), >=, scans + 8);
  g_assert_cmpuint (count (agent->log->str, "scans stop"), ==, 1);

  /* Closed: scans stop within about 5 s, and no other follows. */
  g_clear_object (&in);
  g_clear_object (&session);
  g_assert_true (seye_test_wait_until (stopped_twice_cb, agent, 10000));
  next = g_strdup_printf ("processes: scan %" G_GUINT64_FORMAT "\n", last_scan (agent) + 1);
  g_assert_false (seye_test_agent_wait_log (agent, next, 2500));
}

/* Streams that do not ask for processes: the lines they always had, and no scan. */
static void
test_stream_without (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--interval", "0.25",
                                                           "--rate-limit", "0", NULL);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, "max-conns-per-host", 4,
                                                                   NULL);
  g_autoptr (GDataInputStream) full = open_stream (session, agent, "", &(guint) { 0 });
  g_autoptr (GDataInputStream) compact = open_stream (session, agent, "?view=compact", &(guint) { 0 });

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autofree char *line = read_line (full);
      g_autofree char *small = read_line (compact);
      g_autoptr (GError) error = NULL;

      g_assert_null (strstr (line, "top_processes"));
      json_parser_load_from_data (parser, small, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 10);
    }
  g_assert_false (seye_test_agent_wait_log (agent, "processes: scan", 500));

  /* A HEAD says what a GET would be and takes no scan either. */
  {
    g_autofree char *uri = g_strconcat (agent->base_uri, "/v1/stream?processes=3", NULL);
    g_autoptr (SoupMessage) msg = soup_message_new ("HEAD", uri);
    g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_false (seye_test_agent_wait_log (agent, "processes: scan", 500));
  }
}

/* Wrong values: 400 with the reason, and no scan. A ninth different list: 503. */
static void
test_stream_queries (void)
{
  g_autoptr (SeyeTestAgent) agent = seye_test_agent_start ("--no-mdns", "--rate-limit", "0", NULL);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 5, "max-conns-per-host", 16,
                                                                   NULL);
  static const struct {
    const char *query;
    const char *reason;
  } bad[] = {
    { "?processes=0", "“processes” must be a whole number from 1 to 200" },
    { "?processes=201", "“processes” must be" },
    { "?processes=-1", "“processes” must be" },
    { "?processes=+5", "“processes” must be" },
    { "?processes=1e2", "“processes” must be" },
    { "?processes=", "“processes” must be" },
    { "?processes=three", "“processes” must be" },
    { "?processes=3&processes=4", "given more than once" },
    { "?processes=3&process_sort=pid", "“process_sort” must be cpu, memory or io" },
    { "?processes=3&process_sort=", "“process_sort” must be" },
    { "?process_sort=cpu", "“process_sort” goes with “processes”" },
    { "?processes=3&view=some", "“view” must be" },
  };
  GPtrArray *streams = g_ptr_array_new_with_free_func (g_object_unref);
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GDataInputStream) in = open_stream (session, agent, bad[i].query, &status);
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      g_test_message ("%s → %u %s", bad[i].query, status, line);
      g_assert_cmpuint (status, ==, 400);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "{\"error\":{\"status\":400,\"message\":\""));
      g_assert_nonnull (strstr (line, bad[i].reason));
    }
  g_assert_false (seye_test_agent_wait_log (agent, "processes: scan", 300));

  /* Eight different lists at once; a ninth is refused, one of the eight again is not. */
  for (guint i = 1; i <= MAX_PROCESS_LISTS; i++)
    {
      g_autofree char *query = g_strdup_printf ("?processes=%u&process_sort=%s", i, i % 2 ? "cpu" : "io");

      g_ptr_array_add (streams, open_stream (session, agent, query, &status));
      g_assert_cmpuint (status, ==, 200);
    }
  {
    g_autoptr (GDataInputStream) ninth = open_stream (session, agent, "?processes=9", &status);
    g_autofree char *line = g_data_input_stream_read_line (ninth, NULL, NULL, NULL);

    g_assert_cmpuint (status, ==, 503);
    g_assert_nonnull (strstr (line, "different process lists"));
  }
  g_ptr_array_add (streams, open_stream (session, agent, "?processes=1", &status));
  g_assert_cmpuint (status, ==, 200);
  read_top_processes (streams->pdata[streams->len - 1], 1, 8);
  read_top_processes (streams->pdata[7], 8, 8);

  g_ptr_array_unref (streams);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The agent logs each scan at debug level. */
  g_setenv ("G_MESSAGES_DEBUG", "seye-agent", TRUE);

  g_test_add_func ("/seye/agent/processes/stream/watches", test_stream_watches);
  g_test_add_func ("/seye/agent/processes/stream/without", test_stream_without);
  g_test_add_func ("/seye/agent/processes/stream/queries", test_stream_queries);

  return g_test_run ();
}
