/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-pairings"

#include "config.h"

#include <glib/gi18n.h>

#include "seye-keyring.h"
#include "seye-pair-dialog.h"
#include "seye-pairings.h"

struct _SeyePairings
{
  GObject         parent_instance;

  /* Owned */
  SeyeMonitor    *monitor;
  GCancellable   *cancellable;
  char           *keyring_error;   /* why pairings are not kept; NULL while the keyring works */

  /* Borrowed */
  SeyePairDialog *dialog;          /* weak pointer */

  guint           keyring_said : 1;
};

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SeyePairings, seye_pairings, G_TYPE_OBJECT)

static void
say (SeyePairings *self,
     const char   *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* Once a session, when it first matters: the user is about to pair. */
static void
say_keyring_once (SeyePairings *self)
{
  if (self->keyring_error == NULL || self->keyring_said)
    return;

  /* A toast is one line: the details (what the keyring said) went to the log at start. */
  self->keyring_said = TRUE;
  say (self, _("No keyring: pairings last until the app quits. Start gnome-keyring to keep them."));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SeyePairings *self = g_task_get_source_object (task);
  g_autoptr (GPtrArray) pairings = NULL;
  g_autoptr (GError) error = NULL;
  SeyeCredentials *credentials;

  pairings = seye_keyring_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (pairings == NULL)
    {
      g_message ("%s", error->message);
      g_free (self->keyring_error);
      self->keyring_error = g_strdup (error->message);
      g_task_return_boolean (task, FALSE);
      return;
    }

  credentials = seye_monitor_get_credentials (self->monitor);
  for (guint i = 0; i < pairings->len; i++)
    seye_credentials_add (credentials, pairings->pdata[i]);
  g_debug ("%u pairings from the keyring", pairings->len);

  g_task_return_boolean (task, TRUE);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (SeyePairings) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!seye_keyring_store_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why */
      message = g_strdup_printf (_("Paired, for this session only: %s"), error->message);
      say (self, message);
    }
}

static void
paired_cb (SeyePairings *self,
           SeyePairing  *pairing)
{
  if (self->keyring_error != NULL)
    return;

  seye_keyring_store_async (pairing, self->cancellable, stored_cb, g_object_ref (self));
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (SeyePairings) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!seye_keyring_forget_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why */
      message = g_strdup_printf (_("The pairing could not be deleted from the keyring: %s"), error->message);
      say (self, message);
    }
}

static void
seye_pairings_dispose (GObject *object)
{
  SeyePairings *self = SEYE_PAIRINGS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
      self->dialog = NULL;
    }
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (seye_pairings_parent_class)->dispose (object);
}

static void
seye_pairings_finalize (GObject *object)
{
  SeyePairings *self = SEYE_PAIRINGS (object);

  g_clear_pointer (&self->keyring_error, g_free);

  G_OBJECT_CLASS (seye_pairings_parent_class)->finalize (object);
}

static void
seye_pairings_class_init (SeyePairingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = seye_pairings_dispose;
  object_class->finalize = seye_pairings_finalize;

  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING);
}

static void
seye_pairings_init (SeyePairings *self)
{
  self->cancellable = g_cancellable_new ();
}

SeyePairings *
seye_pairings_new (SeyeMonitor *monitor)
{
  SeyePairings *self;

  g_return_val_if_fail (SEYE_IS_MONITOR (monitor), NULL);

  self = g_object_new (SEYE_TYPE_PAIRINGS, NULL);
  self->monitor = g_object_ref (monitor);

  return self;
}

/**
 * seye_pairings_load_async:
 *
 * Puts the pairings of the keyring into the monitor's credentials. Finishes
 * also when there is no keyring (that is said when the user first pairs).
 */
void
seye_pairings_load_async (SeyePairings        *self,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SEYE_IS_PAIRINGS (self));

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_pairings_load_async);
  seye_keyring_load_async (self->cancellable, loaded_cb, task);
}

void
seye_pairings_load_finish (SeyePairings *self,
                           GAsyncResult *result)
{
  g_return_if_fail (g_task_is_valid (result, self));

  g_task_propagate_boolean (G_TASK (result), NULL);
}

gboolean
seye_pairings_get_keyring_available (SeyePairings *self)
{
  g_return_val_if_fail (SEYE_IS_PAIRINGS (self), FALSE);

  return self->keyring_error == NULL;
}

/**
 * seye_pairings_pair:
 *
 * Opens the pairing dialog for @node (one at a time).
 */
void
seye_pairings_pair (SeyePairings *self,
                    GtkWindow    *parent,
                    SeyeNode     *node)
{
  g_return_if_fail (SEYE_IS_PAIRINGS (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  if (self->dialog != NULL)
    {
      if (seye_pair_dialog_get_node (self->dialog) == node)
        {
          gtk_window_present (GTK_WINDOW (self->dialog));
          return;
        }
      gtk_window_destroy (GTK_WINDOW (self->dialog));
    }

  say_keyring_once (self);

  self->dialog = seye_pair_dialog_new (parent, self->monitor, node, self->keyring_error == NULL);
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  g_signal_connect_object (self->dialog, "paired", G_CALLBACK (paired_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

/**
 * seye_pairings_forget:
 *
 * Forgets @node's pairing: no token goes to it any more, and its keyring item is deleted.
 */
void
seye_pairings_forget (SeyePairings *self,
                      SeyeNode     *node)
{
  const SeyePairing *pairing;
  g_autofree char *node_id = NULL;

  g_return_if_fail (SEYE_IS_PAIRINGS (self));
  g_return_if_fail (SEYE_IS_NODE (node));

  pairing = seye_monitor_get_pairing (self->monitor, node);
  if (pairing == NULL)
    return;

  node_id = g_strdup (pairing->node_id);
  seye_credentials_remove (seye_monitor_get_credentials (self->monitor), node_id);

  if (self->keyring_error == NULL)
    seye_keyring_forget_async (node_id, self->cancellable, forgotten_cb, g_object_ref (self));
}

GtkWindow *
_seye_pairings_get_dialog (SeyePairings *self)
{
  return self->dialog ? GTK_WINDOW (self->dialog) : NULL;
}
