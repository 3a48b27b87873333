/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The full-screen terminal of `seye observe` and `seye top` (curses): the
 * alternate screen, keys without echo, colours where wanted, and the terminal
 * as it was on the way out, however the program ends. */

enum
{
  SEYE_CLI_PAIR_ALERT = 1,
  SEYE_CLI_PAIR_OK,
  SEYE_CLI_PAIR_DIM,
  SEYE_CLI_PAIR_HEADER,
};

gboolean seye_cli_screen_start   (void);
void     seye_cli_screen_restore (void);
void     seye_cli_screen_resize  (void);
void     seye_cli_screen_put     (int         y,
                                  int         x,
                                  int         width,
                                  const char *text,
                                  gboolean    right);

G_END_DECLS
