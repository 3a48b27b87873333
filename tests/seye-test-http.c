/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <libsoup/soup.h>

#include "seye-test-http.h"

/* Fake nodes: servers in the test process that are not proper agents. */

struct _SeyeTestFake
{
  SeyeTestFakeKind  kind;
  SoupServer       *server;
  SoupSession      *session;      /* to the backend */
  GCancellable     *cancellable;
  GPtrArray        *pending;      /* Relay: answers on their way */
  char             *backend;
  guint             delay_ms;
  guint             n_requests;
  guint16           port;
};

/* One relayed request: the backend's answer, held back for the delay. */
typedef struct
{
  SeyeTestFake      *fake;
  SoupServerMessage *msg;
  SoupMessage       *upstream;     /* NULL: never answered (mute) */
  GBytes            *body;
  guint              source;
  gulong             disconnected_id;
  gboolean           gone;         /* the client went away */
} Relay;

static void
relay_free (gpointer data)
{
  Relay *relay = data;

  g_clear_handle_id (&relay->source, g_source_remove);
  g_clear_signal_handler (&relay->disconnected_id, relay->msg);
  g_clear_object (&relay->msg);
  g_clear_object (&relay->upstream);
  g_clear_pointer (&relay->body, g_bytes_unref);
  g_free (relay);
}

static void
relay_disconnected_cb (SoupServerMessage *msg,
                       gpointer           data)
{
  Relay *relay = data;

  /* The client gave up waiting: nothing to answer (the relay goes with the fake). */
  relay->gone = TRUE;
  g_clear_handle_id (&relay->source, g_source_remove);
}

static gboolean
relay_deliver_cb (gpointer data)
{
  Relay *relay = data;
  SoupMessageHeaders *headers = soup_message_get_response_headers (relay->upstream);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  gsize size = 0;
  const char *body = relay->body ? g_bytes_get_data (relay->body, &size) : NULL;

  relay->source = 0;
  soup_server_message_set_status (relay->msg,
                                  relay->body ? soup_message_get_status (relay->upstream)
                                              : SOUP_STATUS_BAD_GATEWAY,
                                  NULL);
  if (body != NULL)
    soup_server_message_set_response (relay->msg, type ? type : "application/json",
                                      SOUP_MEMORY_COPY, body, size);
  soup_server_message_unpause (relay->msg);

  return G_SOURCE_REMOVE;
}

static void
relay_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Relay *relay = data;
  g_autoptr (GError) error = NULL;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  relay->body = body;
  if (relay->gone)
    return;
  relay->source = g_timeout_add (relay->fake->delay_ms, relay_deliver_cb, relay);
}

static void
fake_handler_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  SeyeTestFake *fake = data;

  fake->n_requests++;

  /* Relays answer whole bodies: they have no stream, like agents before /v1/stream. */
  if (g_str_equal (path, "/v1/stream") && fake->kind == SEYE_TEST_FAKE_RELAY)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  switch (fake->kind)
    {
    case SEYE_TEST_FAKE_RELAY:
    case SEYE_TEST_FAKE_MUTE:
      {
        Relay *relay = g_new0 (Relay, 1);

        relay->fake = fake;
        relay->msg = g_object_ref (msg);
        relay->disconnected_id = g_signal_connect (msg, "disconnected",
                                                   G_CALLBACK (relay_disconnected_cb), relay);
        g_ptr_array_add (fake->pending, relay);
        soup_server_message_pause (msg);

        if (fake->kind == SEYE_TEST_FAKE_RELAY)
          {
            const char *query_text = g_uri_get_query (soup_server_message_get_uri (msg));
            g_autofree char *uri = g_strconcat (fake->backend, path, query_text ? "?" : "",
                                                query_text ? query_text : "", NULL);

            relay->upstream = soup_message_new (SOUP_METHOD_GET, uri);
            soup_session_send_and_read_async (fake->session, relay->upstream, G_PRIORITY_DEFAULT,
                                              fake->cancellable, relay_fetched_cb, relay);
          }
        return;
      }

    case SEYE_TEST_FAKE_SYNTAX:
      {
        static const char body[] = "{\"schema\": 1, \"name\": \"<b>broken</b>\", [[[ \xff\xfe";

        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, sizeof body - 1);
        break;
      }

    case SEYE_TEST_FAKE_HUGE:
    default:
      {
        /* 8 MB of an endless array. */
        GString *body = g_string_new ("[");

        while (body->len < 8 * 1024 * 1024)
          g_string_append (body, "[1,2,3,4,5,6,7,8,9],");
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                          body->str, body->len);
        g_string_free (body, FALSE);
        break;
      }
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

/**
 * seye_test_fake_new:
 * @kind: what it answers
 * @socket: a listening socket (from seye_test_netns_listen(), say)
 * @backend: (nullable): for %SEYE_TEST_FAKE_RELAY, the base URI of the real agent
 * @delay_ms: for %SEYE_TEST_FAKE_RELAY, how long each answer is held back
 *
 * A server in this process that is not a proper agent: it answers every
 * request with broken JSON, too much of it, a real agent's answer late, or never.
 */
SeyeTestFake *
seye_test_fake_new (SeyeTestFakeKind  kind,
                    GSocket          *socket,
                    const char       *backend,
                    guint             delay_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  SeyeTestFake *fake = g_new0 (SeyeTestFake, 1);

  g_assert (kind != SEYE_TEST_FAKE_RELAY || backend != NULL);

  fake->kind = kind;
  fake->backend = g_strdup (backend);
  fake->delay_ms = delay_ms;
  fake->cancellable = g_cancellable_new ();
  fake->pending = g_ptr_array_new_with_free_func (relay_free);
  fake->session = soup_session_new ();
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, fake_handler_cb, fake, NULL);
  soup_server_listen_socket (fake->server, socket, 0, &error);
  g_assert_no_error (error);

  address = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  fake->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  return fake;
}

guint16
seye_test_fake_get_port (SeyeTestFake *fake)
{
  return fake->port;
}

guint
seye_test_fake_get_n_requests (SeyeTestFake *fake)
{
  return fake->n_requests;
}

void
seye_test_fake_free (SeyeTestFake *fake)
{
  if (fake == NULL)
    return;

  /* Our hold on the paused messages first: the server still owns them. */
  g_cancellable_cancel (fake->cancellable);
  g_ptr_array_unref (fake->pending);
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_clear_object (&fake->session);
  g_clear_object (&fake->cancellable);
  g_free (fake->backend);
  g_free (fake);
}
