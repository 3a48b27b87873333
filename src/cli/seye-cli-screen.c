/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-cli"

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "seye-cli-common.h"
#include "seye-cli-screen.h"

static gboolean curses_active;

/* Leaves the alternate screen and shows the cursor again; also at exit(). */
void
seye_cli_screen_restore (void)
{
  if (curses_active)
    {
      curs_set (1);
      endwin ();
      curses_active = FALSE;
    }
}

/**
 * seye_cli_screen_start:
 *
 * Takes the terminal: alternate screen, keys one at a time without echo or
 * waiting, no cursor.
 *
 * Returns: whether to use colours (a terminal that has them, and no NO_COLOR)
 */
gboolean
seye_cli_screen_start (void)
{
  gboolean color;

  initscr ();
  curses_active = TRUE;
  atexit (seye_cli_screen_restore);
  cbreak ();
  noecho ();
  nonl ();
  keypad (stdscr, TRUE);
  nodelay (stdscr, TRUE);
  set_escdelay (25);
  curs_set (0);

  color = seye_cli_use_color (STDOUT_FILENO) && has_colors ();
  if (color)
    {
      start_color ();
      use_default_colors ();
      init_pair (SEYE_CLI_PAIR_ALERT, COLOR_RED, -1);
      init_pair (SEYE_CLI_PAIR_OK, COLOR_GREEN, -1);
      init_pair (SEYE_CLI_PAIR_DIM, COLOR_YELLOW, -1);
      init_pair (SEYE_CLI_PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
    }

  return color;
}

/* After SIGWINCH: the terminal's new size, and a screen to draw again. */
void
seye_cli_screen_resize (void)
{
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0)
    resizeterm (size.ws_row, size.ws_col);

  clear ();
}

/* @text at @y, @x in at most @width columns (cut at a character), to the
 * right of them when @right. */
void
seye_cli_screen_put (int         y,
                     int         x,
                     int         width,
                     const char *text,
                     gboolean    right)
{
  glong len;

  if (x >= COLS || y >= LINES || width <= 0)
    return;

  width = MIN (width, COLS - x);
  len = g_utf8_strlen (text, -1);

  if (len > width)
    {
      /* Cut at a character, never inside one. */
      const char *end = g_utf8_offset_to_pointer (text, width);

      mvaddnstr (y, x, text, (int) (end - text));
      return;
    }

  mvaddstr (y, right ? x + width - (int) len : x, text);
}
