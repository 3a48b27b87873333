/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs $SEYE_CLI with the arguments (NO_COLOR unset, standard input an empty
 * pipe), to its end; returns its exit status and, if asked, what it printed on
 * stdout and stderr. */
int            seye_test_run_cli          (char        **out,
                                           char        **err,
                                           const char   *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;
int            seye_test_run_cliv         (char        **out,
                                           char        **err,
                                           const char * const *args);
/* Whether the CLI runs with its debug log on (G_MESSAGES_DEBUG=all, in its own
 * environment only: the test's own stays as it is). */
void           seye_test_cli_set_debug    (gboolean      debug);

G_END_DECLS
