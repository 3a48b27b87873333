/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of GTK's renderers the app asks for: Cairo where OpenGL is a software rasteriser
 * (as under Xvfb, where this runs), GTK's own choice elsewhere, and always what the user
 * set in GSK_RENDERER.
 */
#include "config.h"

#include <gtk/gtk.h>

#include "seye-renderer.h"

static void
test_software_names (void)
{
  static const struct {
    const char *gl_renderer;
    gboolean    software;
  } cases[] = {
    { "llvmpipe (LLVM 15.0.6, 256 bits)", TRUE },
    { "softpipe", TRUE },
    { "Software Rasterizer", TRUE },
    { "SWR (LLVM 11.0.1, 256 bits)", TRUE },
    { "zink (llvmpipe (LLVM 15.0.6, 256 bits))", TRUE },
    { "AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)", FALSE },
    { "Mesa Intel(R) UHD Graphics 620 (KBL GT2)", FALSE },
    { "NVIDIA GeForce GTX 1650/PCIe/SSE2", FALSE },
    { "virgl (Intel(R) Iris(R) Xe Graphics)", FALSE },
    { "Apple M1 (SWRAST-free)", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].gl_renderer != NULL ? cases[i].gl_renderer : "(null)");
      g_assert_cmpint (seye_renderer_is_software (cases[i].gl_renderer), ==, cases[i].software);
    }
}

static GskRenderer *
realize_window (GtkWidget **window)
{
  *window = gtk_window_new ();
  gtk_widget_realize (*window);

  return gtk_native_get_renderer (GTK_NATIVE (*window));
}

/* Xvfb's OpenGL is always software (or missing): either way the windows draw with Cairo,
 * and when it was the app's choice, GSK_RENDERER says so. */
static void
test_software_gl_draws_with_cairo (void)
{
  const char *chosen;
  GtkWidget *window;
  GskRenderer *renderer;

  g_assert_null (g_getenv ("GSK_RENDERER"));

  chosen = seye_renderer_choose ();
  renderer = realize_window (&window);
  g_test_message ("chose %s, drawn by %s", chosen, G_OBJECT_TYPE_NAME (renderer));

  g_assert_true (GSK_IS_CAIRO_RENDERER (renderer));
  if (chosen != NULL)
    {
      g_assert_cmpstr (chosen, ==, "cairo");
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
    }
  else
    {
      g_assert_null (g_getenv ("GSK_RENDERER"));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_user_choice_obeyed (void)
{
  g_setenv ("GSK_RENDERER", "gl", TRUE);

  g_assert_null (seye_renderer_choose ());
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
}

int
main (int   argc,
      char *argv[])
{
  /* The tests' environment asks for Cairo: this test is about not having asked. */
  g_unsetenv ("GSK_RENDERER");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/seye/app/renderer/software-names", test_software_names);
  g_test_add_func ("/seye/app/renderer/software-gl-draws-with-cairo", test_software_gl_draws_with_cairo);
  g_test_add_func ("/seye/app/renderer/user-choice-obeyed", test_user_choice_obeyed);

  return g_test_run ();
}
