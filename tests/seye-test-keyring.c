/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>
#include <signal.h>

#include "seye-test-keyring.h"
#include "seye-test-util.h"

static GSubprocess *daemon_process;

/* A skip is a failure under CI: the keyring is what is tested. */
static void
skip_loudly (const char *why)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("cannot test with a keyring: %s", why);

  g_printerr ("SKIPPING: no keyring: %s\n", why);
  g_test_skip (why);
}

static gboolean
secrets_on_bus (gboolean wanted)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return !wanted;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner == wanted;
}

static gboolean
appeared_cb (gpointer data)
{
  return secrets_on_bus (TRUE);
}

static gboolean
gone_cb (gpointer data)
{
  return secrets_on_bus (FALSE);
}

gboolean
seye_test_keyring_start (const char *home)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  g_autofree char *runtime_dir = g_build_filename (home, "run", NULL);
  g_autofree char *config_dir = g_build_filename (home, "config", NULL);
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");
  GOutputStream *stdin_pipe;

  g_assert_null (daemon_process);

  if (program == NULL)
    {
      skip_loudly ("gnome-keyring-daemon is not installed (package gnome-keyring)");
      return FALSE;
    }

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      skip_loudly ("no session bus: run this test under dbus-run-session (meson test does)");
      return FALSE;
    }

  g_mkdir_with_parents (data_dir, 0700);
  g_mkdir_with_parents (runtime_dir, 0700);
  g_mkdir_with_parents (config_dir, 0700);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  daemon_process = g_subprocess_launcher_spawn (launcher, &error, program, "--foreground",
                                                "--components=secrets", "--unlock", NULL);
  if (daemon_process == NULL)
    {
      skip_loudly (error->message);
      return FALSE;
    }

  stdin_pipe = g_subprocess_get_stdin_pipe (daemon_process);
  g_output_stream_write_all (stdin_pipe, "seye-test-password", 18, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, &error);
  g_assert_no_error (error);

  if (!seye_test_wait_until (appeared_cb, NULL, 10000))
    {
      seye_test_keyring_stop ();
      skip_loudly ("gnome-keyring-daemon did not appear on the session bus");
      return FALSE;
    }

  return TRUE;
}

void
seye_test_keyring_stop (void)
{
  if (daemon_process == NULL)
    return;

  g_subprocess_send_signal (daemon_process, SIGTERM);
  g_subprocess_wait (daemon_process, NULL, NULL);
  g_clear_object (&daemon_process);
  seye_test_wait_until (gone_cb, NULL, 10000);

  /* The next client call must not reuse the session of the daemon that went. */
  secret_service_disconnect ();
}
