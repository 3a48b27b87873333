/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include "seye-agent-server-private.h"

/* What every request passes before a route: the size of its headers, the rate
 * of its address, who may read its path, and a query that says one thing. */

/* The request line and header lines as they came, give or take whitespace. */
static gsize
request_header_size (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize size;

  size = strlen (soup_server_message_get_method (msg)) + strlen (g_uri_get_path (uri)) +
         (query != NULL ? strlen (query) + 1 : 0) + strlen (" HTTP/1.1\r\n") + 2;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + strlen (value) + 4;

  return size;
}

/* Who may read @path: the one place where it is decided, for every path
 * (the routes above and any handler added to the SoupServer), before any
 * handler runs. "/" says no more than the mDNS record and is always open;
 * "/metrics" has the metrics access; every other path, known or not, the
 * JSON API's. Returns FALSE after answering 401, 403 or 404. */
static gboolean
check_access (SeyeAgentServer   *self,
              SoupServerMessage *msg,
              const char        *path)
{
  gboolean metrics = g_strcmp0 (path, "/metrics") == 0;
  SeyeAgentAccess access = metrics ? self->metrics_access : self->api_access;

  if (g_strcmp0 (path, "/") == 0)
    return TRUE;

  switch (access)
    {
    case SEYE_AGENT_ACCESS_DEFAULT:
    case SEYE_AGENT_ACCESS_OPEN:
      return TRUE;

    case SEYE_AGENT_ACCESS_OFF:
      _seye_agent_server_respond_error (msg, SOUP_STATUS_NOT_FOUND,
                     "/metrics is turned off on this node (metrics-access=off)");
      return FALSE;

    case SEYE_AGENT_ACCESS_LOOPBACK:
      {
        GSocketAddress *remote = soup_server_message_get_remote_address (msg);
        GInetAddress *address = G_IS_INET_SOCKET_ADDRESS (remote)
                                ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))
                                : NULL;
        g_autofree char *message = NULL;

        if (seye_agent_address_is_loopback (address))
          return TRUE;

        message = g_strdup_printf ("%s answers only clients on this node's loopback address "
                                   "(127.0.0.1 or ::1; %s=loopback)",
                                   metrics ? "/metrics" : "the JSON API",
                                   metrics ? "metrics-access" : "api-access");
        _seye_agent_server_respond_error (msg, SOUP_STATUS_FORBIDDEN, message);
        return FALSE;
      }

    case SEYE_AGENT_ACCESS_TOKEN:
      {
        SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
        const char *authorization = soup_message_headers_get_one (headers, "Authorization");
        const char *token = seye_agent_bearer_token (authorization);

        if (self->token != NULL && seye_agent_token_matches (self->token, token))
          return TRUE;

        g_debug ("refusing %s to %s: %s", path, soup_server_message_get_remote_host (msg),
                 token == NULL ? "no bearer token" : "a wrong token");
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "WWW-Authenticate", "Bearer realm=\"" SEYE_AGENT_AUTH_REALM "\"");
        _seye_agent_server_respond_error (msg, SOUP_STATUS_UNAUTHORIZED,
                       token == NULL
                       ? "this node wants a token: send “Authorization: Bearer TOKEN” "
                         "(“sorcerers-eye-agent --pairing-info” on the node prints it)"
                       : "the token is not this node's token");
        return FALSE;
      }
    }

  g_return_val_if_reached (FALSE);
}

/* A name that the query of @uri gives more than once (libsoup would keep the
 * last one), decoded as libsoup decodes it; NULL when there is none. */
static char *
repeated_query_name (GUri *uri)
{
  const char *query = g_uri_get_query (uri);
  g_autoptr (GHashTable) seen = NULL;
  g_auto (GStrv) pairs = NULL;

  if (query == NULL)
    return NULL;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *equals = strchr (pairs[i], '=');
      g_autofree char *name = NULL;

      if (equals == NULL)
        continue;
      *equals = '\0';
      g_strdelimit (pairs[i], "+", ' ');
      name = g_uri_unescape_string (pairs[i], NULL);
      if (name == NULL)
        continue;
      if (g_hash_table_contains (seen, name))
        return g_steal_pointer (&name);
      g_hash_table_add (seen, g_steal_pointer (&name));
    }

  return NULL;
}

/* Runs once a request's headers are in, before any handler: refuses what is
 * too big or too frequent before any work is done for it, then what this
 * client may not read. */
void
_seye_agent_server_early_cb (SoupServer        *server,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query,
                             gpointer           data)
{
  SeyeAgentServer *self = data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  Connection *connection = _seye_agent_server_lookup_connection (self, msg);
  const char *remote_host = soup_server_message_get_remote_host (msg);
  guint retry_after = 0;

  if (connection != NULL)
    {
      connection->busy = TRUE;
      _seye_agent_server_touch_connection (connection);
    }

  if (request_header_size (msg) > self->max_header_size)
    {
      g_autofree char *message = g_strdup_printf ("the request's headers are larger than %u bytes",
                                                  self->max_header_size);

      _seye_agent_server_answer_and_close (self, msg, STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE,
                                           message);
      return;
    }

  if (seye_agent_rate_limit_get_rate (self->rate_limit) > 0 &&
      !seye_agent_rate_limit_take (self->rate_limit, remote_host != NULL ? remote_host : "",
                                   &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
      g_autofree char *message = g_strdup_printf ("more than %g requests a second from this address; "
                                                  "try again in %u s",
                                                  seye_agent_rate_limit_get_rate (self->rate_limit),
                                                  retry_after);

      soup_message_headers_replace (response_headers, "Retry-After", seconds);
      _seye_agent_server_respond_error (msg, STATUS_TOO_MANY_REQUESTS, message);
      return;
    }

  if (!check_access (self, msg, path))
    return;

  /* One value a name: a second one is a mistake, not an override. */
  {
    g_autofree char *repeated = repeated_query_name (soup_server_message_get_uri (msg));

    if (repeated != NULL)
      {
        g_autofree char *message = g_strdup_printf ("“%s” is given more than once in the query",
                                                    repeated);

        _seye_agent_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, message);
      }
  }
}

