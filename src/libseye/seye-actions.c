/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "seye-actions.h"
#include "seye-error.h"
#include "seye-json-private.h"

/*
 * A node's named actions as a client sees them: the list of GET /v1/actions
 * and the answer of POST /v1/actions/NAME, decoded and checked.
 */

#define MAX_TIMEOUT      3600.0
#define MAX_DESCRIPTION  256

void
seye_action_free (SeyeAction *action)
{
  if (action == NULL)
    return;

  g_free (action->name);
  g_free (action->description);
  g_free (action);
}

void
seye_action_result_free (SeyeActionResult *result)
{
  if (result == NULL)
    return;

  g_free (result->action);
  g_free (result->output);
  g_free (result);
}

/* 1 to 32 of a-z, 0-9, _ and -: what an agent accepts as a name. */
gboolean
seye_action_name_is_valid (const char *name)
{
  gsize length;

  if (name == NULL)
    return FALSE;

  length = strlen (name);
  if (length == 0 || length > SEYE_ACTION_MAX_NAME)
    return FALSE;

  return strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == length;
}

gboolean
seye_action_result_succeeded (const SeyeActionResult *result)
{
  return result->exited && result->exit_status == 0 && !result->timed_out;
}

/**
 * seye_action_result_describe:
 *
 * Returns: how the run ended, in words: "Finished in 0.4 s",
 *   "Failed with exit status 2 after 1.2 s", "Stopped after its timeout of…".
 */
char *
seye_action_result_describe (const SeyeActionResult *result)
{
  double seconds = result->duration_ms / 1000.0;
  g_autofree char *how = NULL;

  if (result->timed_out)
    how = g_strdup_printf (_("Stopped after %.1f s: it ran past its timeout"), seconds);
  else if (!result->exited)
    how = g_strdup_printf (_("Ended by signal %d after %.1f s"), result->signal, seconds);
  else if (result->exit_status == 0)
    how = g_strdup_printf (_("Finished in %.1f s"), seconds);
  else
    how = g_strdup_printf (_("Failed with exit status %d after %.1f s"), result->exit_status, seconds);

  if (result->truncated)
    /* Translators: %s says how a remote command ended */
    return g_strdup_printf (_("%s (only the first 64 KiB of its output were kept)"), how);

  return g_steal_pointer (&how);
}

static gboolean
name_from_json (JsonObject  *object,
                char       **out,
                GError     **error)
{
  if (!_seye_json_get_string (object, "name", SEYE_ACTION_MAX_NAME, FALSE, out, error))
    return FALSE;

  if (!seye_action_name_is_valid (*out))
    {
      g_clear_pointer (out, g_free);
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "an action's name is not 1 to 32 of a-z, 0-9, _ and -");
      return FALSE;
    }

  return TRUE;
}

static SeyeAction *
action_from_json (JsonNode  *node,
                  GError   **error)
{
  g_autoptr (SeyeAction) action = g_new0 (SeyeAction, 1);
  JsonObject *object = _seye_json_get_object (node, "an action", error);
  JsonNode *description;
  double timeout = 30;

  if (object == NULL || !name_from_json (object, &action->name, error))
    return NULL;

  description = json_object_get_member (object, "description");
  if (description != NULL && !JSON_NODE_HOLDS_NULL (description) &&
      !_seye_json_get_string (object, "description", MAX_DESCRIPTION, TRUE, &action->description, error))
    return NULL;

  if (json_object_has_member (object, "timeout") &&
      !_seye_json_get_number (object, "timeout", 1, MAX_TIMEOUT, &timeout, error))
    return NULL;
  action->timeout = (guint) timeout;

  return g_steal_pointer (&action);
}

/**
 * seye_action_list_from_json:
 *
 * Returns: (transfer full) (element-type SeyeAction): the actions of a
 *   GET /v1/actions answer, in its order; %NULL with @error.
 */
GPtrArray *
seye_action_list_from_json (const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);
  g_autoptr (GPtrArray) actions = NULL;
  JsonObject *object;
  JsonArray *array;

  if (root == NULL || (object = _seye_json_get_object (root, "the list of actions", error)) == NULL)
    return NULL;

  array = _seye_json_get_array (object, "actions", SEYE_ACTION_MAX_ACTIONS, error);
  if (array == NULL)
    return NULL;

  actions = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_action_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SeyeAction *action = action_from_json (json_array_get_element (array, i), error);

      if (action == NULL)
        return NULL;
      g_ptr_array_add (actions, action);
    }

  return g_steal_pointer (&actions);
}

/* exit_status and signal: exactly one of them is a number. */
static gboolean
ending_from_json (JsonObject        *object,
                  SeyeActionResult  *result,
                  GError           **error)
{
  JsonNode *status = json_object_get_member (object, "exit_status");
  JsonNode *signal = json_object_get_member (object, "signal");
  gint64 value;

  if (status != NULL && !JSON_NODE_HOLDS_NULL (status))
    {
      if (!_seye_json_node_to_int64 (status, "exit_status", 0, 255, &value, error))
        return FALSE;
      result->exited = TRUE;
      result->exit_status = (int) value;
      return TRUE;
    }

  if (signal == NULL || JSON_NODE_HOLDS_NULL (signal))
    {
      g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                           "the answer has neither an exit status nor a signal");
      return FALSE;
    }

  if (!_seye_json_node_to_int64 (signal, "signal", 1, 64, &value, error))
    return FALSE;
  result->signal = (int) value;

  return TRUE;
}

static gboolean
get_boolean (JsonObject  *object,
             const char  *name,
             gboolean    *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "“%s” is not true or false", name);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * seye_action_result_from_json:
 *
 * Returns: (transfer full): the answer of a POST /v1/actions/NAME; %NULL with @error.
 */
SeyeActionResult *
seye_action_result_from_json (const char  *data,
                              gssize       length,
                              GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);
  g_autoptr (SeyeActionResult) result = g_new0 (SeyeActionResult, 1);
  JsonObject *object;

  if (root == NULL || (object = _seye_json_get_object (root, "the action's result", error)) == NULL)
    return NULL;

  if (!_seye_json_get_string (object, "action", SEYE_ACTION_MAX_NAME, FALSE, &result->action, error) ||
      !ending_from_json (object, result, error) ||
      !get_boolean (object, "timed_out", &result->timed_out, error) ||
      !get_boolean (object, "truncated", &result->truncated, error) ||
      !_seye_json_get_string (object, "output", 4 * SEYE_ACTION_MAX_OUTPUT, TRUE, &result->output, error) ||
      !_seye_json_get_int64 (object, "duration_ms", 0, G_GINT64_CONSTANT (86400000), &result->duration_ms, error))
    return NULL;

  return g_steal_pointer (&result);
}
