/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-preferences-sources"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-preferences-sources.h"
#include "seye-sanitize.h"

/*
 * Preferences → Sources: the Prometheus servers (those of the setting and those of
 * --prometheus), each with its state in words; a form to add one (URL, authentication,
 * a certificate to trust), a button to remove one. The work is SeyePrometheusServers'.
 */

struct _SeyePreferencesSources
{
  AdwPreferencesPage     parent_instance;

  /* Template widgets */
  GtkListBox            *server_list;
  AdwEntryRow           *url_row;
  AdwComboRow           *auth_row;
  AdwEntryRow           *user_row;
  AdwPasswordEntryRow   *secret_row;
  AdwEntryRow           *certificate_row;

  /* Owned */
  SeyePrometheusServers *servers;
  GtkFileChooserNative  *chooser;
};

G_DEFINE_FINAL_TYPE (SeyePreferencesSources, seye_preferences_sources, ADW_TYPE_PREFERENCES_PAGE)

#define SOURCE_KEY  "seye-source"
#define SERVERS_KEY "seye-servers"

/* "Working", or what is wrong, in words; and whether it lasts only this session. */
static void
update_row (AdwActionRow *row)
{
  SeyePrometheusSource *source = g_object_get_data (G_OBJECT (row), SOURCE_KEY);
  SeyePrometheusServers *servers = g_object_get_data (G_OBJECT (row), SERVERS_KEY);
  g_autoptr (GString) text = g_string_new (NULL);
  const char *message = seye_prometheus_source_get_status_message (source);
  const char *problem = servers != NULL ? seye_prometheus_servers_get_problem (servers, source) : NULL;

  if (problem != NULL)
    g_string_append (text, problem);
  else if (seye_prometheus_source_get_status (source) == SEYE_PROMETHEUS_STATUS_OK)
    g_string_append (text, _("Working"));
  else if (message != NULL)
    g_string_append (text, message);   /* sanitised by the source */

  if (seye_prometheus_source_get_truncated (source))
    /* Translators: %u is the most nodes taken from one server (4096) */
    g_string_append_printf (text, _(" · more targets than the %u shown"), SEYE_PROMETHEUS_MAX_NODES);
  if (servers != NULL && !seye_prometheus_servers_is_saved (servers, source))
    g_string_append (text, _(" · for this session only (--prometheus)"));

  adw_action_row_set_subtitle (row, text->str);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SeyePrometheusSource *source = item;
  g_autofree char *url = seye_sanitize_display (seye_prometheus_source_get_url (source));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), url);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  g_object_set_data_full (G_OBJECT (row), SOURCE_KEY, g_object_ref (source), g_object_unref);
  g_object_set_data_full (G_OBJECT (row), SERVERS_KEY, g_object_ref (user_data), g_object_unref);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "sources.remove");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_string (seye_prometheus_source_get_url (source)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_signal_connect_object (source, "notify::status-message", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::status", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::truncated", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  update_row (ADW_ACTION_ROW (row));

  return row;
}

/* The form --------------------------------------------------------------------- */

static void
auth_changed_cb (SeyePreferencesSources *self)
{
  guint auth = adw_combo_row_get_selected (self->auth_row);

  gtk_widget_set_visible (GTK_WIDGET (self->user_row), auth == SEYE_PROMETHEUS_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), auth != SEYE_PROMETHEUS_AUTH_NONE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                 auth == SEYE_PROMETHEUS_AUTH_BEARER ? _("Token (kept in the keyring)")
                                                                     : _("Password (kept in the keyring)"));
}

static void
changed_cb (SeyePreferencesSources *self,
            GtkWidget              *row)
{
  gtk_widget_remove_css_class (row, "error");
}

static void
clear_form (SeyePreferencesSources *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->certificate_row), "");
  adw_combo_row_set_selected (self->auth_row, SEYE_PROMETHEUS_AUTH_NONE);
}

static void
toast (SeyePreferencesSources *self,
       const char             *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  if (window != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (escaped));
}

/**
 * _seye_preferences_sources_add:
 *
 * Adds the server the form describes; says why not in a toast, the wrong row marked.
 */
gboolean
_seye_preferences_sources_add (SeyePreferencesSources *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->secret_row)));
  SeyePrometheusServer server = {
    .url = (char *) gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
    .auth = adw_combo_row_get_selected (self->auth_row),
    .user = (char *) gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
    .certificate = (char *) gtk_editable_get_text (GTK_EDITABLE (self->certificate_row)),
  };
  gboolean added;

  if (self->servers == NULL)
    return FALSE;

  added = seye_prometheus_servers_add (self->servers, &server, secret[0] != '\0' ? secret : NULL, &error);
  memset (secret, 0, strlen (secret));
  if (!added)
    {
      g_autofree char *url = seye_prometheus_server_normalize_url (server.url, NULL);
      GtkWidget *row;

      /* Which row is wrong: the URL, else the user of basic auth, else the certificate. */
      if (url == NULL)
        row = GTK_WIDGET (self->url_row);
      else if (server.auth == SEYE_PROMETHEUS_AUTH_BASIC && server.user[0] == '\0')
        row = GTK_WIDGET (self->user_row);
      else
        row = GTK_WIDGET (self->certificate_row);

      gtk_widget_add_css_class (row, "error");
      toast (self, error->message);
      return FALSE;
    }

  clear_form (self);
  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  _seye_preferences_sources_add (SEYE_PREFERENCES_SOURCES (widget));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SeyePreferencesSources *self = SEYE_PREFERENCES_SOURCES (widget);

  if (self->servers != NULL)
    seye_prometheus_servers_remove (self->servers, g_variant_get_string (param, NULL));
}

static void
chosen_cb (SeyePreferencesSources *self,
           int                     response,
           GtkFileChooserNative   *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->certificate_row), path);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
choose_certificate_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  SeyePreferencesSources *self = SEYE_PREFERENCES_SOURCES (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Trusted Certificate"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject ------------------------------------------------------------------ */

static void
seye_preferences_sources_dispose (GObject *object)
{
  SeyePreferencesSources *self = SEYE_PREFERENCES_SOURCES (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_PREFERENCES_SOURCES);
  g_clear_object (&self->servers);

  G_OBJECT_CLASS (seye_preferences_sources_parent_class)->dispose (object);
}

static void
seye_preferences_sources_class_init (SeyePreferencesSourcesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_preferences_sources_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-preferences-sources.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, server_list);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, url_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, auth_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, user_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, secret_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePreferencesSources, certificate_row);
  gtk_widget_class_bind_template_callback (widget_class, auth_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);

  gtk_widget_class_install_action (widget_class, "sources.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "sources.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "sources.choose-certificate", NULL, choose_certificate_action);
}

static void
seye_preferences_sources_init (SeyePreferencesSources *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * seye_preferences_sources_set_servers:
 * @servers: (nullable): the app's Prometheus servers
 */
void
seye_preferences_sources_set_servers (SeyePreferencesSources *self,
                                      SeyePrometheusServers  *servers)
{
  g_return_if_fail (SEYE_IS_PREFERENCES_SOURCES (self));

  if (!g_set_object (&self->servers, servers))
    return;

  gtk_list_box_bind_model (self->server_list, servers != NULL ? G_LIST_MODEL (servers) : NULL,
                           create_row_cb, servers, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->server_list), servers != NULL);
}

/* For tests: the form's rows, to fill in as a user would. */
void
_seye_preferences_sources_fill (SeyePreferencesSources *self,
                                const char             *url,
                                SeyePrometheusAuth      auth,
                                const char             *user,
                                const char             *secret,
                                const char             *certificate)
{
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  adw_combo_row_set_selected (self->auth_row, auth);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user != NULL ? user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret != NULL ? secret : "");
  gtk_editable_set_text (GTK_EDITABLE (self->certificate_row), certificate != NULL ? certificate : "");
}

/* For tests: the subtitle of the row of @url, NULL when not listed. */
const char *
_seye_preferences_sources_get_state (SeyePreferencesSources *self,
                                     const char             *url)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->server_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      SeyePrometheusSource *source = g_object_get_data (G_OBJECT (row), SOURCE_KEY);

      if (source != NULL && g_strcmp0 (seye_prometheus_source_get_url (source), url) == 0)
        return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
    }

  return NULL;
}
