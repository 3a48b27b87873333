/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-alerts.h"
#include "seye-credentials.h"
#include "seye-detail-pane.h"
#include "seye-format.h"
#include "seye-sanitize.h"
#include "seye-ticker.h"

#define MAX_HISTORY_WINDOW (7 * 24 * 3600)   /* seconds */
#define MAX_QUERY_POINTS   1440              /* at most one a minute over a day: rollups */
#define MIN_REFRESH_MS     5000

struct _SeyeDetailPane
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkWidget  *pairing_box;
  GtkImage   *pairing_icon;
  GtkLabel   *pairing_title;
  GtkLabel   *pairing_body;
  GtkButton  *pairing_button;
  GtkLabel   *connection_label;
  GtkButton  *forget_button;
  GtkLabel   *hostname_label;
  GtkLabel   *os_label;
  GtkLabel   *state_label;
  GtkLabel   *cpu_model_label;
  GtkLabel   *address_label;
  GtkLabel   *agent_label;
  GtkLabel   *uptime_label;
  /* Inscriptions: values that change every second must not lay the pane out again. */
  GtkInscription *cpu_value_label;
  GtkInscription *cores_value_label;
  GtkInscription *memory_value_label;
  GtkInscription *load_value_label;
  GtkInscription *network_value_label;
  SeyeGraph  *cpu_graph;
  SeyeGraph  *cores_graph;
  SeyeGraph  *memory_graph;
  SeyeGraph  *load_graph;
  SeyeGraph  *network_graph;

  /* Owned */
  SeyeNode             *node;
  SeyeStore            *store;
  GCancellable         *query_cancellable;
  GCancellable         *export_cancellable;
  GtkFileChooserNative *export_dialog;
  GtkFileFilter        *json_filter;
  GFile                *export_file;

  guint       window;
  gint64      query_to_ms;       /* right edge of the last query, 0 when none */
  gint64      refresh_ms;        /* how much newer a sample must be to query again */
  gboolean    values_dirty;
  gboolean    history_dirty;
};

enum {
  PROP_0,
  PROP_NODE,
  PROP_WINDOW,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeDetailPane, seye_detail_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (text == NULL || *text == '\0')
    text = "–";

  /* Names and anything else a node sends are plain text, never markup. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
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

static void
update_state (SeyeDetailPane *self)
{
  g_autoptr (GString) text = NULL;
  g_autofree char *error = NULL;
  SeyeNodeState state;
  gint64 last_seen;

  if (self->node == NULL)
    return;

  state = seye_node_get_state (self->node);
  text = g_string_new (seye_node_state_to_string (state));

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

  if (seye_node_get_alerting (self->node))
    {
      guint alerts = seye_node_get_active_alerts (self->node);

      if (alerts & SEYE_ALERT_CPU)
        g_string_append_printf (text, " · %s", _("CPU usage is high"));
      if (alerts & SEYE_ALERT_MEMORY)
        g_string_append_printf (text, " · %s", _("Memory is almost full"));
    }

  set_label (self->state_label, text->str);

  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
  if (seye_node_get_alerting (self->node) || state == SEYE_NODE_STATE_OFFLINE ||
      state == SEYE_NODE_STATE_INCOMPATIBLE || state == SEYE_NODE_STATE_UNTRUSTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else if (state == SEYE_NODE_STATE_STALE || state == SEYE_NODE_STATE_NEEDS_PAIRING ||
           state == SEYE_NODE_STATE_NOT_RESPONDING || seye_node_get_conflict (self->node) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
  else if (state == SEYE_NODE_STATE_ONLINE)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
}

/* The notice at the top for a node that needs pairing or whose certificate
 * changed, and the "Connection" row: plain HTTP, HTTPS, paired with what. */
static void
update_pairing (SeyeDetailPane *self)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *connection = NULL;
  g_autofree char *name = NULL;
  const char *button = NULL;
  const char *icon = "dialog-password-symbolic";
  const char *seen;
  SeyeNodeState state;
  gboolean paired;
  gboolean tls;

  if (self->node == NULL)
    return;

  name = seye_sanitize_display (seye_node_get_name (self->node));
  state = seye_node_get_state (self->node);
  paired = seye_node_get_paired (self->node);
  tls = seye_node_get_tls (self->node);
  seen = seye_node_get_tls_fingerprint (self->node);

  if (state == SEYE_NODE_STATE_UNTRUSTED && tls)
    {
      g_autofree char *now = seen ? seye_fingerprint_format (seen) : g_strdup ("?");

      icon = "dialog-warning-symbolic";
      /* Translators: %s is a node's name */
      title = g_strdup_printf (_("The certificate of %s changed"), name);
      body = g_strdup_printf (_("This could be an attacker, or the agent was reinstalled. Nothing is "
                                "sent to it, and its data is not shown. Run “sorcerers-eye-agent "
                                "--pairing-info” on %s: if it prints the fingerprint %s, pair again "
                                "with the token it prints."), name, now);
      button = _("Pair _Again…");
    }
  else if (state == SEYE_NODE_STATE_UNTRUSTED)
    {
      icon = "dialog-warning-symbolic";
      title = g_strdup_printf (_("%s no longer uses HTTPS"), name);
      body = g_strdup (_("It was paired over HTTPS and is now announced without it. This could be an "
                         "attacker. Nothing is sent to it. If its agent was set up again without "
                         "--tls, forget the pairing."));
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING && !tls)
    {
      title = g_strdup_printf (_("%s wants a token, but does not use HTTPS"), name);
      body = g_strdup (_("A token is only ever sent over HTTPS. Start its agent with --tls, then pair with it."));
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING && paired)
    {
      title = g_strdup_printf (_("%s refused the token"), name);
      body = g_strdup_printf (_("Its token changed since you paired (its agent may have been set up "
                                "again). Run “sorcerers-eye-agent --pairing-info” on %s and pair "
                                "again with the token it prints."), name);
      button = _("Pair _Again…");
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING)
    {
      title = g_strdup_printf (_("%s needs pairing"), name);
      body = g_strdup_printf (_("It shares its metrics only with apps that have its token. Run "
                                "“sorcerers-eye-agent --pairing-info” on %s, then pair and paste "
                                "the token it prints."), name);
      button = _("_Pair…");
    }

  gtk_widget_set_visible (self->pairing_box, title != NULL);
  if (title != NULL)
    {
      gtk_image_set_from_icon_name (self->pairing_icon, icon);
      set_label (self->pairing_title, title);
      set_label (self->pairing_body, body);
      if (state == SEYE_NODE_STATE_UNTRUSTED)
        gtk_widget_add_css_class (self->pairing_box, "untrusted");
      else
        gtk_widget_remove_css_class (self->pairing_box, "untrusted");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->pairing_button), button != NULL);
  if (button != NULL)
    {
      gtk_button_set_label (self->pairing_button, button);
      /* The target first: the action takes a node key. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->pairing_button),
                                              g_variant_new_string (seye_node_get_key (self->node)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pairing_button), "app.pair-node");
    }

  if (!tls)
    connection = g_strdup (_("HTTP, not encrypted"));
  else if (paired && state == SEYE_NODE_STATE_UNTRUSTED)
    connection = g_strdup (_("HTTPS, paired with another certificate than the one it presents now"));
  else if (paired && seen != NULL)
    {
      g_autofree char *pinned = seye_fingerprint_format (seen);

      /* Translators: %s is a certificate fingerprint, "SHA256:AB:CD:…" */
      connection = g_strdup_printf (_("HTTPS, paired · %s"), pinned);
    }
  else if (paired)
    connection = g_strdup (_("HTTPS, paired"));
  else
    connection = g_strdup (_("HTTPS, not paired"));
  set_label (self->connection_label, connection);

  gtk_widget_set_visible (GTK_WIDGET (self->forget_button), paired);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->forget_button),
                                          g_variant_new_string (seye_node_get_key (self->node)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->forget_button), "app.forget-pairing");
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

  set_label (self->hostname_label, hostname);
  set_label (self->address_label, address);

  if (info != NULL)
    {
      g_autofree char *os_name = shown (info->os_name);
      g_autofree char *kernel = shown (info->kernel);
      g_autofree char *arch = shown (info->arch);
      g_autofree char *cpu_model = shown (info->cpu_model);
      g_autofree char *agent_version = shown (info->agent_version);

      /* Operating system, kernel and architecture: "Debian GNU/Linux 12 · 6.1.0-18-amd64 · x86_64" */
      os = g_strdup_printf ("%s · %s · %s", os_name, kernel, arch);
      cpu = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u core", "%s · %u cores", info->n_cores),
                             cpu_model, info->n_cores);
      /* Translators: the version of sorcerers-eye-agent on the node, and the name it announces */
      agent = g_strdup_printf (_("%s · announces “%s”"), agent_version, name);
    }

  set_label (self->os_label, os);
  set_label (self->cpu_model_label, cpu);
  set_label (self->agent_label, agent);
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
            cores = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u core", "%u cores", sample->cores->len),
                                     sample->cores->len);
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
    }

  set_label (self->uptime_label, uptime);
  set_value (self->cpu_value_label, cpu);
  set_value (self->cores_value_label, cores);
  set_value (self->memory_value_label, memory);
  set_value (self->load_value_label, load);
  set_value (self->network_value_label, network);
}

static gboolean
is_history_window (guint seconds)
{
  return seconds > SEYE_GRAPH_MAX_WINDOW;
}

static const char *
get_node_id (SeyeDetailPane *self)
{
  const SeyeNodeInfo *info = self->node ? seye_node_get_info (self->node) : NULL;

  return info != NULL ? info->node_id : NULL;
}

static void
foreach_graph_set_history (SeyeDetailPane *self,
                           GPtrArray      *points,
                           gint64          from_ms,
                           gint64          to_ms)
{
  SeyeGraph *graphs[] = { self->cpu_graph, self->cores_graph, self->memory_graph,
                          self->load_graph, self->network_graph };

  for (guint i = 0; i < G_N_ELEMENTS (graphs); i++)
    {
      if (points != NULL)
        seye_graph_set_history (graphs[i], points, from_ms, to_ms);
      else
        seye_graph_clear_history (graphs[i]);
    }
}

static void
cancel_query (SeyeDetailPane *self)
{
  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  SeyeDetailPane *self;

  points = seye_store_query_finish (SEYE_STORE (object), result, &error);

  /* Cancelled: the node or the range changed, or the pane is gone; @user_data may be too. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SEYE_DETAIL_PANE (user_data);
  g_clear_object (&self->query_cancellable);

  if (points == NULL)
    {
      g_autofree char *name = self->node ? seye_sanitize_display (seye_node_get_name (self->node)) : NULL;

      g_warning ("Cannot read the history of %s: %s", name ? name : "?", error->message);
      points = g_ptr_array_new ();
    }

  if (is_history_window (self->window))
    foreach_graph_set_history (self, points, self->query_to_ms - (gint64) self->window * 1000,
                               self->query_to_ms);
}

/* Reads the shown range from the store, now if the pane is on screen, else when it is mapped. */
static void
reload_history (SeyeDetailPane *self)
{
  const char *node_id = get_node_id (self);
  gint64 to_ms = g_get_real_time () / 1000;
  gint64 from_ms = to_ms - (gint64) self->window * 1000;
  int width;
  guint max_points;

  cancel_query (self);
  self->history_dirty = FALSE;

  if (self->node == NULL || !is_history_window (self->window))
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->history_dirty = TRUE;
      return;
    }

  self->query_to_ms = to_ms;

  /* Without a store or before the node said who it is, the range is shown empty. */
  if (self->store == NULL || node_id == NULL)
    {
      g_autoptr (GPtrArray) none = g_ptr_array_new ();

      foreach_graph_set_history (self, none, from_ms, to_ms);
      return;
    }

  /* About one point per pixel, never finer than a minute over a day or more. */
  width = gtk_widget_get_width (GTK_WIDGET (self->cpu_graph));
  max_points = CLAMP (width > 0 ? width : 600, 60, MAX_QUERY_POINTS);
  self->refresh_ms = MAX (MIN_REFRESH_MS, ((gint64) self->window * 1000) / max_points);

  self->query_cancellable = g_cancellable_new ();
  seye_store_query_async (self->store, node_id, from_ms, to_ms, max_points,
                          self->query_cancellable, query_cb, self);
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

  /* A long range moves on when there is a point's worth of new data, and only on screen. */
  if (is_history_window (self->window))
    {
      if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
        self->history_dirty = TRUE;
      else if (self->query_cancellable == NULL && self->store != NULL &&
               sample->time_ms - self->query_to_ms >= self->refresh_ms)
        reload_history (self);
    }
}

static void
node_info_cb (SeyeDetailPane *self)
{
  update_info (self);

  /* After a restart the node's id is known once it answered: its history can be read. */
  if (is_history_window (self->window) && self->query_to_ms == 0)
    reload_history (self);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (SeyeDetailPane) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdwToast) toast = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  GtkWidget *overlay;

  if (seye_store_export_finish (SEYE_STORE (object), result, &error))
    {
      g_autofree char *where = g_file_get_parse_name (self->export_file);

      /* Translators: %s is the file the history was written to */
      title = g_strdup_printf (_("History saved to %s"), where);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    /* Translators: %s says why, e.g. "Permission denied" */
    title = g_strdup_printf (_("Could not export the history: %s"), error->message);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return;

  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, error != NULL ? 0 : 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_steal_pointer (&toast));
}

static void
export_response_cb (SeyeDetailPane       *self,
                    int                   response,
                    GtkFileChooserNative *dialog)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GtkFileFilter) filter = NULL;
  g_autofree char *basename = NULL;
  const char *range;
  const char *node_id = get_node_id (self);
  SeyeStoreFormat format;
  gint64 to_ms = g_get_real_time () / 1000;
  gint64 seconds;

  if (response != GTK_RESPONSE_ACCEPT || self->store == NULL || node_id == NULL)
    goto out;

  file = gtk_file_chooser_get_file (chooser);
  if (file == NULL)
    goto out;

  /* The name's extension wins; without one, the chosen filter says. */
  basename = g_file_get_basename (file);
  filter = gtk_file_chooser_get_filter (chooser);
  if (g_str_has_suffix (basename, ".json"))
    format = SEYE_STORE_FORMAT_JSON;
  else if (g_str_has_suffix (basename, ".csv"))
    format = SEYE_STORE_FORMAT_CSV;
  else
    format = filter == self->json_filter ? SEYE_STORE_FORMAT_JSON : SEYE_STORE_FORMAT_CSV;

  range = gtk_file_chooser_get_choice (chooser, "range");
  if (g_strcmp0 (range, "day") == 0)
    seconds = 24 * 3600;
  else if (g_strcmp0 (range, "week") == 0)
    seconds = 7 * 24 * 3600;
  else if (g_strcmp0 (range, "month") == 0)
    seconds = 30 * 24 * 3600;
  else
    seconds = self->window;

  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  g_set_object (&self->export_file, file);

  seye_store_export_async (self->store, node_id, to_ms - seconds * 1000, to_ms, format, file,
                           self->export_cancellable, export_done_cb, g_object_ref (self));

out:
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (dialog));
  g_clear_object (&self->export_dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);
  static const char *range_ids[] = { "shown", "day", "week", "month", NULL };
  const char *range_labels[] = { N_("The range shown"), N_("Last 24 hours"),
                                 N_("Last 7 days"), N_("Last 30 days"), NULL };
  g_autoptr (GtkFileFilter) csv = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *date = NULL;
  g_autofree char *node_name = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;

  if (self->node == NULL || self->store == NULL || self->export_dialog != NULL)
    return;

  for (guint i = 0; range_labels[i] != NULL; i++)
    range_labels[i] = _(range_labels[i]);

  self->export_dialog = gtk_file_chooser_native_new (_("Export History"),
                                                     GTK_WINDOW (gtk_widget_get_root (widget)),
                                                     GTK_FILE_CHOOSER_ACTION_SAVE,
                                                     _("_Export"),
                                                     _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_dialog), TRUE);
  chooser = GTK_FILE_CHOOSER (self->export_dialog);

  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV (spreadsheets)"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (chooser, csv);

  if (self->json_filter == NULL)
    {
      self->json_filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (self->json_filter, _("JSON"));
      gtk_file_filter_add_pattern (self->json_filter, "*.json");
      gtk_file_filter_add_mime_type (self->json_filter, "application/json");
    }
  gtk_file_chooser_add_filter (chooser, self->json_filter);
  gtk_file_chooser_set_filter (chooser, csv);

  gtk_file_chooser_add_choice (chooser, "range", _("Time range"), range_ids, range_labels);
  gtk_file_chooser_set_choice (chooser, "range", "shown");

  now = g_date_time_new_now_local ();
  date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: the suggested file name: node name and date */
  node_name = seye_sanitize_display (seye_node_get_name (self->node));
  name = g_strdup_printf (_("%s history %s.csv"), node_name, date);
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (chooser, name);

  g_signal_connect_object (self->export_dialog, "response", G_CALLBACK (export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_dialog));
}

static void
update_export_action (SeyeDetailPane *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.export",
                                 self->node != NULL && self->store != NULL);
}

static void
tick_cb (SeyeDetailPane *self)
{
  if (self->values_dirty)
    {
      self->values_dirty = FALSE;
      update_values (self);
    }
}

static void
seye_detail_pane_map (GtkWidget *widget)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);

  GTK_WIDGET_CLASS (seye_detail_pane_parent_class)->map (widget);

  update_values (self);
  if (self->history_dirty)
    reload_history (self);
}

static void
seye_detail_pane_dispose (GObject *object)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (object);

  seye_detail_pane_set_node (self, NULL);
  cancel_query (self);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  if (self->export_dialog != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_dialog));
  g_clear_object (&self->export_dialog);
  g_clear_object (&self->json_filter);
  g_clear_object (&self->export_file);
  g_clear_object (&self->store);
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_box);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_icon);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_title);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_body);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, pairing_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, connection_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, forget_button);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, hostname_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, os_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, state_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_model_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, address_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, agent_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cores_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, memory_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, load_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, network_value_label);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, cores_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, load_graph);
  gtk_widget_class_bind_template_child (widget_class, SeyeDetailPane, network_graph);

  gtk_widget_class_install_property_action (widget_class, "detail.window", "window");
  gtk_widget_class_install_action (widget_class, "detail.export", NULL, export_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "detailpane");
}

static void
seye_detail_pane_init (SeyeDetailPane *self)
{
  self->window = 60;

  gtk_widget_init_template (GTK_WIDGET (self));
  update_export_action (self);

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
      g_signal_connect_object (node, "notify::conflict", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::error", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::state", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::paired", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::tls", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::tls-fingerprint", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::name", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "notify::key", G_CALLBACK (update_pairing), self,
                               G_CONNECT_SWAPPED);
      update_info (self);
      update_state (self);
      update_pairing (self);
      update_values (self);
    }

  seye_graph_set_node (self->cpu_graph, node);
  seye_graph_set_node (self->cores_graph, node);
  seye_graph_set_node (self->memory_graph, node);
  seye_graph_set_node (self->load_graph, node);
  seye_graph_set_node (self->network_graph, node);

  gtk_stack_set_visible_child_name (self->stack, node != NULL ? "node" : "empty");

  self->query_to_ms = 0;
  reload_history (self);
  update_export_action (self);

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

  if (is_history_window (seconds))
    reload_history (self);
  else
    {
      /* Back to the live samples, which kept coming in meanwhile. */
      cancel_query (self);
      self->history_dirty = FALSE;
      foreach_graph_set_history (self, NULL, 0, 0);
      seye_graph_set_window (self->cpu_graph, seconds);
      seye_graph_set_window (self->cores_graph, seconds);
      seye_graph_set_window (self->memory_graph, seconds);
      seye_graph_set_window (self->load_graph, seconds);
      seye_graph_set_window (self->network_graph, seconds);
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
    default:                 g_return_val_if_reached (NULL);
    }
}

char *
seye_detail_pane_dup_summary (SeyeDetailPane *self)
{
  g_return_val_if_fail (SEYE_IS_DETAIL_PANE (self), NULL);

  return g_strjoin ("\n",
                    gtk_label_get_text (self->hostname_label),
                    gtk_label_get_text (self->os_label),
                    gtk_label_get_text (self->state_label),
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
  reload_history (self);
  update_export_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/* For tests: the pairing notice's title and body, NULL while it is hidden. */
char *
_seye_detail_pane_dup_pairing_notice (SeyeDetailPane *self)
{
  if (!gtk_widget_get_visible (self->pairing_box))
    return NULL;

  return g_strconcat (gtk_label_get_text (self->pairing_title), "\n",
                      gtk_label_get_text (self->pairing_body), NULL);
}

GtkButton *
_seye_detail_pane_get_pairing_button (SeyeDetailPane *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->pairing_button)) ? self->pairing_button : NULL;
}

GtkButton *
_seye_detail_pane_get_forget_button (SeyeDetailPane *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->forget_button)) ? self->forget_button : NULL;
}

const char *
_seye_detail_pane_get_connection (SeyeDetailPane *self)
{
  return gtk_label_get_text (self->connection_label);
}
