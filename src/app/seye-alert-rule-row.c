/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-alert-rule-row"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-alert-rule-row.h"
#include "seye-format.h"

/*
 * One alert rule of one node in the detail pane: "Default (90 %)", a threshold of its
 * own, or off. Read from and written to the GSettings key "node-alert-overrides"
 * (node id → {rule id → threshold; negative: off}); the application hands that key to
 * the monitor. Without a node id (a node that did not say who it is) it is insensitive.
 */

struct _SeyeAlertRuleRow
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkLabel       *title_label;
  GtkDropDown    *choice_drop_down;
  GtkStringList  *choices;
  GtkSpinButton  *threshold_spin;

  /* Owned */
  GSettings      *settings;
  char           *rule;
  char           *node_id;

  gboolean        updating;   /* showing the key: no writing back */
};

enum {
  PROP_0,
  PROP_RULE,
  PROP_TITLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeAlertRuleRow, seye_alert_rule_row, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static gboolean
is_offline_rule (SeyeAlertRuleRow *self)
{
  return g_strcmp0 (self->rule, "offline") == 0;
}

static gboolean
is_load_rule (SeyeAlertRuleRow *self)
{
  return g_strcmp0 (self->rule, "load") == 0;
}

/* "90 %", "2 per core", "on": a threshold as the rule counts it. */
static char *
format_threshold (SeyeAlertRuleRow *self,
                  double            threshold)
{
  if (is_offline_rule (self))
    return g_strdup (threshold >= 0 ? _("on") : _("off"));
  if (is_load_rule (self) && threshold > 1000)
    return g_strdup (_("off"));
  if (is_load_rule (self))
    /* Translators: a load threshold, e.g. "2 per core" */
    return g_strdup_printf (_("%g per core"), threshold);
  if (threshold > 100)
    return g_strdup (_("off"));

  return seye_format_percent (threshold);
}

/* The preferences' threshold for the rule; for offline 1 (on) or -1 (off). */
static double
default_threshold (SeyeAlertRuleRow *self)
{
  g_autofree char *key = NULL;

  if (is_offline_rule (self))
    return g_settings_get_boolean (self->settings, "alert-offline") ? 1.0 : -1.0;

  key = g_strdup_printf ("%s-threshold", self->rule);

  return g_settings_get_double (self->settings, key);
}

/* The node's override of the rule, if any. */
static gboolean
lookup_override (SeyeAlertRuleRow *self,
                 double           *threshold)
{
  g_autoptr (GVariant) overrides = NULL;
  g_autoptr (GVariant) rules = NULL;

  if (self->node_id == NULL)
    return FALSE;

  overrides = g_settings_get_value (self->settings, "node-alert-overrides");
  rules = g_variant_lookup_value (overrides, self->node_id, G_VARIANT_TYPE ("a{sd}"));

  return rules != NULL && g_variant_lookup (rules, self->rule, "d", threshold);
}

static void
show_settings (SeyeAlertRuleRow *self)
{
  g_autofree char *shown = NULL;
  g_autofree char *default_label = NULL;
  const char *items[2];
  double threshold;
  guint choice = SEYE_ALERT_CHOICE_DEFAULT;

  if (self->rule == NULL)
    return;

  self->updating = TRUE;

  shown = format_threshold (self, default_threshold (self));
  /* Translators: the rule as the preferences set it, e.g. "Default (90 %)" */
  default_label = g_strdup_printf (_("Default (%s)"), shown);
  items[0] = default_label;
  items[1] = NULL;
  gtk_string_list_splice (self->choices, 0, 1, items);

  if (lookup_override (self, &threshold))
    {
      choice = threshold < 0 ? SEYE_ALERT_CHOICE_OFF : SEYE_ALERT_CHOICE_CUSTOM;
      if (threshold >= 0)
        gtk_spin_button_set_value (self->threshold_spin, threshold);
    }
  else if (!is_offline_rule (self))
    gtk_spin_button_set_value (self->threshold_spin, MIN (default_threshold (self), 100));

  gtk_drop_down_set_selected (self->choice_drop_down, choice);
  gtk_widget_set_visible (GTK_WIDGET (self->threshold_spin),
                          choice == SEYE_ALERT_CHOICE_CUSTOM && !is_offline_rule (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self), self->node_id != NULL);

  self->updating = FALSE;
}

/* Writes the node's override of the rule: @threshold, or none when @set is FALSE. */
static void
write_override (SeyeAlertRuleRow *self,
                gboolean          set,
                double            threshold)
{
  g_autoptr (GVariant) overrides = g_settings_get_value (self->settings, "node-alert-overrides");
  g_auto (GVariantBuilder) nodes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sa{sd}}"));
  g_auto (GVariantBuilder) rules = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sd}"));
  g_autoptr (GVariant) mine = NULL;
  gboolean any = FALSE;
  GVariantIter iter;
  const char *id;
  GVariant *value;

  /* Every other node as it was. */
  g_variant_iter_init (&iter, overrides);
  while (g_variant_iter_loop (&iter, "{&s@a{sd}}", &id, &value))
    if (g_strcmp0 (id, self->node_id) != 0)
      g_variant_builder_add (&nodes, "{s@a{sd}}", id, value);

  /* This node's other rules as they were, this one as chosen. */
  mine = g_variant_lookup_value (overrides, self->node_id, G_VARIANT_TYPE ("a{sd}"));
  if (mine != NULL)
    {
      double other;

      g_variant_iter_init (&iter, mine);
      while (g_variant_iter_next (&iter, "{&sd}", &id, &other))
        if (g_strcmp0 (id, self->rule) != 0)
          {
            g_variant_builder_add (&rules, "{sd}", id, other);
            any = TRUE;
          }
    }
  if (set)
    {
      g_variant_builder_add (&rules, "{sd}", self->rule, threshold);
      any = TRUE;
    }
  if (any)
    g_variant_builder_add (&nodes, "{s@a{sd}}", self->node_id, g_variant_builder_end (&rules));

  g_settings_set_value (self->settings, "node-alert-overrides", g_variant_builder_end (&nodes));
}

static void
chosen_cb (SeyeAlertRuleRow *self)
{
  double threshold = gtk_spin_button_get_value (self->threshold_spin);

  if (self->updating || self->node_id == NULL)
    return;

  switch (gtk_drop_down_get_selected (self->choice_drop_down))
    {
    case SEYE_ALERT_CHOICE_CUSTOM:
      write_override (self, TRUE, is_offline_rule (self) ? 1.0 : threshold);
      break;
    case SEYE_ALERT_CHOICE_OFF:
      write_override (self, TRUE, -1.0);
      break;
    case SEYE_ALERT_CHOICE_DEFAULT:
    default:
      write_override (self, FALSE, 0);
      break;
    }
}

static void
seye_alert_rule_row_dispose (GObject *object)
{
  SeyeAlertRuleRow *self = SEYE_ALERT_RULE_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), SEYE_TYPE_ALERT_RULE_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (seye_alert_rule_row_parent_class)->dispose (object);
}

static void
seye_alert_rule_row_finalize (GObject *object)
{
  SeyeAlertRuleRow *self = SEYE_ALERT_RULE_ROW (object);

  g_clear_pointer (&self->rule, g_free);
  g_clear_pointer (&self->node_id, g_free);

  G_OBJECT_CLASS (seye_alert_rule_row_parent_class)->finalize (object);
}

static void
seye_alert_rule_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SeyeAlertRuleRow *self = SEYE_ALERT_RULE_ROW (object);

  switch (prop_id)
    {
    case PROP_RULE:
      g_value_set_string (value, self->rule);
      break;

    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_text (self->title_label));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_alert_rule_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SeyeAlertRuleRow *self = SEYE_ALERT_RULE_ROW (object);

  switch (prop_id)
    {
    case PROP_RULE:
      g_free (self->rule);
      self->rule = g_value_dup_string (value);
      if (is_offline_rule (self))
        {
          const char *on[] = { _("On"), NULL };

          gtk_string_list_splice (self->choices, 1, 1, on);
        }
      if (is_load_rule (self))
        {
          gtk_spin_button_set_range (self->threshold_spin, 0.1, 1000);
          gtk_spin_button_set_increments (self->threshold_spin, 0.1, 1);
          gtk_spin_button_set_digits (self->threshold_spin, 1);
        }
      show_settings (self);
      break;

    case PROP_TITLE:
      gtk_label_set_text (self->title_label, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_alert_rule_row_class_init (SeyeAlertRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_alert_rule_row_dispose;
  object_class->finalize = seye_alert_rule_row_finalize;
  object_class->get_property = seye_alert_rule_row_get_property;
  object_class->set_property = seye_alert_rule_row_set_property;

  properties[PROP_RULE] =
    g_param_spec_string ("rule", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-alert-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertRuleRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertRuleRow, choice_drop_down);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertRuleRow, choices);
  gtk_widget_class_bind_template_child (widget_class, SeyeAlertRuleRow, threshold_spin);
  gtk_widget_class_bind_template_callback (widget_class, chosen_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "alertrulerow");
}

static void
seye_alert_rule_row_init (SeyeAlertRuleRow *self)
{
  static const char * const keys[] = {
    "changed::node-alert-overrides", "changed::cpu-threshold", "changed::memory-threshold",
    "changed::swap-threshold", "changed::filesystem-threshold", "changed::load-threshold",
    "changed::alert-offline",
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_signal_connect_object (self->settings, keys[i], G_CALLBACK (show_settings), self,
                             G_CONNECT_SWAPPED);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}

const char *
seye_alert_rule_row_get_rule (SeyeAlertRuleRow *self)
{
  g_return_val_if_fail (SEYE_IS_ALERT_RULE_ROW (self), NULL);

  return self->rule;
}

const char *
seye_alert_rule_row_get_node_id (SeyeAlertRuleRow *self)
{
  g_return_val_if_fail (SEYE_IS_ALERT_RULE_ROW (self), NULL);

  return self->node_id;
}

/**
 * seye_alert_rule_row_set_node_id:
 * @node_id: (nullable): the node whose rule this is; NULL: none known, insensitive
 */
void
seye_alert_rule_row_set_node_id (SeyeAlertRuleRow *self,
                                 const char       *node_id)
{
  g_return_if_fail (SEYE_IS_ALERT_RULE_ROW (self));

  if (g_strcmp0 (self->node_id, node_id) == 0)
    return;

  g_free (self->node_id);
  self->node_id = g_strdup (node_id);
  show_settings (self);
}

SeyeAlertRuleChoice
seye_alert_rule_row_get_choice (SeyeAlertRuleRow *self)
{
  g_return_val_if_fail (SEYE_IS_ALERT_RULE_ROW (self), SEYE_ALERT_CHOICE_DEFAULT);

  return gtk_drop_down_get_selected (self->choice_drop_down);
}

double
seye_alert_rule_row_get_threshold (SeyeAlertRuleRow *self)
{
  g_return_val_if_fail (SEYE_IS_ALERT_RULE_ROW (self), 0);

  return gtk_spin_button_get_value (self->threshold_spin);
}

/* As a user would choose: the drop-down, then the threshold of a custom rule. */
void
seye_alert_rule_row_set_choice (SeyeAlertRuleRow    *self,
                                SeyeAlertRuleChoice  choice,
                                double               threshold)
{
  g_return_if_fail (SEYE_IS_ALERT_RULE_ROW (self));

  if (choice == SEYE_ALERT_CHOICE_CUSTOM)
    gtk_spin_button_set_value (self->threshold_spin, threshold);
  gtk_drop_down_set_selected (self->choice_drop_down, choice);
  chosen_cb (self);
}
