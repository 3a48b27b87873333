/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-preferences-window"

#include "config.h"

#include "seye-preferences-rules.h"

/* An optional rule: the row's switch turns it on (the adjustment's threshold)
 * or off (@off_value); the spin changes the threshold while it is on. */
typedef struct
{
  GSettings      *settings;
  char           *key;
  AdwExpanderRow *row;        /* weak: the binding lives on it */
  GtkAdjustment  *adjustment;
  double          off_value;
  gboolean        syncing;
} OptionalRule;

static void
optional_rule_free (gpointer data)
{
  OptionalRule *rule = data;

  g_signal_handlers_disconnect_by_data (rule->settings, rule);
  g_signal_handlers_disconnect_by_data (rule->adjustment, rule);
  g_object_unref (rule->settings);
  g_object_unref (rule->adjustment);
  g_free (rule->key);
  g_free (rule);
}

/* Key -> widgets. */
static void
optional_rule_sync (OptionalRule *rule)
{
  double threshold = g_settings_get_double (rule->settings, rule->key);
  gboolean on = threshold < rule->off_value;

  rule->syncing = TRUE;
  adw_expander_row_set_enable_expansion (rule->row, on);
  if (on)
    gtk_adjustment_set_value (rule->adjustment, threshold);
  rule->syncing = FALSE;
}

/* Widgets -> key. */
static void
optional_rule_store (OptionalRule *rule)
{
  gboolean on;

  if (rule->syncing)
    return;

  on = adw_expander_row_get_enable_expansion (rule->row);
  g_settings_set_double (rule->settings, rule->key,
                         on ? gtk_adjustment_get_value (rule->adjustment) : rule->off_value);
}

void
seye_preferences_bind_optional_rule (GSettings      *settings,
                                     const char     *key,
                                     AdwExpanderRow *row,
                                     GtkAdjustment  *adjustment,
                                     double          off_value)
{
  OptionalRule *rule = g_new0 (OptionalRule, 1);
  g_autofree char *signal = g_strconcat ("changed::", key, NULL);

  rule->settings = g_object_ref (settings);
  rule->key = g_strdup (key);
  rule->row = row;
  rule->adjustment = g_object_ref (adjustment);
  rule->off_value = off_value;
  g_object_set_data_full (G_OBJECT (row), "seye-optional-rule", rule, optional_rule_free);

  optional_rule_sync (rule);
  g_signal_connect_swapped (settings, signal, G_CALLBACK (optional_rule_sync), rule);
  g_signal_connect_swapped (row, "notify::enable-expansion", G_CALLBACK (optional_rule_store), rule);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (optional_rule_store), rule);
}

/* Keep offline nodes for: a day, a week, a month, or until removed (0), in the
 * order of the row's model. */
/* A row of choices whose last is 0, "none" (until removed, no limit). */
typedef struct
{
  const gint64 *choices;
  guint         n_choices;
} Choices;

static gboolean
choices_get (GValue   *value,
             GVariant *variant,
             gpointer  user_data)
{
  const Choices *c = user_data;
  gint64 setting = g_variant_get_int64 (variant);
  guint i;

  /* The first choice at least as large: nothing goes sooner, or takes less room, than set. */
  for (i = 0; i < c->n_choices - 1; i++)
    if (setting != 0 && c->choices[i] >= setting)
      break;

  g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
choices_set (const GValue       *value,
             const GVariantType *expected_type,
             gpointer            user_data)
{
  const Choices *c = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= c->n_choices)
    return NULL;

  return g_variant_new_int64 (c->choices[selected]);
}

/**
 * seye_preferences_bind_choices:
 * @choices: (array length=n_choices): the values of @row's items in order, the last 0
 *
 * Binds the int64 @key to @row's selection: a value set elsewhere shows as the first
 * choice at least as large, 0 as the last item.
 */
void
seye_preferences_bind_choices (GSettings    *settings,
                               const char   *key,
                               AdwComboRow  *row,
                               const gint64 *choices,
                               guint         n_choices)
{
  Choices *c = g_new (Choices, 1);

  g_return_if_fail (n_choices > 0 && choices[n_choices - 1] == 0);

  c->choices = choices;
  c->n_choices = n_choices;
  g_settings_bind_with_mapping (settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choices_get, choices_set, c, g_free);
}

static const gint64 keep_offline_choices[] = { 24 * 3600, 7 * 24 * 3600, 30 * 24 * 3600, 0 };

void
seye_preferences_bind_keep_offline (GSettings   *settings,
                                    AdwComboRow *row)
{
  seye_preferences_bind_choices (settings, "keep-offline", row, keep_offline_choices,
                                 G_N_ELEMENTS (keep_offline_choices));
}
