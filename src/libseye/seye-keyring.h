/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-credentials.h"

G_BEGIN_DECLS

/*
 * The pairings in the desktop keyring (the Secret Service, through libsecret):
 * one item per paired node, schema "io.github.sorcerers_eye.Pairing", attributes
 * "node-id" and "fingerprint" (the pinned certificate), the token as the secret,
 * labelled "Sorcerer's Eye: NODE NAME". Built as its own static library
 * (seye-keyring) for the app and the tests: the agent never links libsecret.
 *
 * Errors are SEYE_ERROR_UNAVAILABLE with a message a user can act on when no
 * keyring answers, SEYE_ERROR_IO when it refused.
 */
#define SEYE_KEYRING_SCHEMA "io.github.sorcerers_eye.Pairing"

void        seye_keyring_load_async    (GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray  *seye_keyring_load_finish   (GAsyncResult        *result,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void        seye_keyring_store_async   (const SeyePairing   *pairing,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    seye_keyring_store_finish  (GAsyncResult        *result,
                                        GError             **error);
void        seye_keyring_forget_async  (const char          *node_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    seye_keyring_forget_finish (GAsyncResult        *result,
                                        GError             **error);

/*
 * The password or bearer token of a server the app takes nodes from (a
 * Prometheus server): one item per URL, schema "io.github.sorcerers_eye.Server",
 * attribute "url" (seye-keyring-servers.c).
 */
#define SEYE_KEYRING_SERVER_SCHEMA "io.github.sorcerers_eye.Server"

void        seye_keyring_store_server_secret_async   (const char          *url,
                                                      const char          *secret,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean    seye_keyring_store_server_secret_finish  (GAsyncResult        *result,
                                                      GError             **error);
void        seye_keyring_lookup_server_secret_async  (const char          *url,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char       *seye_keyring_lookup_server_secret_finish (GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void        seye_keyring_forget_server_secret_async  (const char          *url,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean    seye_keyring_forget_server_secret_finish (GAsyncResult        *result,
                                                      GError             **error);
void        seye_keyring_secret_free                 (char                *secret);

G_END_DECLS
