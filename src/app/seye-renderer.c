/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-renderer"

#include "config.h"

#include <string.h>

#include <epoxy/gl.h>

#include "seye-renderer.h"

/* Which of GTK's renderers draws the windows.
 *
 * GTK 4.8 picks its OpenGL renderer wherever OpenGL works, also when OpenGL is Mesa's
 * software rasteriser (a machine or VM without a GPU, Xvfb, a remote X display). There
 * it redraws the whole window at every frame: without the buffer-age extension (GLX on
 * Xvfb or a remote display has none) GDK cannot tell what the back buffer still holds,
 * so the few cells that changed in a second cost as much as the whole window, shaded
 * on the CPU. GTK's Cairo renderer draws only the damaged cells: with the node list
 * updating once a second it costs about a tenth there (see README, Performance).
 *
 * So when OpenGL is software, the app asks GTK for its Cairo renderer, unless the user
 * chose one with GSK_RENDERER, which is always obeyed. */

/* What GDK_DEBUG was before seye_renderer_prepare() added "gl-disable" (NULL: unset),
 * to give it back once GTK has read it. */
static char *saved_gdk_debug;
static gboolean gdk_debug_changed;

/* TRUE when @dri_dir ("/dev/dri") holds a GPU's device ("renderD128", "card0"). */
static gboolean
have_gpu_device (const char *dri_dir)
{
  g_autoptr (GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;

  return FALSE;
}

/**
 * seye_renderer_prepare:
 * @dri_dir: where GPU devices are ("/dev/dri")
 *
 * Call before gtk_init(). Without a GPU device OpenGL can only be software: the app
 * draws with Cairo (GSK_RENDERER=cairo) without asking OpenGL first. And whenever the
 * renderer is Cairo, the app's own choice or the user's, GDK is told not to load OpenGL
 * at all (GDK_DEBUG=gl-disable, for gtk_init() only: seye_renderer_settled() gives the
 * variable back). Loading it only to ask its name cost 56 MB of resident memory (Mesa's
 * LLVM and swrast; measured: 122 MB against 66 MB for the app with two nodes).
 *
 * Returns: "cairo" when it chose Cairo, or NULL.
 */
const char *
seye_renderer_prepare (const char *dri_dir)
{
  const char *chosen = NULL;
  const char *debug;

  if (g_getenv ("GSK_RENDERER") == NULL && !have_gpu_device (dri_dir))
    {
      g_debug ("no GPU device in %s: OpenGL would be software, drawing with Cairo (set "
               "GSK_RENDERER=gl to override)", dri_dir);
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      chosen = "cairo";
    }

  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") != 0)
    return chosen;

  debug = g_getenv ("GDK_DEBUG");
  g_clear_pointer (&saved_gdk_debug, g_free);
  saved_gdk_debug = g_strdup (debug);
  gdk_debug_changed = TRUE;
  if (debug == NULL || debug[0] == '\0')
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  else
    {
      g_autofree char *more = g_strconcat (debug, ",gl-disable", NULL);

      g_setenv ("GDK_DEBUG", more, TRUE);
    }

  return chosen;
}

/**
 * seye_renderer_settled:
 *
 * Call after gtk_init(): GDK_DEBUG is again what it was, so that programs the app
 * starts do not inherit "gl-disable".
 */
void
seye_renderer_settled (void)
{
  if (!gdk_debug_changed)
    return;

  if (saved_gdk_debug != NULL)
    g_setenv ("GDK_DEBUG", saved_gdk_debug, TRUE);
  else
    g_unsetenv ("GDK_DEBUG");
  g_clear_pointer (&saved_gdk_debug, g_free);
  gdk_debug_changed = FALSE;
}

/* TRUE when @gl_renderer (the GL_RENDERER string) names a software rasteriser: Mesa's
 * llvmpipe, softpipe and swrast ("Software Rasterizer"), and OpenSWR. Zink over
 * llvmpipe says "zink (llvmpipe …)" and counts as software too. */
gboolean
seye_renderer_is_software (const char *gl_renderer)
{
  static const char * const software[] = {
    "llvmpipe", "softpipe", "software rasterizer", "swr",
  };
  g_autofree char *lower = NULL;

  if (gl_renderer == NULL)
    return FALSE;

  lower = g_ascii_strdown (gl_renderer, -1);
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    {
      const char *found = strstr (lower, software[i]);

      /* "swr" as a word, not inside another name. */
      if (found != NULL && (found == lower || !g_ascii_isalnum (found[-1])) &&
          !g_ascii_isalnum (found[strlen (software[i])]))
        return TRUE;
    }

  return FALSE;
}

/* The GL_RENDERER of the default display's OpenGL, or NULL when it has none. */
static char *
query_gl_renderer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr (GdkGLContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;

  if (display == NULL)
    return NULL;

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("no OpenGL, GTK draws with Cairo: %s", error != NULL ? error->message : "");
      return NULL;
    }

  gdk_gl_context_make_current (context);
  name = (const char *) glGetString (GL_RENDERER);
  gdk_gl_context_clear_current ();

  return g_strdup (name);
}

/**
 * seye_renderer_choose:
 *
 * Call after gtk_init(), before the application starts (its threads, its windows):
 * when GSK_RENDERER is not set and OpenGL is software, sets it to "cairo" for this
 * process (and the programs it starts). Only the GL driver's own threads run then.
 *
 * Returns: the renderer it chose, or NULL when GTK's own choice stands.
 */
const char *
seye_renderer_choose (void)
{
  g_autofree char *gl_renderer = NULL;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return NULL;

  gl_renderer = query_gl_renderer ();
  if (!seye_renderer_is_software (gl_renderer))
    {
      g_debug ("OpenGL is %s: GTK's own renderer", gl_renderer != NULL ? gl_renderer : "missing");
      return NULL;
    }

  g_debug ("OpenGL is %s, a software rasteriser: drawing with Cairo (set GSK_RENDERER=gl to "
           "override)", gl_renderer);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  return "cairo";
}
