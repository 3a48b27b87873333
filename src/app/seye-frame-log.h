/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void seye_frame_log_attach (GtkWidget *widget);

G_END_DECLS
