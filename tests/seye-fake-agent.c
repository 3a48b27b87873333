/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fake-agent"

/*
 * seye-fake-agent: a node that is not what it says, for the tests, as a
 * hostile neighbour would run one. Two kinds:
 *
 * A look-alike (--node-id) answers /v1/node with the node id it is told to
 * claim (and a machine of its own: another host name and boot time) and
 * /v1/metrics with numbers no real node has (CPU 99.99 %, load 66.6), plain or
 * over HTTPS with a certificate of its own. It may announce itself over mDNS
 * with that id (avahi-publish), and it may drip: answer /v1/node, then send a
 * byte now and then on /v1/metrics and /v1/stream, never a sample.
 *
 * A hostile node (--relay, seye-test-hostile.h) says hostile things about
 * itself: its /v1/node is the real agent's at BACKEND with every string
 * replaced by SEYE_TEST_HOSTILE_ALL; the rest is the real agent's answer. With
 * --unavailable it answers every request with HTTP 503 and that reason phrase.
 * It runs in a process of its own: a `seye` that exits with a request under way
 * leaves libsoup 3.2 a server connection it never frees, which LeakSanitizer
 * would blame on the test.
 *
 *   seye-fake-agent --bind 127.0.0.1 --port 0 --node-id ID [--name NAME] [--tls]
 *                   [--announce] [--drip]
 *   seye-fake-agent --bind 127.0.0.1 --port 0 --relay BACKEND [--unavailable REASON]
 *
 * Prints "Listening on http(s)://ADDRESS:PORT" on stderr (as the agent does),
 * "mDNS: announced" once avahi-publish has established the service, and a line
 * "request PATH token=yes|no" for every request.
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "seye-credentials.h"
#include "seye-json.h"
#include "seye-sample.h"
#include "seye-test-hostile.h"

#define DRIP_MS 200

static char *opt_bind = (char *) "127.0.0.1";
static int opt_port;
static char *opt_node_id;
static char *opt_name = (char *) "look-alike";
static gboolean opt_tls;
static gboolean opt_announce;
static gboolean opt_drip;
static char *opt_relay;
static char *opt_unavailable;

static const GOptionEntry entries[] = {
  { "bind", 0, 0, G_OPTION_ARG_STRING, &opt_bind, "Address to listen on", "ADDRESS" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "Port (0: a free one)", "PORT" },
  { "node-id", 0, 0, G_OPTION_ARG_STRING, &opt_node_id, "The node id to claim", "ID" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, "The name to announce", "NAME" },
  { "tls", 0, 0, G_OPTION_ARG_NONE, &opt_tls, "HTTPS with a certificate of its own", NULL },
  { "announce", 0, 0, G_OPTION_ARG_NONE, &opt_announce, "Announce it over mDNS", NULL },
  { "drip", 0, 0, G_OPTION_ARG_NONE, &opt_drip, "Never send a sample: drip bytes instead", NULL },
  { "relay", 0, 0, G_OPTION_ARG_STRING, &opt_relay, "Be the agent at BACKEND, hostile", "BACKEND" },
  /* A filename: its bytes as they are, whatever the locale says of them. */
  { "unavailable", 0, 0, G_OPTION_ARG_FILENAME, &opt_unavailable, "Answer 503 with REASON",
    "REASON" },
  { NULL }
};

static GPtrArray *dripping;         /* SoupServerMessage */
static GBytes *hostile_node_json;   /* --relay: what /v1/node answers */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The hostile node ---------------------------------------------------------- */

static void
hostile_handler_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) upstream = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *uri = NULL;
  const char *query_text;

  /* One request per connection: libsoup 3.2 leaks a server connection that the
   * client closes while it is idle, and the client here is a `seye` that exits. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  if (opt_unavailable != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, opt_unavailable);
      return;
    }

  if (g_str_equal (path, "/v1/node"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (hostile_node_json, NULL),
                                        g_bytes_get_size (hostile_node_json));
      return;
    }

  if (g_str_equal (path, "/v1/stream"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  /* The rest from the real agent (the loop waits meanwhile: it serves one client). */
  query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  uri = g_strconcat (opt_relay, path, query_text ? "?" : "", query_text ? query_text : "", NULL);
  session = soup_session_new ();
  upstream = soup_message_new (SOUP_METHOD_GET, uri);
  body = soup_session_send_and_read (session, upstream, NULL, NULL);
  soup_server_message_set_status (msg, soup_message_get_status (upstream), NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* Every string member of @backend's /v1/node replaced (node_id, the one that is checked, kept). */
static GBytes *
hostile_node_json_new (const char *backend)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (backend, "/v1/node", NULL);
  g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *object;
  char *text;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (object, "name", SEYE_TEST_HOSTILE_NAME);
  json_object_set_string_member (object, "hostname", SEYE_TEST_HOSTILE_ALL);
  json_object_set_string_member (object, "os", SEYE_TEST_HOSTILE_ALL);
  json_object_set_string_member (object, "kernel", SEYE_TEST_HOSTILE_ALL);
  json_object_set_string_member (object, "arch", SEYE_TEST_HOSTILE_ALL);
  json_object_set_string_member (object, "cpu_model", SEYE_TEST_HOSTILE_ALL);
  json_object_set_string_member (object, "agent_version", SEYE_TEST_HOSTILE_ALL);
  text = json_to_string (json_parser_get_root (parser), FALSE);

  return g_bytes_new_take (text, strlen (text));
}

/* The look-alike ------------------------------------------------------------ */

static void
drip_finished_cb (SoupServerMessage *msg,
                  gpointer           data)
{
  g_ptr_array_remove (dripping, msg);
}

static gboolean
drip_cb (gpointer data)
{
  for (guint i = 0; i < dripping->len; i++)
    {
      SoupServerMessage *msg = dripping->pdata[i];

      /* Whitespace: JSON that never ends, or empty lines of a stream. */
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, "\n", 1);
      soup_server_message_unpause (msg);
    }

  return G_SOURCE_CONTINUE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (request, "Authorization");
  g_autoptr (GString) body = g_string_new (NULL);

  g_printerr ("request %s token=%s\n", path, auth != NULL ? "yes" : "no");

  if (g_str_equal (path, "/v1/node"))
    {
      g_autoptr (SeyeNodeInfo) info = seye_node_info_new ();

      info->node_id = g_strdup (opt_node_id);
      info->name = g_strdup (opt_name);
      info->hostname = g_strdup ("look-alike");
      info->os_name = g_strdup ("Fake OS");
      info->kernel = g_strdup ("6.6.6");
      info->arch = g_strdup ("x86_64");
      info->cpu_model = g_strdup ("fake");
      info->n_cores = 1;
      info->agent_version = g_strdup ("0.1.0");
      info->api_version = 1;
      info->interval = 0.5;
      info->boot_time = 1600000000;
      seye_json_write_node_info (body, info);
    }
  else if (opt_drip && (g_str_equal (path, "/v1/metrics") || g_str_equal (path, "/v1/stream")))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "application/json", NULL);
      g_ptr_array_add (dripping, msg);
      g_signal_connect (msg, "finished", G_CALLBACK (drip_finished_cb), NULL);
      soup_server_message_pause (msg);
      return;
    }
  else if (g_str_equal (path, "/v1/metrics"))
    {
      g_autoptr (SeyeSample) sample = seye_sample_new ();

      sample->time_ms = g_get_real_time () / 1000;
      sample->interval = 0.5;
      sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_LOAD;
      sample->cpu.id = -1;
      sample->cpu.busy = 99.99;
      sample->cpu.user = 99.99;
      sample->load[0] = 66.6;
      sample->load[1] = 66.6;
      sample->load[2] = 66.6;
      seye_json_write_sample (body, sample);
    }
  else if (g_str_equal (path, "/v1/history"))
    {
      g_string_append (body, "{\"schema\":1,\"samples\":[]}");
    }
  else
    {
      /* No /v1/stream: the monitor polls /v1/metrics. */
      g_autofree char *error = seye_json_error_body (404, "not found");

      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, error, strlen (error));
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

/* A certificate of its own, made as the agent makes one. */
static GTlsCertificate *
make_certificate (const char *dir)
{
  g_autofree char *cert = g_build_filename (dir, "fake.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "fake.key", NULL);
  const char *certgen = g_getenv ("SEYE_AGENT_CERTGEN");
  const char *argv[] = { certgen, "--certificate", cert, "--key", key, "--hostname", "look-alike", NULL };
  g_autoptr (GError) error = NULL;
  GTlsCertificate *certificate;
  int status = 0;

  if (certgen == NULL)
    g_error ("SEYE_AGENT_CERTGEN is not set");

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("certgen: %s", error->message);

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  if (certificate == NULL)
    g_error ("certificate: %s", error->message);

  return certificate;
}

static void
announced_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                                                NULL, NULL);

  if (line == NULL)
    {
      g_object_unref (source);
      return;
    }

  if (strstr (line, "Established") != NULL)
    g_printerr ("mDNS: announced\n");

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       announced_cb, NULL);
}

static GSubprocess *
announce (guint16     port,
          const char *fingerprint)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *id = g_strconcat ("id=", opt_node_id, NULL);
  g_autofree char *tls = fingerprint ? g_strconcat ("tls=", fingerprint, NULL) : NULL;
  const char *argv[] = { "avahi-publish", "-s", opt_name, "_sorcerers-eye._tcp", port_text,
                         "txtvers=1", id, "api=1", "version=0.1.0", tls, NULL };
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("avahi-publish: %s", error->message);

  g_data_input_stream_read_line_async (g_data_input_stream_new (g_subprocess_get_stderr_pipe (process)),
                                       G_PRIORITY_DEFAULT, NULL, announced_cb, NULL);

  return process;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- a look-alike agent for the tests");
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GSubprocess) publisher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *fingerprint = NULL;
  GSList *uris;
  guint16 port;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_node_id == NULL && opt_relay == NULL)
    g_error ("--node-id or --relay is needed");
  if (opt_relay != NULL && (opt_node_id != NULL || opt_tls || opt_announce || opt_drip))
    g_error ("--relay goes with --unavailable only");

  dripping = g_ptr_array_new ();

  if (opt_tls)
    {
      dir = g_dir_make_tmp ("seye-fake-agent-XXXXXX", &error);
      g_assert_no_error (error);
      certificate = make_certificate (dir);
      fingerprint = seye_tls_certificate_fingerprint (certificate);
    }

  server = soup_server_new ("tls-certificate", certificate, NULL);
  if (opt_relay != NULL)
    {
      if (opt_unavailable == NULL)
        hostile_node_json = hostile_node_json_new (opt_relay);
      soup_server_add_handler (server, NULL, hostile_handler_cb, NULL, NULL);
    }
  else
    soup_server_add_handler (server, NULL, handler_cb, NULL, NULL);
  address = g_inet_socket_address_new_from_string (opt_bind, opt_port);
  if (!soup_server_listen (server, address, opt_tls ? SOUP_SERVER_LISTEN_HTTPS : 0, &error))
    g_error ("listen: %s", error->message);

  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_printerr ("Listening on %s://%s:%u\n", opt_tls ? "https" : "http", opt_bind, port);

  if (opt_announce)
    publisher = announce (port, fingerprint);

  if (opt_drip)
    g_timeout_add (DRIP_MS, drip_cb, NULL);

  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  if (publisher != NULL)
    g_subprocess_send_signal (publisher, SIGTERM);

  if (dir != NULL)
    {
      g_autofree char *cert = g_build_filename (dir, "fake.pem", NULL);
      g_autofree char *key = g_build_filename (dir, "fake.key", NULL);

      g_remove (cert);
      g_remove (key);
      g_rmdir (dir);
    }

  return 0;
}
