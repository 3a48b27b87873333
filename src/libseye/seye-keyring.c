/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "seye-error.h"
#include "seye-keyring.h"

#define ATTR_NODE_ID     "node-id"
#define ATTR_FINGERPRINT "fingerprint"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    SEYE_KEYRING_SCHEMA, SECRET_SCHEMA_NONE,
    {
      { ATTR_NODE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_FINGERPRINT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* No keyring, no session bus, or a keyring that would not open: say what to do. */
static GError *
unavailable_error (const GError *error)
{
  return g_error_new (SEYE_ERROR, SEYE_ERROR_UNAVAILABLE,
                      _("The keyring is not available (%s): pairings last only until Sorcerer’s Eye "
                        "quits. Install and start gnome-keyring, or another Secret Service, to keep them."),
                      error->message);
}

/* Ends @task with @error: a cancellation as it is, anything else as the keyring
 * being unavailable. */
static void
return_unavailable (GTask   *task,
                    GError **error)
{
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (error));
  else
    g_task_return_error (task, unavailable_error (*error));
}

/* Load --------------------------------------------------------------------- */

static SeyePairing *
pairing_from_item (SecretRetrievable *retrievable)
{
  g_autoptr (GHashTable) attributes = secret_retrievable_get_attributes (retrievable);
  g_autofree char *label = secret_retrievable_get_label (retrievable);
  g_autoptr (SecretValue) value = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;
  const char *node_id;
  const char *pinned;
  const char *prefix;
  const char *name;
  const char *secret;
  gsize length;

  if (!SECRET_IS_ITEM (retrievable))
    return NULL;

  /* Loaded with the search (SECRET_SEARCH_LOAD_SECRETS). */
  value = secret_item_get_secret (SECRET_ITEM (retrievable));
  if (value == NULL)
    return NULL;

  node_id = g_hash_table_lookup (attributes, ATTR_NODE_ID);
  pinned = g_hash_table_lookup (attributes, ATTR_FINGERPRINT);
  if (pinned != NULL)
    fingerprint = seye_fingerprint_parse (pinned, NULL);
  secret = secret_value_get (value, &length);
  if (secret != NULL && memchr (secret, '\0', length) == NULL)
    {
      g_autofree char *text = g_strndup (secret, length);

      token = seye_token_parse (text, &error);
      memset (text, 0, length);
    }

  if (node_id == NULL || node_id[0] == '\0' || fingerprint == NULL || token == NULL)
    {
      g_message ("Ignoring the keyring item “%s”: it is not a pairing this version understands",
                 label ? label : "?");
      return NULL;
    }

  /* The label is "Sorcerer's Eye: NAME"; the name is only for display. */
  prefix = strstr (label ? label : "", ": ");
  name = prefix != NULL ? prefix + 2 : label;

  return seye_pairing_new (node_id, name, fingerprint, token);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pairings = NULL;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_unavailable (task, &error);
      return;
    }

  pairings = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_pairing_free);
  for (GList *l = items; l != NULL; l = l->next)
    {
      SeyePairing *pairing = pairing_from_item (l->data);

      if (pairing != NULL)
        g_ptr_array_add (pairings, pairing);
    }
  g_list_free_full (items, g_object_unref);

  g_task_return_pointer (task, g_steal_pointer (&pairings), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * seye_keyring_load_async:
 *
 * Reads every pairing from the keyring (unlocking it if needed: the keyring
 * may ask the user).
 */
void
seye_keyring_load_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, seye_keyring_load_async);
  secret_password_search (get_schema (),
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                          cancellable, search_cb, task,
                          NULL);
}

/**
 * seye_keyring_load_finish:
 *
 * Returns: (transfer full) (element-type SeyePairing): the pairings; %NULL with @error.
 */
GPtrArray *
seye_keyring_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Store and forget --------------------------------------------------------- */

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_IO,
                                 _("The pairing could not be kept in the keyring: %s"), error->message);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
cleared_for_store_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  SeyePairing *pairing = g_task_get_task_data (task);
  g_autofree char *label = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_unavailable (task, &error);
      return;
    }

  /* Translators: the name of a keyring item, as Passwords and Keys lists it; %s is a node's name */
  label = g_strdup_printf (_("Sorcerer’s Eye: %s"), pairing->name ? pairing->name : pairing->node_id);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, pairing->token,
                         g_task_get_cancellable (task), stored_cb, g_object_ref (task),
                         ATTR_NODE_ID, pairing->node_id,
                         ATTR_FINGERPRINT, pairing->fingerprint,
                         NULL);
}

/**
 * seye_keyring_store_async:
 *
 * Keeps @pairing, replacing whatever the keyring held for its node (an older
 * certificate, an older token).
 */
void
seye_keyring_store_async (const SeyePairing   *pairing,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (pairing != NULL && pairing->node_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_keyring_store_async);
  g_task_set_task_data (task, seye_pairing_copy (pairing), (GDestroyNotify) seye_pairing_free);

  secret_password_clear (get_schema (), cancellable, cleared_for_store_cb, task,
                         ATTR_NODE_ID, pairing->node_id,
                         NULL);
}

gboolean
seye_keyring_store_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_unavailable (task, &error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * seye_keyring_forget_async:
 *
 * Deletes the keyring item of @node_id's pairing (it is not an error when there is none).
 */
void
seye_keyring_forget_async (const char          *node_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (node_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_keyring_forget_async);
  secret_password_clear (get_schema (), cancellable, cleared_cb, task,
                         ATTR_NODE_ID, node_id,
                         NULL);
}

gboolean
seye_keyring_forget_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
