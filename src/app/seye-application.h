/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "seye-monitor.h"
#include "seye-pairings.h"
#include "seye-prometheus-servers.h"
#include "seye-store.h"

G_BEGIN_DECLS

#define SEYE_TYPE_APPLICATION (seye_application_get_type ())
G_DECLARE_FINAL_TYPE (SeyeApplication, seye_application, SEYE, APPLICATION, AdwApplication)

SeyeApplication *seye_application_new         (void);
SeyeMonitor     *seye_application_get_monitor (SeyeApplication *self);
SeyeStore       *seye_application_get_store   (SeyeApplication *self);
SeyePairings    *seye_application_get_pairings (SeyeApplication *self);
SeyePrometheusServers *seye_application_get_prometheus_servers (SeyeApplication *self);

G_END_DECLS
