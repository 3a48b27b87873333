/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "seye-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define COMMIT_BUSY_MS      20       /* a commit waits this long for the rollup thread, then stays queued */
#define OPEN_BUSY_MS        2000
#define WORKER_BUSY_MS      5000
#define ROLLUP_LAG_MS       SEYE_STORE_ROLLUP_MS         /* a minute is rolled up this long after its end */
#define HOURLY_CHUNK        4        /* hours rolled up per transaction */
#define MAINTAIN_PERIOD_S   60       /* SeyeRecorder runs a maintenance pass this often */
#define MAX_PENDING         500000   /* samples kept while the database is busy */
#define COMMIT_SLICE        4000     /* samples per recorder commit when catching up (~6 ms) */
#define CORE_SCALE          2.0

/* The numbers of a sample, one column each (seye-store-schema.c). */
typedef enum
{
  M_CPU_BUSY,
  M_CPU_USER,
  M_CPU_SYSTEM,
  M_CPU_IOWAIT,
  M_CPU_STEAL,
  M_MEM_USED,
  M_MEM_AVAILABLE,
  M_MEM_TOTAL,
  M_SWAP_USED,
  M_SWAP_TOTAL,
  M_LOAD1,
  M_LOAD5,
  M_LOAD15,
  M_PROCS,
  M_THREADS,
  M_NET_RX,
  M_NET_TX,
  M_DISK_READ,
  M_DISK_WRITE,
  M_UPTIME,
  N_METRICS
} Metric;

typedef struct
{
  const char      *column;     /* in the database */
  const char      *name;       /* in exports, with the unit */
  SeyeSampleParts  part;
  double           scale;      /* stored integer = round (value × scale) */
  int              decimals;   /* in exports */
} MetricInfo;

extern const MetricInfo _seye_store_metrics[N_METRICS];

/* What the user is doing with the file when it fails: each gets its own advice. */
typedef enum
{
  USE_RECORD,   /* opening it to record history */
  USE_READ,     /* reading history (`seye history`, the detail pane) */
  USE_WRITE,    /* committing samples */
} Use;

typedef enum
{
  OPEN_OK,
  OPEN_DAMAGED,     /* SQLite reports it damaged, or it is not a history of ours: set it aside */
  OPEN_FAILED,      /* report; leave the file alone */
} OpenResult;


/* The start of the minute @ms falls in (Unix ms). */
static inline gint64
floor_minute (gint64 ms)
{
  gint64 r = ms % SEYE_STORE_ROLLUP_MS;

  return r < 0 ? ms - r - SEYE_STORE_ROLLUP_MS : ms - r;
}

/* The start of the hour @ms falls in (Unix ms). */
static inline gint64
floor_hour (gint64 ms)
{
  gint64 r = ms % SEYE_STORE_HOURLY_MS;

  return r < 0 ? ms - r - SEYE_STORE_HOURLY_MS : ms - r;
}

struct _SeyeStore
{
  GObject       parent_instance;

  char         *path;
  char         *set_aside_path;
  char         *set_aside_message;
  gint64        raw_retention;      /* seconds */
  gint64        rollup_retention;   /* seconds */
  gint64        hourly_retention;   /* seconds */
  gint64        disk_budget;        /* bytes, 0 for none */
  gboolean      read_only;          /* nothing is recorded: asked for, or the file cannot be written */
  gboolean      immutable;          /* read without the -wal and -shm SQLite cannot make */
  GError       *write_error;        /* why a store opened to record only reads */
  char         *recording_error;    /* why the last write while recording failed; NULL once one works */

  /* The writer's connection, used on the thread that opened the store */
  sqlite3      *db;
  sqlite3_stmt *insert_sample;
  sqlite3_stmt *upsert_node;
  sqlite3_stmt *mark_dirty;
  sqlite3_stmt *insert_alert;
  GHashTable   *node_cache;         /* node id -> CachedNode (seye-store-write.c) */
  GArray       *pending;            /* Pending (seye-store-write.c) */
  GPtrArray    *pending_alerts;     /* SeyeAlertEvent, written with the next commit */
};

/* A row as read (raw sample or rollup) or as accumulated into a bucket. */
typedef struct
{
  gint64   time_ms;
  gint64   span_ms;        /* 0 raw, 60000 rollup, bucket width */
  guint    n;
  double   interval;       /* seconds between raw samples; 0 when unknown */
  guint    parts;
  guint32  has;            /* bit per Metric */
  double   avg[N_METRICS];
  double   min[N_METRICS];
  double   max[N_METRICS];
  double   weight[N_METRICS];
  GArray  *cores;          /* double: busy %, averaged */
  GArray  *core_weight;    /* double */
  gboolean gap_before;
} Row;

/* A raw sample in stored units (seye-store-pack.c). */
typedef struct
{
  gint64   time_ms;
  gint64   interval_ms;
  gint64   parts;
  guint32  has;                 /* bit per Metric */
  guint    n_cores;
  gint64   values[N_METRICS];
  guint8   cores[1024];         /* busy % × CORE_SCALE */
} RawSample;

typedef gboolean (*RowFunc) (const Row *row,
                             gpointer   user_data,
                             GError   **error);

/* What a worker thread reads: a copy, so the store may go meanwhile. */
typedef struct
{
  char            *path;
  gboolean         read_only;
  gboolean         immutable;
  char            *node_id;
  gint64           from_ms;
  gint64           to_ms;
  guint            max_points;
  SeyeStoreFormat  format;
  GFile           *file;
} ReadData;

/* seye-store.c */
void        _seye_store_set_recording_error (SeyeStore    *self,
                                             const char   *message);

/* seye-store-open.c */
OpenResult  _seye_store_open_failed         (SeyeStore    *self,
                                             int           rc,
                                             Use           use,
                                             const char   *detail,
                                             GError      **error);
void        _seye_store_close_db            (SeyeStore    *self);

/* seye-store-error.c: what a failure means for the user, in words. */
gboolean    _seye_store_is_busy             (int           rc);
SeyeStoreError _seye_store_access_code      (const char   *path,
                                             int           sys_errno);
SeyeStoreError _seye_store_failure_code     (sqlite3      *db,
                                             int           rc,
                                             const char   *path);
void        _seye_store_set_error           (GError      **error,
                                             SeyeStoreError code,
                                             const char   *path,
                                             Use           use,
                                             const char   *detail);
void        _seye_store_set_sqlite_error    (GError      **error,
                                             sqlite3      *db,
                                             int           rc,
                                             const char   *path,
                                             Use           use);

/* seye-store-sql.c: connections and small helpers. */
sqlite3    *_seye_store_open_connection     (const char   *path,
                                             gboolean      read_only,
                                             gboolean      immutable,
                                             gboolean      create,
                                             int           busy_ms,
                                             int          *rc_out,
                                             GError      **error);
gboolean    _seye_store_exec                (sqlite3      *db,
                                             const char   *sql,
                                             int          *rc_out,
                                             GError      **error);
gint64      _seye_store_query_int           (sqlite3      *db,
                                             const char   *sql,
                                             gint64        bind1,
                                             gint64        fallback,
                                             int          *rc_out);
int         _seye_store_step_reset          (sqlite3_stmt *stmt);
int         _seye_store_end_transaction     (sqlite3      *db,
                                             int           rc);

/* seye-store-write.c */
void        _seye_store_write_init          (SeyeStore    *self);
gboolean    _seye_store_commit_pending      (SeyeStore    *self,
                                             guint         max,
                                             GError      **error);
gboolean    _seye_store_commit_recorded     (SeyeStore    *self,
                                             guint         max);

/* seye-store-alerts.c */
int         _seye_store_write_alert_events  (SeyeStore    *self);
void        _seye_store_alert_events_written (SeyeStore   *self);

/* seye-store-query.c */
gboolean    _seye_store_read_series         (sqlite3      *db,
                                             const char   *node_id,
                                             gint64        from_ms,
                                             gint64        to_ms,
                                             guint         max_points,
                                             RowFunc       func,
                                             gpointer      user_data,
                                             GError      **error);
ReadData   *_seye_store_read_data_new       (SeyeStore    *self,
                                             const char   *node_id,
                                             gint64        from_ms,
                                             gint64        to_ms);
void        _seye_store_read_data_free      (gpointer      data);
sqlite3    *_seye_store_read_data_connect   (ReadData     *rd,
                                             GTask        *task);

/* seye-store-pack.c: a run of one node's raw samples in one BLOB. */
GBytes     *_seye_store_pack_encode         (const RawSample *samples,
                                             guint            n);
gboolean    _seye_store_pack_decode         (const guint8    *data,
                                             gsize            len,
                                             gint64           start,
                                             GArray          *out);
void        _seye_store_raw_from_stmt       (RawSample       *raw,
                                             sqlite3_stmt    *stmt,
                                             int              col);

/* seye-store-raw.c: packing "recent" into "packed" and rolling up, and reading both. */
typedef struct _Packer Packer;

Packer     *_seye_store_packer_new          (sqlite3         *db,
                                             int             *rc);
void        _seye_store_packer_free         (Packer          *packer);
int         _seye_store_packer_pack_recent  (Packer          *packer);
int         _seye_store_pack_samples_table  (sqlite3         *db);

typedef struct
{
  sqlite3_stmt *packed;
  sqlite3_stmt *recent;
  GArray       *decoded;        /* RawSample of the current packed row */
  guint         pos;
  gboolean      packed_done;
  RawSample    *recent_row;
  gboolean      recent_ready;
  gboolean      recent_done;
  gint64        from_ms;
  gint64        to_ms;
  gboolean      returned_any;
  gint64        last_ms;        /* the time last returned */
} RawCursor;

int         _seye_store_raw_cursor_init     (RawCursor       *cursor,
                                             sqlite3         *db,
                                             gint64           node,
                                             gint64           from_ms,
                                             gint64           to_ms);
const RawSample *_seye_store_raw_cursor_next (RawCursor      *cursor,
                                             int             *rc);
void        _seye_store_raw_cursor_clear    (RawCursor       *cursor);

/* seye-store-budget.c: what maintenance is asked to keep, read on its own thread. */
typedef struct
{
  char   *path;
  gint64  now_ms;
  gint64  raw_retention;      /* seconds */
  gint64  rollup_retention;   /* seconds */
  gint64  hourly_retention;   /* seconds */
  gint64  disk_budget;        /* bytes, 0 for none */
} MaintainData;

int         _seye_store_keep_budget         (sqlite3             *db,
                                             const MaintainData  *md,
                                             GCancellable        *cancellable);

/* seye-store-schema.c: the SQL text is built from the metric table (g_free() it). */
char       *_seye_store_sql_insert_sample   (void);
char       *_seye_store_sql_select_raw      (void);
char       *_seye_store_sql_select_rollups  (void);
char       *_seye_store_sql_select_raw_rows (const char      *table);
char       *_seye_store_sql_insert_rollup   (void);
char       *_seye_store_sql_select_hourly   (void);
char       *_seye_store_sql_rollup_hour     (void);
#define SEYE_STORE_SQL_INSERT_ALERT \
  "INSERT INTO alerts (time, node_id, name, rule, event, value, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"
OpenResult  _seye_store_migrate             (SeyeStore    *self,
                                             gint64        version,
                                             GError      **error);
OpenResult  _seye_store_prepare_statements  (SeyeStore    *self,
                                             GError      **error);

G_END_DECLS
