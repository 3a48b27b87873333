/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include "seye-agent-actions.h"
#include "seye-agent-server-private.h"
#include "seye-json.h"

/*
 * The named actions' routes: GET /v1/actions lists them, POST
 * /v1/actions/NAME runs one and answers with its result once it has ended.
 * Who may ask was decided before (_seye_agent_server_early_cb: the JSON API's
 * access, which the configuration makes "token" over HTTPS whenever actions
 * are named), and so was the request's body (none is accepted).
 */

#define PREFIX "/v1/actions/"

/* A POST waiting for its run, and the server it came to, which may go first. */
typedef struct
{
  GWeakRef           server;
  SoupServerMessage *msg;
  char              *name;
  char              *client;
  guint              touch_source;
  gboolean           gone;            /* the client went away: nobody to answer */
} ActionRequest;

static void
action_request_free (ActionRequest *request)
{
  g_clear_handle_id (&request->touch_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (request->msg, request);
  g_clear_object (&request->msg);
  g_weak_ref_clear (&request->server);
  g_free (request->name);
  g_free (request->client);
  g_free (request);
}

static void
gone_cb (SoupServerMessage *msg,
         ActionRequest     *request)
{
  request->gone = TRUE;
}

/* A run is progress on its connection: the idle timeout does not close it. */
static gboolean
touch_cb (gpointer data)
{
  ActionRequest *request = data;
  g_autoptr (SeyeAgentServer) self = g_weak_ref_get (&request->server);
  Connection *connection;

  if (self == NULL || request->gone)
    return G_SOURCE_CONTINUE;
  connection = _seye_agent_server_lookup_connection (self, request->msg);
  if (connection != NULL)
    _seye_agent_server_touch_connection (connection);

  return G_SOURCE_CONTINUE;
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  ActionRequest *request = data;
  g_autoptr (SeyeAgentServer) self = g_weak_ref_get (&request->server);
  g_autoptr (SeyeAgentActionResult) result = NULL;
  g_autoptr (GError) error = NULL;

  result = seye_agent_action_run_finish (res, &error);
  if (self != NULL && self->running != NULL)
    g_hash_table_remove (self->running, request->name);

  if (result == NULL)
    {
      g_warning ("action %s for %s: %s", request->name, request->client, error->message);
      if (!request->gone)
        _seye_agent_server_respond_error (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                          error->message);
    }
  else
    {
      g_autofree char *described = seye_agent_action_result_describe (result);

      g_message ("action %s for %s: %s%s", request->name, request->client, described,
                 request->gone ? " (the client had gone)" : "");
      if (!request->gone)
        {
          GString *str = g_string_new (NULL);
          g_autoptr (GBytes) bytes = NULL;

          seye_agent_action_result_write (str, result);
          bytes = g_string_free_to_bytes (str);
          _seye_agent_server_respond_bytes (request->msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
        }
    }

  if (!request->gone)
    soup_server_message_unpause (request->msg);
  action_request_free (request);
}

static void
list_actions (SeyeAgentServer   *self,
              SoupServerMessage *msg)
{
  GString *str = g_string_new ("{\"actions\":[");
  g_autoptr (GBytes) bytes = NULL;

  for (guint i = 0; i < self->actions->len; i++)
    {
      const SeyeAgentAction *action = g_ptr_array_index (self->actions, i);

      g_string_append (str, i > 0 ? ",{\"name\":" : "{\"name\":");
      seye_json_write_string (str, action->name);
      g_string_append (str, ",\"description\":");
      if (action->description != NULL)
        seye_json_write_string (str, action->description);
      else
        g_string_append (str, "null");
      g_string_append_printf (str, ",\"timeout\":%u}", action->timeout);
    }
  g_string_append (str, "]}");
  bytes = g_string_free_to_bytes (str);
  _seye_agent_server_respond_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static void
method_not_allowed (SoupServerMessage *msg,
                    const char        *path,
                    const char        *allow)
{
  g_autofree char *message = g_strdup_printf ("method %s is not allowed on %s; use %s",
                                              soup_server_message_get_method (msg), path,
                                              strcmp (allow, "POST") == 0 ? "POST" : "GET");

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  _seye_agent_server_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
}

/* POST /v1/actions/NAME: the run starts now, the answer waits for its end. */
static void
start_action (SeyeAgentServer       *self,
              SoupServerMessage     *msg,
              const SeyeAgentAction *action)
{
  const char *client = soup_server_message_get_remote_host (msg);
  ActionRequest *request;
  gint64 *started;

  /* The configuration allows no other way; this is the last word. */
  if (self->tls_certificate == NULL || self->api_access != SEYE_AGENT_ACCESS_TOKEN ||
      self->token == NULL)
    {
      _seye_agent_server_respond_error (msg, SOUP_STATUS_FORBIDDEN,
                                        "actions run only over HTTPS, for clients holding the "
                                        "token (tls=true, auth=token)");
      return;
    }

  started = g_hash_table_lookup (self->running, action->name);
  if (started != NULL)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf ("action %s is already running (for %" G_GINT64_FORMAT " s); "
                                 "one run at a time: try again when it has ended", action->name,
                                 (g_get_monotonic_time () - *started) / G_USEC_PER_SEC);
      g_message ("action %s for %s: refused, it is already running", action->name, client);
      _seye_agent_server_respond_error (msg, SOUP_STATUS_CONFLICT, message);
      return;
    }

  started = g_new (gint64, 1);
  *started = g_get_monotonic_time ();
  g_hash_table_insert (self->running, g_strdup (action->name), started);

  request = g_new0 (ActionRequest, 1);
  g_weak_ref_init (&request->server, self);
  request->msg = g_object_ref (msg);
  request->name = g_strdup (action->name);
  request->client = g_strdup (client != NULL ? client : "an unknown address");
  g_signal_connect (msg, "finished", G_CALLBACK (gone_cb), request);
  g_signal_connect (msg, "disconnected", G_CALLBACK (gone_cb), request);
  request->touch_source = g_timeout_add_seconds (1, touch_cb, request);

  g_message ("action %s for %s: started", action->name, request->client);
  soup_server_message_pause (msg);
  seye_agent_action_run_async (action, run_done_cb, request);
}

/* Returns FALSE for a path that is not the actions' (or when none are named). */
gboolean
_seye_agent_server_route_actions (SeyeAgentServer   *self,
                                  SoupServerMessage *msg,
                                  const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  const SeyeAgentAction *action;

  if (self->actions == NULL)
    return FALSE;

  if (strcmp (path, "/v1/actions") == 0)
    {
      if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
        method_not_allowed (msg, path, "GET, HEAD");
      else
        list_actions (self, msg);
      return TRUE;
    }

  if (!g_str_has_prefix (path, PREFIX))
    return FALSE;

  action = seye_agent_actions_lookup (self->actions, path + strlen (PREFIX));
  if (action == NULL)
    {
      g_autofree char *message = g_strdup_printf ("this node has no action “%s”; "
                                                  "GET /v1/actions lists them",
                                                  path + strlen (PREFIX));

      _seye_agent_server_respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
    }
  else if (method != SOUP_METHOD_POST)
    {
      method_not_allowed (msg, path, "POST");
    }
  else
    {
      start_action (self, msg, action);
    }

  return TRUE;
}

/**
 * seye_agent_server_set_actions:
 * @actions: (nullable): SeyeAgentAction, as the configuration read them
 *
 * Serves GET /v1/actions and POST /v1/actions/NAME for @actions; with
 * %NULL (or none), neither exists.
 */
void
seye_agent_server_set_actions (SeyeAgentServer *self,
                               GPtrArray       *actions)
{
  g_return_if_fail (SEYE_IS_AGENT_SERVER (self));

  g_clear_pointer (&self->actions, g_ptr_array_unref);
  if (actions != NULL && actions->len > 0)
    self->actions = g_ptr_array_ref (actions);
  if (self->running == NULL)
    self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
