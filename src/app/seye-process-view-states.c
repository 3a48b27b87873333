/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-process-view"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-error.h"
#include "seye-process-view-private.h"
#include "seye-prometheus-source.h"
#include "seye-sanitize.h"

/*
 * What the Processes section says besides its rows: a message in words where there are
 * none (loading, offline, needs pairing, not available, not reachable, no match), and
 * the footer under them ("312 processes · 3 not readable · over the last 1.0 s").
 */

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text != NULL ? text : "") != 0)
    gtk_label_set_text (label, text != NULL ? text : "");
}

/* A message instead of the rows: @icon, or a spinner when NULL. */
static void
show_message (SeyeProcessView *self,
              const char      *icon,
              const char      *title,
              const char      *body,
              gboolean         pair)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), icon == NULL);
  gtk_spinner_set_spinning (self->spinner, icon == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->message_icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->message_icon, icon);
  set_label (self->message_title, title);
  set_label (self->message_body, body);
  gtk_widget_set_visible (GTK_WIDGET (self->message_body), body != NULL && *body != '\0');

  gtk_widget_set_visible (GTK_WIDGET (self->pair_button), pair);
  if (pair)
    {
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->pair_button),
                                              g_variant_new_string (seye_node_get_key (self->node)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pair_button), "app.pair-node");
    }

  gtk_stack_set_visible_child_name (self->stack, "message");
}

/* A node seen through Prometheus never has them, online or not. */
static void
show_not_from_prometheus (SeyeProcessView *self)
{
  show_message (self, "action-unavailable-symbolic", _("Not available from Prometheus"),
                _("Prometheus keeps a machine’s totals, not its processes, and runs no actions. Add the "
                  "machine’s agent by address (host:7373) to see them."), FALSE);
}

/* Why there are no rows, from the last request's failure. */
static void
show_error (SeyeProcessView *self)
{
  const char *message = self->error->message;

  if (g_error_matches (self->error, SEYE_ERROR, SEYE_ERROR_NOT_SUPPORTED))
    show_message (self, "action-unavailable-symbolic", _("Not available from this node’s source"), message, FALSE);
  else if (g_error_matches (self->error, SEYE_ERROR, SEYE_ERROR_AUTH) && seye_node_get_paired (self->node))
    show_message (self, "dialog-password-symbolic", _("Not allowed from here"), message, FALSE);
  else if (g_error_matches (self->error, SEYE_ERROR, SEYE_ERROR_AUTH))
    show_message (self, "dialog-password-symbolic", _("Pair with this node to see its processes"), message, TRUE);
  else
    show_message (self, "network-error-symbolic", _("Not reachable"), message, FALSE);
}

static void
show_not_up (SeyeProcessView *self)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (self->node));
  g_autofree char *state = seye_node_describe_state (self->node, g_get_real_time () / 1000);
  g_autofree char *body = NULL;

  switch (seye_node_get_state (self->node))
    {
    case SEYE_NODE_STATE_CONNECTING:
      show_message (self, NULL, _("Waiting for the node to answer…"), NULL, FALSE);
      break;

    case SEYE_NODE_STATE_NEEDS_PAIRING:
      body = g_strdup_printf (_("It shares its processes only with apps that have its token. Run "
                                "“sorcerers-eye-agent --pairing-info” on %s, then pair and paste the "
                                "token it prints."), name);
      show_message (self, "dialog-password-symbolic", _("Pair with this node to see its processes"), body,
                    seye_node_get_tls (self->node));
      break;

    default:
      show_message (self, "network-offline-symbolic", _("Processes are shown while the node is online"),
                    state, FALSE);
      break;
    }
}

/* The rows, or a message in words saying why there are none. */
void
_seye_process_view_update_page (SeyeProcessView *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  gboolean from_prometheus = self->source != NULL && SEYE_IS_PROMETHEUS_SOURCE (self->source);

  /* Nothing to sort or search where there can never be processes. */
  gtk_widget_set_visible (self->controls, !from_prometheus);

  if (self->node == NULL)
    show_message (self, "computer-symbolic", _("No node selected"), NULL, FALSE);
  else if (from_prometheus)
    show_not_from_prometheus (self);
  else if (!_seye_process_view_node_is_up (self->node))
    show_not_up (self);
  else if (n_items == 0 && self->error != NULL)
    show_error (self);
  else if (n_items == 0 && self->last_answer_us == 0)
    show_message (self, NULL, _("Loading processes…"), NULL, FALSE);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)) == 0 && n_items > 0)
    {
      g_autofree char *search = seye_sanitize_display (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Neither the name nor the user of the busiest process contains “%2$s”.",
                                                            "Neither the name nor the user of the %1$u busiest processes contains “%2$s”.",
                                                            n_items),
                                               n_items, search);

      show_message (self, "edit-find-symbolic", _("No matching process"), body, FALSE);
    }
  else if (n_items == 0)
    show_message (self, "action-unavailable-symbolic", _("The node listed no process"), NULL, FALSE);
  else
    {
      gtk_spinner_set_spinning (self->spinner, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
}

/* "312 processes · 3 not readable · over the last 1.0 s", with what a search keeps. */
void
_seye_process_view_update_footer (SeyeProcessView *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
  gboolean failed = self->error != NULL && self->received > 0;

  if (self->node != NULL && _seye_process_view_node_is_up (self->node) && self->last_answer_us != 0 && self->received > 0)
    {
      if (self->search != NULL)
        {
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", shown), shown);
          g_string_append (text, " · ");
        }
      if (self->received < self->total)
        /* Translators: the processes listed, of all those the node has: "100 busiest of 312 processes" */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u busiest of %u process",
                                                   "%u busiest of %u processes", self->total),
                                self->received, self->total);
      else
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u process", "%u processes", self->total),
                                self->total);
      if (self->not_readable > 0)
        {
          g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u not readable", "%u not readable",
                                                     self->not_readable), self->not_readable);
        }
      g_string_append (text, " · ");
      /* Translators: the window the CPU % and rates span, in seconds */
      g_string_append_printf (text, _("over the last %.1f s"), self->interval);
    }

  if (failed)
    /* Translators: the rows shown are from before; %s says why they are not new */
    g_string_printf (text, _("Not updated: %s"), self->error->message);

  if (g_strcmp0 (gtk_inscription_get_text (self->footer_label), text->str) != 0)
    gtk_inscription_set_text (self->footer_label, text->str);
  if (gtk_widget_has_css_class (GTK_WIDGET (self->footer_label), "warning") != failed)
    {
      if (failed)
        gtk_widget_add_css_class (GTK_WIDGET (self->footer_label), "warning");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->footer_label), "warning");
    }
}
