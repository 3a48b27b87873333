/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-sample.h"

G_BEGIN_DECLS

typedef enum
{
  SEYE_ALERT_CPU     = 1 << 0,  /* CPU busy >= cpu_threshold for cpu_hold seconds */
  SEYE_ALERT_MEMORY  = 1 << 1,  /* memory used >= memory_threshold */
  SEYE_ALERT_OFFLINE = 1 << 2,  /* node offline */
} SeyeAlertKind;

/* Defaults shared by the app and the CLI: CPU >= 90 % for 30 s, memory >= 90 %, offline. */
#define SEYE_ALERT_DEFAULT_CPU_THRESHOLD    90.0
#define SEYE_ALERT_DEFAULT_CPU_HOLD         30.0
#define SEYE_ALERT_DEFAULT_MEMORY_THRESHOLD 90.0
#define SEYE_ALERT_HYSTERESIS               5.0   /* percent below the threshold to clear */

typedef struct
{
  double   cpu_threshold;
  double   cpu_hold;            /* seconds */
  double   memory_threshold;
  gboolean offline;
} SeyeAlertRules;

#define SEYE_TYPE_ALERT_RULES (seye_alert_rules_get_type ())
GType           seye_alert_rules_get_type (void) G_GNUC_CONST;
SeyeAlertRules *seye_alert_rules_copy     (const SeyeAlertRules *self);
void            seye_alert_rules_free     (SeyeAlertRules       *self);
void            seye_alert_rules_init_defaults (SeyeAlertRules  *self);

/* Per-node evaluator: feed samples and offline transitions; returns the active SeyeAlertKind set. */
typedef struct
{
  guint  active;
  gint64 cpu_high_since_ms;     /* 0 = CPU not above threshold */
} SeyeAlertState;

guint seye_alert_state_update (SeyeAlertState       *state,
                               const SeyeAlertRules *rules,
                               const SeyeSample     *sample,   /* NULL: no new sample */
                               gboolean              offline,
                               gint64                now_ms);

G_END_DECLS
