/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-json-private.h"

/*
 * Reading a node's /v1/processes (or the "processes" of a stream line): the
 * list the agent wrote with seye_process_list_write_json(), checked value by
 * value like a sample. Names, users and arguments are kept exactly as sent;
 * whatever shows them passes them through seye_sanitize_display() first.
 */

#define MAX_PID         4194304.0        /* the kernel's PID_MAX_LIMIT */
#define MAX_THREADS     4194304.0
#define MAX_ARGS        256              /* arguments of one process kept */
#define MAX_ARGS_BYTES  4096

/* A number or null (not readable there); absent counts as null. */
static gboolean
get_optional_rate (JsonObject  *object,
                   const char  *name,
                   gboolean    *present,
                   double      *out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = 0;
  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  *present = TRUE;
  return _seye_json_node_to_number (node, name, 0, MAX_RATE, out, error);
}

static GStrv
get_argv (JsonObject  *object,
          GError     **error)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  JsonNode *node = json_object_get_member (object, "argv");
  JsonArray *array;
  gsize bytes = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  array = _seye_json_get_array (object, "argv", MAX_ARGS, error);
  if (array == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *arg = json_array_get_element (array, i);
      g_autofree char *value = NULL;

      if (!JSON_NODE_HOLDS_VALUE (arg) || json_node_get_value_type (arg) != G_TYPE_STRING)
        {
          g_set_error_literal (error, SEYE_ERROR, SEYE_ERROR_INVALID, "an argument in “argv” is not a string");
          return NULL;
        }
      value = _seye_json_dup_valid_utf8 (json_node_get_string (arg));
      bytes += strlen (value) + 1;
      if (bytes > MAX_ARGS_BYTES + MAX_ARGS)
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID,
                       "“argv” is longer than %u bytes", MAX_ARGS_BYTES);
          return NULL;
        }
      g_strv_builder_add (builder, value);
    }

  return g_strv_builder_end (builder);
}

static SeyeProcess *
process_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr (GError) local_error = NULL;
  JsonObject *object = _seye_json_get_object (node, "a process", error);
  SeyeProcess *process;
  g_autofree char *state = NULL;
  gboolean have_read, have_write;
  guint64 pid, threads;
  double cpu;

  if (object == NULL)
    return NULL;

  process = g_new0 (SeyeProcess, 1);
  if (!_seye_json_get_uint64 (object, "pid", MAX_PID, &pid, &local_error) ||
      !_seye_json_get_string (object, "name", SEYE_PROCESS_MAX_NAME * 4, TRUE, &process->name, &local_error) ||
      !_seye_json_get_string (object, "user", SEYE_MAX_STRING, TRUE, &process->user, &local_error) ||
      !_seye_json_get_string (object, "state", 4, FALSE, &state, &local_error) ||
      !_seye_json_get_number (object, "cpu_percent", 0, 100.0 * MAX_THREADS, &cpu, &local_error) ||
      !_seye_json_get_uint64 (object, "rss_bytes", MAX_BYTES, &process->rss_bytes, &local_error) ||
      !_seye_json_get_uint64 (object, "threads", MAX_THREADS, &threads, &local_error) ||
      !_seye_json_get_int64 (object, "start_time", 0, MAX_TIME_MS / 1000, &process->start_time, &local_error) ||
      !get_optional_rate (object, "read_bytes_per_sec", &have_read, &process->read_bytes_per_sec, &local_error) ||
      !get_optional_rate (object, "write_bytes_per_sec", &have_write, &process->write_bytes_per_sec, &local_error))
    {
      seye_process_free (process);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "a process: ");
      return NULL;
    }

  process->argv = get_argv (object, &local_error);
  if (local_error != NULL)
    {
      seye_process_free (process);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "a process: ");
      return NULL;
    }

  process->pid = (guint32) pid;
  process->threads = (guint) threads;
  process->cpu_percent = cpu;
  process->state = g_ascii_isprint (state[0]) ? state[0] : '?';
  process->have_io = have_read && have_write;

  return process;
}

/**
 * seye_process_list_from_json_node:
 *
 * Returns: (transfer full) (nullable): the list in @node, at most
 *   %SEYE_PROCESS_MAX_LIMIT processes; %NULL with @error when a value is
 *   missing, of the wrong type or absurd.
 */
SeyeProcessList *
seye_process_list_from_json_node (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr (SeyeProcessList) list = NULL;
  JsonObject *root = _seye_json_get_object (node, "the process list", error);
  JsonArray *array;
  guint64 total, not_readable;

  if (root == NULL)
    return NULL;

  list = g_new0 (SeyeProcessList, 1);
  list->processes = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_process_free);

  if (!_seye_json_get_number (root, "interval", 0, MAX_SECONDS, &list->interval, error) ||
      !_seye_json_get_uint64 (root, "total", MAX_COUNT, &total, error) ||
      !_seye_json_get_uint64 (root, "not_readable", MAX_COUNT, &not_readable, error))
    return NULL;
  list->total = (guint) total;
  list->not_readable = (guint) not_readable;

  array = _seye_json_get_array (root, "processes", SEYE_PROCESS_MAX_LIMIT, error);
  if (array == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SeyeProcess *process = process_from_json (json_array_get_element (array, i), error);

      if (process == NULL)
        return NULL;
      g_ptr_array_add (list->processes, process);
    }

  return g_steal_pointer (&list);
}

/**
 * seye_process_list_from_json:
 *
 * Decodes a /v1/processes answer. See seye_process_list_from_json_node().
 */
SeyeProcessList *
seye_process_list_from_json (const char  *data,
                             gssize       length,
                             GError     **error)
{
  g_autoptr (JsonNode) root = _seye_json_parse (data, length, error);

  return root ? seye_process_list_from_json_node (root, error) : NULL;
}
