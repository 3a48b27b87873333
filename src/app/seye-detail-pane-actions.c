/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "seye-detail-pane-private.h"
#include "seye-error.h"
#include "seye-sanitize.h"

/*
 * The node's named actions (GET /v1/actions), asked for when a paired node reached over
 * HTTPS is shown: one button each, its description as the tooltip. A click asks first,
 * naming the node and the action; the run goes on when another node is shown, its
 * button spins meanwhile (the agent runs one at a time), and the result comes in a
 * dialog with what the command wrote.
 */

#define NAME_KEY        "seye-action-name"
#define DESCRIPTION_KEY "seye-action-description"
#define TIMEOUT_KEY     "seye-action-timeout"

typedef struct
{
  SeyeDetailPane *self;
  SeyeNode       *node;
  char           *key;          /* node key, "\n", action name: in self->action_runs */
  char           *action;
  GCancellable   *cancellable;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->self);
  g_clear_object (&run->node);
  g_free (run->key);
  g_free (run->action);
  g_clear_object (&run->cancellable);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static char *
dup_run_key (SeyeNode   *node,
             const char *action)
{
  return g_strconcat (seye_node_get_key (node), "\n", action, NULL);
}

static gboolean
node_is_up (SeyeNode *node)
{
  SeyeNodeState state = seye_node_get_state (node);

  return state == SEYE_NODE_STATE_ONLINE || state == SEYE_NODE_STATE_STALE;
}

/* The button of a running action spins and cannot be pressed. */
static void
update_button (SeyeDetailPane *self,
               GtkWidget      *button)
{
  const char *action = g_object_get_data (G_OBJECT (button), NAME_KEY);
  g_autofree char *key = dup_run_key (self->node, action);
  gboolean running = g_hash_table_contains (self->action_runs, key);
  GtkWidget *spinner = gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (button)));

  gtk_widget_set_sensitive (button, !running);
  gtk_widget_set_visible (spinner, running);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), running);
}

static void
update_buttons (SeyeDetailPane *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_flow)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    update_button (self, gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)));
}

static void
clear_buttons (SeyeDetailPane *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_flow))) != NULL)
    gtk_flow_box_remove (self->actions_flow, child);
  gtk_widget_set_visible (self->actions_box, FALSE);
}

/* Whoever asked last sees the dialog; tests answer it through the pane. */
static void
remember_dialog (SeyeDetailPane *self,
                 GtkWidget      *dialog)
{
  if (self->action_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->action_dialog), (gpointer *) &self->action_dialog);
  self->action_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->action_dialog);
}

static GtkWidget *
new_dialog (SeyeDetailPane *self,
            const char     *heading,
            const char     *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  remember_dialog (self, dialog);

  return dialog;
}

static void
copy_output_cb (GtkButton *button,
                GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
}

/* What the command wrote, a line at a time through seye_sanitize_display() (escape
 * sequences and other controls shown as \xHH), its line breaks kept, a tab as a space
 * and the carriage return of a CRLF dropped. */
static char *
dup_clean_output (const char *output)
{
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize length = strlen (lines[i]);
      g_autofree char *clean = NULL;

      if (length > 0 && lines[i][length - 1] == '\r')
        lines[i][length - 1] = '\0';
      g_strdelimit (lines[i], "\t", ' ');
      clean = seye_sanitize_display (lines[i]);
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, clean);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What the command wrote, sanitised, in a monospace view one can select and copy; a
 * new reference. */
static GtkWidget *
new_output_view (const char *output)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ui/seye-action-output.ui");
  GtkWidget *box = g_object_ref (GTK_WIDGET (gtk_builder_get_object (builder, "output_box")));
  GtkTextView *view = GTK_TEXT_VIEW (gtk_builder_get_object (builder, "output_view"));
  GtkButton *copy = GTK_BUTTON (gtk_builder_get_object (builder, "copy_button"));
  g_autofree char *clean = dup_clean_output (output);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), clean, -1);
  g_signal_connect_object (copy, "clicked", G_CALLBACK (copy_output_cb), view, 0);

  return box;
}

static void
show_result (SeyeDetailPane         *self,
             SeyeNode               *node,
             const char             *action,
             const SeyeActionResult *result,
             const GError           *error)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  g_autofree char *clean_action = seye_sanitize_display (action);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (error != NULL)
    {
      /* Translators: an action's name, then a node's name */
      heading = g_strdup_printf (_("Could not run “%s” on %s"), clean_action, name);
      body = g_strdup (error->message);
    }
  else
    {
      g_autofree char *described = seye_action_result_describe (result);

      /* Translators: an action's name, then a node's name */
      heading = g_strdup_printf (_("“%s” on %s"), clean_action, name);
      if (result->output == NULL || *result->output == '\0')
        body = g_strdup_printf ("%s. %s", described, _("It wrote nothing."));
      else if (result->truncated)
        body = g_strdup_printf ("%s. %s", described, _("It wrote more than 64 KiB: the first 64 KiB are shown."));
      else
        body = g_strdup_printf ("%s.", described);
    }

  dialog = new_dialog (self, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  if (result != NULL && result->output != NULL && *result->output != '\0')
    {
      g_autoptr (GtkWidget) output = new_output_view (result->output);

      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), output);
    }

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      data)
{
  g_autoptr (Run) run = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyeActionResult) result = NULL;
  SeyeDetailPane *self = run->self;

  result = seye_source_run_action_finish (SEYE_SOURCE (object), res, &error);
  /* Cancelled: the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_hash_table_remove (self->action_runs, run->key);
  if (self->node == run->node)
    update_buttons (self);

  show_result (self, run->node, run->action, result, error);
}

static void
start_run (SeyeDetailPane *self,
           SeyeNode       *node,
           const char     *action)
{
  SeyeSource *source = _seye_detail_pane_get_source (self, node);
  Run *run;

  if (source == NULL)
    {
      g_autoptr (GError) error = g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                                              _("The node is no longer in the list"));

      show_result (self, node, action, NULL, error);
      return;
    }

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->node = g_object_ref (node);
  run->key = dup_run_key (node, action);
  run->action = g_strdup (action);
  run->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->action_runs, g_strdup (run->key), g_object_ref (run->cancellable));
  if (self->node == node)
    update_buttons (self);

  seye_source_run_action (source, node, action, run->cancellable, run_cb, run);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SeyeDetailPane   *self)
{
  SeyeNode *node = g_object_get_data (G_OBJECT (dialog), "seye-node");
  const char *action = g_object_get_data (G_OBJECT (dialog), NAME_KEY);

  if (g_strcmp0 (response, "run") == 0)
    start_run (self, node, action);
}

/* "Run “restart-web” on build-server?", with what it does; Cancel unless chosen. */
static void
action_clicked_cb (GtkButton      *button,
                   SeyeDetailPane *self)
{
  const char *action = g_object_get_data (G_OBJECT (button), NAME_KEY);
  const char *description = g_object_get_data (G_OBJECT (button), DESCRIPTION_KEY);
  guint timeout = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), TIMEOUT_KEY));
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
  g_autofree char *clean_action = seye_sanitize_display (action);
  g_autofree char *heading = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: an action's name, then a node's name */
  heading = g_strdup_printf (_("Run “%s” on %s?"), clean_action, name);
  /* Translators: the longest an action may run, in seconds */
  limit = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "It runs the command its owner named, as its agent’s user, for at most %u second.",
                                        "It runs the command its owner named, as its agent’s user, for at most %u seconds.",
                                        timeout), timeout);
  body = description != NULL ? g_strdup_printf ("%s\n\n%s", description, limit) : g_steal_pointer (&limit);

  dialog = new_dialog (self, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "run", _("_Run"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "run", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "seye-node", g_object_ref (self->node), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), NAME_KEY, g_strdup (action), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
new_button (SeyeDetailPane   *self,
            const SeyeAction *action)
{
  g_autofree char *label = seye_sanitize_display (action->name);
  g_autofree char *description = action->description != NULL ? seye_sanitize_display (action->description) : NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_button_new ();

  gtk_box_append (GTK_BOX (box), gtk_spinner_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (label));
  gtk_button_set_child (GTK_BUTTON (button), box);
  if (description != NULL)
    gtk_widget_set_tooltip_text (button, description);
  else
    gtk_widget_set_tooltip_text (button, _("Run the command the node’s owner named this way"));

  g_object_set_data_full (G_OBJECT (button), NAME_KEY, g_strdup (action->name), g_free);
  g_object_set_data_full (G_OBJECT (button), DESCRIPTION_KEY, g_steal_pointer (&description), g_free);
  g_object_set_data (G_OBJECT (button), TIMEOUT_KEY, GUINT_TO_POINTER (action->timeout));
  g_signal_connect_object (button, "clicked", G_CALLBACK (action_clicked_cb), self, 0);

  return button;
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (SeyeDetailPane) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) actions = NULL;

  actions = seye_source_list_actions_finish (SEYE_SOURCE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->actions_cancellable);
  if (actions == NULL)
    {
      /* Nothing new to press, then; asked again when the node comes back or is paired again. */
      g_debug ("no actions: %s", error->message);
      return;
    }

  self->actions_listed = TRUE;
  clear_buttons (self);
  for (guint i = 0; i < actions->len; i++)
    gtk_flow_box_append (self->actions_flow, new_button (self, g_ptr_array_index (actions, i)));
  update_buttons (self);
  gtk_widget_set_visible (self->actions_box, actions->len > 0);
}

static void
forget_actions (SeyeDetailPane *self)
{
  g_cancellable_cancel (self->actions_cancellable);
  g_clear_object (&self->actions_cancellable);
  clear_buttons (self);
  self->actions_node = NULL;
  self->actions_listed = FALSE;
}

/**
 * _seye_detail_pane_update_actions:
 *
 * Asks the shown node for its actions when it can have some (HTTPS, paired), each time
 * it comes online; the buttons stay while it is away.
 */
void
_seye_detail_pane_update_actions (SeyeDetailPane *self)
{
  SeyeSource *source;

  if (self->actions_node != self->node)
    forget_actions (self);

  if (self->node == NULL || !seye_node_get_tls (self->node) || !seye_node_get_paired (self->node))
    {
      forget_actions (self);
      return;
    }

  self->actions_node = self->node;
  if (!node_is_up (self->node))
    {
      /* Its agent may come back with other actions. */
      self->actions_listed = FALSE;
      return;
    }

  source = _seye_detail_pane_get_source (self, self->node);
  if (self->actions_listed || self->actions_cancellable != NULL || source == NULL)
    return;

  self->actions_cancellable = g_cancellable_new ();
  seye_source_list_actions (source, self->node, self->actions_cancellable, listed_cb, g_object_ref (self));
}

void
_seye_detail_pane_actions_init (SeyeDetailPane *self)
{
  /* "node key\naction" -> the run's GCancellable */
  self->action_runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

void
_seye_detail_pane_actions_dispose (SeyeDetailPane *self)
{
  GHashTableIter iter;
  gpointer cancellable;

  g_cancellable_cancel (self->actions_cancellable);
  g_clear_object (&self->actions_cancellable);
  if (self->action_runs != NULL)
    {
      g_hash_table_iter_init (&iter, self->action_runs);
      while (g_hash_table_iter_next (&iter, NULL, &cancellable))
        g_cancellable_cancel (cancellable);
    }
  g_clear_pointer (&self->action_runs, g_hash_table_unref);
  if (self->action_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->action_dialog), (gpointer *) &self->action_dialog);
  self->action_dialog = NULL;
}

/* For tests: the button of @name, NULL when there is none. */
GtkButton *
_seye_detail_pane_get_action_button (SeyeDetailPane *self,
                                     const char     *name)
{
  if (!gtk_widget_get_visible (self->actions_box))
    return NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_flow)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (g_strcmp0 (g_object_get_data (G_OBJECT (button), NAME_KEY), name) == 0)
        return GTK_BUTTON (button);
    }

  return NULL;
}

/* For tests: the last dialog about an action (confirmation or result) while it is open. */
AdwMessageDialog *
_seye_detail_pane_get_action_dialog (SeyeDetailPane *self)
{
  return self->action_dialog != NULL ? ADW_MESSAGE_DIALOG (self->action_dialog) : NULL;
}

/* For tests: that dialog's heading, body and the output it shows, a line apart. */
char *
_seye_detail_pane_dup_action_dialog_text (SeyeDetailPane *self)
{
  AdwMessageDialog *dialog = _seye_detail_pane_get_action_dialog (self);
  GtkWidget *extra;
  g_autofree char *output = NULL;

  if (dialog == NULL)
    return NULL;

  extra = adw_message_dialog_get_extra_child (dialog);
  if (extra != NULL)
    {
      GtkWidget *scrolled = gtk_widget_get_first_child (extra);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      output = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strjoin ("\n", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog),
                    output != NULL ? output : "", NULL);
}
