/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of GTK's renderers the app asks for: Cairo where OpenGL is a software rasteriser
 * (as under Xvfb, where this runs), GTK's own choice elsewhere, and always what the user
 * set in GSK_RENDERER.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

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

/* No GPU device: Cairo, chosen before GTK starts, and GDK told not to load OpenGL
 * (for gtk_init() only: the variable is given back after). With one: nothing is
 * decided before GTK can be asked. */
static void
test_prepare (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *empty = g_dir_make_tmp ("seye-dri-XXXXXX", &error);
  g_autofree char *gpu = g_dir_make_tmp ("seye-dri-XXXXXX", &error);
  g_autofree char *device = g_build_filename (gpu, "renderD128", NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (device, "", 0, &error));
  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("GDK_DEBUG");

  g_assert_null (seye_renderer_prepare (gpu));
  g_assert_null (g_getenv ("GSK_RENDERER"));
  g_assert_null (g_getenv ("GDK_DEBUG"));

  g_setenv ("GDK_DEBUG", "misc", TRUE);
  g_assert_cmpstr (seye_renderer_prepare (empty), ==, "cairo");
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc,gl-disable");
  seye_renderer_settled ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc");
  g_unsetenv ("GDK_DEBUG");

  /* The user's Cairo: no OpenGL either, though the choice was not the app's. */
  g_assert_null (seye_renderer_prepare (gpu));
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  seye_renderer_settled ();
  g_assert_null (g_getenv ("GDK_DEBUG"));
  g_unsetenv ("GSK_RENDERER");

  g_remove (device);
  g_rmdir (gpu);
  g_rmdir (empty);
}

/* In a process of its own, prepared before gtk_init() as the app is (main() below):
 * the window draws with Cairo and Mesa's OpenGL (its LLVM) was never loaded. */
static void
test_no_gl_loaded (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *maps = NULL;
      GtkWidget *window;
      GskRenderer *renderer = realize_window (&window);

      g_assert_true (GSK_IS_CAIRO_RENDERER (renderer));
      g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
      g_assert_null (strstr (maps, "libLLVM"));
      g_assert_null (strstr (maps, "_dri.so"));
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
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
  if (g_test_subprocess ())
    {
      g_autofree char *empty = g_dir_make_tmp ("seye-dri-XXXXXX", NULL);

      g_assert_cmpstr (seye_renderer_prepare (empty), ==, "cairo");
      g_rmdir (empty);
    }
  gtk_init ();
  seye_renderer_settled ();

  g_test_add_func ("/seye/app/renderer/software-names", test_software_names);
  g_test_add_func ("/seye/app/renderer/software-gl-draws-with-cairo", test_software_gl_draws_with_cairo);
  g_test_add_func ("/seye/app/renderer/user-choice-obeyed", test_user_choice_obeyed);
  g_test_add_func ("/seye/app/renderer/prepare", test_prepare);
  g_test_add_func ("/seye/app/renderer/no-gl-loaded", test_no_gl_loaded);

  return g_test_run ();
}
