/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean     seye_renderer_is_software    (const char *gl_renderer);
const char  *seye_renderer_choose         (void);
const char  *seye_renderer_prepare        (const char *dri_dir);
void         seye_renderer_settled        (void);

G_END_DECLS
