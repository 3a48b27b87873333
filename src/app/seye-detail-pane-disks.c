/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "seye-alerts.h"
#include "seye-detail-pane-private.h"
#include "seye-format.h"
#include "seye-sanitize.h"
#include "seye-usage-row.h"

/*
 * The lists under the graphs: each filesystem of the node (mount point, type, used and
 * total, a level bar coloured against the filesystem alert threshold) and each network
 * interface with its rates. Rows are kept and refilled in place, one per entry.
 */

/* The @index-th row of @box, added when there are fewer. */
static SeyeUsageRow *
nth_row (GtkWidget *box,
         guint      index)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < index && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);

  if (child == NULL)
    {
      child = seye_usage_row_new ();
      gtk_box_append (GTK_BOX (box), child);
    }

  return SEYE_USAGE_ROW (child);
}

/* Rows from @n on are removed. */
static void
truncate_rows (GtkWidget *box,
               guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < n && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      gtk_box_remove (GTK_BOX (box), child);
      child = next;
    }
}

/* The node's effective rules (defaults with its overrides) once its monitor has it. */
static const SeyeAlertRules *
alert_rules (SeyeDetailPane *self)
{
  return self->node != NULL ? seye_node_get_alert_rules (self->node) : NULL;
}

static double
filesystem_threshold (SeyeDetailPane *self)
{
  const SeyeAlertRules *rules = alert_rules (self);

  if (rules != NULL)
    return rules->filesystem_threshold;

  return self->settings != NULL ? g_settings_get_double (self->settings, "filesystem-threshold")
                                : SEYE_ALERT_DEFAULT_FILESYSTEM_THRESHOLD;
}

static guint
update_filesystems (SeyeDetailPane *self,
                    SeyeSample     *sample)
{
  double threshold = filesystem_threshold (self);
  guint n = 0;

  if (sample == NULL || !(sample->parts & SEYE_SAMPLE_FILESYSTEMS) || sample->filesystems == NULL)
    return 0;

  for (guint i = 0; i < sample->filesystems->len; i++)
    {
      const SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      g_autofree char *mount = NULL;
      g_autofree char *type = NULL;
      g_autofree char *used = NULL;
      g_autofree char *total = NULL;
      g_autofree char *percent_text = NULL;
      g_autofree char *value = NULL;
      SeyeUsageRow *row;
      double percent;

      /* Pseudo filesystems and read-only images are not disks a user fills. */
      if (!seye_alert_rules_watches_filesystem (NULL, fs))
        continue;

      /* As df: used of what users can have (used + available). */
      percent = MAX (seye_alert_filesystem_percent (fs), 0.0);
      mount = seye_sanitize_display (fs->mount_point);
      type = fs->fs_type != NULL ? seye_sanitize_display (fs->fs_type) : NULL;
      used = seye_format_bytes (fs->used_bytes);
      total = seye_format_bytes (fs->size_bytes);
      percent_text = seye_format_percent (percent);
      /* Translators: used / total · percent, e.g. "195 GB / 275 GB · 71 %" */
      value = g_strdup_printf (_("%s / %s · %s"), used, total, percent_text);

      row = nth_row (GTK_WIDGET (self->filesystems_box), n++);
      seye_usage_row_set_text (row, mount, type, value);
      /* Coloured as its alert would be: never for a filesystem the rule leaves alone. */
      seye_usage_row_set_usage (row, percent / 100.0,
                                seye_alert_rules_watches_filesystem (alert_rules (self), fs)
                                ? seye_usage_level_for (percent, threshold)
                                : SEYE_USAGE_LEVEL_NORMAL);
    }

  return n;
}

static guint
update_interfaces (SeyeDetailPane *self,
                   SeyeSample     *sample)
{
  guint n = 0;

  if (sample == NULL || !(sample->parts & SEYE_SAMPLE_NETWORK) || sample->interfaces == NULL)
    return 0;

  for (guint i = 0; i < sample->interfaces->len; i++)
    {
      const SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);
      g_autofree char *name = NULL;
      g_autofree char *rx = NULL;
      g_autofree char *tx = NULL;
      g_autofree char *value = NULL;
      SeyeUsageRow *row;

      /* The totals leave loopback out: so does the list. */
      if (iface->name == NULL || strcmp (iface->name, "lo") == 0)
        continue;

      name = seye_sanitize_display (iface->name);
      rx = seye_format_rate (iface->rx_bytes_per_sec);
      tx = seye_format_rate (iface->tx_bytes_per_sec);
      /* Translators: received and sent, e.g. "↓ 1.2 MB/s · ↑ 30 KB/s" */
      value = g_strdup_printf (_("↓ %s · ↑ %s"), rx, tx);

      row = nth_row (GTK_WIDGET (self->interfaces_box), n++);
      seye_usage_row_set_text (row, name, NULL, value);
      seye_usage_row_set_usage (row, -1.0, SEYE_USAGE_LEVEL_NORMAL);
    }

  return n;
}

/* Refills both lists from the node's newest samples that have them (none: empties them). */
void
_seye_detail_pane_update_disks (SeyeDetailPane *self)
{
  /* The lists come with whole samples only: every few lines of a stream. */
  SeyeSample *details = self->node != NULL ? seye_node_get_details (self->node) : NULL;
  guint n_filesystems = update_filesystems (self, details);
  guint n_interfaces = update_interfaces (self, details);

  truncate_rows (GTK_WIDGET (self->filesystems_box), n_filesystems);
  truncate_rows (GTK_WIDGET (self->interfaces_box), n_interfaces);
  if (gtk_widget_get_visible (GTK_WIDGET (self->filesystems_box)) != (n_filesystems > 0))
    gtk_widget_set_visible (GTK_WIDGET (self->filesystems_box), n_filesystems > 0);
  if (gtk_widget_get_visible (GTK_WIDGET (self->interfaces_box)) != (n_interfaces > 0))
    gtk_widget_set_visible (GTK_WIDGET (self->interfaces_box), n_interfaces > 0);
}

/* For tests: the filesystems' rows. */
GtkWidget *
_seye_detail_pane_get_filesystems_box (SeyeDetailPane *self)
{
  return GTK_WIDGET (self->filesystems_box);
}

GtkWidget *
_seye_detail_pane_get_interfaces_box (SeyeDetailPane *self)
{
  return GTK_WIDGET (self->interfaces_box);
}
