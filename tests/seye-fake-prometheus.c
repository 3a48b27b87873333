/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fake-prometheus"

/*
 * seye-fake-prometheus: a Prometheus HTTP API as no server should be, for the
 * tests of SeyePrometheusSource (tests/test-prometheus-source.c). It answers
 * /api/v1/status/config (scrape_interval 1s), /api/v1/query (the source's four
 * queries, told apart by their text: per-instance values with partial data, NaN,
 * +Inf and series no server should send; cores; filesystems; identity) and
 * /api/v1/query_range (one node's range, or the recent history of the instances
 * of an `instance=~"a|b"` matcher: ten minutes back from its end, every 10 s), as
 * its mode says: good, stale, error (HTTP 422 with an escape sequence in its
 * words), slow (never answers), huge (larger than the source's cap), garbage (not
 * JSON), auth (HTTP 401), range-error (only query_range answers HTTP 422),
 * range-bad (query_range answers what no server should: NaN, times out of any
 * range, more points than asked, series of instances not asked). GET
 * /control?mode=MODE changes the mode. It runs in a process of its own: libsoup 3.2 leaks server
 * connections (and a listener's address), which LeakSanitizer would blame on the test.
 *
 *   seye-fake-prometheus --bind 127.0.0.1 --port 0 --instances N
 *                        [--first-instance HOST:PORT] [--first-id NODE_ID] [--mode MODE]
 *
 * Prints "Listening on http://ADDRESS:PORT" on stderr (as the agent does) and
 * "request PATH authorization=VALUE" for every request.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "seye-prometheus-source.h"

typedef enum
{
  FAKE_GOOD,
  FAKE_STALE,
  FAKE_ERROR,
  FAKE_SLOW,
  FAKE_HUGE,
  FAKE_GARBAGE,
  FAKE_AUTH,
  FAKE_RANGE_ERROR,
  FAKE_RANGE_BAD,
} FakeMode;

static const char *mode_names[] = { "good", "stale", "error", "slow", "huge", "garbage", "auth",
                                    "range-error", "range-bad", NULL };

typedef struct
{
  FakeMode    mode;
  guint       n_instances;
  char       *first_instance;   /* instance 0, e.g. a real agent's address; NULL: 10.0.0.0:9100 */
  const char *first_id;         /* its node id in seye_node_info; NULL: none */
  GPtrArray  *paused;           /* SoupServerMessage, slow */
} Fake;

static char *opt_bind;
static int opt_port;
static int opt_instances = 1;
static char *opt_first_instance;
static char *opt_first_id;
static char *opt_mode;

static const GOptionEntry entries[] = {
  { "bind", 0, 0, G_OPTION_ARG_STRING, &opt_bind, "Address to listen on", "ADDRESS" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "Port (0: a free one)", "PORT" },
  { "instances", 0, 0, G_OPTION_ARG_INT, &opt_instances, "How many targets", "N" },
  { "first-instance", 0, 0, G_OPTION_ARG_STRING, &opt_first_instance, "The first target's instance", "HOST:PORT" },
  { "first-id", 0, 0, G_OPTION_ARG_STRING, &opt_first_id, "The first target's node id", "ID" },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode, "good, stale, error, slow, huge, garbage or auth", "MODE" },
  { NULL }
};

static gboolean
parse_mode (const char *text,
            FakeMode   *mode)
{
  for (guint i = 0; mode_names[i] != NULL; i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *mode = i;
        return TRUE;
      }

  return FALSE;
}

static char *
instance_name (Fake  *fake,
               guint  i)
{
  if (i == 0 && fake->first_instance != NULL)
    return g_strdup (fake->first_instance);

  return g_strdup_printf ("10.0.%u.%u:9100", i / 250, i % 250);
}

static void
add_series (GString    *out,
            const char *instance,
            const char *labels,
            const char *value)
{
  if (out->str[out->len - 1] != '[')
    g_string_append_c (out, ',');
  g_string_append_printf (out, "{\"metric\":{\"instance\":\"%s\"%s%s},\"value\":[1700000000.5,\"%s\"]}",
                          instance, labels[0] ? "," : "", labels, value);
}

static void
values_answer (Fake    *fake,
               GString *out)
{
  g_autofree char *boot = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - 1000);

  for (guint i = 0; i < fake->n_instances; i++)
    {
      g_autofree char *instance = instance_name (fake, i);

      add_series (out, instance, "\"seye\":\"up\"", "1");
      add_series (out, instance, "\"seye\":\"age\"", fake->mode == FAKE_STALE ? "100" : "0.5");
      add_series (out, instance, "\"seye\":\"mem_total\"", "8000000000");
      if (i == 1)
        {
          /* Partial and NaN: no CPU, no memory available. */
          add_series (out, instance, "\"seye\":\"cpu_busy\"", "NaN");
          add_series (out, instance, "\"seye\":\"load1\"", "+Inf");
          continue;
        }
      add_series (out, instance, "\"seye\":\"cpu_busy\"", "25.5");
      add_series (out, instance, "\"seye\":\"mem_available\"", "6000000000");
      add_series (out, instance, "\"seye\":\"load1\"", "0.5");
      add_series (out, instance, "\"seye\":\"load5\"", "0.25");
      add_series (out, instance, "\"seye\":\"load15\"", "0.125");
      add_series (out, instance, "\"seye\":\"boot_time\"", boot);
    }

  /* What no server should send: left out, nothing else. */
  g_string_append (out, ",{\"metric\":{\"seye\":\"up\"},\"value\":[1,\"1\"]}");
  g_string_append (out, ",{\"metric\":[],\"value\":[1,\"1\"]}");
  g_string_append (out, ",17,{\"metric\":{\"instance\":\"10.0.0.0:9100\",\"seye\":\"load5\"},\"value\":[1,\"bogus\"]}");
}

static void
info_answer (Fake    *fake,
             GString *out)
{
  g_autofree char *instance = instance_name (fake, 0);
  g_autofree char *labels = NULL;

  if (fake->first_id != NULL)
    {
      labels = g_strdup_printf ("\"__name__\":\"seye_node_info\",\"node_id\":\"%s\",\"name\":\"alpha\","
                                "\"tags\":\",web,eu-1,Bad\\u001b,\"", fake->first_id);
      add_series (out, instance, labels, "1");
    }
  add_series (out, instance, "\"__name__\":\"node_uname_info\",\"nodename\":\"alpha-host\"", "1");
}

static void
query_answer (Fake       *fake,
              const char *query,
              GString    *out)
{
  g_autofree char *first = instance_name (fake, 0);

  g_string_append (out, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");

  if (strstr (query, "seye_node_info") != NULL)
    info_answer (fake, out);
  else if (strstr (query, "by (instance, cpu)") != NULL)
    {
      add_series (out, first, "\"cpu\":\"1\"", "30");
      add_series (out, first, "\"cpu\":\"0\"", "20");
    }
  else if (strstr (query, "node_filesystem_size_bytes") != NULL)
    {
      add_series (out, first, "\"mountpoint\":\"/\",\"device\":\"/dev/sda1\",\"fstype\":\"ext4\",\"seye\":\"size\"", "1000");
      add_series (out, first, "\"mountpoint\":\"/\",\"device\":\"/dev/sda1\",\"fstype\":\"ext4\",\"seye\":\"free\"", "400");
    }
  else
    values_answer (fake, out);

  g_string_append (out, "]}}");
}

static void
range_answer (GString *out)
{
  g_string_append (out, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                        "{\"metric\":{\"seye\":\"cpu_busy\"},\"values\":[[1700000000,\"10\"],[1700000060,\"NaN\"],[1700000600,\"30\"]]},"
                        "{\"metric\":{\"seye\":\"mem_total\"},\"values\":[[1700000000,\"100\"],[1700000600,\"100\"]]},"
                        "{\"metric\":{\"seye\":\"mem_available\"},\"values\":[[1700000000,\"75\"],[1700000600,\"50\"]]}"
                        "]}}");
}

/* The instances of the query's `instance=~"a|b"` (PromQL string, then RE2 escapes). */
static GPtrArray *
matched_instances (const char *query)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func (g_free);
  const char *p = strstr (query, "instance=~\"");
  g_autoptr (GString) regex = g_string_new (NULL);
  g_autoptr (GString) one = g_string_new (NULL);

  if (p == NULL)
    return instances;
  for (p += strlen ("instance=~\""); *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      g_string_append_c (regex, *p);
    }

  for (const char *r = regex->str; ; r++)
    {
      if (*r == '\0' || *r == '|')
        {
          g_ptr_array_add (instances, g_strdup (one->str));
          g_string_truncate (one, 0);
          if (*r == '\0')
            break;
          continue;
        }
      if (*r == '\\' && r[1] != '\0')
        r++;
      g_string_append_c (one, *r);
    }

  return instances;
}

/* One series of the recent history of @instance: every 10 s over the ten minutes to @end. */
static void
add_recent (GString    *out,
            const char *instance,
            const char *name,
            const char *value,
            double      end)
{
  if (out->str[out->len - 1] != '[')
    g_string_append_c (out, ',');
  g_string_append_printf (out, "{\"metric\":{\"instance\":\"%s\",\"seye\":\"%s\"},\"values\":[", instance, name);
  for (guint k = 0; k < 60; k++)
    g_string_append_printf (out, "%s[%.3f,\"%s\"]", k > 0 ? "," : "", end - 590 + 10 * k,
                            k == 30 ? "NaN" : value);
  g_string_append (out, "]}");
}

/* What no server should send for @instance: all of it left out or bounded. */
static void
add_bad_recent (GString    *out,
                const char *instance,
                double      end)
{
  g_string_append_printf (out, "%s{\"metric\":{\"instance\":\"%s\",\"seye\":\"cpu_busy\"},\"values\":[",
                          out->str[out->len - 1] != '[' ? "," : "", instance);
  /* Far more times than ten minutes at its step hold, most of them not even whole steps. */
  for (guint k = 0; k < 5000; k++)
    g_string_append_printf (out, "[%.3f,\"%u\"],", end - 500 + 0.1 * k, 50 + k % 7);
  g_string_append (out, "[-1,\"5\"],[1e300,\"5\"],[\"x\",\"5\"],[1,5],[1],17,[1700000000,\"+Inf\"],"
                        "[1700000000,\"bogus\"]]}");
  g_string_append_printf (out, ",{\"metric\":{\"instance\":\"%s\",\"seye\":\"mem_total\"},\"values\":{}}", instance);
  g_string_append (out, ",{\"metric\":\"x\",\"values\":[]},42");
}

static void
recent_answer (Fake       *fake,
               GHashTable *form,
               GString    *out)
{
  const char *query = g_hash_table_lookup (form, "query");
  const char *end_text = g_hash_table_lookup (form, "end");
  double end = end_text != NULL ? g_ascii_strtod (end_text, NULL) : 0;
  g_autoptr (GPtrArray) instances = matched_instances (query);
  g_autofree char *partial = instance_name (fake, 1);

  g_string_append (out, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
  for (guint i = 0; i < instances->len; i++)
    {
      const char *instance = instances->pdata[i];

      if (fake->mode == FAKE_RANGE_BAD)
        {
          add_bad_recent (out, instance, end);
          continue;
        }
      add_recent (out, instance, "mem_total", "100", end);
      /* The partial target: no sample can be made of what it has. */
      if (g_str_equal (instance, partial))
        continue;
      add_recent (out, instance, "cpu_busy", "40", end);
      add_recent (out, instance, "mem_available", "60", end);
    }
  /* An instance not asked for. */
  add_recent (out, "10.9.9.9:9100", "cpu_busy", "99", end);
  g_string_append (out, "]}}");
}

static void
answer (Fake              *fake,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *form,
        GString           *out,
        guint             *status)
{
  switch (fake->mode)
    {
    case FAKE_ERROR:
      *status = 422;
      g_string_append (out, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"too many samples \\u001b[31m\"}");
      break;
    case FAKE_HUGE:
      g_string_append (out, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
      while (out->len < SEYE_PROMETHEUS_MAX_ANSWER + 1024 * 1024)
        g_string_append (out, "{\"metric\":{\"instance\":\"x\"},\"value\":[1,\"1\"]},");
      g_string_append (out, "{}]}}");
      break;
    case FAKE_GARBAGE:
      g_string_append (out, "<html>502 Bad Gateway</html>");
      break;
    case FAKE_AUTH:
      *status = SOUP_STATUS_UNAUTHORIZED;
      g_string_append (out, "Unauthorized");
      break;
    case FAKE_RANGE_ERROR:
      if (g_str_has_suffix (path, "/query_range"))
        {
          *status = 422;
          g_string_append (out, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query timed out\"}");
          break;
        }
      G_GNUC_FALLTHROUGH;
    case FAKE_GOOD:
    case FAKE_STALE:
    case FAKE_SLOW:
    case FAKE_RANGE_BAD:
    default:
      if (g_str_has_suffix (path, "/status/config"))
        g_string_append (out, "{\"status\":\"success\",\"data\":{\"yaml\":\"global:\\n  scrape_interval: 1s\\n  evaluation_interval: 1m\\n\"}}");
      else if (g_str_has_suffix (path, "/query_range") && form != NULL && g_hash_table_lookup (form, "query") != NULL &&
               strstr (g_hash_table_lookup (form, "query"), "instance=~") != NULL)
        recent_answer (fake, form, out);
      else if (g_str_has_suffix (path, "/query_range"))
        range_answer (out);
      else
        query_answer (fake, form != NULL && g_hash_table_lookup (form, "query") ? g_hash_table_lookup (form, "query") : "",
                      out);
      break;
    }
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  Fake *fake = data;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GHashTable) form = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                            "Authorization");
  guint status = SOUP_STATUS_OK;

  g_printerr ("request %s authorization=%s\n", path, authorization ? authorization : "none");

  if (g_str_equal (path, "/control"))
    {
      if (query == NULL || !parse_mode (g_hash_table_lookup (query, "mode"), &fake->mode))
        status = SOUP_STATUS_BAD_REQUEST;
      soup_server_message_set_status (message, status, NULL);
      return;
    }

  if (fake->mode == FAKE_SLOW && !g_str_has_suffix (path, "/status/config"))
    {
      soup_server_message_pause (message);
      g_ptr_array_add (fake->paused, g_object_ref (message));
      return;
    }

  if (body->length > 0)
    {
      g_autoptr (GBytes) bytes = soup_message_body_flatten (body);

      form = soup_form_decode (g_bytes_get_data (bytes, NULL));
    }

  answer (fake, message, path, form, out, &status);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, out->str, out->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- a fake Prometheus HTTP API for the tests");
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  Fake fake = { 0 };
  GSList *uris;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_mode != NULL && !parse_mode (opt_mode, &fake.mode))
    g_error ("no such mode: %s", opt_mode);

  fake.n_instances = (guint) MAX (opt_instances, 0);
  fake.first_instance = opt_first_instance;
  fake.first_id = opt_first_id;
  fake.paused = g_ptr_array_new_with_free_func (g_object_unref);

  soup_server_add_handler (server, NULL, handler_cb, &fake, NULL);
  address = g_inet_address_new_from_string (opt_bind ? opt_bind : "127.0.0.1");
  socket_address = g_inet_socket_address_new (address, (guint16) opt_port);
  if (!soup_server_listen (server, socket_address, 0, &error))
    g_error ("%s", error->message);

  uris = soup_server_get_uris (server);
  g_printerr ("Listening on http://%s:%d\n", opt_bind ? opt_bind : "127.0.0.1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (loop);

  return 0;
}
