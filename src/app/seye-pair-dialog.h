/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-monitor.h"

G_BEGIN_DECLS

/**
 * SeyePairDialog:
 *
 * Pairs with one node: shows the fingerprint of the certificate the node
 * presented in the TLS handshake (to compare with `sorcerers-eye-agent
 * --pairing-info` on the node), takes the token, and tries it through
 * seye_monitor_pair_async(): the token is only sent if the node presents that
 * very certificate. A wrong token is said in the dialog, which stays open.
 *
 * Signals: "paired" (SeyePairing *pairing): the node took the token; the
 * dialog closes after it.
 */
#define SEYE_TYPE_PAIR_DIALOG (seye_pair_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SeyePairDialog, seye_pair_dialog, SEYE, PAIR_DIALOG, AdwWindow)

SeyePairDialog *seye_pair_dialog_new (GtkWindow   *parent,
                                      SeyeMonitor *monitor,
                                      SeyeNode    *node,
                                      gboolean     keyring_available);
SeyeNode       *seye_pair_dialog_get_node (SeyePairDialog *self);

/* For tests. */
const char     *_seye_pair_dialog_get_shown_fingerprint (SeyePairDialog *self);
const char     *_seye_pair_dialog_get_error             (SeyePairDialog *self);
void            _seye_pair_dialog_set_token             (SeyePairDialog *self,
                                                         const char     *text);

G_END_DECLS
