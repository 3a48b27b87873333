/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SeyeFleetMdns:
 *
 * Announces many services from one process through one Avahi client, a
 * batch of them per entry group (avahi-daemon's per-client limits).
 */
typedef struct _SeyeFleetMdns SeyeFleetMdns;

SeyeFleetMdns *seye_fleet_mdns_new             (void) G_GNUC_WARN_UNUSED_RESULT;
void           seye_fleet_mdns_free            (SeyeFleetMdns      *self);
void           seye_fleet_mdns_add             (SeyeFleetMdns      *self,
                                                const char         *name,
                                                guint16             port,
                                                const char * const *txt);
void           seye_fleet_mdns_start           (SeyeFleetMdns      *self);
guint          seye_fleet_mdns_get_n_announced (SeyeFleetMdns      *self);

G_END_DECLS
