/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#define _GNU_SOURCE  /* setns */

#include "config.h"

#include <fcntl.h>
#include <libsoup/soup.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Runs @prefix (a command that runs the rest of its arguments elsewhere, or
 * nothing) + $SEYE_AGENT --bind @address --port 0 + @args, and waits until the
 * agent listens. Fails the test when it does not. */
static SeyeTestAgent *
program_spawn (const char         *agent_path,
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
  agent->base_uri = g_strdup_printf ("%s://%s:%u", scheme, address, agent->port);

  return agent;
}

static SeyeTestAgent *
agent_spawn (const char * const *prefix,
             const char         *address,
             const char * const *args)
{
  return program_spawn (g_getenv ("SEYE_AGENT"), prefix, address, args);
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
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return program_spawn (g_getenv ("SEYE_FAKE_AGENT"), NULL, "127.0.0.1", (const char * const *) args->pdata);
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
  return agent_spawn (NULL, "127.0.0.1", args);
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

/* The avahi-daemon that tests/mdns-stack.sh starts is shared by every test run
 * on this machine (there is one system bus). A test that uses it holds a shared
 * lock on the stack's lock file for as long as it lives; one that stops or
 * restarts the daemon holds it exclusively, so no test of another run sees the
 * daemon go away under it, and `mdns-stack.sh stop` at the end of a run leaves
 * the daemon to a run still holding the lock. */
static int stack_lock_fd = -1;
static gboolean stack_lock_exclusive;

static gboolean
stack_lock (gboolean exclusive)
{
  const char *dir = g_getenv ("SEYE_MDNS_STATE_DIR");
  g_autofree char *path = NULL;
  gboolean said = FALSE;

  if (dir == NULL)
    dir = "/run/sorcerers-eye-tests";

  if (stack_lock_fd >= 0 && (stack_lock_exclusive || !exclusive))
    return TRUE;

  if (stack_lock_fd < 0)
    {
      /* Not root: this run can start nothing, so it stops nothing either. */
      if (g_mkdir_with_parents (dir, 0755) != 0)
        return FALSE;
      path = g_build_filename (dir, "stack.lock", NULL);
      stack_lock_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (stack_lock_fd < 0)
        return FALSE;
    }

  /* Another run's test may hold it for a while: wait up to 150 s. */
  for (guint i = 0; i < 1500; i++)
    {
      if (flock (stack_lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        {
          stack_lock_exclusive = exclusive;
          return TRUE;
        }
      if (!said)
        g_test_message ("waiting for another test run's mDNS tests (%s lock)",
                        exclusive ? "exclusive" : "shared");
      said = TRUE;
      g_usleep (100 * 1000);
    }

  g_error ("another test run has held the mDNS stack's lock for 150 s");
  return FALSE;
}

static int
run_stack (const char *verb,
           char      **output)
{
  g_autofree char *script = g_build_filename (g_getenv ("SEYE_TESTS_DIR"), "mdns-stack.sh", NULL);
  const char *argv[] = { "sh", script, verb, NULL };
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (stack_lock_exclusive)
    envp = g_environ_setenv (envp, "SEYE_MDNS_LOCK_HELD", "1", TRUE);

  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
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

  stack_lock (FALSE);
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
  return stack_lock (TRUE) && run_stack ("restart", NULL) == 0;
}

gboolean
seye_test_avahi_stop (void)
{
  return seye_test_avahi_owned () && stack_lock (TRUE) && run_stack ("stop", NULL) == 0 &&
         !seye_test_avahi_owned ();
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

/* Separate hosts (tests/netns-stack.sh) ------------------------------------ */

struct _SeyeTestNetns
{
  GSubprocess *holder;   /* "netns-stack.sh hold N": the hosts live as long as it does */
  guint        n_nodes;
};

static SeyeTestNetns *the_netns;

static char *
netns_script (void)
{
  g_assert_nonnull (g_getenv ("SEYE_TESTS_DIR"));

  return g_build_filename (g_getenv ("SEYE_TESTS_DIR"), "netns-stack.sh", NULL);
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} Communicate;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Communicate *c = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->out, &c->err, &c->error);
  c->done = TRUE;
}

static gboolean
communicated_cb (gpointer data)
{
  Communicate *c = data;

  return c->done;
}

/* Runs netns-stack.sh with the arguments; returns its exit status, what it printed
 * on stdout (stripped) and on stderr. The main loop runs meanwhile: the app under
 * test lives in it, and must not see its world stop while a daemon restarts. */
static int
run_netns_stack (char       **out,
                 char       **err,
                 const char  *first_arg,
                 ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  Communicate c = { 0 };
  va_list ap;

  g_ptr_array_add (argv, g_strdup ("sh"));
  g_ptr_array_add (argv, netns_script ());
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  if (process == NULL)
    {
      if (err != NULL)
        *err = g_strdup (error->message);
      return 77;
    }

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &c);
  if (!seye_test_wait_until (communicated_cb, &c, 60000))
    g_error ("netns-stack.sh %s did not end within 60 s", first_arg);
  g_assert_no_error (c.error);
  g_subprocess_wait (process, NULL, NULL);

  if (out != NULL)
    *out = g_strdup (g_strstrip (c.out));
  if (err != NULL)
    *err = g_strdup (g_strstrip (c.err));
  g_free (c.out);
  g_free (c.err);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : 1;
}

/**
 * seye_test_require_netns:
 * @n_nodes: how many node hosts ("n1".."nN") besides "lan"
 *
 * Sets up separate hosts on this machine once per process (network namespaces
 * on one bridge, each with its own system bus and avahi-daemon; see
 * tests/netns-stack.sh) and returns them. Where that is impossible, skips the
 * test with a loud reason and returns %NULL; under CI=true that is a failure.
 */
SeyeTestNetns *
seye_test_require_netns (guint n_nodes)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *script = NULL;
  g_autofree char *count = NULL;
  g_autofree char *line = NULL;

  if (the_netns != NULL)
    {
      g_assert_cmpuint (the_netns->n_nodes, ==, n_nodes);
      return the_netns;
    }

  if (run_netns_stack (NULL, &reason, "check", NULL) != 0)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("network fault test cannot run: no separate hosts here (%s). Under CI=true "
                 "this is a failure, not a skip.", reason);

      g_printerr ("\n#####################################################################\n"
                  "# SKIPPING NETWORK FAULT TEST: network namespaces cannot be made here.\n"
                  "# %s\n"
                  "#####################################################################\n",
                  reason);
      g_test_skip ("no network namespaces (see the reason above)");
      return NULL;
    }

  /* It tears the hosts down when our end of its stdin closes: when we are done,
   * or when this process dies in any way. */
  script = netns_script ();
  count = g_strdup_printf ("%u", n_nodes);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  the_netns = g_new0 (SeyeTestNetns, 1);
  the_netns->n_nodes = n_nodes;
  the_netns->holder = g_subprocess_launcher_spawn (launcher, &error,
                                                   "sh", script, "hold", count, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (the_netns->holder));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (line, "ready") != 0)
    g_error ("netns-stack.sh hold %u did not set the hosts up (see its messages above)", n_nodes);

  return the_netns;
}

/* Tears down what seye_test_require_netns() set up, if it did. */
void
seye_test_netns_release (void)
{
  g_autoptr (GError) error = NULL;

  if (the_netns == NULL)
    return;

  g_output_stream_close (g_subprocess_get_stdin_pipe (the_netns->holder), NULL, NULL);
  if (!g_subprocess_wait (the_netns->holder, NULL, &error))
    g_warning ("netns-stack.sh hold: %s", error->message);
  g_clear_object (&the_netns->holder);
  g_clear_pointer (&the_netns, g_free);
}

static char *
netns_query (const char *what,
             const char *host)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (run_netns_stack (&out, &err, what, host, NULL) != 0)
    g_error ("netns-stack.sh %s %s: %s", what, host, err);

  return g_steal_pointer (&out);
}

/* "10.231.0.11" */
char *
seye_test_netns_dup_address (SeyeTestNetns *self,
                             const char    *host)
{
  return netns_query ("address", host);
}

/* "unix:path=…": the host's system bus, reachable from every namespace */
char *
seye_test_netns_dup_bus (SeyeTestNetns *self,
                         const char    *host)
{
  return netns_query ("bus", host);
}

/* Plugs in or cuts the host's link (its port on the bridge goes up or down). */
void
seye_test_netns_set_link (SeyeTestNetns *self,
                          const char    *host,
                          gboolean       up)
{
  g_autofree char *err = NULL;

  if (run_netns_stack (NULL, &err, "link", host, up ? "up" : "down", NULL) != 0)
    g_error ("cannot set the link of %s %s: %s", host, up ? "up" : "down", err);
}

/* Restarts the host's avahi-daemon and waits until it runs again. */
void
seye_test_netns_restart_avahi (SeyeTestNetns *self,
                               const char    *host)
{
  g_autofree char *err = NULL;

  if (run_netns_stack (NULL, &err, "avahi-restart", host, NULL) != 0)
    g_error ("cannot restart avahi-daemon on %s: %s", host, err);
}

/* The command line that runs the rest of it on @host, with the host's system bus. */
static GPtrArray *
netns_prefix (SeyeTestNetns *self,
              const char    *host)
{
  GPtrArray *prefix = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bus = seye_test_netns_dup_bus (self, host);

  g_ptr_array_add (prefix, g_strdup ("ip"));
  g_ptr_array_add (prefix, g_strdup ("netns"));
  g_ptr_array_add (prefix, g_strdup ("exec"));
  g_ptr_array_add (prefix, g_strdup_printf ("seye-%s", host));
  g_ptr_array_add (prefix, g_strdup ("env"));
  g_ptr_array_add (prefix, g_strdup_printf ("DBUS_SYSTEM_BUS_ADDRESS=%s", bus));

  return prefix;
}

/**
 * seye_test_netns_agent_start:
 *
 * Starts $SEYE_AGENT on @host, on the host's address with a free port, announced
 * through the host's own avahi-daemon (unless the arguments say --no-mdns).
 */
SeyeTestAgent *
seye_test_netns_agent_start (SeyeTestNetns *self,
                             const char    *host,
                             const char    *first_arg,
                             ...)
{
  g_autoptr (GPtrArray) prefix = netns_prefix (self, host);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *address = seye_test_netns_dup_address (self, host);
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_ptr_array_add (prefix, NULL);

  return agent_spawn ((const char * const *) prefix->pdata, address,
                      (const char * const *) args->pdata);
}

/* Runs a command on @host (with its system bus); it dies with the test. */
GSubprocess *
seye_test_netns_spawnv (SeyeTestNetns      *self,
                        const char         *host,
                        const char * const *argv)
{
  g_autoptr (GPtrArray) full = netns_prefix (self, host);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, g_strdup (argv[i]));
  g_ptr_array_add (full, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, &error);
  g_assert_no_error (error);

  return process;
}

/**
 * seye_test_netns_publish:
 *
 * Announces a _sorcerers-eye._tcp service at @port on @host, with the TXT record
 * of an agent, through the host's avahi-daemon (avahi-publish, for as long as the
 * returned process runs): what a look-alike on the LAN would do.
 */
GSubprocess *
seye_test_netns_publish (SeyeTestNetns *self,
                         const char    *host,
                         const char    *name,
                         guint16        port,
                         const char    *node_id)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *txt_id = g_strdup_printf ("id=%s", node_id);
  const char *argv[] = { "avahi-publish", "-s", name, "_sorcerers-eye._tcp", port_text,
                         "txtvers=1", "api=1", "version=" PACKAGE_VERSION, txt_id, NULL };

  return seye_test_netns_spawnv (self, host, argv);
}

/**
 * seye_test_netns_listen:
 *
 * Returns: a TCP socket listening on @host's address (a free port), made in the
 *   host's network namespace: what serves on it is reached over the host's link.
 */
GSocket *
seye_test_netns_listen (SeyeTestNetns *self,
                        const char    *host)
{
  g_autofree char *ns_path = g_strdup_printf ("/run/netns/seye-%s", host);
  g_autofree char *address = seye_test_netns_dup_address (self, host);
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (inet, 0);
  g_autoptr (GError) error = NULL;
  GSocket *socket;
  int here, there;

  /* Only this thread changes namespace, and only for as long as it makes the socket:
   * a socket stays in the namespace it was made in. */
  here = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  there = open (ns_path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (here, >=, 0);
  g_assert_cmpint (there, >=, 0);
  g_assert_cmpint (setns (there, CLONE_NEWNET), ==, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (socket != NULL && g_socket_bind (socket, socket_address, TRUE, &error))
    g_socket_listen (socket, &error);

  g_assert_cmpint (setns (here, CLONE_NEWNET), ==, 0);
  close (here);
  close (there);
  g_assert_no_error (error);

  return socket;
}

/* Fake nodes --------------------------------------------------------------- */

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

/* Nodes -------------------------------------------------------------------- */

SeyeNode *
seye_test_find_node (GListModel *nodes,
                     const char *name)
{
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (nodes, i);

      if (g_strcmp0 (seye_node_get_name (node), name) == 0)
        return node;
    }

  return NULL;
}

guint
seye_test_count_nodes (GListModel *nodes,
                       const char *name)
{
  guint n = g_list_model_get_n_items (nodes);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (nodes, i);

      count += g_strcmp0 (seye_node_get_name (node), name) == 0;
    }

  return count;
}

typedef struct
{
  GListModel *nodes;
  const char *name;
} NodeWait;

static gboolean
node_found_cb (gpointer data)
{
  NodeWait *wait = data;

  return seye_test_find_node (wait->nodes, wait->name) != NULL;
}

SeyeNode *
seye_test_wait_for_node (GListModel *nodes,
                         const char *name,
                         guint       timeout_ms)
{
  NodeWait wait = { nodes, name };

  if (!seye_test_wait_until (node_found_cb, &wait, timeout_ms))
    g_error ("“%s” was not found within %u s", name, timeout_ms / 1000);

  return seye_test_find_node (nodes, name);
}

typedef struct
{
  SeyeNode      *node;
  SeyeNodeState  state;
  guint16        port;
} StateWait;

static gboolean
node_state_cb (gpointer data)
{
  StateWait *wait = data;
  g_autofree char *port = NULL;

  if (seye_node_get_state (wait->node) != wait->state)
    return FALSE;
  if (wait->port == 0)
    return TRUE;

  port = g_strdup_printf (":%u", wait->port);

  return g_str_has_suffix (seye_node_get_address (wait->node), port);
}

double
seye_test_wait_node_state (SeyeNode      *node,
                           SeyeNodeState  state,
                           guint16        port,
                           guint          timeout_ms)
{
  StateWait wait = { node, state, port };
  gint64 start = g_get_monotonic_time ();

  if (!seye_test_wait_until (node_state_cb, &wait, timeout_ms))
    g_error ("“%s” is %s at %s (%s), not %s within %u s", seye_node_get_name (node),
             seye_node_state_to_string (seye_node_get_state (node)), seye_node_get_address (node),
             seye_node_get_error (node) ? seye_node_get_error (node) : "no error",
             seye_node_state_to_string (state), timeout_ms / 1000);

  return (g_get_monotonic_time () - start) / 1e6;
}

static void
watch_sample_cb (SeyeNode      *node,
                 gpointer       sample,
                 SeyeTestWatch *watch)
{
  watch->samples++;
}

static void
watch_state_cb (SeyeNode      *node,
                GParamSpec    *pspec,
                SeyeTestWatch *watch)
{
  if (seye_node_get_state (node) == SEYE_NODE_STATE_ONLINE)
    return;

  watch->left_online++;
  g_test_message ("%s: %s at %s (%s)", seye_node_get_name (node),
                  seye_node_state_to_string (seye_node_get_state (node)),
                  seye_node_get_address (node),
                  seye_node_get_error (node) ? seye_node_get_error (node) : "no error");
}

void
seye_test_watch_start (SeyeTestWatch *watch,
                       SeyeNode      *node)
{
  g_assert_nonnull (node);

  watch->node = g_object_ref (node);
  watch->samples = 0;
  watch->left_online = 0;
  watch->sample_id = g_signal_connect (node, "sample-added", G_CALLBACK (watch_sample_cb), watch);
  watch->state_id = g_signal_connect (node, "notify::state", G_CALLBACK (watch_state_cb), watch);
}

void
seye_test_watch_stop (SeyeTestWatch *watch)
{
  if (watch->node == NULL)
    return;

  g_clear_signal_handler (&watch->sample_id, watch->node);
  g_clear_signal_handler (&watch->state_id, watch->node);
  g_clear_object (&watch->node);
}

static gboolean
heartbeat_cb (gpointer data)
{
  SeyeTestHeartbeat *beat = data;
  gint64 now = g_get_monotonic_time ();

  beat->worst_lag = MAX (beat->worst_lag, now - beat->expected);
  beat->expected = now + 50 * 1000;
  beat->ticks++;

  return G_SOURCE_CONTINUE;
}

void
seye_test_heartbeat_start (SeyeTestHeartbeat *beat)
{
  beat->worst_lag = 0;
  beat->ticks = 0;
  beat->expected = g_get_monotonic_time () + 50 * 1000;
  beat->source = g_timeout_add (50, heartbeat_cb, beat);
}

void
seye_test_heartbeat_stop (SeyeTestHeartbeat *beat)
{
  g_clear_handle_id (&beat->source, g_source_remove);
}

gboolean
seye_test_wait_state (SeyeNode      *node,
                      SeyeNodeState  state,
                      guint          timeout_ms)
{
  StateWait wait = { node, state, 0 };

  return seye_test_wait_until (node_state_cb, &wait, timeout_ms);
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

void
seye_test_spin (guint ms)
{
  seye_test_wait_until (never_cb, NULL, ms);
}

gboolean
seye_test_node_has_sample (gpointer data)
{
  return seye_node_get_sample (data) != NULL;
}

gboolean
seye_test_node_has_info (gpointer data)
{
  return seye_node_get_info (data) != NULL;
}
