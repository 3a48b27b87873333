/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seye-test-mdns.h"

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

/**
 * seye_test_require_avahi_alone:
 *
 * As seye_test_require_avahi(), and then the stack's lock taken exclusively for
 * as long as this process lives: no test of another run uses the daemon
 * meanwhile. For a test that floods it (another run's monitor would fill up
 * with the flood, and this one with the other run's nodes).
 */
gboolean
seye_test_require_avahi_alone (void)
{
  if (!seye_test_require_avahi ())
    return FALSE;

  /* Where there is no lock to take, no other run can take it either. */
  stack_lock (TRUE);

  return TRUE;
}

gboolean
seye_test_avahi_owned (void)
{
  return run_stack ("owned", NULL) == 0;
}

gboolean
seye_test_require_own_avahi (void)
{
  if (seye_test_avahi_owned ())
    return TRUE;

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("under CI the tests start avahi-daemon themselves, yet it is not theirs to stop or restart");
  g_test_skip ("avahi-daemon belongs to this desktop: not stopping or restarting it");

  return FALSE;
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

/**
 * seye_test_node_id:
 * @n: which of this process's nodes
 *
 * Two test runs on one machine announce over the same avahi-daemon, and a
 * monitor takes a node id it finds there for the node it stands for: each run
 * must claim ids of its own.
 *
 * Returns: "5e", the process id in 8 hex digits, zeros, and @n in 8: 32 in all.
 */
char *
seye_test_node_id (guint n)
{
  return g_strdup_printf ("5e%08x%014x%08x", (guint) getpid (), 0u, n);
}
