/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-detail-pane"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "seye-credentials.h"
#include "seye-detail-pane-private.h"
#include "seye-prometheus-source.h"
#include "seye-sanitize.h"

/*
 * The notice at the top for a node that needs pairing or whose certificate changed,
 * with the button that pairs, and the "Connection" row: plain HTTP, HTTPS, paired
 * with what, with the button that forgets the pairing.
 */

typedef struct
{
  char       *title;   /* NULL: no notice */
  char       *body;
  const char *button;  /* NULL: no button */
  const char *icon;
} PairingNotice;

static void
pairing_notice_clear (PairingNotice *notice)
{
  g_clear_pointer (&notice->title, g_free);
  g_clear_pointer (&notice->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PairingNotice, pairing_notice_clear)

/* What the notice says for the node's state; no title when there is nothing to say. */
static void
pairing_notice_init (PairingNotice *notice,
                     SeyeNode      *node)
{
  g_autofree char *name = seye_sanitize_display (seye_node_get_name (node));
  SeyeNodeState state = seye_node_get_state (node);
  gboolean paired = seye_node_get_paired (node);
  gboolean tls = seye_node_get_tls (node);
  const char *seen = seye_node_get_tls_fingerprint (node);

  notice->icon = "dialog-password-symbolic";

  if (state == SEYE_NODE_STATE_UNTRUSTED && tls)
    {
      g_autofree char *now = seen ? seye_fingerprint_format (seen) : g_strdup ("?");

      notice->icon = "dialog-warning-symbolic";
      /* Translators: %s is a node's name */
      notice->title = g_strdup_printf (_("The certificate of %s changed"), name);
      notice->body = g_strdup_printf (_("This could be an attacker, or the agent was reinstalled. Nothing is "
                                        "sent to it, and its data is not shown. Run “sorcerers-eye-agent "
                                        "--pairing-info” on %s: if it prints the fingerprint %s, pair again "
                                        "with the token it prints."), name, now);
      notice->button = _("Pair _Again…");
    }
  else if (state == SEYE_NODE_STATE_UNTRUSTED)
    {
      notice->icon = "dialog-warning-symbolic";
      notice->title = g_strdup_printf (_("%s no longer uses HTTPS"), name);
      notice->body = g_strdup (_("It was paired over HTTPS and is now announced without it. This could be an "
                                 "attacker. Nothing is sent to it. If its agent was set up again without "
                                 "--tls, forget the pairing."));
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING && !tls)
    {
      notice->title = g_strdup_printf (_("%s wants a token, but does not use HTTPS"), name);
      notice->body = g_strdup (_("A token is only ever sent over HTTPS. Start its agent with --tls, "
                                 "then pair with it."));
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING && paired)
    {
      notice->title = g_strdup_printf (_("%s refused the token"), name);
      notice->body = g_strdup_printf (_("Its token changed since you paired (its agent may have been set up "
                                        "again). Run “sorcerers-eye-agent --pairing-info” on %s and pair "
                                        "again with the token it prints."), name);
      notice->button = _("Pair _Again…");
    }
  else if (state == SEYE_NODE_STATE_NEEDS_PAIRING)
    {
      notice->title = g_strdup_printf (_("%s needs pairing"), name);
      notice->body = g_strdup_printf (_("It shares its metrics only with apps that have its token. Run "
                                        "“sorcerers-eye-agent --pairing-info” on %s, then pair and paste "
                                        "the token it prints."), name);
      notice->button = _("_Pair…");
    }
}

static void
show_notice (SeyeDetailPane      *self,
             const PairingNotice *notice)
{
  gtk_widget_set_visible (self->pairing_box, notice->title != NULL);
  if (notice->title != NULL)
    {
      gtk_image_set_from_icon_name (self->pairing_icon, notice->icon);
      _seye_detail_pane_set_label (self->pairing_title, notice->title);
      _seye_detail_pane_set_label (self->pairing_body, notice->body);
      if (seye_node_get_state (self->node) == SEYE_NODE_STATE_UNTRUSTED)
        gtk_widget_add_css_class (self->pairing_box, "untrusted");
      else
        gtk_widget_remove_css_class (self->pairing_box, "untrusted");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->pairing_button), notice->button != NULL);
  if (notice->button != NULL)
    {
      gtk_button_set_label (self->pairing_button, notice->button);
      /* The target first: the action takes a node key. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->pairing_button),
                                              g_variant_new_string (seye_node_get_key (self->node)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pairing_button), "app.pair-node");
    }
}

#define SHORT_FINGERPRINT_BYTES 8   /* 16 hex digits: enough to tell two apart at a glance */

/* "SHA256:AB:CD:EF:01:23:45:67:89…": the start of seye_fingerprint_format()'s text. */
static char *
dup_short_fingerprint (const char *formatted)
{
  gsize length = strlen ("SHA256") + 3 * SHORT_FINGERPRINT_BYTES;

  if (strlen (formatted) <= length)
    return g_strdup (formatted);

  return g_strdup_printf ("%.*s…", (int) length, formatted);
}

/* The "Connection" row's text; @fingerprint is set to the pinned one in full, if shown. */
static char *
dup_connection (SeyeNode  *node,
                char     **fingerprint)
{
  const char *seen = seye_node_get_tls_fingerprint (node);
  gboolean paired = seye_node_get_paired (node);

  *fingerprint = NULL;

  if (!seye_node_get_tls (node))
    return g_strdup (_("HTTP, not encrypted"));
  else if (paired && seye_node_get_state (node) == SEYE_NODE_STATE_UNTRUSTED)
    return g_strdup (_("HTTPS, paired with another certificate than the one it presents now"));
  else if (paired && seen != NULL)
    {
      g_autofree char *shortened = NULL;

      *fingerprint = seye_fingerprint_format (seen);
      shortened = dup_short_fingerprint (*fingerprint);

      /* Translators: %s is the start of a certificate fingerprint, "SHA256:AB:CD:…" */
      return g_strdup_printf (_("HTTPS, paired · %s"), shortened);
    }
  else if (paired)
    return g_strdup (_("HTTPS, paired"));
  else
    return g_strdup (_("HTTPS, not paired"));
}

/* A node seen through a Prometheus server: the app never talks to the machine itself. */
static char *
dup_prometheus_connection (SeyeDetailPane *self)
{
  SeyeSource *source = _seye_detail_pane_get_source (self, self->node);
  g_autofree char *url = NULL;

  if (source == NULL || !SEYE_IS_PROMETHEUS_SOURCE (source))
    return NULL;

  url = seye_sanitize_display (seye_prometheus_source_get_url (SEYE_PROMETHEUS_SOURCE (source)));
  /* Translators: %s is the server's URL, %.0f the seconds between its scrapes */
  return g_strdup_printf (_("Through Prometheus at %s, scraped every %.0f s"), url,
                          seye_prometheus_source_get_scrape_interval (SEYE_PROMETHEUS_SOURCE (source)));
}

static void
show_connection (SeyeDetailPane *self)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *connection = dup_prometheus_connection (self);
  g_autofree char *tooltip = NULL;

  if (connection == NULL)
    connection = dup_connection (self->node, &fingerprint);

  _seye_detail_pane_set_label (self->connection_label, connection);

  /* The whole fingerprint, to compare with the agent's --pairing-info, in the tooltip
   * and on the clipboard. */
  if (fingerprint != NULL)
    /* Translators: %s is a certificate fingerprint, "SHA256:AB:CD:…" */
    tooltip = g_strdup_printf (_("Certificate fingerprint %s"), fingerprint);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_label), tooltip);
  g_free (self->fingerprint);
  self->fingerprint = g_steal_pointer (&fingerprint);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_fingerprint_button), self->fingerprint != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->forget_button), seye_node_get_paired (self->node));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->forget_button),
                                          g_variant_new_string (seye_node_get_key (self->node)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->forget_button), "app.forget-pairing");
}

/* detail.copy-fingerprint: the pinned fingerprint, in full, to the clipboard. */
void
_seye_detail_pane_copy_fingerprint_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *param)
{
  SeyeDetailPane *self = SEYE_DETAIL_PANE (widget);

  if (self->fingerprint != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->fingerprint);
}

void
_seye_detail_pane_update_pairing (SeyeDetailPane *self)
{
  g_auto (PairingNotice) notice = { NULL, };

  if (self->node == NULL)
    return;

  pairing_notice_init (&notice, self->node);
  show_notice (self, &notice);
  show_connection (self);
}

/* What the notice and the Connection row depend on. */
void
_seye_detail_pane_follow_pairing (SeyeDetailPane *self,
                                  SeyeNode       *node)
{
  static const char * const signals[] = {
    "notify::state", "notify::paired", "notify::tls", "notify::tls-fingerprint",
    "notify::name", "notify::key",
  };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (node, signals[i], G_CALLBACK (_seye_detail_pane_update_pairing), self,
                             G_CONNECT_SWAPPED);
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

/* The pinned fingerprint in full ("SHA256:AB:…"), as the tooltip and the copy button
 * have it; NULL when none is shown. */
const char *
_seye_detail_pane_get_fingerprint (SeyeDetailPane *self)
{
  return self->fingerprint;
}
