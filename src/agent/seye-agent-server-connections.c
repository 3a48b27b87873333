/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include "seye-agent-config.h"
#include "seye-agent-server-private.h"
#include "seye-json.h"

/*
 * The connections of a SeyeAgentServer and their limits.
 *
 * libsoup 3.2's SoupServer neither caps its connections nor closes
 * idle ones, so the agent accepts connections itself (a GSocketService) and
 * hands each to the SoupServer with soup_server_accept_iostream(), keeping a
 * record per connection in least-recently-active order. Past the cap the
 * connection of the address that holds the most is closed to admit the new
 * one (an idle one first, else one in the middle of a request): a client that
 * holds sockets open, or requests it never finishes, cannot lock others out.
 * One address holds at most a share of the connections (SEYE_AGENT_PEER_SHARE):
 * past it, its own least recently active connection goes, never another
 * address's. A sweep closes connections idle for longer than the idle timeout
 * and forgets rate buckets that are full again.
 *
 * What a client leaves unread is bounded per connection: the kernel keeps at
 * most SEYE_AGENT_SNDBUF (doubled) for it, libsoup writes one answer at a time
 * and reads the next pipelined request only once the answer before is written;
 * a connection whose next request comes while more than SEYE_AGENT_MAX_UNREAD
 * bytes of earlier answers wait in the kernel is closed without an answer.
 */

#define ANSWERED_KEY    "seye-agent-answered"   /* on a message answered past libsoup */

static void
peer_free (Peer *peer)
{
  g_free (peer->address);
  g_free (peer);
}

static void
connection_free (Connection *connection)
{
  g_object_unref (connection->remote);
  g_free (connection);
}

void
_seye_agent_server_connections_init (SeyeAgentServer *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) peer_free);
}

static void connection_finalized_cb (gpointer  data,
                                     GObject  *where_the_object_was);

/* Streams libsoup still holds (a message in flight) no longer report to us. */
void
_seye_agent_server_connections_forget (SeyeAgentServer *self)
{
  GHashTableIter iter;
  Connection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    {
      g_object_weak_unref (G_OBJECT (connection->stream), connection_finalized_cb, connection);
      g_hash_table_iter_remove (&iter);
    }
  g_queue_init (&self->by_activity);
  g_hash_table_remove_all (self->peers);
}

void
_seye_agent_server_connections_finalize (SeyeAgentServer *self)
{
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
}

Connection *
_seye_agent_server_lookup_connection (SeyeAgentServer   *self,
                                      SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_hash_table_lookup (self->connections, remote) : NULL;
}

/* Progress: the connection moves to the most recently active end. */
void
_seye_agent_server_touch_connection (Connection *connection)
{
  SeyeAgentServer *self = connection->self;

  connection->active_us = g_get_monotonic_time ();
  if (!connection->closing)
    {
      g_queue_unlink (&self->by_activity, &connection->link);
      g_queue_push_tail_link (&self->by_activity, &connection->link);
      g_queue_unlink (&connection->peer->connections, &connection->peer_link);
      g_queue_push_tail_link (&connection->peer->connections, &connection->peer_link);
    }
}

/* The connection is on its way out: it no longer counts. */
static void
forget_connection (Connection *connection)
{
  SeyeAgentServer *self = connection->self;

  if (connection->closing)
    return;

  connection->closing = TRUE;
  g_queue_unlink (&self->by_activity, &connection->link);
  g_queue_unlink (&connection->peer->connections, &connection->peer_link);
  if (connection->peer->connections.length == 0)
    g_hash_table_remove (self->peers, connection->peer->address);
  connection->peer = NULL;
}

/* Shutting the socket down makes libsoup's pending read or write fail; it
 * then closes the stream and drops it, which frees the record. */
void
_seye_agent_server_close_connection (Connection *connection,
                                     const char *why)
{
  if (connection->closing)
    return;

  g_debug ("closing a connection: %s", why);
  forget_connection (connection);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
}

/* A stream's reader fell too far behind. */
void
_seye_agent_server_drop_stream_cb (SoupServerMessage *msg,
                                   const char        *why,
                                   gpointer           data)
{
  Connection *connection = _seye_agent_server_lookup_connection (data, msg);

  if (connection != NULL)
    _seye_agent_server_close_connection (connection, why);
}

static void
connection_finalized_cb (gpointer  data,
                         GObject  *where_the_object_was)
{
  Connection *connection = data;
  SeyeAgentServer *self = connection->self;

  forget_connection (connection);
  g_hash_table_remove (self->connections, connection->remote);
}

/* How many connections one address may hold. */
static guint
peer_share (SeyeAgentServer *self)
{
  return MIN (self->max_connections,
              MAX (SEYE_AGENT_MIN_PEER_SHARE, self->max_connections / SEYE_AGENT_PEER_SHARE));
}

/* Makes room in @peer: its least recently active connection that is not
 * serving a request goes, else its least recently active one. */
static void
evict_from (Peer       *peer,
            const char *why)
{
  Connection *victim = NULL;

  for (GList *l = peer->connections.head; l != NULL && victim == NULL; l = l->next)
    if (!((Connection *) l->data)->busy)
      victim = l->data;
  if (victim == NULL)
    victim = peer->connections.head->data;

  _seye_agent_server_close_connection (victim, why);
}

/* Makes room for one more: the address that holds the most connections gives
 * one up (of two that hold as many, the one with the least recently active
 * connection). */
static gboolean
evict_one (SeyeAgentServer *self)
{
  GHashTableIter iter;
  Peer *peer, *heaviest = NULL;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      if (heaviest == NULL ||
          peer->connections.length > heaviest->connections.length ||
          (peer->connections.length == heaviest->connections.length &&
           ((Connection *) peer->connections.head->data)->active_us <
           ((Connection *) heaviest->connections.head->data)->active_us))
        heaviest = peer;
    }

  if (heaviest == NULL)
    return FALSE;

  evict_from (heaviest, "the connection limit is reached and its address holds the most");

  return TRUE;
}

/* A whole error response, written past libsoup, after which the connection closes. */
static char *
closing_response (guint       status,
                  const char *extra_headers,
                  const char *message)
{
  g_autofree char *body = seye_json_error_body (status, message);

  return g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: " JSON_TYPE "\r\n"
                          "Content-Length: %zu\r\n"
                          "Cache-Control: no-store\r\n"
                          "%s"
                          "Connection: close\r\n"
                          "\r\n%s", status, _seye_agent_server_status_phrase (status),
                          strlen (body),
                          extra_headers, body);
}

/* Every connection is in the middle of a request: say so and hang up. */
static void
refuse_connection (GSocketConnection *stream)
{
  g_autofree char *response = closing_response (SOUP_STATUS_SERVICE_UNAVAILABLE, "Retry-After: 1\r\n",
                                                "too many connections; try again");
  GSocket *socket = g_socket_connection_get_socket (stream);

  /* A fresh socket's send buffer takes these few hundred bytes at once. */
  g_socket_send_with_blocking (socket, response, strlen (response), FALSE, NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
}

/* What libsoup reads and writes: the socket's stream, or with a certificate
 * a TLS server connection over it. Its handshake runs with libsoup's first
 * read; one that fails (a plain-HTTP client, garbage, a client that gives
 * up) fails that read like a closed connection: libsoup drops it, the
 * idle timeout covers one that stalls, and nothing is logged above debug. */
static GIOStream *
server_stream (SeyeAgentServer    *self,
               GSocketConnection  *stream,
               GError            **error)
{
  static const char * const protocols[] = { "http/1.1", NULL };
  GIOStream *tls;

  if (self->tls_certificate == NULL)
    return g_object_ref (G_IO_STREAM (stream));

  /* No database: client certificates are not asked for, and the system's
   * trust store would cost megabytes a connection. */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, error,
                        "base-io-stream", stream,
                        "certificate", self->tls_certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    return NULL;

  /* As libsoup does: a client may just close, as over plain TCP. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);

  return tls;
}

gboolean
_seye_agent_server_incoming_cb (GSocketService    *service,
                                GSocketConnection *stream,
                                GObject           *source_object,
                                gpointer           data)
{
  SeyeAgentServer *self = data;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GIOStream) base = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  Connection *connection;
  Peer *peer;

  remote = g_socket_connection_get_remote_address (stream, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  peer = address != NULL ? g_hash_table_lookup (self->peers, address) : NULL;

  if (peer != NULL && peer->connections.length >= peer_share (self))
    evict_from (peer, "its address holds its share of the connections and it is the least recently active");
  else if (self->by_activity.length >= self->max_connections && !evict_one (self))
    {
      g_debug ("refusing a connection: all %u are serving a request", self->max_connections);
      /* A client of the TLS port could not read a plain answer. */
      if (self->tls_certificate != NULL)
        g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      else
        refuse_connection (stream);
      return TRUE;
    }

  local = g_socket_connection_get_local_address (stream, NULL);
  if (local == NULL || address == NULL)
    {
      /* The client has already gone. */
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  /* Headers and body go out in separate writes: without TCP_NODELAY, Nagle's
   * algorithm holds the body for the client's delayed ACK, some 40 ms a request.
   * (libsoup sets this on the connections it accepts itself.) */
  if (G_IS_TCP_CONNECTION (stream))
    g_socket_set_option (g_socket_connection_get_socket (stream), IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  /* What a client that does not read leaves in the kernel is bounded (the
   * kernel doubles it); past it, answers wait in libsoup, one at a time. */
  g_socket_set_option (g_socket_connection_get_socket (stream), SOL_SOCKET, SO_SNDBUF,
                       SEYE_AGENT_SNDBUF, NULL);

  base = server_stream (self, stream, &error);
  if (base == NULL)
    {
      g_debug ("cannot serve a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  connection = g_new0 (Connection, 1);
  connection->self = self;
  connection->stream = seye_agent_conn_stream_new (base);
  connection->socket = g_socket_connection_get_socket (stream);
  connection->remote = g_object_ref (remote);
  connection->link.data = connection;
  connection->peer_link.data = connection;
  connection->active_us = g_get_monotonic_time ();
  g_hash_table_insert (self->connections, connection->remote, connection);
  g_queue_push_tail_link (&self->by_activity, &connection->link);
  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->address = g_steal_pointer (&address);
      g_hash_table_insert (self->peers, peer->address, peer);
    }
  connection->peer = peer;
  g_queue_push_tail_link (&peer->connections, &connection->peer_link);
  g_object_weak_ref (G_OBJECT (connection->stream), connection_finalized_cb, connection);

  /* libsoup takes its own reference; the record goes with the stream. */
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection->stream), local, remote, &error))
    {
      g_debug ("cannot serve a connection: %s", error->message);
      _seye_agent_server_close_connection (connection, "libsoup did not take it");
    }
  g_object_unref (connection->stream);

  return TRUE;
}

gboolean
_seye_agent_server_sweep_cb (gpointer data)
{
  SeyeAgentServer *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->idle_timeout > 0)
    {
      gint64 oldest = now - (gint64) self->idle_timeout * G_USEC_PER_SEC;

      /* Least recently active first: stop at the first one still in time. */
      while (self->by_activity.head != NULL)
        {
          Connection *connection = self->by_activity.head->data;

          if (connection->active_us > oldest)
            break;
          _seye_agent_server_close_connection (connection,
                                               connection->busy ? "no progress for the idle timeout"
                                                                : "idle for the idle timeout");
        }
    }

  seye_agent_rate_limit_sweep (self->rate_limit, now);

  return G_SOURCE_CONTINUE;
}

/* Bytes of answers written to @connection that its client has not taken in
 * yet: what waits in the kernel's send queue. */
static gsize
unread_bytes (Connection *connection)
{
  int queued = 0;

  if (ioctl (g_socket_get_fd (connection->socket), SIOCOUTQ, &queued) != 0 || queued < 0)
    return 0;

  return queued;
}

/* Whether a request has a body, from its framing headers as they came. libsoup
 * never sees them (SeyeAgentConnStream renames them): it would read a body it
 * cannot delimit until the connection ends ("Content-Length: -1" is 2^64 - 1
 * bytes to it, of two lengths the last one wins), and it leaks the path of a
 * request whose framing it cannot read. Returns 0 for "no body" (no framing
 * header, or a single "Content-Length: 0"), else the status to refuse it with. */
static guint
body_framing_status (SoupMessageHeaders  *headers,
                     const char         **why)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  const char *length = NULL;
  guint n_lengths = 0;
  guint n_codings = 0;
  gboolean chunked = FALSE;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, SEYE_AGENT_CONN_STREAM_CONTENT_LENGTH) == 0)
        {
          length = value;
          n_lengths++;
        }
      else if (g_ascii_strcasecmp (name, SEYE_AGENT_CONN_STREAM_TRANSFER_ENCODING) == 0)
        {
          chunked = g_ascii_strcasecmp (value, "chunked") == 0;
          n_codings++;
        }
    }

  if (n_codings == 0 && n_lengths == 0)
    return 0;

  if (n_codings == 1 && chunked && n_lengths == 0)
    {
      *why = "request bodies are not accepted";
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    }

  if (n_codings > 0)
    {
      *why = "the request's body framing is not understood (Transfer-Encoding); "
             "requests to this node have no body";
      return SOUP_STATUS_BAD_REQUEST;
    }

  if (n_lengths == 1 && length[0] != '\0' && strspn (length, "0123456789") == strlen (length))
    {
      if (strspn (length, "0") == strlen (length))
        return 0;

      *why = "request bodies are not accepted";
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    }

  *why = "the request's Content-Length is not one length in decimal digits; "
         "requests to this node have no body";
  return SOUP_STATUS_BAD_REQUEST;
}

/* Answers @msg at once, past libsoup, and closes its connection. libsoup reads
 * a request's whole body before it writes any answer, and a body it cannot
 * delimit it reads until the connection ends: so the connection is taken from
 * it. The answer is written if the socket takes it now (@status 0: none). The
 * connection no longer counts against any limit. */
void
_seye_agent_server_answer_and_close (SeyeAgentServer   *self,
                                     SoupServerMessage *msg,
                                     guint              status,
                                     const char        *message)
{
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);
  g_autoptr (GIOStream) stream = NULL;
  GSocket *socket;

  /* Once: a second steal would have libsoup drop its connection twice. */
  if (g_object_get_data (G_OBJECT (msg), ANSWERED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), ANSWERED_KEY, GINT_TO_POINTER (TRUE));

  if (connection == NULL)
    {
      /* Not one of ours (cannot happen): libsoup answers after the body, and closes. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      _seye_agent_server_respond_error (msg, status != 0 ? status : SOUP_STATUS_BAD_REQUEST,
                                        message);
      return;
    }

  forget_connection (connection);
  socket = g_object_ref (connection->socket);
  stream = soup_server_message_steal_connection (msg);

  if (stream != NULL && status != 0)
    {
      g_autofree char *response = closing_response (status, "", message);
      GOutputStream *output = g_io_stream_get_output_stream (stream);

      g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output), response,
                                                  strlen (response), NULL, NULL);
    }

  /* The end of the answer, then what the client already sent is read and
   * dropped (some of it, at once), so that closing sends no reset that could
   * discard the answer on its way. */
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  for (guint i = 0; i < 16; i++)
    {
      char buffer[4096];

      if (g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, NULL) <= 0)
        break;
    }
  g_socket_shutdown (socket, TRUE, FALSE, NULL);
  g_object_unref (socket);
  /* Dropping the stream closes it, and the connection's record goes with it. */
}

/* Runs as soon as a request's headers are parsed, on every path (whatever the
 * access, the status libsoup or early_cb may have set, with or without TLS),
 * after libsoup's own handler and before any byte of the answer is written. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           data)
{
  SeyeAgentServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);
  const char *why = NULL;
  guint status;

  /* early_cb has answered it already, past libsoup. */
  if (g_object_get_data (G_OBJECT (msg), ANSWERED_KEY) != NULL)
    return;

  /* The headers parsed: libsoup did not refuse them itself (see request_started_cb). */
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");

  /* A client that pipelines requests and leaves the answers unread: its
   * earlier answers fill the kernel's buffer. */
  if (connection != NULL && unread_bytes (connection) > SEYE_AGENT_MAX_UNREAD)
    {
      _seye_agent_server_answer_and_close (self, msg, 0, NULL);
      return;
    }

  /* No endpoint takes a body. */
  status = body_framing_status (headers, &why);
  if (status != 0)
    {
      _seye_agent_server_answer_and_close (self, msg, status, why);
      return;
    }

  /* No endpoint serves part of a resource. libsoup 3.2 honours Range on any
   * 200 GET when it writes the headers (a multipart body of every range, built
   * in memory: a thousand ranges multiply the body a thousandfold); without
   * the header it has nothing to act on. If-Range only qualifies a Range. */
  soup_message_headers_remove (headers, "Range");
  soup_message_headers_remove (headers, "If-Range");
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           data)
{
  SeyeAgentServer *self = data;
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);

  /* libsoup connected its own "got-headers" handler before it told us: ours runs after it. */
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), self);

  /* Headers that libsoup cannot parse (among them a Content-Length that is not
   * a number, or a transfer coding it does not know) it answers itself, at once,
   * before "got-headers", and then closes: let the answer say so. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  /* A response that the client reads slowly but steadily is progress. */
  if (connection != NULL)
    g_signal_connect_swapped (msg, "wrote-body-data",
                              G_CALLBACK (_seye_agent_server_touch_connection), connection);
}

static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  SeyeAgentServer *self = data;
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);

  g_signal_handlers_disconnect_matched (msg, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        _seye_agent_server_touch_connection, NULL);
  if (connection != NULL)
    {
      connection->busy = FALSE;
      _seye_agent_server_touch_connection (connection);
      seye_agent_conn_stream_mark_idle (connection->stream);
    }
}

/* Follows each request of each connection. */
void
_seye_agent_server_connections_attach (SeyeAgentServer *self)
{
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_done_cb), self);
}
