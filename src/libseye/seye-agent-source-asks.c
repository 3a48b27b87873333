/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent-source"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "seye-agent-source-private.h"
#include "seye-error.h"
#include "seye-json.h"
#include "seye-read.h"
#include "seye-sanitize.h"

/*
 * What is asked of an agent only when someone looks: GET /v1/processes,
 * GET /v1/actions and POST /v1/actions/NAME. Each is one request on its own,
 * to the endpoint the node is followed at, with the same TLS pin and token as
 * its samples, a cap on the answer and a deadline. Nothing here changes the
 * node's state: a failure is the caller's to show.
 */

#define ASK_LIMIT        (512 * 1024)       /* bytes of a process list or action list */
#define RUN_LIMIT        (320 * 1024)       /* 64 KiB of output, escaped as JSON */
#define ASK_DEADLINE     10                 /* seconds */
#define RUN_GRACE        15                 /* seconds past the action's own timeout */

typedef enum
{
  ASK_PROCESSES,
  ASK_ACTIONS,
  ASK_RUN,
} AskKind;

typedef struct
{
  AskKind        kind;
  SoupMessage   *message;
  SeyeTlsCheck  *check;
  GInputStream  *stream;
  gsize          limit;
  GCancellable  *cancellable;     /* the caller's, chained to the deadline */
  gulong         cancelled_id;
  GCancellable  *caller;
  guint          deadline_id;
  gboolean       timed_out;
  char          *action;
} Ask;

static void
ask_free (Ask *ask)
{
  g_clear_handle_id (&ask->deadline_id, g_source_remove);
  if (ask->caller != NULL)
    g_cancellable_disconnect (ask->caller, ask->cancelled_id);
  g_clear_object (&ask->caller);
  g_clear_object (&ask->cancellable);
  g_clear_pointer (&ask->check, _seye_tls_check_free);
  g_clear_object (&ask->stream);
  g_clear_object (&ask->message);
  g_free (ask->action);
  g_free (ask);
}

/* Runs are waited for as long as the action may take: a session of their own
 * without the 5 s read timeout of the one that follows the nodes. */
static SoupSession *
run_session (SeyeAgentSource *self)
{
  if (self->run_session == NULL)
    self->run_session = _seye_agent_source_new_session (0, 30, RUN_CONNS, 4);

  return self->run_session;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
deadline_cb (gpointer data)
{
  Ask *ask = data;

  ask->deadline_id = 0;
  ask->timed_out = TRUE;
  g_cancellable_cancel (ask->cancellable);

  return G_SOURCE_REMOVE;
}

/* What a failed exchange means, in words a user can act on. */
static GError *
describe_failure (Ask          *ask,
                  SeyeNode     *node,
                  const GError *error)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));

  if (ask->check != NULL && _seye_tls_check_get_mismatch (ask->check))
    return g_error_new (SEYE_ERROR, SEYE_ERROR_CERTIFICATE,
                        _("%s presented another certificate than the paired one: nothing was sent"), name);

  if (ask->timed_out)
    return g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, _("%s did not answer in time"), name);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  {
    g_autofree char *message = _seye_agent_source_describe_transport_error (error, FALSE);
    g_autofree char *clean = seye_sanitize_display (message);

    return g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, _("%s: %s"), name, clean);
  }
}

static GError *
describe_status (Ask      *ask,
                 SeyeNode *node,
                 guint     status)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *action = ask->action ? seye_sanitize_display (ask->action) : NULL;
  g_autofree char *message = NULL;
  g_autofree char *clean = NULL;

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return g_error_new (SEYE_ERROR, SEYE_ERROR_AUTH,
                          _("%s wants its token: pair with it first (in the app: its detail pane; with seye: --pin and --token-file)"), name);
    case SOUP_STATUS_FORBIDDEN:
      return g_error_new (SEYE_ERROR, SEYE_ERROR_AUTH,
                          _("%s does not allow this from here (HTTP 403): see its --api-access"), name);
    case SOUP_STATUS_NOT_FOUND:
      if (ask->kind == ASK_PROCESSES)
        return g_error_new (SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED,
                            _("%s runs an agent too old to list its processes"), name);
      if (ask->kind == ASK_RUN)
        return g_error_new (SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED,
                            _("%s has no action named “%s”"), name, action);
      return NULL;   /* no /v1/actions: no actions */
    case SOUP_STATUS_CONFLICT:
      return g_error_new (SEYE_ERROR, SEYE_ERROR_BUSY,
                          _("“%s” is already running on %s: wait for it to end"), action, name);
    default:
      break;
    }

  message = _seye_agent_source_describe_http_status (ask->message);
  clean = seye_sanitize_display (message);

  return g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, _("%s: %s"), name, clean);
}

static void
decode (GTask  *task,
        GBytes *body)
{
  Ask *ask = g_task_get_task_data (task);
  SeyeNode *node = g_object_get_data (G_OBJECT (task), "node");
  g_autoptr (GError) error = NULL;
  const char *data = g_bytes_get_data (body, NULL);
  gssize length = g_bytes_get_size (body);

  switch (ask->kind)
    {
    case ASK_PROCESSES:
      {
        SeyeProcessList *list = seye_process_list_from_json (data, length, &error);

        if (list != NULL)
          {
            g_task_return_pointer (task, list, (GDestroyNotify) seye_process_list_free);
            return;
          }
        break;
      }
    case ASK_ACTIONS:
      {
        GPtrArray *actions = seye_action_list_from_json (data, length, &error);

        if (actions != NULL)
          {
            g_task_return_pointer (task, actions, (GDestroyNotify) g_ptr_array_unref);
            return;
          }
        break;
      }
    case ASK_RUN:
      {
        SeyeActionResult *result = seye_action_result_from_json (data, length, &error);

        if (result != NULL)
          {
            g_task_return_pointer (task, result, (GDestroyNotify) seye_action_result_free);
            return;
          }
        break;
      }
    default:
      g_assert_not_reached ();
    }

  {
    g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
    g_autofree char *clean = seye_sanitize_display (error->message);

    g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_INVALID,
                             _("%s sent an answer that makes no sense: %s"), name, clean);
  }
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Ask *ask = g_task_get_task_data (task);
  SeyeNode *node = g_object_get_data (G_OBJECT (task), "node");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = seye_read_capped_finish (G_INPUT_STREAM (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_INVALID,
                               _("%s sent an answer larger than %u KiB"), name, (guint) (ask->limit / 1024));
      return;
    }

  if (body == NULL)
    {
      g_task_return_error (task, describe_failure (ask, node, error));
      return;
    }

  decode (task, body);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Ask *ask = g_task_get_task_data (task);
  SeyeNode *node = g_object_get_data (G_OBJECT (task), "node");
  g_autoptr (GError) error = NULL;
  guint status;

  ask->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (ask->stream == NULL || (ask->check != NULL && _seye_tls_check_get_mismatch (ask->check)))
    {
      g_task_return_error (task, describe_failure (ask, node, error));
      return;
    }

  status = soup_message_get_status (ask->message);
  if (status != SOUP_STATUS_OK)
    {
      GError *failure = describe_status (ask, node, status);

      if (failure != NULL)
        g_task_return_error (task, failure);
      else
        g_task_return_pointer (task, g_ptr_array_new_with_free_func ((GDestroyNotify) seye_action_free),
                               (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  seye_read_capped_async (ask->stream, ask->limit, ask->cancellable, read_cb, g_steal_pointer (&task));
}

/* Sends @method @path to @node's agent; the task's result is decoded by @kind. */
static void
ask (SeyeAgentSource     *self,
     SeyeNode            *node,
     AskKind              kind,
     const char          *method,
     const char          *path,
     const char          *action,
     guint                deadline,
     GCancellable        *cancellable,
     GTask               *task)
{
  SeyeAgentPeer *peer = _seye_agent_source_find_peer (self, node);
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *uri = NULL;
  Ask *data;

  g_object_set_data_full (G_OBJECT (task), "node", g_object_ref (node), g_object_unref);

  if (peer == NULL || peer->base_uri == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                               _("%s has no address to ask yet"), name);
      g_object_unref (task);
      return;
    }

  data = g_new0 (Ask, 1);
  data->kind = kind;
  data->limit = kind == ASK_RUN ? RUN_LIMIT : ASK_LIMIT;
  data->action = g_strdup (action);
  g_task_set_task_data (task, data, (GDestroyNotify) ask_free);

  uri = g_strconcat (peer->base_uri, path, NULL);
  data->message = soup_message_new (method, uri);
  if (data->message == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("“%s” is not an address one can connect to"), peer->base_uri);
      g_object_unref (task);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (data->message), "Accept", "application/json");

  if (seye_node_get_tls (node))
    data->check = _seye_tls_check_new (data->message, _seye_agent_source_find_pairing (self, node),
                                       self->credentials);
  else if (kind == ASK_RUN)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("%s is not reached over HTTPS: actions run only over HTTPS"), name);
      g_object_unref (task);
      return;
    }

  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (data->cancellable), g_object_unref);
    }
  data->deadline_id = g_timeout_add_seconds (deadline, deadline_cb, data);

  soup_session_send_async (kind == ASK_RUN ? run_session (self) : self->session,
                           data->message, G_PRIORITY_DEFAULT, data->cancellable, sent_cb, task);
}

static const char *
sort_name (SeyeProcessSort sort)
{
  switch (sort)
    {
    case SEYE_PROCESS_SORT_MEMORY: return "memory";
    case SEYE_PROCESS_SORT_IO:     return "io";
    case SEYE_PROCESS_SORT_CPU:
    default:                       return "cpu";
    }
}

static void
fetch_processes (SeyeSource          *source,
                 SeyeNode            *node,
                 SeyeProcessSort      sort,
                 guint                limit,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/v1/processes?sort=%s&limit=%u", sort_name (sort), limit);

  g_task_set_source_tag (task, fetch_processes);
  ask (SEYE_AGENT_SOURCE (source), node, ASK_PROCESSES, SOUP_METHOD_GET, path, NULL, ASK_DEADLINE,
       cancellable, task);
}

static void
list_actions (SeyeSource          *source,
              SeyeNode            *node,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, list_actions);
  ask (SEYE_AGENT_SOURCE (source), node, ASK_ACTIONS, SOUP_METHOD_GET, "/v1/actions", NULL, ASK_DEADLINE,
       cancellable, task);
}

static void
run_action (SeyeSource          *source,
            SeyeNode            *node,
            const char          *name,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, run_action);
  if (!seye_action_name_is_valid (name))
    {
      g_autofree char *clean = seye_sanitize_display (name);

      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               _("“%s” is not an action’s name: 1 to 32 of a-z, 0-9, _ and -"), clean);
      g_object_unref (task);
      return;
    }

  path = g_strconcat ("/v1/actions/", name, NULL);
  /* The agent ends a run at its timeout (at most an hour): the deadline is for
   * an agent that never answers. */
  ask (SEYE_AGENT_SOURCE (source), node, ASK_RUN, SOUP_METHOD_POST, path, name, 3600 + RUN_GRACE,
       cancellable, task);
}

static gpointer
finish (SeyeSource    *source,
        GAsyncResult  *result,
        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_seye_agent_source_init_asks (SeyeSourceInterface *iface)
{
  iface->fetch_processes = fetch_processes;
  iface->fetch_processes_finish = (SeyeProcessList * (*) (SeyeSource *, GAsyncResult *, GError **)) finish;
  iface->list_actions = list_actions;
  iface->list_actions_finish = (GPtrArray * (*) (SeyeSource *, GAsyncResult *, GError **)) finish;
  iface->run_action = run_action;
  iface->run_action_finish = (SeyeActionResult * (*) (SeyeSource *, GAsyncResult *, GError **)) finish;
}
