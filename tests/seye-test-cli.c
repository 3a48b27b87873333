/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include "seye-test-agent.h"
#include "seye-test-cli.h"

static gboolean cli_debug;

void
seye_test_cli_set_debug (gboolean debug)
{
  cli_debug = debug;
}

/**
 * seye_test_run_cli:
 *
 * Runs $SEYE_CLI with the arguments (NO_COLOR unset), to its end. Its standard
 * input is an empty pipe, never the terminal the test may run in: a command
 * that would ask there (`seye run`) sees no terminal.
 *
 * Returns: its exit status; what it printed on stdout and stderr in @out and @err.
 */
int
seye_test_run_cli (char       **out,
                   char       **err,
                   const char  *first_arg,
                   ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  seye_test_args_add_valist (argv, first_arg, ap);
  va_end (ap);

  return seye_test_run_cliv (out, err, (const char * const *) argv->pdata);
}

/**
 * seye_test_run_cliv:
 * @args: the arguments, %NULL-terminated
 *
 * seye_test_run_cli() with the arguments in an array: as many as a fleet needs.
 */
int
seye_test_run_cliv (char              **out,
                    char              **err,
                    const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  const char *cli = g_getenv ("SEYE_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "NO_COLOR");
  if (cli_debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  g_test_message ("seye %s → %d\n%.2000s%s", args[0] ? args[0] : "", g_subprocess_get_exit_status (process), o, e);

  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);

  return g_subprocess_get_exit_status (process);
}
