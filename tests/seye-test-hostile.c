/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A node that says hostile things about itself (see seye-test-hostile.h). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "seye-test-hostile.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>

/* The server, in its own process ($SEYE_HOSTILE_AGENT, tests/hostile-agent.c): a
 * `seye` that exits with a request under way leaves libsoup 3.2 a server
 * connection it never frees, which LeakSanitizer would blame on the test. */
typedef struct
{
  char   *backend;
  GBytes *node_json;
  char   *reason;
} Hostile;

struct _SeyeTestHostileAgent
{
  GSubprocess *process;
  guint16      port;
};

static void
hostile_handler_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  Hostile *hostile = user_data;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) upstream = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *uri = NULL;
  const char *query_text;

  /* One request per connection: libsoup 3.2 leaks a server connection that the
   * client closes while it is idle, and the client here is a `seye` that exits. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  if (hostile->reason != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, hostile->reason);
      return;
    }

  if (g_str_equal (path, "/v1/node"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (hostile->node_json, NULL),
                                        g_bytes_get_size (hostile->node_json));
      return;
    }

  if (g_str_equal (path, "/v1/stream"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  /* The rest from the real agent (the loop waits meanwhile: it serves one client). */
  query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  uri = g_strconcat (hostile->backend, path, query_text ? "?" : "", query_text ? query_text : "", NULL);
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
hostile_node_json (const char *backend)
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

/**
 * seye_test_hostile_serve:
 *
 * The hostile agent's main loop: serves on a free port of 127.0.0.1, says
 * "port N" on standard output, and runs until it is killed.
 */
int
seye_test_hostile_serve (const char *backend,
                         const char *reason)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  Hostile hostile = { (char *) backend, NULL, (char *) reason };
  GSList *uris;

  if (reason == NULL)
    hostile.node_json = hostile_node_json (backend);

  soup_server_add_handler (server, NULL, hostile_handler_cb, &hostile, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  printf ("port %d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (loop);

  return 0;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

SeyeTestHostileAgent *
seye_test_hostile_agent_start (const char *backend,
                               const char *reason)
{
  const char *path = g_getenv ("SEYE_HOSTILE_AGENT");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  SeyeTestHostileAgent *hostile = g_new0 (SeyeTestHostileAgent, 1);

  g_assert_nonnull (path);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  hostile->process = g_subprocess_launcher_spawn (launcher, &error, path, backend, reason, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hostile->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "port "));
  hostile->port = (guint16) atoi (line + 5);
  g_assert_cmpuint (hostile->port, >, 0);

  return hostile;
}

guint16
seye_test_hostile_agent_get_port (SeyeTestHostileAgent *hostile)
{
  return hostile->port;
}

void
seye_test_hostile_agent_free (SeyeTestHostileAgent *hostile)
{
  g_subprocess_force_exit (hostile->process);
  g_subprocess_wait (hostile->process, NULL, NULL);
  g_object_unref (hostile->process);
  g_free (hostile);
}
