/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#define _GNU_SOURCE  /* setns */

#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "seye-test-netns.h"
#include "seye-test-wait.h"

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
  seye_test_args_add_valist (args, first_arg, ap);
  va_end (ap);
  g_ptr_array_add (prefix, NULL);

  return seye_test_agent_spawn (g_getenv ("SEYE_AGENT"), (const char * const *) prefix->pdata,
                                address, (const char * const *) args->pdata);
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

  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
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
