/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "seye-test-agent.h"
#include "seye-test-process.h"

GSubprocess *
seye_test_process_spawn (const char         *log_path,
                         const char * const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  /* Dies with the test: an aborted run leaves nothing behind. */
  g_subprocess_launcher_set_child_setup (launcher, seye_test_die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  return process;
}

void
seye_test_process_stop (GSubprocess **process)
{
  if (*process == NULL)
    return;

  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

gboolean
seye_test_file_contains (const char *path,
                         const char *needle)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, needle) != NULL;
}
