/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "seye-alert-log.h"
#include "seye-alert-notifier.h"
#include "seye-application.h"
#include "seye-format.h"
#include "seye-pairings.h"
#include "seye-prometheus-servers.h"
#include "seye-recorder.h"
#include "seye-sanitize.h"
#include "seye-store.h"
#include "seye-preferences-window.h"
#include "seye-window.h"

struct _SeyeApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  SeyeMonitor    *monitor;
  GSettings      *settings;
  SeyeAlertNotifier *notifier;     /* desktop notifications of alerts */
  GHashTable     *manual;          /* "host:port" as configured -> SeyeNode (borrowed, owned by the monitor) */
  char          **session_nodes;   /* --node, for this run only */
  SeyeStore      *store;           /* NULL until opened, or when it cannot be */
  SeyeRecorder   *recorder;        /* records the monitor into the store, when it can be written */
  GCancellable   *store_cancellable;
  char           *store_message;   /* for the window, when the store spoke before it existed */
  char           *keyring_message; /* the same for the keyring */
  SeyePairings   *pairings;        /* the keyring's pairings, the pairing dialog */
  SeyePrometheusServers *prometheus; /* the Prometheus servers of the settings and of --prometheus */
  char          **session_prometheus; /* --prometheus, for this run only */
  char           *prometheus_token_file;
  char           *prometheus_certificate;

  guint           sigterm_id;
  guint           sigint_id;
  guint           start_id;        /* starts polling if the keyring is slow to answer */
  gboolean        shut_down;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SeyeApplication, seye_application, ADW_TYPE_APPLICATION)

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "node", 'n', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Also watch the agent at HOST:PORT (https://HOST:PORT with --tls) for this session (repeatable)"),
    N_("HOST:PORT") },
  { "prometheus", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Also show the nodes of the Prometheus server at URL for this session (repeatable)"),
    N_("URL") },
  { "prometheus-token-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Send the bearer token in FILE to the --prometheus servers (else $SEYE_PROMETHEUS_TOKEN; basic auth: "
       "$SEYE_PROMETHEUS_USER and $SEYE_PROMETHEUS_PASSWORD)"), N_("FILE") },
  { "prometheus-certificate", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust only this certificate (PEM) for an https:// --prometheus server, instead of the system’s CAs"),
    N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

static SeyeWindow *
get_window (SeyeApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      for (GList *l = windows; l != NULL; l = l->next)
        if (SEYE_IS_WINDOW (l->data))
          return l->data;
      return NULL;
    }

  return SEYE_IS_WINDOW (window) ? SEYE_WINDOW (window) : NULL;
}

static void
apply_alert_rules (SeyeApplication *self)
{
  g_auto (SeyeAlertRules) rules = { 0 };
  g_autoptr (GVariant) overrides = NULL;

  seye_alert_rules_init_defaults (&rules);
  rules.cpu_threshold = g_settings_get_double (self->settings, "cpu-threshold");
  rules.cpu_hold = g_settings_get_double (self->settings, "cpu-hold");
  rules.memory_threshold = g_settings_get_double (self->settings, "memory-threshold");
  rules.offline = g_settings_get_boolean (self->settings, "alert-offline");
  rules.swap_threshold = g_settings_get_double (self->settings, "swap-threshold");
  rules.filesystem_threshold = g_settings_get_double (self->settings, "filesystem-threshold");
  rules.filesystem_ignore = g_settings_get_strv (self->settings, "filesystem-ignore");
  rules.load_threshold = g_settings_get_double (self->settings, "load-threshold");
  rules.load_hold = g_settings_get_double (self->settings, "load-hold");

  /* The settings say "off" with a threshold just past the top of the range. */
  if (rules.load_threshold > 1000)
    rules.load_threshold = SEYE_ALERT_RULE_OFF;

  seye_monitor_set_alert_rules (self->monitor, &rules);

  overrides = g_settings_get_value (self->settings, "node-alert-overrides");
  seye_monitor_set_node_overrides (self->monitor, overrides);
}

static void
apply_interval (SeyeApplication *self)
{
  seye_monitor_set_interval (self->monitor, g_settings_get_double (self->settings, "interval"));
  seye_monitor_set_grace_time (self->monitor, g_settings_get_double (self->settings, "grace-time"));
  seye_monitor_set_keep_offline (self->monitor, g_settings_get_int64 (self->settings, "keep-offline"));
}

static void
apply_discovery (SeyeApplication *self)
{
  seye_monitor_set_discovery (self->monitor, g_settings_get_boolean (self->settings, "discovery"));
}

static void
add_manual (SeyeApplication *self,
            const char      *host_port)
{
  g_autoptr (GError) error = NULL;
  SeyeNode *node;

  if (g_hash_table_contains (self->manual, host_port))
    return;

  node = seye_monitor_add_manual (self->monitor, host_port, &error);
  if (node == NULL)
    {
      g_warning ("Cannot watch “%s”: %s", host_port, error->message);
      return;
    }

  g_hash_table_insert (self->manual, g_strdup (host_port), node);
}

static void
apply_manual_nodes (SeyeApplication *self)
{
  g_auto (GStrv) wanted = g_settings_get_strv (self->settings, "manual-nodes");
  GHashTableIter iter;
  gpointer key, value;

  /* Forget entries a user removed in Preferences; --node ones stay for the session. */
  g_hash_table_iter_init (&iter, self->manual);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_strv_contains ((const char * const *) wanted, key))
        continue;
      if (self->session_nodes != NULL && g_strv_contains ((const char * const *) self->session_nodes, key))
        continue;

      if (seye_monitor_lookup (self->monitor, seye_node_get_key (value)) == value)
        seye_monitor_remove (self->monitor, value);
      g_hash_table_iter_remove (&iter);
    }

  for (guint i = 0; wanted[i] != NULL; i++)
    add_manual (self, wanted[i]);
}

static void
apply_pinned (SeyeApplication *self,
              guint            position,
              guint            removed,
              guint            added,
              GListModel      *model)
{
  g_auto (GStrv) pinned = NULL;

  if (added == 0)
    return;

  pinned = g_settings_get_strv (self->settings, "pinned-nodes");
  if (pinned[0] == NULL)
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (SeyeNode) node = g_list_model_get_item (model, i);

      if (g_strv_contains ((const char * const *) pinned, seye_node_get_key (node)))
        seye_node_set_pinned (node, TRUE);
    }
}

/* Says something about the history store in the window, whole, until dismissed or
 * replaced; @message is plain text, %NULL when there is nothing left to say. */
static void
show_store_message (SeyeApplication *self,
                    const char      *message)
{
  SeyeWindow *window = get_window (self);

  if (window == NULL)
    {
      g_free (self->store_message);
      self->store_message = g_strdup (message);
      return;
    }

  seye_window_show_history_notice (window, message);
}

/* A toast about the keyring; @message is plain text. */
static void
show_keyring_message (SeyeApplication *self,
                      const char      *message)
{
  SeyeWindow *window = get_window (self);
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (window == NULL)
    {
      g_free (self->keyring_message);
      self->keyring_message = g_strdup (message);
      return;
    }

  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 0);
  seye_window_add_toast (window, toast);
}

/* Recording stopped (the disk filled up, the file became read-only) or works again. */
static void
recording_error_cb (SeyeApplication *self,
                    GParamSpec      *pspec,
                    SeyeStore       *store)
{
  show_store_message (self, seye_store_get_recording_error (store));
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (SeyeApplication) self = user_data;
  g_autoptr (SeyeStore) store = NULL;
  g_autoptr (GError) error = NULL;
  const char *set_aside;

  store = seye_store_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->store_cancellable);

  if (store == NULL)
    {
      g_autofree char *message = NULL;

      g_warning ("History is not kept: %s", error->message);
      /* The store's own errors say what to do already, in a whole sentence. */
      if (error->domain == SEYE_STORE_ERROR)
        message = g_strdup (error->message);
      else
        /* Translators: %s says why, e.g. "Cannot create …/history.db: Permission denied" */
        message = g_strdup_printf (_("History is not kept this time: %s"), error->message);
      show_store_message (self, message);
      return;
    }

  set_aside = seye_store_get_set_aside_message (store);
  if (set_aside != NULL)
    show_store_message (self, set_aside);

  /* Intact but not writable (read-only, another user's, a full disk): its history is
   * shown, nothing is recorded, and the user reads why and what to do. */
  if (seye_store_get_read_only (store))
    {
      const GError *write_error = seye_store_get_write_error (store);

      g_message ("History is shown but not recorded: %s", write_error->message);
      show_store_message (self, write_error->message);
    }
  else
    {
      g_settings_bind (self->settings, "raw-retention", store, "raw-retention", G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "rollup-retention", store, "rollup-retention", G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "hourly-retention", store, "hourly-retention", G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "history-budget", store, "disk-budget", G_SETTINGS_BIND_GET);
      self->recorder = seye_recorder_new (store, self->monitor);
      g_signal_connect_object (store, "notify::recording-error",
                               G_CALLBACK (recording_error_cb), self, G_CONNECT_SWAPPED);
    }

  self->store = g_steal_pointer (&store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  /* A session ending or a kill: quit the normal way, so the last samples are written. */
  g_application_quit (G_APPLICATION (user_data));

  return G_SOURCE_CONTINUE;
}

static void
show_node_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  SeyeApplication *self = user_data;
  SeyeNode *node = seye_monitor_lookup (self->monitor, g_variant_get_string (param, NULL));
  SeyeWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = get_window (self);
  if (window != NULL && node != NULL)
    seye_window_show_node (window, node);
}

static void
remove_node_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  SeyeApplication *self = user_data;
  SeyeNode *node = seye_monitor_lookup (self->monitor, g_variant_get_string (param, NULL));
  GHashTableIter iter;
  gpointer key, value;

  if (node == NULL)
    return;

  /* A manual node is also forgotten, or it would come back at the next start. */
  g_hash_table_iter_init (&iter, self->manual);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == node)
      {
        g_autofree char *host_port = g_strdup (key);

        g_hash_table_iter_remove (&iter);
        seye_preferences_remove_manual_node (self->settings, host_port);
        break;
      }

  seye_monitor_remove (self->monitor, node);
}

static SeyePreferencesWindow *
new_preferences (SeyeApplication *self)
{
  GtkWidget *preferences = seye_preferences_window_new (GTK_WINDOW (get_window (self)));

  seye_preferences_window_set_store (SEYE_PREFERENCES_WINDOW (preferences), self->store);
  seye_preferences_window_set_prometheus_servers (SEYE_PREFERENCES_WINDOW (preferences), self->prometheus);

  return SEYE_PREFERENCES_WINDOW (preferences);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (new_preferences (user_data)));
}

/* Preferences, at the Sources page: from the notice that a source does not work. */
static void
sources_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  SeyePreferencesWindow *preferences = new_preferences (user_data);

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences),
                                           ADW_PREFERENCES_PAGE (_seye_preferences_window_get_sources (preferences)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
alert_log_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  SeyeApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* One log: an open one comes to the front. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (SEYE_IS_ALERT_LOG (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  gtk_window_present (GTK_WINDOW (seye_alert_log_new (GTK_WINDOW (get_window (self)), self->store)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  SeyeApplication *self = user_data;
  static const char *developers[] = { "The Sorcerer’s Eye developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_window (self),
                        "application-name", _("Sorcerer’s Eye"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Watch every machine on your network, with no setup"),
                        "developer-name", _("The Sorcerer’s Eye developers"),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/sorcerers-eye/sorcerers-eye",
                        "issue-url", "https://github.com/sorcerers-eye/sorcerers-eye/issues",
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
poll_now_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  SeyeApplication *self = user_data;

  seye_monitor_poll_now (self->monitor);
}

static void
pair_node_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  SeyeApplication *self = user_data;
  SeyeNode *node = seye_monitor_lookup (self->monitor, g_variant_get_string (param, NULL));

  if (node != NULL)
    seye_pairings_pair (self->pairings, GTK_WINDOW (get_window (self)), node);
}

static void
forget_pairing_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  SeyeApplication *self = user_data;
  SeyeNode *node = seye_monitor_lookup (self->monitor, g_variant_get_string (param, NULL));

  if (node != NULL)
    seye_pairings_forget (self->pairings, node);
}

/* Polling starts once the keyring's pairings are in, so a paired node is never
 * shown as needing pairing for a moment; or after a while without an answer. */
static void
start_monitor (SeyeApplication *self)
{
  g_clear_handle_id (&self->start_id, g_source_remove);
  seye_monitor_start (self->monitor);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  SeyeApplication *self = user_data;

  self->start_id = 0;
  g_debug ("the keyring is slow to answer: polling without its pairings for now");
  seye_monitor_start (self->monitor);

  return G_SOURCE_REMOVE;
}

static void
pairings_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (SeyeApplication) self = user_data;

  seye_pairings_load_finish (SEYE_PAIRINGS (object), result);
  if (self->monitor != NULL && !self->shut_down)
    start_monitor (self);
}

static void
pairings_message_cb (SeyeApplication *self,
                     const char      *message)
{
  show_keyring_message (self, message);
}

/* What is wrong with a Prometheus server, above the list, while it lasts. */
static void
prometheus_notice_cb (SeyeApplication *self)
{
  SeyeWindow *window = get_window (self);

  if (window != NULL)
    seye_window_show_sources_notice (window, seye_prometheus_servers_get_notice (self->prometheus));
}

/* The --prometheus servers, for this session; a wrong one was said before the start. */
static void
add_session_prometheus (SeyeApplication *self)
{
  for (guint i = 0; self->session_prometheus != NULL && self->session_prometheus[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!seye_prometheus_servers_add_session (self->prometheus, self->session_prometheus[i],
                                                self->prometheus_token_file, self->prometheus_certificate,
                                                &error))
        g_warning ("%s", error->message);
    }
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "sources", sources_action },
  { "alert-log", alert_log_action },
  { "about", about_action },
  { "quit", quit_action },
  { "poll-now", poll_now_action },
  { "show-node", show_node_action, "s" },
  { "remove-node", remove_node_action, "s" },
  { "pair-node", pair_node_action, "s" },
  { "forget-pairing", forget_pairing_action, "s" },
};

/* --prometheus URL…: checked before the start, so a typo is said where it was typed. */
static gboolean
check_prometheus_options (SeyeApplication *self,
                          GVariantDict    *options)
{
  g_autoptr (GError) error = NULL;

  g_variant_dict_lookup (options, "prometheus", "^as", &self->session_prometheus);
  g_variant_dict_lookup (options, "prometheus-token-file", "^ay", &self->prometheus_token_file);
  g_variant_dict_lookup (options, "prometheus-certificate", "^ay", &self->prometheus_certificate);

  if (!seye_prometheus_servers_check_session ((const char * const *) self->session_prometheus,
                                              self->prometheus_token_file, self->prometheus_certificate,
                                              &error))
    {
      g_printerr ("sorcerers-eye: %s\n", error->message);
      return FALSE;
    }

  return TRUE;
}

static int
seye_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  SeyeApplication *self = SEYE_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  if (!check_prometheus_options (self, options))
    return 1;

  g_variant_dict_lookup (options, "node", "^as", &self->session_nodes);
  for (guint i = 0; self->session_nodes != NULL && self->session_nodes[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port;
      gboolean tls;

      if (!seye_parse_node_address (self->session_nodes[i], &host, &port, &tls, &error))
        {
          g_printerr ("%s: %s\n", self->session_nodes[i], error->message);
          return 1;
        }
    }

  return -1;
}

static void
seye_application_startup (GApplication *app)
{
  SeyeApplication *self = SEYE_APPLICATION (app);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *prefs_accels[] = { "<Primary>comma", NULL };
  static const char *poll_accels[] = { "<Primary>r", NULL };
  static const char *close_accels[] = { "<Primary>w", NULL };

  G_APPLICATION_CLASS (seye_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.poll-now", poll_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  self->settings = g_settings_new (APP_ID);
  self->monitor = seye_monitor_new ();
  self->manual = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->notifier = seye_alert_notifier_new (G_APPLICATION (self), self->monitor, self->settings);
  g_signal_connect_object (self->monitor, "items-changed", G_CALLBACK (apply_pinned), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->settings, "changed::interval", G_CALLBACK (apply_interval), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::grace-time", G_CALLBACK (apply_interval), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::discovery", G_CALLBACK (apply_discovery), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::manual-nodes", G_CALLBACK (apply_manual_nodes), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::keep-offline", G_CALLBACK (apply_interval), self,
                           G_CONNECT_SWAPPED);
  {
    static const char * const rule_keys[] = {
      "cpu-threshold", "cpu-hold", "memory-threshold", "alert-offline", "swap-threshold",
      "filesystem-threshold", "filesystem-ignore", "load-threshold", "load-hold",
      "node-alert-overrides",
    };

    for (guint i = 0; i < G_N_ELEMENTS (rule_keys); i++)
      {
        g_autofree char *signal = g_strconcat ("changed::", rule_keys[i], NULL);

        g_signal_connect_object (self->settings, signal, G_CALLBACK (apply_alert_rules), self,
                                 G_CONNECT_SWAPPED);
      }
  }

  apply_interval (self);
  apply_alert_rules (self);
  apply_discovery (self);
  apply_manual_nodes (self);
  for (guint i = 0; self->session_nodes != NULL && self->session_nodes[i] != NULL; i++)
    add_manual (self, self->session_nodes[i]);

  self->pairings = seye_pairings_new (self->monitor);
  g_signal_connect_object (self->pairings, "message", G_CALLBACK (pairings_message_cb), self,
                           G_CONNECT_SWAPPED);
  self->prometheus = seye_prometheus_servers_new (self->monitor, self->settings);
  g_signal_connect_object (self->prometheus, "message", G_CALLBACK (pairings_message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->prometheus, "notify::notice", G_CALLBACK (prometheus_notice_cb), self,
                           G_CONNECT_SWAPPED);
  add_session_prometheus (self);

  self->start_id = g_timeout_add_seconds (3, start_timeout_cb, self);
  seye_pairings_load_async (self->pairings, pairings_loaded_cb, g_object_ref (self));

  /* Off the main thread: opening checks and may migrate the file. */
  self->store_cancellable = g_cancellable_new ();
  seye_store_open_async (NULL, SEYE_STORE_OPEN_DEFAULT, self->store_cancellable,
                         store_opened_cb, g_object_ref (self));

  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_signal_cb, self);
}

static void
seye_application_activate (GApplication *app)
{
  SeyeApplication *self = SEYE_APPLICATION (app);
  SeyeWindow *window = get_window (self);

  if (window == NULL)
    {
      window = seye_window_new (ADW_APPLICATION (self), self->monitor);
      g_object_bind_property (self, "store", window, "store", G_BINDING_SYNC_CREATE);
    }

  gtk_window_present (GTK_WINDOW (window));
  prometheus_notice_cb (self);

  if (self->store_message != NULL)
    {
      g_autofree char *message = g_steal_pointer (&self->store_message);

      show_store_message (self, message);
    }
  if (self->keyring_message != NULL)
    {
      g_autofree char *message = g_steal_pointer (&self->keyring_message);

      show_keyring_message (self, message);
    }
}

static void
seye_application_shutdown (GApplication *app)
{
  SeyeApplication *self = SEYE_APPLICATION (app);

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->start_id, g_source_remove);
  self->shut_down = TRUE;
  g_cancellable_cancel (self->store_cancellable);
  g_clear_object (&self->store_cancellable);

  if (self->monitor != NULL)
    seye_monitor_stop (self->monitor);

  /* The samples of the last polling round are still queued. */
  if (self->store != NULL && !seye_store_get_read_only (self->store))
    {
      g_autoptr (GError) error = NULL;

      if (!seye_store_commit (self->store, &error))
        g_warning ("Cannot write the last samples to the history: %s", error->message);
    }

  G_APPLICATION_CLASS (seye_application_parent_class)->shutdown (app);
}

static void
seye_application_dispose (GObject *object)
{
  SeyeApplication *self = SEYE_APPLICATION (object);

  g_clear_pointer (&self->manual, g_hash_table_unref);
  g_clear_object (&self->pairings);
  g_clear_object (&self->prometheus);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->session_nodes, g_strfreev);
  g_clear_pointer (&self->session_prometheus, g_strfreev);
  g_clear_pointer (&self->prometheus_token_file, g_free);
  g_clear_pointer (&self->prometheus_certificate, g_free);
  g_clear_object (&self->recorder);
  g_clear_object (&self->notifier);
  g_clear_object (&self->store);
  g_clear_pointer (&self->store_message, g_free);
  g_clear_pointer (&self->keyring_message, g_free);

  G_OBJECT_CLASS (seye_application_parent_class)->dispose (object);
}

static void
seye_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SeyeApplication *self = SEYE_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
seye_application_class_init (SeyeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = seye_application_dispose;
  object_class->get_property = seye_application_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SEYE_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->handle_local_options = seye_application_handle_local_options;
  app_class->startup = seye_application_startup;
  app_class->activate = seye_application_activate;
  app_class->shutdown = seye_application_shutdown;
}

static void
seye_application_init (SeyeApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

SeyeApplication *
seye_application_new (void)
{
  return g_object_new (SEYE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

SeyeMonitor *
seye_application_get_monitor (SeyeApplication *self)
{
  g_return_val_if_fail (SEYE_IS_APPLICATION (self), NULL);

  return self->monitor;
}

/* The history store; NULL while it is being opened or when it could not be. */
SeyeStore *
seye_application_get_store (SeyeApplication *self)
{
  g_return_val_if_fail (SEYE_IS_APPLICATION (self), NULL);

  return self->store;
}

/* Pairing: the keyring, the dialog. */
SeyePairings *
seye_application_get_pairings (SeyeApplication *self)
{
  g_return_val_if_fail (SEYE_IS_APPLICATION (self), NULL);

  return self->pairings;
}

/* The Prometheus servers the nodes come from besides the agents. */
SeyePrometheusServers *
seye_application_get_prometheus_servers (SeyeApplication *self)
{
  g_return_val_if_fail (SEYE_IS_APPLICATION (self), NULL);

  return self->prometheus;
}
