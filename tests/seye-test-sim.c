/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fleet simulator in a process of its own (seye-test-sim.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "seye-test-agent.h"
#include "seye-test-sim.h"
#include "seye-test-wait.h"

static void
sim_exited_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  gboolean *exited = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

static gboolean
sim_listed_cb (gpointer data)
{
  SeyeTestSim *sim = data;
  g_autofree char *list = g_build_filename (sim->dir, "list", NULL);

  return sim->exited || g_file_test (list, G_FILE_TEST_EXISTS);
}

/* "node NAME http://127.0.0.1:PORT" a line. */
static void
sim_read_list (SeyeTestSim *sim)
{
  g_autofree char *list = g_build_filename (sim->dir, "list", NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (list, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) words = g_strsplit (lines[i], " ", -1);
      const char *port;
      guint16 value;

      g_assert_cmpuint (g_strv_length (words), ==, 3);
      g_assert_cmpstr (words[0], ==, "node");
      g_assert_true (g_str_has_prefix (words[2], "http://127.0.0.1:"));
      port = words[2] + strlen ("http://127.0.0.1:");
      value = (guint16) g_ascii_strtoull (port, NULL, 10);
      g_ptr_array_add (sim->names, g_strdup (words[1]));
      g_array_append_val (sim->ports, value);
    }
}

SeyeTestSim *
seye_test_sim_start (const char *first_arg,
                     ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  gboolean base_port = FALSE;
  SeyeTestSim *sim = g_new0 (SeyeTestSim, 1);
  va_list ap;

  sim->dir = g_dir_make_tmp ("fleet-sim-XXXXXX", &error);
  g_assert_no_error (error);
  sim->names = g_ptr_array_new_with_free_func (g_free);
  sim->ports = g_array_new (FALSE, FALSE, sizeof (guint16));

  g_ptr_array_add (argv, g_strdup (g_getenv ("SEYE_FLEET_SIM")));
  g_ptr_array_add (argv, g_strdup ("--bind"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--list"));
  g_ptr_array_add (argv, g_build_filename (sim->dir, "list", NULL));
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    {
      base_port |= g_str_equal (arg, "--base-port");
      g_ptr_array_add (argv, g_strdup (arg));
    }
  va_end (ap);
  if (!base_port)
    {
      g_ptr_array_add (argv, g_strdup ("--port"));
      g_ptr_array_add (argv, g_strdup ("0"));
    }
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (argv->pdata[0]);
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
  sim->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                               &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (sim->process, NULL, sim_exited_cb, &sim->exited);

  /* Nothing wakes the main loop when the file appears: look every 20 ms. */
  for (gint64 start = g_get_monotonic_time (); !sim_listed_cb (sim);)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  if (sim->exited)
    return sim;

  sim_read_list (sim);

  return sim;
}

static gboolean
sim_gone_cb (gpointer data)
{
  return ((SeyeTestSim *) data)->exited;
}

int
seye_test_sim_stop (SeyeTestSim *sim)
{
  if (!sim->exited)
    {
      gint64 start = g_get_monotonic_time ();

      /* A simulator built with AddressSanitizer withdrawing 1,100 announcements took
       * more than 10 s in CI: a generous bound, and what it took is said. */
      g_subprocess_send_signal (sim->process, SIGTERM);
      g_assert_true (seye_test_wait_until (sim_gone_cb, sim, 60000));
      g_test_message ("the simulator stopped in %.1f s", (g_get_monotonic_time () - start) / 1e6);
    }

  if (!g_subprocess_get_if_exited (sim->process))
    return -1;

  return g_subprocess_get_exit_status (sim->process);
}

void
seye_test_sim_free (SeyeTestSim *sim)
{
  g_autofree char *list = g_build_filename (sim->dir, "list", NULL);

  if (!sim->exited)
    {
      g_subprocess_force_exit (sim->process);
      seye_test_wait_until (sim_gone_cb, sim, 10000);
    }
  g_unlink (list);
  g_rmdir (sim->dir);
  g_free (sim->dir);
  g_ptr_array_unref (sim->names);
  g_array_unref (sim->ports);
  g_object_unref (sim->process);
  g_free (sim);
}

guint16
seye_test_sim_port (SeyeTestSim *sim,
                    guint        i)
{
  return g_array_index (sim->ports, guint16, i);
}
