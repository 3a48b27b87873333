/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "seye-monitor.h"

G_BEGIN_DECLS

/**
 * SeyePairings:
 *
 * The app's side of pairing: loads the pairings from the desktop keyring into
 * the monitor's credentials at start, opens the pairing dialog, keeps a new
 * pairing in the keyring and deletes it on "Forget Pairing". Without a keyring
 * it says so once and pairings last for the session.
 *
 * Signals: "message" (const char *text): something for the user, as plain text.
 */
#define SEYE_TYPE_PAIRINGS (seye_pairings_get_type ())
G_DECLARE_FINAL_TYPE (SeyePairings, seye_pairings, SEYE, PAIRINGS, GObject)

SeyePairings *seye_pairings_new                  (SeyeMonitor          *monitor) G_GNUC_WARN_UNUSED_RESULT;
void          seye_pairings_load_async           (SeyePairings         *self,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void          seye_pairings_load_finish          (SeyePairings         *self,
                                                  GAsyncResult         *result);
gboolean      seye_pairings_get_keyring_available (SeyePairings        *self);
void          seye_pairings_pair                 (SeyePairings         *self,
                                                  GtkWindow            *parent,
                                                  SeyeNode             *node);
void          seye_pairings_forget               (SeyePairings         *self,
                                                  SeyeNode             *node);

/* For tests: the open pairing dialog, or NULL. */
GtkWindow    *_seye_pairings_get_dialog          (SeyePairings         *self);

G_END_DECLS
