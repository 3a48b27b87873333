/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-sample.h"

G_BEGIN_DECLS

/* PRAGMA user_version of a database this code writes. */
#define SEYE_STORE_SCHEMA_VERSION 3

/* Full resolution for a day, one-minute rollups for 7 days, one-hour rollups for 90 days
 * (seconds), and the whole file within 5 GB: past that the oldest raw samples go first,
 * then the oldest rollups (seye-store-budget.c). */
#define SEYE_STORE_DEFAULT_RAW_RETENTION    (24 * 3600)
#define SEYE_STORE_DEFAULT_ROLLUP_RETENTION (7 * 24 * 3600)
#define SEYE_STORE_DEFAULT_HOURLY_RETENTION (90 * 24 * 3600)
#define SEYE_STORE_DEFAULT_DISK_BUDGET      ((gint64) 5 * 1000 * 1000 * 1000)

/* Width of a rollup, and of an hourly rollup. */
#define SEYE_STORE_ROLLUP_MS 60000
#define SEYE_STORE_HOURLY_MS 3600000

#define SEYE_STORE_ERROR (seye_store_error_quark ())

/**
 * SeyeStoreError:
 * @SEYE_STORE_ERROR_FAILED: the file cannot be used for another reason (the message says which).
 * @SEYE_STORE_ERROR_READ_ONLY: the file, its folder or its file system is read-only.
 * @SEYE_STORE_ERROR_PERMISSION: the file belongs to another user, or its permissions keep us out.
 * @SEYE_STORE_ERROR_LOCKED: another program holds the file.
 * @SEYE_STORE_ERROR_DISK_FULL: the disk is full.
 * @SEYE_STORE_ERROR_CORRUPT: SQLite reports the file damaged. Only a reader is told: a store
 *   opened for recording sets such a file aside and starts a new one.
 *
 * Why the history file cannot be opened, read or written. Every code but
 * %SEYE_STORE_ERROR_CORRUPT says nothing about the data: the file is left as it is.
 */
typedef enum
{
  SEYE_STORE_ERROR_FAILED,
  SEYE_STORE_ERROR_READ_ONLY,
  SEYE_STORE_ERROR_PERMISSION,
  SEYE_STORE_ERROR_LOCKED,
  SEYE_STORE_ERROR_DISK_FULL,
  SEYE_STORE_ERROR_CORRUPT,
} SeyeStoreError;

GQuark seye_store_error_quark (void);

/**
 * SeyeStoreOpenFlags:
 * @SEYE_STORE_OPEN_DEFAULT: create the file and migrate it; a file SQLite reports damaged is
 *   set aside. A file that can be read but not written (read-only, another user's, locked, a
 *   full disk) is opened read-only instead: see seye_store_get_write_error().
 * @SEYE_STORE_OPEN_READ_ONLY: read an existing, current database (for `seye history`):
 *   no creation, no migration, nothing is ever renamed; damage is an error.
 * @SEYE_STORE_OPEN_FULL_CHECK: run `PRAGMA integrity_check` instead of `quick_check`.
 */
typedef enum
{
  SEYE_STORE_OPEN_DEFAULT    = 0,
  SEYE_STORE_OPEN_READ_ONLY  = 1 << 0,
  SEYE_STORE_OPEN_FULL_CHECK = 1 << 1,
} SeyeStoreOpenFlags;

typedef enum
{
  SEYE_STORE_FORMAT_CSV,
  SEYE_STORE_FORMAT_JSON,
} SeyeStoreFormat;

/**
 * SeyeStorePoint:
 * @time_ms: Unix ms: the sample's time for a raw point, else the start of the span
 * @span_ms: 0 for a raw sample, 60000 for a one-minute rollup, 3600000 for an hourly one,
 *   the bucket width otherwise
 * @n_samples: how many raw samples the point stands for
 * @gap_before: %TRUE when there is no data between the previous point and this one:
 *   a graph must not draw a line from the previous point to this one
 * @avg: the sample (raw) or the averages (rollup, bucket); its `parts` say what is known
 * @min: the smallest values over the span (the same sample as @avg for a raw point)
 * @max: the largest values over the span (likewise)
 *
 * One point of a node's stored history. Rule for @gap_before: the distance from the previous
 * point is more than twice the series step, where the step is the larger of the bucket width,
 * the previous point's span and its sampling interval.
 */
typedef struct
{
  gint64      time_ms;
  gint64      span_ms;
  guint       n_samples;
  gboolean    gap_before;
  SeyeSample *avg;
  SeyeSample *min;
  SeyeSample *max;
} SeyeStorePoint;

#define SEYE_TYPE_STORE_POINT (seye_store_point_get_type ())
GType           seye_store_point_get_type (void) G_GNUC_CONST;
SeyeStorePoint *seye_store_point_copy     (const SeyeStorePoint *self) G_GNUC_WARN_UNUSED_RESULT;
void            seye_store_point_free     (SeyeStorePoint       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeStorePoint, seye_store_point_free)

/**
 * SeyeStoreNode:
 *
 * A node the store holds history for (one row of its nodes table).
 */
typedef struct
{
  char   *node_id;
  char   *name;            /* last name seen */
  char   *address;         /* last "host:port" seen */
  gint64  first_ms;        /* oldest sample or rollup minute held (Unix ms), 0 when none */
  gint64  last_ms;         /* newest sample or rollup minute held, 0 when none */
} SeyeStoreNode;

void seye_store_node_free (SeyeStoreNode *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeStoreNode, seye_store_node_free)

/**
 * SeyeAlertEventType:
 * @SEYE_ALERT_EVENT_START: an alert started
 * @SEYE_ALERT_EVENT_CLEAR: it cleared
 * @SEYE_ALERT_EVENT_ACKNOWLEDGE: a user acknowledged it
 *
 * What happened to an alert; stored as "start", "clear", "acknowledge".
 */
typedef enum
{
  SEYE_ALERT_EVENT_START,
  SEYE_ALERT_EVENT_CLEAR,
  SEYE_ALERT_EVENT_ACKNOWLEDGE,
} SeyeAlertEventType;

const char *seye_alert_event_type_to_string   (SeyeAlertEventType  type);
gboolean    seye_alert_event_type_from_string (const char         *string,
                                               SeyeAlertEventType *type);

/**
 * SeyeAlertEvent:
 * @time_ms: when it happened, Unix ms
 * @node_id: the node's id (or, before a node told it, the key it is known by)
 * @name: (nullable): the node's name then, exactly as it announced it (not sanitised)
 * @rule: the rule's id: "cpu", "memory", "offline", "swap", "filesystem", "load"
 * @event: start, clear or acknowledgement
 * @value: the rule's value then (percent, load per core), NAN when the rule has none
 * @reason: (nullable): the reason in words then: "Memory 96 %"
 *
 * One line of the alert log.
 */
typedef struct
{
  gint64              time_ms;
  char               *node_id;
  char               *name;
  char               *rule;
  SeyeAlertEventType  event;
  double              value;
  char               *reason;
} SeyeAlertEvent;

#define SEYE_TYPE_ALERT_EVENT (seye_alert_event_get_type ())
GType           seye_alert_event_get_type (void) G_GNUC_CONST;
SeyeAlertEvent *seye_alert_event_new      (gint64                time_ms,
                                           const char           *node_id,
                                           const char           *name,
                                           const char           *rule,
                                           SeyeAlertEventType    event,
                                           double                value,
                                           const char           *reason) G_GNUC_WARN_UNUSED_RESULT;
SeyeAlertEvent *seye_alert_event_copy     (const SeyeAlertEvent *self) G_GNUC_WARN_UNUSED_RESULT;
void            seye_alert_event_free     (SeyeAlertEvent       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeAlertEvent, seye_alert_event_free)

/**
 * SeyeStore:
 *
 * Every sample a client receives, kept in SQLite (WAL): full resolution for
 * "raw-retention" seconds, one-minute rollups (average, minimum, maximum) for
 * "rollup-retention" seconds, one-hour rollups for "hourly-retention" seconds, and the
 * whole within "disk-budget" bytes (0: no budget): when the data outgrows it, the oldest
 * raw samples are deleted first, then the oldest minute rollups, then the oldest hourly
 * ones, never the newest (see seye_store_maintain()). Nodes are keyed by node id.
 *
 * Writing happens on the thread that opened the store, one transaction per
 * seye_store_commit(); rollup and pruning (seye_store_maintain_async()), range
 * queries and exports in their _async() form run on worker threads with
 * connections of their own, so a main loop never waits on them.
 *
 * Properties: "path" (string, read-only), "raw-retention", "rollup-retention",
 * "hourly-retention" (int64 seconds, read-write), "disk-budget" (int64 bytes, read-write),
 * "set-aside-path" (string, read-only: where a damaged
 * file was moved when this store was opened, else NULL).
 *
 * The alert log (every start, clear and acknowledgement) is queued with
 * seye_store_add_alert_event() and written by the next commit; it is kept as long as
 * the longest of the rollup tiers. Signal "alert-events-written": after a commit wrote alert events.
 */
#define SEYE_TYPE_STORE (seye_store_get_type ())
G_DECLARE_FINAL_TYPE (SeyeStore, seye_store, SEYE, STORE, GObject)

char       *seye_store_get_default_path       (void) G_GNUC_WARN_UNUSED_RESULT;

SeyeStore  *seye_store_open                   (const char          *path,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SeyeStore  *seye_store_open_full              (const char          *path,
                                               SeyeStoreOpenFlags   flags,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void        seye_store_open_async             (const char          *path,
                                               SeyeStoreOpenFlags   flags,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
SeyeStore  *seye_store_open_finish            (GAsyncResult        *result,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;

const char *seye_store_get_path               (SeyeStore           *self);
const char *seye_store_get_set_aside_path     (SeyeStore           *self);
const char *seye_store_get_set_aside_message  (SeyeStore           *self);
gboolean    seye_store_get_read_only          (SeyeStore           *self);
const GError *seye_store_get_write_error      (SeyeStore           *self);
const char *seye_store_get_recording_error   (SeyeStore           *self);
gint64      seye_store_get_raw_retention      (SeyeStore           *self);
void        seye_store_set_raw_retention      (SeyeStore           *self,
                                               gint64               seconds);
gint64      seye_store_get_rollup_retention   (SeyeStore           *self);
void        seye_store_set_rollup_retention   (SeyeStore           *self,
                                               gint64               seconds);
gint64      seye_store_get_hourly_retention   (SeyeStore           *self);
void        seye_store_set_hourly_retention   (SeyeStore           *self,
                                               gint64               seconds);
gint64      seye_store_get_history_retention  (SeyeStore           *self);
gint64      seye_store_get_disk_budget        (SeyeStore           *self);
void        seye_store_set_disk_budget        (SeyeStore           *self,
                                               gint64               bytes);
gint64      seye_store_get_disk_usage         (SeyeStore           *self);

/* Writing: queue the samples of a polling round, then write them in one transaction. */
void        seye_store_add                    (SeyeStore           *self,
                                               const char          *node_id,
                                               const char          *name,
                                               const char          *address,
                                               SeyeSample          *sample);
guint       seye_store_get_n_pending          (SeyeStore           *self);
void        seye_store_add_alert_event        (SeyeStore           *self,
                                               const SeyeAlertEvent *event);
gboolean    seye_store_commit                 (SeyeStore           *self,
                                               GError             **error);

/* Rollup and pruning as of @now_ms (Unix ms). */
gboolean    seye_store_maintain               (SeyeStore           *self,
                                               gint64               now_ms,
                                               GError             **error);
void        seye_store_maintain_async         (SeyeStore           *self,
                                               gint64               now_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    seye_store_maintain_finish        (SeyeStore           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Reading. */
GPtrArray  *seye_store_list_alert_events      (SeyeStore           *self,
                                               gint64               since_ms,
                                               const char          *node_filter,
                                               guint                limit,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray  *seye_store_list_nodes             (SeyeStore           *self,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray  *seye_store_query                  (SeyeStore           *self,
                                               const char          *node_id,
                                               gint64               from_ms,
                                               gint64               to_ms,
                                               guint                max_points,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void        seye_store_query_async            (SeyeStore           *self,
                                               const char          *node_id,
                                               gint64               from_ms,
                                               gint64               to_ms,
                                               guint                max_points,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray  *seye_store_query_finish           (SeyeStore           *self,
                                               GAsyncResult        *result,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean    seye_store_export                 (SeyeStore           *self,
                                               const char          *node_id,
                                               gint64               from_ms,
                                               gint64               to_ms,
                                               SeyeStoreFormat      format,
                                               GOutputStream       *stream,
                                               GCancellable        *cancellable,
                                               GError             **error);
void        seye_store_export_async           (SeyeStore           *self,
                                               const char          *node_id,
                                               gint64               from_ms,
                                               gint64               to_ms,
                                               SeyeStoreFormat      format,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    seye_store_export_finish          (SeyeStore           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
