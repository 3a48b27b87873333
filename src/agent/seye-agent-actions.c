/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-agent"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "seye-actions.h"
#include "seye-agent-actions.h"
#include "seye-error.h"
#include "seye-json.h"

/*
 * Named actions: the [actions] group of the key file, and one run of one
 * action. "name=argv" is split as a shell would split it, but no shell runs
 * it and a client gives no argument; "name.timeout" and "name.description"
 * qualify it. A run is its own process group (so that a timeout ends what it
 * started too), its stdout and stderr merged into one capped buffer.
 */

#define GROUP     SEYE_AGENT_ACTIONS_GROUP
#define READ_SIZE 16384

void
seye_agent_action_free (SeyeAgentAction *action)
{
  if (action == NULL)
    return;

  g_free (action->name);
  g_strfreev (action->argv);
  g_free (action->description);
  g_free (action);
}

const SeyeAgentAction *
seye_agent_actions_lookup (GPtrArray  *actions,
                           const char *name)
{
  for (guint i = 0; actions != NULL && i < actions->len; i++)
    {
      const SeyeAgentAction *action = g_ptr_array_index (actions, i);

      if (g_strcmp0 (action->name, name) == 0)
        return action;
    }

  return NULL;
}

/* The key file ------------------------------------------------------------ */

/* "name=/usr/bin/program arguments": one action. */
static SeyeAgentAction *
read_command (GKeyFile    *key_file,
              const char  *path,
              const char  *key,
              GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SeyeAgentAction) action = NULL;
  g_autofree char *command = NULL;
  g_auto (GStrv) argv = NULL;

  if (!seye_action_name_is_valid (key))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s: [" GROUP "] “%s” is not an action name: "
                   "use 1 to %d of a-z, 0-9, _ and -", path, key, SEYE_AGENT_MAX_ACTION_NAME);
      return NULL;
    }

  /* GKeyFile may return a string and an error (an escape it does not know,
   * such as \"): the error counts, and the shell parser is not asked. */
  command = g_key_file_get_string (key_file, GROUP, key, &local_error);
  if (command != NULL && local_error == NULL)
    g_shell_parse_argv (command, NULL, &argv, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s: [" GROUP "] %s: %s (give a program's absolute path and its arguments)",
                   path, key, local_error->message);
      return NULL;
    }

  if (!g_path_is_absolute (argv[0]) || !g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) ||
      g_file_test (argv[0], G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%s: [" GROUP "] %s: “%s” is not %s: give the program's absolute path "
                   "(no shell runs it, and PATH is not searched)", path, key, argv[0],
                   g_path_is_absolute (argv[0]) ? "an executable file" : "an absolute path");
      return NULL;
    }

  action = g_new0 (SeyeAgentAction, 1);
  action->name = g_strdup (key);
  action->argv = g_steal_pointer (&argv);
  action->timeout = SEYE_AGENT_DEFAULT_ACTION_TIMEOUT;

  return g_steal_pointer (&action);
}

/* "name.timeout" or "name.description". */
static gboolean
read_qualifier (GKeyFile         *key_file,
                const char       *path,
                const char       *key,
                SeyeAgentAction  *action,
                const char       *what,
                GError          **error)
{
  g_autoptr (GError) local_error = NULL;

  if (g_strcmp0 (what, "timeout") == 0)
    {
      gint64 timeout = g_key_file_get_int64 (key_file, GROUP, key, &local_error);

      if (local_error == NULL && (timeout < 1 || timeout > SEYE_AGENT_MAX_ACTION_TIMEOUT))
        g_set_error (&local_error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                     "%" G_GINT64_FORMAT " s is out of range: use 1 to %d seconds",
                     timeout, SEYE_AGENT_MAX_ACTION_TIMEOUT);
      action->timeout = (guint) timeout;
    }
  else
    {
      g_autofree char *text = g_key_file_get_string (key_file, GROUP, key, &local_error);

      if (local_error == NULL && strlen (text) > SEYE_AGENT_MAX_DESCRIPTION)
        g_set_error (&local_error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                     "longer than %d bytes", SEYE_AGENT_MAX_DESCRIPTION);
      for (const char *p = text; local_error == NULL && *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          g_set_error_literal (&local_error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                               "it contains control characters");
      g_free (action->description);
      action->description = g_steal_pointer (&text);
    }

  if (local_error != NULL)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "%s: [" GROUP "] %s: %s",
                   path, key, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * seye_agent_actions_load:
 * @actions: (inout) (transfer full): replaced by the actions of @key_file's
 *   [actions] group when it names any
 *
 * Returns: %FALSE with an error naming the file and the key at the first
 *   key that is not right.
 */
gboolean
seye_agent_actions_load (GKeyFile    *key_file,
                         const char  *path,
                         GPtrArray  **actions,
                         GError     **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_auto (GStrv) keys = NULL;

  if (!g_key_file_has_group (key_file, GROUP))
    return TRUE;

  keys = g_key_file_get_keys (key_file, GROUP, NULL, NULL);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_agent_action_free);

  /* The commands first, then what qualifies them. */
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      SeyeAgentAction *action;

      if (strchr (keys[i], '.') != NULL)
        continue;
      if (list->len == SEYE_AGENT_MAX_ACTIONS)
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "%s: [" GROUP "] names more than %d actions", path, SEYE_AGENT_MAX_ACTIONS);
          return FALSE;
        }
      action = read_command (key_file, path, keys[i], error);
      if (action == NULL)
        return FALSE;
      g_ptr_array_add (list, action);
    }

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *dot = strrchr (keys[i], '.');
      g_autofree char *name = NULL;
      SeyeAgentAction *action;

      if (dot == NULL)
        continue;
      name = g_strndup (keys[i], dot - keys[i]);
      action = (SeyeAgentAction *) seye_agent_actions_lookup (list, name);
      if (action == NULL || (strcmp (dot, ".timeout") != 0 && strcmp (dot, ".description") != 0))
        {
          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "%s: [" GROUP "] %s is not known: use NAME=PROGRAM, NAME.timeout or "
                       "NAME.description for an action NAME", path, keys[i]);
          return FALSE;
        }
      if (!read_qualifier (key_file, path, keys[i], action, dot + 1, error))
        return FALSE;
    }

  g_clear_pointer (actions, g_ptr_array_unref);
  if (list->len > 0)
    *actions = g_steal_pointer (&list);

  return TRUE;
}

/**
 * seye_agent_actions_check_config:
 *
 * Actions run only for clients holding the token, over HTTPS: an agent that
 * names actions but would let anyone else ask is refused.
 */
gboolean
seye_agent_actions_check_config (const SeyeAgentConfig  *config,
                                 GError                **error)
{
  const char *path = config->config_path != NULL ? config->config_path : "the configuration";

  if (config->actions == NULL || config->actions->len == 0)
    return TRUE;

  if (config->auth != SEYE_AGENT_AUTH_TOKEN)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 "%s names actions but auth is none: set auth=token (--auth=token), or remove "
                 "the [" GROUP "] group", path);
  else if (config->api_access != SEYE_AGENT_ACCESS_TOKEN)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 "%s names actions but api-access is %s: set api-access=token, or remove "
                 "the [" GROUP "] group", path, seye_agent_access_to_string (config->api_access));
  else if (!config->tls)
    g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                 "%s names actions but TLS is off: set tls=true (--tls), or remove "
                 "the [" GROUP "] group", path);
  else
    return TRUE;

  return FALSE;
}

/* A run ------------------------------------------------------------------- */

typedef struct
{
  GSubprocess           *process;
  GCancellable          *cancellable;    /* the reads, once nothing more will come */
  SeyeAgentActionResult *result;
  guint                  timeout;        /* seconds */
  guint                  timeout_source;
  guint                  kill_source;
  gint64                 start_us;
  pid_t                  group;          /* its process group; 0: none to signal */
  gboolean               exited;
  gboolean               eof;
  gboolean               killed;
} Run;

static void
run_free (Run *run)
{
  g_clear_handle_id (&run->timeout_source, g_source_remove);
  g_clear_handle_id (&run->kill_source, g_source_remove);
  g_clear_object (&run->process);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->result, seye_agent_action_result_free);
  g_free (run);
}

void
seye_agent_action_result_free (SeyeAgentActionResult *result)
{
  if (result == NULL)
    return;

  g_free (result->action);
  g_clear_pointer (&result->output, g_byte_array_unref);
  g_free (result);
}

/* In the child, before exec: a process group of its own. */
static void
child_setup_cb (gpointer data)
{
  setsid ();
}

/* Once the program has exited and its output is closed (or given up on). */
static void
maybe_finish (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  SeyeAgentActionResult *result = run->result;

  if (!run->exited || !run->eof || g_task_get_completed (task))
    return;

  g_clear_handle_id (&run->timeout_source, g_source_remove);
  g_clear_handle_id (&run->kill_source, g_source_remove);

  result->duration_ms = (g_get_monotonic_time () - run->start_us) / 1000;
  if (g_subprocess_get_if_exited (run->process))
    {
      result->exit_status = g_subprocess_get_exit_status (run->process);
    }
  else
    {
      result->exit_status = -1;
      result->signal = g_subprocess_get_term_sig (run->process);
    }

  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify) seye_agent_action_result_free);
}

/* Never kill (0, …): that is the agent's own process group. */
static void
signal_group (Run *run,
              int  signal_number)
{
  if (run->group > 1)
    kill (-run->group, signal_number);
}

static gboolean
kill_cb (gpointer data)
{
  GTask *task = data;
  Run *run = g_task_get_task_data (task);

  run->kill_source = 0;
  run->killed = TRUE;
  signal_group (run, SIGKILL);
  /* What left the group may hold the output open: stop reading it. */
  if (run->exited)
    g_cancellable_cancel (run->cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer data)
{
  GTask *task = data;
  Run *run = g_task_get_task_data (task);

  run->timeout_source = 0;
  run->result->timed_out = TRUE;
  signal_group (run, SIGTERM);
  run->kill_source = g_timeout_add (SEYE_AGENT_ACTION_KILL_DELAY * 1000, kill_cb, task);

  return G_SOURCE_REMOVE;
}

static void
wait_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Run *run = g_task_get_task_data (task);

  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  run->exited = TRUE;
  if (run->killed)
    g_cancellable_cancel (run->cancellable);
  maybe_finish (task);
}

static void
read_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Run *run = g_task_get_task_data (task);
  GByteArray *output = run->result->output;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("action %s: reading its output: %s", run->result->action, error->message);
      run->eof = TRUE;
      maybe_finish (task);
      return;
    }

  /* Past the cap the output is read and dropped, so that the program is not
   * left blocked on a full pipe. */
  size = g_bytes_get_size (bytes);
  if (output->len + size > SEYE_AGENT_MAX_ACTION_OUTPUT)
    {
      run->result->truncated = TRUE;
      size = SEYE_AGENT_MAX_ACTION_OUTPUT - output->len;
    }
  g_byte_array_append (output, g_bytes_get_data (bytes, NULL), size);

  g_input_stream_read_bytes_async (G_INPUT_STREAM (source), READ_SIZE, G_PRIORITY_DEFAULT,
                                   run->cancellable, read_cb, g_object_ref (task));
}

/**
 * seye_agent_action_run_async:
 *
 * Runs @action now, as the agent's user, with its stdin /dev/null and its
 * stdout and stderr merged, until it exits and its output closes; at its
 * timeout its process group gets SIGTERM, and SIGKILL two seconds later.
 */
void
seye_agent_action_run_async (const SeyeAgentAction *action,
                             GAsyncReadyCallback    callback,
                             gpointer               data)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, data);
  g_autoptr (GError) error = NULL;
  const char *identifier;
  Run *run = g_new0 (Run, 1);

  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  g_task_set_source_tag (task, seye_agent_action_run_async);
  run->timeout = action->timeout;
  run->cancellable = g_cancellable_new ();
  run->result = g_new0 (SeyeAgentActionResult, 1);
  run->result->action = g_strdup (action->name);
  run->result->output = g_byte_array_new ();
  run->start_us = g_get_monotonic_time ();

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, "/");
  g_subprocess_launcher_set_child_setup (launcher, child_setup_cb, NULL, NULL);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) action->argv,
                                               &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                               "action %s could not be started: %s", action->name, error->message);
      return;
    }

  /* GSubprocess reaps its child in GLib's worker thread: a program that has
   * already exited has no identifier left, and no group to signal. */
  identifier = g_subprocess_get_identifier (run->process);
  if (identifier != NULL)
    run->group = (pid_t) g_ascii_strtoll (identifier, NULL, 10);
  run->timeout_source = g_timeout_add (run->timeout * 1000, timeout_cb, task);
  g_subprocess_wait_async (run->process, NULL, wait_cb, g_object_ref (task));
  g_input_stream_read_bytes_async (g_subprocess_get_stdout_pipe (run->process), READ_SIZE,
                                   G_PRIORITY_DEFAULT, run->cancellable, read_cb,
                                   g_object_ref (task));
}

SeyeAgentActionResult *
seye_agent_action_run_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The output as a JSON string: exactly the bytes, but for bytes that are not
 * UTF-8, each of which becomes U+FFFD (JSON carries text, not bytes). */
static void
write_output (GString          *str,
              const GByteArray *output)
{
  /* An empty GByteArray's data may be NULL: no arithmetic on it. */
  const char *p = (const char *) output->data;
  const char *end = output->len > 0 ? p + output->len : p;

  g_string_append_c (str, '"');
  while (p < end)
    {
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (str, "\\ufffd");
          p++;
          continue;
        }
      if (c == '"' || c == '\\')
        g_string_append_printf (str, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (str, "\\n");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (str, "\\u%04x", c);
      else
        g_string_append_len (str, p, g_utf8_next_char (p) - p);
      p = c == 0 ? p + 1 : g_utf8_next_char (p);
    }
  g_string_append_c (str, '"');
}

/* {action, exit_status, signal, timed_out, truncated, output, duration_ms} */
void
seye_agent_action_result_write (GString                     *str,
                                const SeyeAgentActionResult *result)
{
  g_string_append (str, "{\"action\":");
  seye_json_write_string (str, result->action);
  if (result->signal == 0)
    g_string_append_printf (str, ",\"exit_status\":%d,\"signal\":null", result->exit_status);
  else
    g_string_append_printf (str, ",\"exit_status\":null,\"signal\":%d", result->signal);
  g_string_append_printf (str, ",\"timed_out\":%s,\"truncated\":%s,\"output\":",
                          result->timed_out ? "true" : "false",
                          result->truncated ? "true" : "false");
  write_output (str, result->output);
  g_string_append_printf (str, ",\"duration_ms\":%" G_GINT64_FORMAT "}", result->duration_ms);
}

/* "exit status 0, 6 bytes of output, in 3 ms", for the log. */
char *
seye_agent_action_result_describe (const SeyeAgentActionResult *result)
{
  GString *str = g_string_new (NULL);

  if (result->signal == 0)
    g_string_append_printf (str, "exit status %d", result->exit_status);
  else
    g_string_append_printf (str, "ended by signal %d (%s)", result->signal,
                            g_strsignal (result->signal));
  if (result->timed_out)
    g_string_append (str, " after its timeout");
  g_string_append_printf (str, ", %u bytes of output%s, in %" G_GINT64_FORMAT " ms",
                          result->output->len, result->truncated ? " (truncated)" : "",
                          result->duration_ms);

  return g_string_free (str, FALSE);
}
