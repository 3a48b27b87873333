/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "seye-error.h"
#include "seye-keyring.h"

/*
 * The password or bearer token of a server the app reads nodes from (a
 * Prometheus server), one keyring item per server URL: schema
 * "io.github.sorcerers_eye.Server", attribute "url", the secret as the item's
 * secret, labelled "Sorcerer's Eye: URL".
 */

#define ATTR_URL "url"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    SEYE_KEYRING_SERVER_SCHEMA, SECRET_SCHEMA_NONE,
    {
      { ATTR_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Ends @task with @error: a cancellation as it is, anything else in words. */
static void
return_error (GTask      *task,
              GError    **error,
              const char *format)
{
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (error));
  else
    g_task_return_new_error (task, SEYE_ERROR, SEYE_ERROR_UNAVAILABLE, format, (*error)->message);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      /* Translators: %s says why */
      return_error (task, &error, _("The password or token could not be kept in the keyring (%s): it lasts until "
                                    "Sorcerer’s Eye quits. Start gnome-keyring, or another Secret Service, "
                                    "to keep it."));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * seye_keyring_store_server_secret_async:
 * @url: the server, as the settings keep it
 * @secret: its password or bearer token
 *
 * Keeps @secret for @url, replacing what the keyring held for it.
 */
void
seye_keyring_store_server_secret_async (const char          *url,
                                        const char          *secret,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (url != NULL && secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_keyring_store_server_secret_async);

  /* Translators: the name of a keyring item, as Passwords and Keys lists it; %s is a server's URL */
  label = g_strdup_printf (_("Sorcerer’s Eye: %s"), url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         stored_cb, task,
                         ATTR_URL, url,
                         NULL);
}

gboolean
seye_keyring_store_server_secret_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      /* Translators: %s says why */
      return_error (task, &error, _("The keyring is not available (%s): the server’s password or token "
                                    "cannot be read. Start gnome-keyring, or another Secret Service."));
      return;
    }

  g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * seye_keyring_lookup_server_secret_async:
 *
 * Reads the secret kept for @url (unlocking the keyring if needed).
 */
void
seye_keyring_lookup_server_secret_async (const char          *url,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_keyring_lookup_server_secret_async);
  secret_password_lookup (get_schema (), cancellable, looked_up_cb, task,
                          ATTR_URL, url,
                          NULL);
}

/**
 * seye_keyring_lookup_server_secret_finish:
 *
 * Returns: (transfer full) (nullable): the secret, to be freed with
 *   seye_keyring_secret_free(); %NULL without @error when the keyring holds none.
 */
char *
seye_keyring_lookup_server_secret_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
      /* Translators: %s says why */
      return_error (task, &error, _("The server’s password or token could not be deleted from the "
                                    "keyring: %s"));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * seye_keyring_forget_server_secret_async:
 *
 * Deletes the secret kept for @url (it is not an error when there is none).
 */
void
seye_keyring_forget_server_secret_async (const char          *url,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, seye_keyring_forget_server_secret_async);
  secret_password_clear (get_schema (), cancellable, cleared_cb, task,
                         ATTR_URL, url,
                         NULL);
}

gboolean
seye_keyring_forget_server_secret_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Wipes and frees a secret the keyring gave. */
void
seye_keyring_secret_free (char *secret)
{
  secret_password_free (secret);
}
