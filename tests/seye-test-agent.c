/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "seye-test-agent.h"
#include "seye-test-wait.h"

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

/**
 * seye_test_die_with_parent:
 *
 * A child setup function (g_subprocess_launcher_set_child_setup()): the child is
 * killed when the test ends. A test that aborts must not leave agents behind
 * holding meson's output pipes (meson would wait for them until its timeout).
 */
void
seye_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * seye_test_args_add_valist:
 *
 * Adds @first_arg and the arguments after it up to a %NULL to @argv (which does
 * not own them), then the %NULL.
 */
void
seye_test_args_add_valist (GPtrArray  *argv,
                           const char *first_arg,
                           va_list     ap)
{
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);
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
 * seye_test_agent_spawn:
 * @agent_path: the program: $SEYE_AGENT, or one that speaks as it does
 * @prefix: (nullable): a command that runs the rest of its arguments elsewhere
 * @address: what it binds to
 * @args: (nullable): the rest of its arguments
 *
 * Runs @prefix + @agent_path --bind @address --port 0 + @args, and waits until
 * it listens. Fails the test when it does not.
 */
SeyeTestAgent *
seye_test_agent_spawn (const char         *agent_path,
                       const char * const *prefix,
                       const char         *address,
                       const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
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

  for (guint i = 0; prefix != NULL && prefix[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) prefix[i]);
  g_ptr_array_add (argv, (char *) agent_path);
  g_ptr_array_add (argv, (char *) "--bind");
  g_ptr_array_add (argv, (char *) address);
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
  agent->listening = g_strdup_printf ("Listening on %s://%s:", scheme, address);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
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
  agent->base_uri = g_strdup_printf ("%s://%s:%u", scheme, address, agent->port);

  return agent;
}

/**
 * seye_test_fake_agent_start:
 *
 * Starts $SEYE_FAKE_AGENT (tests/seye-fake-agent.c, a look-alike that claims
 * the node id it is given) on 127.0.0.1 with a free port, as
 * seye_test_agent_start() does the real one.
 */
SeyeTestAgent *
seye_test_fake_agent_start (const char *first_arg,
                            ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  seye_test_args_add_valist (args, first_arg, ap);
  va_end (ap);

  return seye_test_agent_spawn (g_getenv ("SEYE_FAKE_AGENT"), NULL, "127.0.0.1",
                                (const char * const *) args->pdata);
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
  return seye_test_agent_spawn (g_getenv ("SEYE_AGENT"), NULL, "127.0.0.1", args);
}

SeyeTestAgent *
seye_test_agent_start (const char *first_arg,
                       ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  seye_test_args_add_valist (args, first_arg, ap);
  va_end (ap);

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
