/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-sample.h"

G_BEGIN_DECLS

/* The alert rules, as flags: a node's active alerts are a set of these. */
typedef enum
{
  SEYE_ALERT_CPU        = 1 << 0,  /* CPU busy >= cpu_threshold for cpu_hold seconds */
  SEYE_ALERT_MEMORY     = 1 << 1,  /* memory used >= memory_threshold */
  SEYE_ALERT_OFFLINE    = 1 << 2,  /* node offline (not: left the network) */
  SEYE_ALERT_SWAP       = 1 << 3,  /* swap in use >= swap_threshold (percent of swap) */
  SEYE_ALERT_FILESYSTEM = 1 << 4,  /* a filesystem used >= filesystem_threshold */
  SEYE_ALERT_LOAD       = 1 << 5,  /* load1 per core >= load_threshold for load_hold seconds */
} SeyeAlertKind;

#define SEYE_ALERT_N_KINDS 6
#define SEYE_ALERT_ALL     ((1u << SEYE_ALERT_N_KINDS) - 1)

/* How a value stands against its rule, for colouring a cell. */
typedef enum
{
  SEYE_ALERT_LEVEL_NORMAL,
  SEYE_ALERT_LEVEL_WARNING,   /* near the threshold, or its alert acknowledged */
  SEYE_ALERT_LEVEL_ERROR,     /* at or over the threshold, or its alert active */
} SeyeAlertLevel;

/* Defaults shared by the app and the CLI (and the app's GSettings defaults). */
#define SEYE_ALERT_DEFAULT_CPU_THRESHOLD        90.0
#define SEYE_ALERT_DEFAULT_CPU_HOLD             30.0
#define SEYE_ALERT_DEFAULT_MEMORY_THRESHOLD     90.0
#define SEYE_ALERT_DEFAULT_SWAP_THRESHOLD       80.0
#define SEYE_ALERT_DEFAULT_FILESYSTEM_THRESHOLD 90.0
#define SEYE_ALERT_DEFAULT_LOAD_THRESHOLD       2.0    /* load1 per core */
#define SEYE_ALERT_DEFAULT_LOAD_HOLD            300.0
#define SEYE_ALERT_HYSTERESIS                   5.0    /* percent below the threshold to clear */
#define SEYE_ALERT_LOAD_HYSTERESIS              0.25   /* load per core below the threshold to clear */
#define SEYE_ALERT_WARNING_MARGIN               10.0   /* percent below the threshold that warns */
#define SEYE_ALERT_RULE_OFF                     G_MAXDOUBLE  /* a threshold that turns a rule off */

typedef struct
{
  double   cpu_threshold;       /* percent; above 100: off */
  double   cpu_hold;            /* seconds */
  double   memory_threshold;    /* percent; above 100: off */
  gboolean offline;
  double   swap_threshold;      /* percent of swap in use; above 100: off */
  double   filesystem_threshold; /* percent of a filesystem used; above 100: off */
  char   **filesystem_ignore;   /* glob patterns of mount points that never alert; may be NULL */
  double   load_threshold;      /* load1 per core; SEYE_ALERT_RULE_OFF: off */
  double   load_hold;           /* seconds */
} SeyeAlertRules;

const char *seye_alert_kind_get_id      (SeyeAlertKind  kind);   /* "cpu", "memory", ... */
gboolean    seye_alert_kind_from_id     (const char    *id,
                                         SeyeAlertKind *kind);
const char *seye_alert_kind_get_title   (SeyeAlertKind  kind);   /* translated: "CPU", "Disk", ... */

#define SEYE_TYPE_ALERT_RULES (seye_alert_rules_get_type ())
GType           seye_alert_rules_get_type      (void) G_GNUC_CONST;
SeyeAlertRules *seye_alert_rules_copy          (const SeyeAlertRules *self);
void            seye_alert_rules_free          (SeyeAlertRules       *self);
void            seye_alert_rules_init_defaults (SeyeAlertRules       *self);
void            seye_alert_rules_copy_to       (const SeyeAlertRules *self,
                                                SeyeAlertRules       *dest);
void            seye_alert_rules_clear         (SeyeAlertRules       *self);
gboolean        seye_alert_rules_equal         (const SeyeAlertRules *a,
                                                const SeyeAlertRules *b);
gboolean        seye_alert_rules_is_on         (const SeyeAlertRules *self,
                                                SeyeAlertKind         kind);
double          seye_alert_rules_get_threshold (const SeyeAlertRules *self,
                                                SeyeAlertKind         kind);
void            seye_alert_rules_set_threshold (SeyeAlertRules       *self,
                                                SeyeAlertKind         kind,
                                                double                threshold);
void            seye_alert_rules_apply_overrides (SeyeAlertRules     *self,
                                                  GVariant           *overrides);
gboolean        seye_alert_rules_watches_filesystem (const SeyeAlertRules *self,
                                                     const SeyeFilesystem *fs);
SeyeAlertLevel  seye_alert_rules_get_level     (const SeyeAlertRules *self,
                                                SeyeAlertKind         kind,
                                                double                value);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SeyeAlertRules, seye_alert_rules_clear)

/* The fullest filesystem of @sample that @rules watch (all when @rules is NULL);
 * NULL when there is none. */
const SeyeFilesystem *seye_alert_fullest_filesystem (const SeyeSample     *sample,
                                                     const SeyeAlertRules *rules);
double                seye_alert_filesystem_percent (const SeyeFilesystem *fs);

/* Per-node evaluator: feed samples and offline transitions. */
typedef struct
{
  guint  active;                /* SeyeAlertKind set */
  guint  acknowledged;          /* the subset of @active a user acknowledged */
  gint64 cpu_high_since_ms;     /* 0 = CPU not above threshold */
  gint64 load_high_since_ms;    /* 0 = load not above threshold */
  double values[SEYE_ALERT_N_KINDS];      /* the latest value each rule saw (by bit index) */
  char   filesystem[256];       /* mount point of the fullest watched filesystem */
} SeyeAlertState;

guint seye_alert_state_update   (SeyeAlertState       *state,
                                 const SeyeAlertRules *rules,
                                 const SeyeSample     *sample,   /* NULL: no new sample */
                                 gboolean              offline,
                                 gint64                now_ms);
double seye_alert_state_get_value (const SeyeAlertState *state,
                                   SeyeAlertKind         kind);
/* "CPU 97 %", "Memory 96 %", "Swap 85 %", "Disk /var 97 %", "Load 2.4/core", "Offline".
 * Plain text, already safe to show (the mount point is sanitised). */
char  *seye_alert_state_describe  (const SeyeAlertState *state,
                                   SeyeAlertKind         kind) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
