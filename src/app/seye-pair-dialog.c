/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-pair-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "seye-error.h"
#include "seye-pair-dialog.h"
#include "seye-sanitize.h"

struct _SeyePairDialog
{
  AdwWindow            parent_instance;

  /* Template widgets */
  GtkLabel            *intro_label;
  GtkLabel            *fingerprint_label;
  AdwPasswordEntryRow *token_row;
  GtkLabel            *error_label;
  GtkLabel            *keyring_label;
  GtkButton           *pair_button;
  GtkSpinner          *spinner;

  /* Owned */
  SeyeMonitor         *monitor;
  SeyeNode            *node;
  GCancellable        *cancellable;   /* the pairing in progress */
  char                *fingerprint;   /* the one shown, hex; NULL before a handshake */
};

enum {
  PAIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyePairDialog, seye_pair_dialog, ADW_TYPE_WINDOW)

static void
update_sensitivity (SeyePairDialog *self)
{
  gboolean busy = self->cancellable != NULL;
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  /* The entry stays as it is: making a focused entry insensitive loses its focus-out. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pair.pair",
                                 !busy && self->fingerprint != NULL && token[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (SeyePairDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* The certificate the node presented last; it is what the token will be pinned to. */
static void
update_fingerprint (SeyePairDialog *self)
{
  const char *seen = seye_node_get_tls_fingerprint (self->node);

  if (g_strcmp0 (seen, self->fingerprint) == 0 && self->fingerprint != NULL)
    return;

  /* What the user compared is not what would be pinned any more. */
  if (self->fingerprint != NULL && seen != NULL)
    show_error (self, _("The node now presents another certificate: compare the fingerprint again."));

  g_free (self->fingerprint);
  self->fingerprint = g_strdup (seen);

  if (seen != NULL)
    {
      g_autofree char *formatted = seye_fingerprint_format (seen);

      gtk_label_set_text (self->fingerprint_label, formatted);
    }
  else
    {
      gtk_label_set_text (self->fingerprint_label,
                          _("Not connected yet: waiting for the node to answer…"));
    }

  update_sensitivity (self);
}

static void
update_intro (SeyePairDialog *self)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
  g_autofree char *title = NULL;
  g_autofree char *intro = NULL;

  /* Translators: the dialog's title; %s is a node's name */
  title = g_strdup_printf (_("Pair With %s"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  intro = g_strdup_printf (_("%s shares its metrics only with apps that have its token. On %s, run "
                             "“sorcerers-eye-agent --pairing-info”. Pair only if the fingerprint it "
                             "prints is the same as the one below; if it is not, someone else may "
                             "be answering in its place."), name, name);
  gtk_label_set_text (self->intro_label, intro);
}

static void
paired_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (SeyePairing) pairing = NULL;
  g_autoptr (GError) error = NULL;
  SeyePairDialog *self;

  pairing = seye_monitor_pair_finish (SEYE_MONITOR (object), result, &error);

  /* Cancelled: the dialog went away; @user_data with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SEYE_PAIR_DIALOG (user_data);
  g_clear_object (&self->cancellable);
  update_sensitivity (self);

  if (pairing == NULL)
    {
      /* The error may quote the node (its HTTP reason phrase). */
      g_autofree char *message = seye_sanitize_display (error->message);

      g_debug ("pairing with “%s” failed: %s", seye_node_get_key (self->node), message);
      show_error (self, message);
      /* Another certificate now: show it, for the user to compare again. */
      update_fingerprint (self);
      if (g_error_matches (error, SEYE_ERROR, SEYE_ERROR_AUTH))
        gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      return;
    }

  g_signal_emit (self, signals[PAIRED], 0, pairing);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
pair_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SeyePairDialog *self = SEYE_PAIR_DIALOG (widget);
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;

  if (self->cancellable != NULL || self->fingerprint == NULL)
    return;

  token = seye_token_parse (gtk_editable_get_text (GTK_EDITABLE (self->token_row)), &error);
  if (token == NULL)
    {
      show_error (self, error->message);
      return;
    }

  show_error (self, NULL);
  self->cancellable = g_cancellable_new ();
  update_sensitivity (self);

  seye_monitor_pair_async (self->monitor, self->node, self->fingerprint, token,
                           self->cancellable, paired_cb, self);
  memset (token, 0, strlen (token));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
token_activated_cb (SeyePairDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "pair.pair", NULL);
}

static void
token_changed_cb (SeyePairDialog *self)
{
  update_sensitivity (self);
}

static void
seye_pair_dialog_dispose (GObject *object)
{
  SeyePairDialog *self = SEYE_PAIR_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->fingerprint, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), SEYE_TYPE_PAIR_DIALOG);

  G_OBJECT_CLASS (seye_pair_dialog_parent_class)->dispose (object);
}

static void
seye_pair_dialog_class_init (SeyePairDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = seye_pair_dialog_dispose;

  signals[PAIRED] =
    g_signal_new ("paired",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SEYE_TYPE_PAIRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/seye-pair-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, pair_button);
  gtk_widget_class_bind_template_child (widget_class, SeyePairDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, token_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_changed_cb);

  gtk_widget_class_install_action (widget_class, "pair.pair", NULL, pair_action);
  gtk_widget_class_install_action (widget_class, "pair.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "pair.cancel", NULL);
}

static void
seye_pair_dialog_init (SeyePairDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * seye_pair_dialog_new:
 * @keyring_available: whether the pairing will be kept; when not, the dialog says so
 */
SeyePairDialog *
seye_pair_dialog_new (GtkWindow   *parent,
                      SeyeMonitor *monitor,
                      SeyeNode    *node,
                      gboolean     keyring_available)
{
  SeyePairDialog *self;

  g_return_val_if_fail (SEYE_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (SEYE_IS_NODE (node), NULL);

  self = g_object_new (SEYE_TYPE_PAIR_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->monitor = g_object_ref (monitor);
  self->node = g_object_ref (node);

  g_signal_connect_object (node, "notify::tls-fingerprint", G_CALLBACK (update_fingerprint), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "notify::name", G_CALLBACK (update_intro), self, G_CONNECT_SWAPPED);

  gtk_widget_set_visible (GTK_WIDGET (self->keyring_label), !keyring_available);
  update_intro (self);
  update_fingerprint (self);
  update_sensitivity (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));

  return self;
}

SeyeNode *
seye_pair_dialog_get_node (SeyePairDialog *self)
{
  g_return_val_if_fail (SEYE_IS_PAIR_DIALOG (self), NULL);

  return self->node;
}

const char *
_seye_pair_dialog_get_shown_fingerprint (SeyePairDialog *self)
{
  return gtk_label_get_text (self->fingerprint_label);
}

const char *
_seye_pair_dialog_get_error (SeyePairDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label)
                                                                  : NULL;
}

void
_seye_pair_dialog_set_token (SeyePairDialog *self,
                             const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), text);
}
