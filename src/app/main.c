/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sorcerers-eye"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "seye-application.h"
#include "seye-renderer.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SeyeApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Sorcerer’s Eye"));

  /* Cairo where OpenGL is software; without a display the application says why. */
  seye_renderer_prepare ("/dev/dri");
  if (gtk_init_check ())
    seye_renderer_choose ();
  seye_renderer_settled ();

  app = seye_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
