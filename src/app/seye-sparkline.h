/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-node.h"

G_BEGIN_DECLS

#define SEYE_TYPE_SPARKLINE (seye_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (SeyeSparkline, seye_sparkline, SEYE, SPARKLINE, GtkWidget)

GtkWidget *seye_sparkline_new      (void);
SeyeNode  *seye_sparkline_get_node (SeyeSparkline *self);
void       seye_sparkline_set_node (SeyeSparkline *self,
                                    SeyeNode      *node);

G_END_DECLS
