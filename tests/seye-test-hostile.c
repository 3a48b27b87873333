/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A node that says hostile things about itself (see seye-test-hostile.h). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "seye-test-hostile.h"

struct _SeyeTestHostileAgent
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *backend;
  GBytes       *node_json;
  char         *reason;
  GMutex        lock;
  GCond         cond;
  guint16       port;
};

static void
hostile_handler_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SeyeTestHostileAgent *hostile = user_data;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) upstream = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *uri = NULL;
  const char *query_text;

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

  /* The rest from the real agent (this thread's loop waits meanwhile: it serves one client). */
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

static gpointer
hostile_thread (gpointer data)
{
  SeyeTestHostileAgent *hostile = data;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (hostile->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, hostile_handler_cb, hostile, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&hostile->lock);
  hostile->port = (guint16) g_uri_get_port (uris->data);
  g_cond_signal (&hostile->cond);
  g_mutex_unlock (&hostile->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (hostile->loop);

  soup_server_disconnect (server);
  g_main_context_pop_thread_default (hostile->context);

  return NULL;
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

SeyeTestHostileAgent *
seye_test_hostile_agent_start (const char *backend,
                     const char *reason)
{
  SeyeTestHostileAgent *hostile = g_new0 (SeyeTestHostileAgent, 1);

  hostile->backend = g_strdup (backend);
  hostile->reason = g_strdup (reason);
  if (reason == NULL)
    hostile->node_json = hostile_node_json (backend);
  hostile->context = g_main_context_new ();
  hostile->loop = g_main_loop_new (hostile->context, FALSE);
  g_mutex_init (&hostile->lock);
  g_cond_init (&hostile->cond);

  g_mutex_lock (&hostile->lock);
  hostile->thread = g_thread_new ("hostile-agent", hostile_thread, hostile);
  while (hostile->port == 0)
    g_cond_wait (&hostile->cond, &hostile->lock);
  g_mutex_unlock (&hostile->lock);

  return hostile;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);

  return G_SOURCE_REMOVE;
}

void
seye_test_hostile_agent_free (SeyeTestHostileAgent *hostile)
{
  g_main_context_invoke (hostile->context, quit_loop_cb, hostile->loop);
  g_thread_join (hostile->thread);
  g_main_loop_unref (hostile->loop);
  g_main_context_unref (hostile->context);
  g_clear_pointer (&hostile->node_json, g_bytes_unref);
  g_mutex_clear (&hostile->lock);
  g_cond_clear (&hostile->cond);
  g_free (hostile->backend);
  g_free (hostile->reason);
  g_free (hostile);
}

guint16
seye_test_hostile_agent_get_port (SeyeTestHostileAgent *hostile)
{
  return hostile->port;
}
