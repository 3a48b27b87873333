/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How full a filesystem is, against its alert threshold. */
typedef enum
{
  SEYE_USAGE_LEVEL_NORMAL,
  SEYE_USAGE_LEVEL_WARNING,   /* within 10 points of the threshold */
  SEYE_USAGE_LEVEL_ERROR,     /* at or over it */
} SeyeUsageLevel;

#define SEYE_TYPE_USAGE_ROW (seye_usage_row_get_type ())
G_DECLARE_FINAL_TYPE (SeyeUsageRow, seye_usage_row, SEYE, USAGE_ROW, GtkWidget)

GtkWidget      *seye_usage_row_new        (void);
void            seye_usage_row_set_text   (SeyeUsageRow   *self,
                                           const char     *title,
                                           const char     *subtitle,
                                           const char     *value);
void            seye_usage_row_set_usage  (SeyeUsageRow   *self,
                                           double          fraction,
                                           SeyeUsageLevel  level);
const char     *seye_usage_row_get_title  (SeyeUsageRow   *self);
const char     *seye_usage_row_get_value  (SeyeUsageRow   *self);
SeyeUsageLevel  seye_usage_row_get_level  (SeyeUsageRow   *self);
double          seye_usage_row_get_fraction (SeyeUsageRow *self);

SeyeUsageLevel  seye_usage_level_for      (double          percent,
                                           double          threshold);

G_END_DECLS
