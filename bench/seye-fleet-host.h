/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-fleet-model.h"

G_BEGIN_DECLS

/**
 * SeyeFleetHost:
 *
 * One simulated agent on the network: a SeyeFleetNode served over HTTP on a
 * port of its own, with the agent's API (docs/api.md) from the core's writers.
 */
typedef struct _SeyeFleetHost SeyeFleetHost;

G_GNUC_WARN_UNUSED_RESULT
SeyeFleetHost *seye_fleet_host_new         (SeyeFleetNode  *node,
                                            double          history_seconds);
void           seye_fleet_host_free        (SeyeFleetHost  *self);
gboolean       seye_fleet_host_listen      (SeyeFleetHost  *self,
                                            GInetAddress   *address,
                                            guint16         port,
                                            GError        **error);
guint16        seye_fleet_host_get_port    (SeyeFleetHost  *self);
SeyeFleetNode *seye_fleet_host_get_node    (SeyeFleetHost  *self);
gboolean       seye_fleet_host_is_offline  (SeyeFleetHost  *self);
guint          seye_fleet_host_get_n_streams (SeyeFleetHost *self);
gint64         seye_fleet_host_get_served_time (SeyeFleetHost *self);
void           seye_fleet_host_tick        (SeyeFleetHost  *self,
                                            gint64          tick);
void           seye_fleet_host_say_goodbye (SeyeFleetHost  *self);

G_END_DECLS
