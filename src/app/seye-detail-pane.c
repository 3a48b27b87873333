/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-alert-rule-row.h"
#include "seye-alerts.h"
#include "seye-detail-pane-private.h"
#include "seye-format.h"
#include "seye-sanitize.h"
#include "seye-ticker.h"
#include "seye-usage-row.h"
#include "seye-window.h"

/* The widget: its properties, its template, and the labels about the node (name, system,
 * state, values over the graphs). The pairing notice is in seye-detail-pane-pairing.c,
 * long ranges and export in seye-detail-pane-history.c. */

enum {
  PROP_0,
  PROP_NODE,
  PROP_WINDOW,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeDetailPane, seye_detail_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

void
_seye_detail_pane_set_label (GtkLabel   *label,
           const char *text)
{
  if (text == NULL || *text == '\0')
    text = "–";

  /* Names and anything else a node sends are plain text, never markup. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

/* Where @node comes from, to ask it what is asked only on demand; NULL outside a window. */
SeyeSource *
_seye_detail_pane_get_source (SeyeDetailPane *self,
                              SeyeNode       *node)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (node == NULL || !SEYE_IS_WINDOW (root))
    return NULL;

  return seye_monitor_get_node_source (seye_window_get_monitor (SEYE_WINDOW (root)), node);
}

/* A value over a graph: plain text too; a new one redraws it and nothing else. */
static void
set_value (GtkInscription *inscription,
           const char     *text)
{
  if (text == NULL || *text == '\0')
    text = "–";

  gtk_inscription_set_text (inscription, text);
}

/* Each active alert with its reason: "Memory 96 % · Disk /var 97 % (acknowledged)". */
static void
append_alerts (SeyeDetailPane *self,
               GString        *text)
{
  guint active = seye_node_get_active_alerts (self->node) & ~SEYE_ALERT_OFFLINE;
  guint acknowledged = seye_node_get_acknowledged_alerts (self->node);

  for (guint i = 0; i < SEYE_ALERT_N_KINDS; i++)
    {
      SeyeAlertKind kind = 1u << i;
      g_autofree char *reason = NULL;

      if ((active & kind) == 0)
        continue;

      reason = seye_node_describe_alert (self->node, kind);
      g_string_append_printf (text, "%s%s", text->len > 0 ? " · " : "", reason);
      if (acknowledged & kind)
        g_string_append_printf (text, " %s", _("(acknowledged)"));
    }
}

/* The state's colour, in libadwaita's classes. */
static const char *
state_class (SeyeNode *node)
{
  SeyeNodeState state = seye_node_get_state (node);

  if (seye_node_get_alerting (node) || state == SEYE_NODE_STATE_OFFLINE ||
      state == SEYE_NODE_STATE_INCOMPATIBLE || state == SEYE_NODE_STATE_UNTRUSTED)
    return "error";
  if (state == SEYE_NODE_STATE_STALE || state == SEYE_NODE_STATE_NEEDS_PAIRING ||
      state == SEYE_NODE_STATE_NOT_RESPONDING || seye_node_get_conflict (node) != NULL)
    return "warning";
  if (state == SEYE_NODE_STATE_ONLINE)
    return "success";

  return NULL;
}

/* On the state and its alerts alike, and only when it changes. */
static void
set_state_class (SeyeDetailPane *self,
                 const char     *css_class)
{
  if (g_strcmp0 (css_class, self->state_class) == 0)
    return;

  if (self->state_class != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), self->state_class);
      gtk_widget_remove_css_class (GTK_WIDGET (self->alerts_label), self->state_class);
    }
  self->state_class = css_class;
  if (css_class != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), css_class);
      gtk_widget_add_css_class (GTK_WIDGET (self->alerts_label), css_class);
    }
}

static void
update_state (SeyeDetailPane *self)
{
  g_autoptr (GString) text = NULL;
  g_autoptr (GString) alerts = NULL;
  g_autofree char *error = NULL;
  g_autofree char *described = NULL;
  SeyeNodeState state;
  gint64 last_seen;
  guint unacknowledged;

  if (self->node == NULL)
    return;

  state = seye_node_get_state (self->node);
  /* "Offline · 4 min", "Left the network · 2 h", "Online" */
  described = seye_node_describe_state (self->node, g_get_real_time () / 1000);
  text = g_string_new (described);

  last_seen = seye_node_get_last_seen (self->node);
  if (state != SEYE_NODE_STATE_ONLINE && state != SEYE_NODE_STATE_CONNECTING && last_seen > 0)
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (last_seen / 1000);
      g_autofree char *clock = g_date_time_format (when, "%X");

      /* Translators: %s is a time of day, e.g. "14:02:11" */
      g_string_append (text, " · ");
      g_string_append_printf (text, _("last seen at %s"), clock);
    }

  error = seye_sanitize_display (seye_node_get_error (self->node));
  if (error != NULL && state != SEYE_NODE_STATE_ONLINE)
    g_string_append_printf (text, " · %s", error);

  if (seye_node_get_conflict (self->node) != NULL)
    g_string_append_printf (text, " · %s", seye_node_get_conflict (self->node));

  _seye_detail_pane_set_label (self->state_label, text->str);

  /* The inscription's size does not follow its text: a new value redraws it alone
   * (shown or hidden, the pane is laid out again: only when alerts come or go). */
  alerts = g_string_new (NULL);
  append_alerts (self, alerts);
  gtk_widget_set_visible (GTK_WIDGET (self->alerts_label), alerts->len > 0);
  if (g_strcmp0 (alerts->str, gtk_inscription_get_text (self->alerts_label)) != 0)
    {
      gtk_inscription_set_text (self->alerts_label, alerts->str);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->alerts_label), alerts->str);
    }

  unacknowledged = seye_node_get_active_alerts (self->node) & ~seye_node_get_acknowledged_alerts (self->node);
  gtk_widget_set_visible (GTK_WIDGET (self->acknowledge_button), unacknowledged != 0);

  set_state_class (self, state_class (self->node));
}

/* What the node says about itself is shown sanitised; "–" when it said nothing. */
static char *
shown (const char *text)
{
  return text != NULL ? seye_sanitize_display (text) : g_strdup ("–");
}

static void
update_info (SeyeDetailPane *self)
{
  const SeyeNodeInfo *info;
  g_autofree char *name = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *address = NULL;
  g_autofree char *os = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *agent = NULL;

  if (self->node == NULL)
    return;

  info = seye_node_get_info (self->node);
  name = shown (seye_node_get_name (self->node));
  hostname = info && info->hostname ? shown (info->hostname) : g_strdup (name);
  address = shown (seye_node_get_address (self->node));

  /* The name it announces is the one the list and the header bar show: the title;
   * the host name opens the line under it. */
  _seye_detail_pane_set_label (self->title_label, name);
  _seye_detail_pane_set_label (self->address_label, address);

  if (info != NULL)
    {
      g_autofree char *os_name = shown (info->os_name);
      g_autofree char *kernel = shown (info->kernel);
      g_autofree char *arch = shown (info->arch);
      g_autofree char *cpu_model = shown (info->cpu_model);
      g_autofree char *agent_version = shown (info->agent_version);

      /* Host name, operating system, kernel and architecture:
       * "db1 · Debian GNU/Linux 12 · 6.1.0-18-amd64 · x86_64" */
      os = g_strdup_printf ("%s · %s · %s · %s", hostname, os_name, kernel, arch);
      cpu = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u core", "%s · %u cores", info->n_cores),
                             cpu_model, info->n_cores);
      /* Translators: the version of sorcerers-eye-agent on the node, and the name it announces */
      agent = g_strdup_printf (_("%s · announces “%s”"), agent_version, name);
      if (info->tags != NULL)
        {
          g_autofree char *tags = g_strjoinv (", ", info->tags);
          g_autofree char *with_tags = NULL;

          /* Translators: the line above, then the node's tags, e.g. "… · tagged web, eu-1" */
          with_tags = g_strdup_printf (_("%s · tagged %s"), agent, tags);
          g_free (agent);
          agent = g_steal_pointer (&with_tags);
        }
    }

  _seye_detail_pane_set_label (self->os_label, os != NULL ? os : hostname);

  /* Its alert rules are kept by node id: none until it said who it is. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->alert_rules_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    seye_alert_rule_row_set_node_id (SEYE_ALERT_RULE_ROW (row), info != NULL ? info->node_id : NULL);
  _seye_detail_pane_set_label (self->cpu_model_label, cpu);
  _seye_detail_pane_set_label (self->agent_label, agent);
}

/* "4 cores"; with more than a grid shows, the busiest one too: "256 cores · busiest 37: 99 %". */
static char *
dup_cores_value (SeyeSample *sample)
{
  const char *format = g_dngettext (GETTEXT_PACKAGE, "%u core", "%u cores", sample->cores->len);
  g_autofree char *count = g_strdup_printf (format, sample->cores->len);
  g_autofree char *percent = NULL;
  guint busiest = 0;

  if (sample->cores->len <= 16)
    return g_steal_pointer (&count);

  for (guint i = 1; i < sample->cores->len; i++)
    if (g_array_index (sample->cores, SeyeCpuStat, i).busy >
        g_array_index (sample->cores, SeyeCpuStat, busiest).busy)
      busiest = i;

  percent = seye_format_percent (g_array_index (sample->cores, SeyeCpuStat, busiest).busy);
  /* Translators: number of cores, then the busiest core's number and usage */
  return g_strdup_printf (_("%s · busiest %u: %s"), count, busiest, percent);
}

static void
update_values (SeyeDetailPane *self)
{
  SeyeSample *sample = self->node ? seye_node_get_sample (self->node) : NULL;
  g_autofree char *uptime = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *cores = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *load = NULL;
  g_autofree char *network = NULL;
  g_autofree char *disk = NULL;

  if (sample != NULL)
    {
      if (sample->parts & SEYE_SAMPLE_UPTIME)
        uptime = seye_format_duration (sample->uptime);

      if (sample->parts & SEYE_SAMPLE_CPU)
        {
          g_autofree char *busy = seye_format_percent (sample->cpu.busy);
          g_autofree char *user = seye_format_percent (sample->cpu.user);
          g_autofree char *system = seye_format_percent (sample->cpu.system);
          g_autofree char *iowait = seye_format_percent (sample->cpu.iowait);

          /* Translators: CPU total, then its parts */
          cpu = g_strdup_printf (_("%s · user %s · system %s · I/O wait %s"), busy, user, system, iowait);
          if (sample->cores != NULL)
            cores = dup_cores_value (sample);
        }

      if (sample->parts & SEYE_SAMPLE_MEMORY)
        {
          g_autofree char *used = seye_format_bytes (sample->memory.used);
          g_autofree char *total = seye_format_bytes (sample->memory.total);
          g_autofree char *percent = seye_format_percent (seye_sample_get_memory_percent (sample));

          if (sample->memory.swap_total > 0)
            {
              g_autofree char *swap_used = seye_format_bytes (sample->memory.swap_used);
              g_autofree char *swap_total = seye_format_bytes (sample->memory.swap_total);

              /* Translators: memory used / total (percent) · swap used / total */
              memory = g_strdup_printf (_("%s / %s (%s) · swap %s / %s"), used, total, percent,
                                        swap_used, swap_total);
            }
          else
            memory = g_strdup_printf (_("%s / %s (%s) · no swap"), used, total, percent);
        }

      if (sample->parts & SEYE_SAMPLE_LOAD)
        load = seye_format_load (sample->load);

      if (sample->parts & SEYE_SAMPLE_NETWORK)
        {
          g_autofree char *rx = seye_format_rate (sample->net_rx_bytes_per_sec);
          g_autofree char *tx = seye_format_rate (sample->net_tx_bytes_per_sec);

          /* Translators: received and sent, e.g. "↓ 1.2 MB/s · ↑ 30 KB/s" */
          network = g_strdup_printf (_("↓ %s · ↑ %s"), rx, tx);
        }

      if (sample->parts & SEYE_SAMPLE_DISK)
        {
          g_autofree char *read = seye_format_rate (sample->disk_read_bytes_per_sec);
          g_autofree char *written = seye_format_rate (sample->disk_write_bytes_per_sec);

          /* Translators: disk bytes read and written, e.g. "read 1.2 MB/s · written 30 KB/s" */
          disk = g_strdup_printf (_("read %s · written %s"), read, written);
        }
    }

  _seye_detail_pane_set_label (self->uptime_label, uptime);
  set_value (self->cores_value_label, cores);
  /* Over a past range these say its averages and maxima (seye-detail-pane-history.c). */
  if (!_seye_detail_pane_is_history_window (self->window))
    {
      set_value (self->cpu_value_label, cpu);
      set_value (self->memory_value_label, memory);
      set_value (self->load_value_label, load);
      set_value (self->network_value_label, network);
      set_value (self->disk_value_label, disk);
    }
  _seye_detail_pane_update_disks (self);
}

static void
sample_added_cb (SeyeDetailPane *self,
                 SeyeSample     *sample)
{
  /* Labels are cheap but not free: a hidden pane does nothing, a visible one updates
   * at the next tick with the graphs and the list. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->values_dirty = TRUE;
      seye_ticker_request (seye_ticker_get_default ());
    }

  _seye_detail_pane_history_sample_added (self, sample);
}

static void
node_info_cb (SeyeDetailPane *self)
{
  update_info (self);

  /* After a restart the node's id is known once it answered: its history can be read. */
  if (_seye_detail_pane_is_history_window (self->window) && self->query_to_ms == 0)
    _seye_detail_pane_reload_history (self);
}

static void
tick_cb (SeyeDetailPane *self)
{
  if (self->values_dirty)
    {
      self->values_dirty = FALSE;
      update_values (self);
      /* The alerts' values ("Memory 96 %") and the state's age move with the samples. */
      update_state (self);
    }
}

/* detail.acknowledge: the node's active alerts stop counting and notifying until they clear. */
static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  guint kinds;

  if (self->node == NULL || !SEYE_IS_WINDOW (root))
    return;

  kinds = seye_node_get_active_alerts (self->node) & ~seye_node_get_acknowledged_alerts (self->node);
  if (kinds != 0)
    seye_monitor_acknowledge_alerts (seye_window_get_monitor (SEYE_WINDOW (root)), self->node, kinds);
}

static void
seye_detail_pane_map (GtkWidget *widget)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);

  GTK_WIDGET_CLASS (seye_detail_pane_parent_class)->map (widget);

  update_values (self);
  if (self->history_dirty)
    _seye_detail_pane_reload_history (self);
}

static void
seye_detail_pane_dispose (GObject *object)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (object);

  seye_detail_pane_set_node (self, NULL);
  _seye_detail_pane_actions_dispose (self);
  _seye_detail_pane_history_dispose (self);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->fingerprint, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_DETAIL_PANE);

  G_OBJECT_CLASS (seye_detail_pane_parent_class)->dispose (object);
}

static void
seye_detail_pane_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    case PROP_WINDOW:
      g_value_set_uint (value, self->window);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_detail_pane_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_NODE:
      seye_detail_pane_set_node (self, g_value_get_object (value));
      break;

    case PROP_WINDOW:
      seye_detail_pane_set_window (self, g_value_get_uint (value));
      break;

    case PROP_STORE:
      seye_detail_pane_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_detail_pane_class_init (SeyeDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_detail_pane_dispose;
  object_class->get_property = seye_detail_pane_get_property;
  object_class->set_property = seye_detail_pane_set_property;

  widget_class->map = seye_detail_pane_map;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL,
                         SEYE_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW] =
    g_param_spec_uint ("window", NULL, NULL,
                       10, MAX_HISTORY_WINDOW, 60,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SEYE_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SEYE_TYPE_GRAPH);
  g_type_ensure (SEYE_TYPE_USAGE_ROW);
  g_type_ensure (SEYE_TYPE_ALERT_RULE_ROW);
  g_type_ensure (SEYE_TYPE_PROCESS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_icon);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_title);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_body);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, connection_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, forget_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, copy_fingerprint_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, os_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, state_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, alerts_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, acknowledge_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_model_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, address_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, agent_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cores_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, memory_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, load_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, network_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, disk_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cores_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, load_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, network_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, disk_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, interfaces_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, filesystems_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, alert_rules_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, alert_rules_expander);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, details_expander);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, processes_expander);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, process_view);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, actions_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, actions_flow);

  gtk_widget_class_install_property_action (widget_class, "detail.window", "window");
  gtk_widget_class_install_action (widget_class, "detail.export", NULL, _seye_detail_pane_export_action);
  gtk_widget_class_install_action (widget_class, "detail.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "detail.copy-fingerprint", NULL,
                                   _seye_detail_pane_copy_fingerprint_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "detailpane");
}

static void
seye_detail_pane_init (SeyeDetailPane *self)
{
  self->window = 60;

  gtk_widget_init_template (GTK_WIDGET (self));
  _seye_detail_pane_update_export_action (self);
  _seye_detail_pane_actions_init (self);

  /* The filesystem alert threshold colours the level bars. */
  self->settings = g_settings_new (APP_ID);
  /* The Processes section stays open or closed from one node, and one run, to the next. */
  g_settings_bind (self->settings, "processes-expanded", self->processes_expander, "expanded",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::filesystem-threshold",
                           G_CALLBACK (update_values), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (seye_ticker_get_default (), "tick", G_CALLBACK (tick_cb), self,
                           G_CONNECT_SWAPPED);
}

SeyeNode *
seye_detail_pane_get_node (SeyeDetailPane *self)
{
  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), NULL);

  return self->node;
}

void
seye_detail_pane_set_node (SeyeDetailPane *self,
                           SeyeNode       *node)
{
  g_return_if_fail (SEYE_IS_DETAIL_PANE (self));
  g_return_if_fail (node == NULL || SEYE_IS_NODE (node));

  if (self->node == node)
    return;

  if (self->node != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->node, self);
    }

  g_set_object (&self->node, node);

  if (node != NULL)
    {
      g_signal_connect_object (node, "sample-added", G_CALLBACK (sample_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::info", G_CALLBACK (node_info_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::name", G_CALLBACK (update_info), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::address", G_CALLBACK (update_info), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::state", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::alerting", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::active-alerts", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::acknowledged-alerts", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::conflict", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::error", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::polled-every", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      /* Its actions come with HTTPS and a pairing, and are asked again when it is back. */
      g_signal_connect_object (node, "notify::state", G_CALLBACK (_seye_detail_pane_update_actions), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::paired", G_CALLBACK (_seye_detail_pane_update_actions), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::tls", G_CALLBACK (_seye_detail_pane_update_actions), self,
                               G_CONNECT_SWAPPED);
      _seye_detail_pane_follow_pairing (self, node);
      update_info (self);
      update_state (self);
      _seye_detail_pane_update_pairing (self);
      update_values (self);
    }

  seye_graph_set_node (self->cpu_graph, node);
  seye_graph_set_node (self->cores_graph, node);
  seye_graph_set_node (self->memory_graph, node);
  seye_graph_set_node (self->load_graph, node);
  seye_graph_set_node (self->network_graph, node);
  seye_graph_set_node (self->disk_graph, node);

  gtk_stack_set_visible_child_name (self->stack, node != NULL ? "node" : "empty");
  seye_process_view_set_node (self->process_view, _seye_detail_pane_get_source (self, node), node);
  _seye_detail_pane_update_actions (self);

  self->query_to_ms = 0;
  _seye_detail_pane_reload_history (self);
  _seye_detail_pane_update_export_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

guint
seye_detail_pane_get_window (SeyeDetailPane *self)
{
  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), 0);

  return self->window;
}

void
seye_detail_pane_set_window (SeyeDetailPane *self,
                             guint           seconds)
{
  g_return_if_fail (SEYE_IS_DETAIL_PANE (self));

  seconds = CLAMP (seconds, 10, MAX_HISTORY_WINDOW);
  if (self->window == seconds)
    return;

  self->window = seconds;
  self->query_to_ms = 0;

  if (_seye_detail_pane_is_history_window (seconds))
    _seye_detail_pane_reload_history (self);
  else
    {
      _seye_detail_pane_show_live (self);
      update_values (self);
      seye_graph_set_window (self->cpu_graph, seconds);
      seye_graph_set_window (self->cores_graph, seconds);
      seye_graph_set_window (self->memory_graph, seconds);
      seye_graph_set_window (self->load_graph, seconds);
      seye_graph_set_window (self->network_graph, seconds);
      seye_graph_set_window (self->disk_graph, seconds);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

SeyeGraph *
seye_detail_pane_get_graph (SeyeDetailPane *self,
                            SeyeGraphKind   kind)
{
  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), NULL);

  switch (kind)
    {
    case SEYE_GRAPH_CPU:     return self->cpu_graph;
    case SEYE_GRAPH_CORES:   return self->cores_graph;
    case SEYE_GRAPH_MEMORY:  return self->memory_graph;
    case SEYE_GRAPH_LOAD:    return self->load_graph;
    case SEYE_GRAPH_NETWORK: return self->network_graph;
    case SEYE_GRAPH_DISK:    return self->disk_graph;
    default:                 g_return_val_if_reached (NULL);
    }
}

char *
seye_detail_pane_dup_summary (SeyeDetailPane *self)
{
  g_autofree char *state = NULL;

  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), NULL);

  /* The state and its alerts as one line: "Online · CPU 97 %". */
  if (gtk_widget_get_visible (GTK_WIDGET (self->alerts_label)))
    state = g_strconcat (gtk_label_get_text (self->state_label), " · ",
                         gtk_inscription_get_text (self->alerts_label), NULL);
  else
    state = g_strdup (gtk_label_get_text (self->state_label));

  return g_strjoin ("\n",
                    gtk_label_get_text (self->title_label),
                    gtk_label_get_text (self->os_label),
                    state,
                    gtk_label_get_text (self->cpu_model_label),
                    gtk_label_get_text (self->address_label),
                    gtk_label_get_text (self->agent_label),
                    gtk_label_get_text (self->uptime_label),
                    NULL);
}

SeyeStore *
seye_detail_pane_get_store (SeyeDetailPane *self)
{
  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), NULL);

  return self->store;
}

/**
 * seye_detail_pane_set_store:
 * @store: (nullable): where the 1 hour, 24 hours and 7 days ranges are read from
 */
void
seye_detail_pane_set_store (SeyeDetailPane *self,
                            SeyeStore      *store)
{
  g_return_if_fail (SEYE_IS_DETAIL_PANE (self));
  g_return_if_fail (store == NULL || SEYE_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  self->query_to_ms = 0;
  _seye_detail_pane_reload_history (self);
  _seye_detail_pane_update_export_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}


/* For tests: the row of alert rule @rule ("cpu", "memory", ...). */
GtkWidget *
_seye_detail_pane_get_alert_rule_row (SeyeDetailPane *self,
                                      const char     *rule)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->alert_rules_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (seye_alert_rule_row_get_rule (SEYE_ALERT_RULE_ROW (row)), rule) == 0)
      return row;

  return NULL;
}

SeyeProcessView *
_seye_detail_pane_get_process_view (SeyeDetailPane *self)
{
  return self->process_view;
}

GtkExpander *
_seye_detail_pane_get_processes_expander (SeyeDetailPane *self)
{
  return self->processes_expander;
}
