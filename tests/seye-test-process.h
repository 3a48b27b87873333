/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A program run in the background (a long-running `seye`, a Prometheus), dying
 * with the test, what it writes on standard error kept in @log_path. */
GSubprocess *seye_test_process_spawn (const char         *log_path,
                                      const char * const *argv) G_GNUC_WARN_UNUSED_RESULT;
/* SIGTERM, waited for, cleared; nothing when *@process is NULL. */
void         seye_test_process_stop  (GSubprocess       **process);
/* Whether the file @path holds @needle (what a process said in its log). */
gboolean     seye_test_file_contains (const char         *path,
                                      const char         *needle);

G_END_DECLS
