/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-usage-row"

#include "config.h"

#include "seye-usage-row.h"

/* One line of the detail pane's lists: a name (a mount point, an interface), a dim
 * word beside it (the filesystem type), a value at the right, and for a filesystem a
 * level bar coloured by how near it is to its alert threshold. */

struct _SeyeUsageRow
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *value_label;
  GtkLevelBar    *level_bar;

  SeyeUsageLevel  level;
};

G_DEFINE_FINAL_TYPE (SeyeUsageRow, seye_usage_row, GTK_TYPE_WIDGET)

static void
seye_usage_row_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), SEYE_TYPE_USAGE_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (seye_usage_row_parent_class)->dispose (object);
}

static void
seye_usage_row_class_init (SeyeUsageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_usage_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-usage-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeUsageRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeUsageRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeUsageRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeUsageRow, level_bar);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "usagerow");
}

static void
seye_usage_row_init (SeyeUsageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The theme's own offsets would colour by the fraction; the threshold decides here. */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}

GtkWidget *
seye_usage_row_new (void)
{
  return g_object_new (SEYE_TYPE_USAGE_ROW, NULL);
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gboolean visible = text != NULL && *text != '\0';

  /* Rows are refreshed every second: what did not change is not touched, or GTK
   * would lay out (and query tooltips through the X server) again each time. */
  if (g_strcmp0 (gtk_label_get_text (label), text != NULL ? text : "") != 0)
    gtk_label_set_text (label, text);
  if (gtk_widget_get_visible (GTK_WIDGET (label)) != visible)
    gtk_widget_set_visible (GTK_WIDGET (label), visible);
}

/**
 * seye_usage_row_set_text:
 * @title: shown as is: sanitised by the caller
 * @subtitle: (nullable): the dim word beside it
 * @value: (nullable): at the right
 */
void
seye_usage_row_set_text (SeyeUsageRow *self,
                         const char   *title,
                         const char   *subtitle,
                         const char   *value)
{
  g_return_if_fail (SEYE_IS_USAGE_ROW (self));

  set_label (self->title_label, title);
  set_label (self->subtitle_label, subtitle);
  set_label (self->value_label, value);
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self->title_label)), title) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), title);
}

/**
 * seye_usage_row_set_usage:
 * @fraction: 0..1, or negative for no level bar
 */
void
seye_usage_row_set_usage (SeyeUsageRow   *self,
                          double          fraction,
                          SeyeUsageLevel  level)
{
  static const char * const classes[] = { NULL, "warning", "error" };

  g_return_if_fail (SEYE_IS_USAGE_ROW (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->level_bar)) != (fraction >= 0.0))
    gtk_widget_set_visible (GTK_WIDGET (self->level_bar), fraction >= 0.0);
  if (fraction >= 0.0 && gtk_level_bar_get_value (self->level_bar) != CLAMP (fraction, 0.0, 1.0))
    gtk_level_bar_set_value (self->level_bar, CLAMP (fraction, 0.0, 1.0));

  if (self->level == level)
    return;

  for (guint i = 1; i < G_N_ELEMENTS (classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->value_label), classes[i]);
    }
  if (classes[level] != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), classes[level]);
      gtk_widget_add_css_class (GTK_WIDGET (self->value_label), classes[level]);
    }
  self->level = level;
}

const char *
seye_usage_row_get_title (SeyeUsageRow *self)
{
  g_return_val_if_fail (SEYE_IS_USAGE_ROW (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
seye_usage_row_get_value (SeyeUsageRow *self)
{
  g_return_val_if_fail (SEYE_IS_USAGE_ROW (self), NULL);

  return gtk_label_get_text (self->value_label);
}

SeyeUsageLevel
seye_usage_row_get_level (SeyeUsageRow *self)
{
  g_return_val_if_fail (SEYE_IS_USAGE_ROW (self), SEYE_USAGE_LEVEL_NORMAL);

  return self->level;
}

double
seye_usage_row_get_fraction (SeyeUsageRow *self)
{
  g_return_val_if_fail (SEYE_IS_USAGE_ROW (self), -1.0);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->level_bar)))
    return -1.0;

  return gtk_level_bar_get_value (self->level_bar);
}

/* At or over the threshold: error; within 10 points of it: warning. A threshold over
 * 100 (the rule off) never colours. */
SeyeUsageLevel
seye_usage_level_for (double percent,
                      double threshold)
{
  if (threshold > 100.0 || !(threshold > 0.0))
    return SEYE_USAGE_LEVEL_NORMAL;
  if (percent >= threshold)
    return SEYE_USAGE_LEVEL_ERROR;
  if (percent >= threshold - 10.0)
    return SEYE_USAGE_LEVEL_WARNING;

  return SEYE_USAGE_LEVEL_NORMAL;
}
