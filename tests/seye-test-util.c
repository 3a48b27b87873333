/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "seye-test-util.h"

/* The stderr reader outlives nothing: once the agent is freed its cancellable
 * is cancelled, and the reader stops without touching the agent. */
typedef struct
{
  GCancellable  *cancellable;
  SeyeTestAgent *agent;
} Reader;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Reader *reader = data;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (line == NULL || g_cancellable_is_cancelled (reader->cancellable))
    {
      g_object_unref (source);
      g_object_unref (reader->cancellable);
      g_free (reader);
      return;
    }

  if (g_getenv ("SEYE_TEST_VERBOSE") != NULL)
    g_printerr ("# agent: %s\n", line);

  g_string_append (reader->agent->log, line);
  g_string_append_c (reader->agent->log, '\n');

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT,
                                       reader->cancellable, read_line_cb, reader);
}

/* An agent dies with its test: a test that aborts must not leave agents behind
 * holding meson's output pipes (meson would wait for them until its timeout). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
has_port_cb (gpointer data)
{
  SeyeTestAgent *agent = data;
  const char *found = strstr (agent->log->str, agent->listening);

  return found != NULL && strchr (found, '\n') != NULL;
}

static gboolean
exited_cb (gpointer data)
{
  SeyeTestAgent *agent = data;

  return agent->exited;
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  gboolean *exited = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/**
 * seye_test_agent_startv:
 *
 * Starts $SEYE_AGENT on 127.0.0.1 with a free port and waits until it listens.
 * Fails the test when it does not.
 */
SeyeTestAgent *
seye_test_agent_startv (const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  const char *agent_path = g_getenv ("SEYE_AGENT");
  gboolean has_port = FALSE;
  const char *scheme = "http";
  SeyeTestAgent *agent;
  GDataInputStream *stderr_lines;
  Reader *reader;
  const char *found;

  g_assert_nonnull (agent_path);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_equal (args[i], "--port") || g_str_has_prefix (args[i], "--port="))
      has_port = TRUE;
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_equal (args[i], "--tls"))
      scheme = "https";

  g_ptr_array_add (argv, (char *) agent_path);
  g_ptr_array_add (argv, (char *) "--bind");
  g_ptr_array_add (argv, (char *) "127.0.0.1");
  if (!has_port)
    {
      g_ptr_array_add (argv, (char *) "--port");
      g_ptr_array_add (argv, (char *) "0");
    }
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  agent = g_new0 (SeyeTestAgent, 1);
  agent->log = g_string_new (NULL);
  agent->listening = g_strdup_printf ("Listening on %s://%s:", scheme, "127.0.0.1");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  agent->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_wait_async (agent->process, NULL, wait_cb, &agent->exited);

  agent->cancellable = g_cancellable_new ();
  reader = g_new0 (Reader, 1);
  reader->cancellable = g_object_ref (agent->cancellable);
  reader->agent = agent;
  stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (agent->process));
  g_data_input_stream_read_line_async (stderr_lines, G_PRIORITY_DEFAULT, agent->cancellable,
                                       read_line_cb, reader);

  if (!seye_test_wait_until (has_port_cb, agent, 10000) && !agent->exited)
    g_error ("agent did not start listening within 10 s; it said:\n%s", agent->log->str);
  if (agent->exited)
    g_error ("agent exited before it listened; it said:\n%s", agent->log->str);

  found = strstr (agent->log->str, agent->listening);
  agent->port = (guint16) atoi (found + strlen (agent->listening));
  g_assert_cmpuint (agent->port, >, 0);
  agent->base_uri = g_strdup_printf ("%s://127.0.0.1:%u", scheme, agent->port);

  return agent;
}

SeyeTestAgent *
seye_test_agent_start (const char *first_arg,
                       ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return seye_test_agent_startv ((const char * const *) args->pdata);
}

static int
wait_exit (SeyeTestAgent *agent)
{
  if (!seye_test_wait_until (exited_cb, agent, 10000))
    {
      g_subprocess_force_exit (agent->process);
      g_error ("agent did not exit within 10 s; it said:\n%s", agent->log->str);
    }

  if (g_subprocess_get_if_signaled (agent->process))
    return 128 + g_subprocess_get_term_sig (agent->process);

  return g_subprocess_get_exit_status (agent->process);
}

/**
 * seye_test_agent_stop:
 *
 * Sends SIGTERM and waits for the agent to exit.
 *
 * Returns: its exit status (128 + signal when killed by one).
 */
int
seye_test_agent_stop (SeyeTestAgent *agent)
{
  g_assert_nonnull (agent);

  if (!exited_cb (agent))
    g_subprocess_send_signal (agent->process, SIGTERM);

  return wait_exit (agent);
}

void
seye_test_agent_kill (SeyeTestAgent *agent)
{
  g_assert_nonnull (agent);

  if (!exited_cb (agent))
    g_subprocess_force_exit (agent->process);
  wait_exit (agent);
}

void
seye_test_agent_free (SeyeTestAgent *agent)
{
  if (agent == NULL)
    return;

  if (!exited_cb (agent))
    {
      g_subprocess_send_signal (agent->process, SIGKILL);
      seye_test_wait_until (exited_cb, agent, 5000);
    }

  g_cancellable_cancel (agent->cancellable);
  g_clear_object (&agent->cancellable);
  g_clear_object (&agent->process);
  g_free (agent->base_uri);
  g_free (agent->listening);
  g_string_free (agent->log, TRUE);
  agent->log = NULL;
  g_free (agent);
}

typedef struct
{
  SeyeTestAgent *agent;
  const char    *needle;
} LogWait;

static gboolean
log_has_cb (gpointer data)
{
  LogWait *wait = data;

  return strstr (wait->agent->log->str, wait->needle) != NULL;
}

gboolean
seye_test_agent_wait_log (SeyeTestAgent *agent,
                          const char    *needle,
                          guint          timeout_ms)
{
  LogWait wait = { agent, needle };

  return seye_test_wait_until (log_has_cb, &wait, timeout_ms);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

gboolean
seye_test_wait_until (gboolean (*condition) (gpointer data),
                      gpointer   data,
                      guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (source);

  return condition (data);
}

static int
run_stack (const char *verb,
           char      **output)
{
  g_autofree char *script = g_build_filename (g_getenv ("SEYE_TESTS_DIR"), "mdns-stack.sh", NULL);
  const char *argv[] = { "sh", script, verb, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, output, &status, &error))
    {
      if (output != NULL)
        *output = g_strdup (error->message);
      return 77;
    }

  if (WIFEXITED (status))
    return WEXITSTATUS (status);

  return 1;
}

/**
 * seye_test_require_avahi:
 *
 * Returns: %TRUE when avahi-daemon answers on the system bus. Otherwise skips
 *   the test loudly, or fails it when $CI is set: CI must run every mDNS test.
 */
gboolean
seye_test_require_avahi (void)
{
  g_autofree char *output = NULL;
  int status;

  g_assert_nonnull (g_getenv ("SEYE_TESTS_DIR"));

  status = run_stack ("ensure", &output);
  if (status == 0)
    return TRUE;

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("mDNS test cannot run: avahi-daemon could not be started (%s). Under CI=true this "
             "is a failure, not a skip.", output ? g_strstrip (output) : "no reason given");

  g_printerr ("\n#####################################################################\n"
              "# SKIPPING mDNS TEST: no avahi-daemon and none can be started here.\n"
              "# %s\n"
              "#####################################################################\n",
              output ? g_strstrip (output) : "");
  g_test_skip ("no avahi-daemon (see the reason above)");

  return FALSE;
}

gboolean
seye_test_avahi_owned (void)
{
  return run_stack ("owned", NULL) == 0;
}

gboolean
seye_test_avahi_restart (void)
{
  return run_stack ("restart", NULL) == 0;
}

gboolean
seye_test_avahi_stop (void)
{
  return seye_test_avahi_owned () && run_stack ("stop", NULL) == 0;
}

int
seye_test_run_cli (char       **out,
                   char       **err,
                   const char  *first_arg,
                   ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  const char *cli = g_getenv ("SEYE_CLI");
  va_list ap;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "NO_COLOR");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  g_test_message ("seye %s → %d\n%.2000s%s", first_arg ? first_arg : "", g_subprocess_get_exit_status (process), o, e);

  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);

  return g_subprocess_get_exit_status (process);
}
