/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-monitor.h"
#include "seye-preferences-rules.h"
#include "seye-preferences-sources.h"
#include "seye-store.h"
#include "seye-preferences-window.h"

struct _SeyePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  GtkAdjustment        *interval_adjustment;
  GtkAdjustment        *grace_adjustment;
  GtkSwitch            *discovery_switch;
  AdwEntryRow          *add_row;
  GtkListBox           *manual_list;
  GtkAdjustment        *cpu_threshold_adjustment;
  GtkAdjustment        *cpu_hold_adjustment;
  GtkAdjustment        *memory_threshold_adjustment;
  GtkSwitch            *offline_switch;
  GtkSwitch            *notify_switch;
  AdwComboRow          *raw_retention_row;
  AdwComboRow          *rollup_retention_row;
  AdwComboRow          *hourly_retention_row;
  AdwComboRow          *budget_row;
  AdwActionRow         *usage_row;
  AdwComboRow          *keep_offline_row;
  AdwExpanderRow       *swap_row;
  GtkAdjustment        *swap_threshold_adjustment;
  AdwExpanderRow       *filesystem_row;
  GtkAdjustment        *filesystem_threshold_adjustment;
  AdwEntryRow          *filesystem_ignore_row;
  AdwExpanderRow       *load_row;
  GtkAdjustment        *load_threshold_adjustment;
  GtkAdjustment        *load_hold_adjustment;
  SeyePreferencesSources *sources_page;

  /* Owned */
  GSettings            *settings;
  GtkStringList        *manual_nodes;
  SeyeStore            *store;
};

G_DEFINE_FINAL_TYPE (SeyePreferencesWindow, seye_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The choices of the history rows, in seconds, in the order of their models in the .ui. */
static const gint64 raw_retention_choices[] = {
  3600, 6 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600, 0
};
static const gint64 rollup_retention_choices[] = {
  7 * 24 * 3600, 30 * 24 * 3600, 90 * 24 * 3600, 365 * 24 * 3600, 0
};
static const gint64 hourly_retention_choices[] = {
  30 * 24 * 3600, 90 * 24 * 3600, 365 * 24 * 3600, 5 * 365 * 24 * 3600, 0
};
/* Bytes; the last, 0, is "No limit". */
static const gint64 budget_choices[] = {
  G_GINT64_CONSTANT (1000000000), G_GINT64_CONSTANT (2000000000), G_GINT64_CONSTANT (5000000000),
  G_GINT64_CONSTANT (10000000000), G_GINT64_CONSTANT (20000000000), G_GINT64_CONSTANT (50000000000), 0
};

/* Key -> row: the first choice that keeps at least as long, so a value set elsewhere
 * (gsettings, dconf-editor) shows as the nearest choice that loses nothing. */
static gboolean
retention_get_mapping (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  const gint64 *choices = user_data;
  gint64 seconds = g_variant_get_int64 (variant);
  guint i;

  for (i = 0; choices[i + 1] != 0 && choices[i] < seconds; i++)
    ;

  g_value_set_uint (value, i);

  return TRUE;
}

static GVariant *
retention_set_mapping (const GValue       *value,
                       const GVariantType *expected_type,
                       gpointer            user_data)
{
  const gint64 *choices = user_data;
  guint selected = g_value_get_uint (value);
  guint n;

  for (n = 0; choices[n] != 0; n++)
    ;
  if (selected >= n)
    return NULL;

  return g_variant_new_int64 (choices[selected]);
}

gboolean
seye_preferences_add_manual_node (GSettings   *settings,
                                  const char  *host_port,
                                  GError     **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) old = NULL;
  g_auto (GStrv) nodes = NULL;
  g_autofree char *host = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (host_port));
  guint16 port;
  gboolean tls;

  if (!seye_parse_node_address (stripped, &host, &port, &tls, error))
    return FALSE;

  old = g_settings_get_strv (settings, "manual-nodes");
  if (g_strv_contains ((const char * const *) old, stripped))
    return TRUE;

  g_strv_builder_addv (builder, (const char **) old);
  g_strv_builder_add (builder, stripped);
  nodes = g_strv_builder_end (builder);

  return g_settings_set_strv (settings, "manual-nodes", (const char * const *) nodes);
}

void
seye_preferences_remove_manual_node (GSettings  *settings,
                                     const char *host_port)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) old = g_settings_get_strv (settings, "manual-nodes");
  g_auto (GStrv) nodes = NULL;

  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], host_port) != 0)
      g_strv_builder_add (builder, old[i]);

  nodes = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "manual-nodes", (const char * const *) nodes);
}

static void
manual_nodes_changed_cb (SeyePreferencesWindow *self)
{
  g_auto (GStrv) nodes = g_settings_get_strv (self->settings, "manual-nodes");

  gtk_string_list_splice (self->manual_nodes, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->manual_nodes)),
                          (const char * const *) nodes);
}

static GtkWidget *
create_manual_row_cb (gpointer item,
                      gpointer user_data)
{
  const char *host_port = gtk_string_object_get_string (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  /* What a user typed is shown as typed, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), host_port);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.remove-manual");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (host_port));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
add_row_apply_cb (SeyePreferencesWindow *self,
                  AdwEntryRow           *row)
{
  g_autoptr (GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (text == NULL || *text == '\0')
    return;

  if (!seye_preferences_add_manual_node (self->settings, text, &error))
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
add_row_changed_cb (SeyePreferencesWindow *self,
                    AdwEntryRow           *row)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
remove_manual_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SeyePreferencesWindow *self = SEYE_PREFERENCES_WINDOW (widget);

  seye_preferences_remove_manual_node (self->settings, g_variant_get_string (param, NULL));
}

/* "a, b": the patterns, as the key holds them. */
static void
filesystem_ignore_changed_cb (SeyePreferencesWindow *self)
{
  g_auto (GStrv) patterns = g_settings_get_strv (self->settings, "filesystem-ignore");
  g_autofree char *text = g_strjoinv (", ", patterns);

  gtk_editable_set_text (GTK_EDITABLE (self->filesystem_ignore_row), text);
}

static void
filesystem_ignore_apply_cb (SeyePreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filesystem_ignore_row));
  g_auto (GStrv) parts = g_strsplit_set (text, ", ", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) patterns = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);

  patterns = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "filesystem-ignore", (const char * const *) patterns);
}

/* "History uses 1.2 GB", and what the budget leaves of it: read when the window opens
 * and when the budget changes. */
static void
update_usage (SeyePreferencesWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  gint64 budget = g_settings_get_int64 (self->settings, "history-budget");

  if (self->store == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->usage_row), _("History is not kept"));
      adw_action_row_set_subtitle (self->usage_row, "");
      return;
    }

  {
    gint64 usage = seye_store_get_disk_usage (self->store);
    g_autofree char *size = g_format_size (usage);

    /* Translators: %s is a size, "1.2 GB" */
    title = g_strdup_printf (_("History uses %s"), size);
    if (budget > 0)
      {
        g_autofree char *limit = g_format_size (budget);

        /* Translators: %s is the disk space chosen for history, "5.0 GB" */
        subtitle = g_strdup_printf (_("Of at most %s"), limit);
      }
    else
      {
        subtitle = g_strdup (_("No limit: only the times above decide what is deleted"));
      }
  }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->usage_row), title);
  adw_action_row_set_subtitle (self->usage_row, subtitle);
}

/**
 * seye_preferences_window_set_store:
 * @store: (nullable): the history store, whose size the History group shows
 */
void
seye_preferences_window_set_store (SeyePreferencesWindow *self,
                                   SeyeStore             *store)
{
  g_return_if_fail (SEYE_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (store == NULL || SEYE_IS_STORE (store));

  g_set_object (&self->store, store);
  update_usage (self);
}

static void
seye_preferences_window_dispose (GObject *object)
{
  SeyePreferencesWindow *self = SEYE_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->manual_nodes);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (seye_preferences_window_parent_class)->dispose (object);
}

static void
seye_preferences_window_class_init (SeyePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_preferences_window_dispose;

  g_type_ensure (SEYE_TYPE_PREFERENCES_SOURCES);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, sources_page);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, interval_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, grace_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, discovery_switch);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, add_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, manual_list);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, cpu_threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, cpu_hold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, memory_threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, offline_switch);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, raw_retention_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, rollup_retention_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, hourly_retention_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, budget_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, usage_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, keep_offline_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, swap_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, swap_threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, filesystem_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, filesystem_threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, filesystem_ignore_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, load_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, load_threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesWindow, load_hold_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, filesystem_ignore_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_row_changed_cb);

  gtk_widget_class_install_action (widget_class, "prefs.remove-manual", "s", remove_manual_action);
}

static void
seye_preferences_window_init (SeyePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "interval", self->interval_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "grace-time", self->grace_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "discovery", self->discovery_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cpu-threshold", self->cpu_threshold_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cpu-hold", self->cpu_hold_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "memory-threshold", self->memory_threshold_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "alert-offline", self->offline_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications", self->notify_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "raw-retention", self->raw_retention_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, retention_get_mapping, retention_set_mapping,
                                (gpointer) raw_retention_choices, NULL);
  g_settings_bind_with_mapping (self->settings, "rollup-retention", self->rollup_retention_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, retention_get_mapping, retention_set_mapping,
                                (gpointer) rollup_retention_choices, NULL);
  g_settings_bind_with_mapping (self->settings, "hourly-retention", self->hourly_retention_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, retention_get_mapping, retention_set_mapping,
                                (gpointer) hourly_retention_choices, NULL);
  seye_preferences_bind_choices (self->settings, "history-budget", self->budget_row, budget_choices,
                                 G_N_ELEMENTS (budget_choices));
  g_signal_connect_object (self->settings, "changed::history-budget",
                           G_CALLBACK (update_usage), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "map", G_CALLBACK (update_usage), self, G_CONNECT_SWAPPED);
  update_usage (self);

  seye_preferences_bind_keep_offline (self->settings, self->keep_offline_row);
  seye_preferences_bind_optional_rule (self->settings, "swap-threshold", self->swap_row,
                                       self->swap_threshold_adjustment, 101);
  seye_preferences_bind_optional_rule (self->settings, "filesystem-threshold", self->filesystem_row,
                                       self->filesystem_threshold_adjustment, 101);
  seye_preferences_bind_optional_rule (self->settings, "load-threshold", self->load_row,
                                       self->load_threshold_adjustment, 1001);
  g_settings_bind (self->settings, "load-hold", self->load_hold_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::filesystem-ignore",
                           G_CALLBACK (filesystem_ignore_changed_cb), self, G_CONNECT_SWAPPED);
  filesystem_ignore_changed_cb (self);

  self->manual_nodes = gtk_string_list_new (NULL);
  gtk_list_box_bind_model (self->manual_list, G_LIST_MODEL (self->manual_nodes),
                           create_manual_row_cb, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::manual-nodes",
                           G_CALLBACK (manual_nodes_changed_cb), self, G_CONNECT_SWAPPED);
  manual_nodes_changed_cb (self);
}

/**
 * seye_preferences_window_set_prometheus_servers:
 * @servers: (nullable): the servers the Sources page lists, adds to and removes from
 */
void
seye_preferences_window_set_prometheus_servers (SeyePreferencesWindow *self,
                                                SeyePrometheusServers *servers)
{
  g_return_if_fail (SEYE_IS_PREFERENCES_WINDOW (self));

  seye_preferences_sources_set_servers (self->sources_page, servers);
}

/* For tests: the Sources page. */
SeyePreferencesSources *
_seye_preferences_window_get_sources (SeyePreferencesWindow *self)
{
  return self->sources_page;
}

GtkWidget *
seye_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (SEYE_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
