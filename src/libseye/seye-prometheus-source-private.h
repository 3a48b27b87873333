/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "seye-node-private.h"
#include "seye-prometheus-source.h"

G_BEGIN_DECLS

/*
 * The files of SeyePrometheusSource, one job each:
 *   seye-prometheus-source.c          the object, its status, its nodes, the refresh timer
 *   seye-prometheus-source-http.c     one request to the HTTP API: auth, pin, deadline, cap
 *   seye-prometheus-source-queries.c  the refresh: the config, the few instant queries, their texts
 *   seye-prometheus-source-parse.c    the answers, by instance, into per-node values and samples
 *   seye-prometheus-source-range.c    a node's history over a range (query_range)
 *   seye-prometheus-source-fill.c     new nodes' recent history, filled in batches (query_range)
 */

/* Per-instance values of the "values" query, each NAN until the answer had it. */
typedef enum
{
  PROM_UP,
  PROM_AGE,              /* seconds since the newest sample of the target */
  PROM_CPU_BUSY,
  PROM_CPU_USER,
  PROM_CPU_SYSTEM,
  PROM_CPU_IOWAIT,
  PROM_CPU_STEAL,
  PROM_MEM_TOTAL,
  PROM_MEM_AVAILABLE,
  PROM_MEM_FREE,
  PROM_MEM_BUFFERS,
  PROM_MEM_CACHED,
  PROM_SWAP_TOTAL,
  PROM_SWAP_FREE,
  PROM_LOAD1,
  PROM_LOAD5,
  PROM_LOAD15,
  PROM_PROCS_RUNNING,
  PROM_PROCS_BLOCKED,
  PROM_PROCS_TOTAL,
  PROM_THREADS,
  PROM_BOOT_TIME,
  PROM_NET_RX,
  PROM_NET_TX,
  PROM_DISK_READ,
  PROM_DISK_WRITE,
  PROM_N_VALUES
} PromValue;

/* The name a value goes by in the "seye" label of the answer. */
const char *_seye_prom_value_name (PromValue value);
/* The PromQL of one value, per instance, with counters' rates over @window seconds. */
char       *_seye_prom_value_query (PromValue value,
                                    guint     window) G_GNUC_WARN_UNUSED_RESULT;

/* What one refresh learned of one target. */
typedef struct
{
  char    *instance;
  double   values[PROM_N_VALUES];
  GArray  *cores;        /* SeyeCpuStat (id, busy) */
  GArray  *filesystems;  /* SeyeFilesystem */
  /* seye_node_info / node_uname_info */
  char    *node_id;
  char    *name;
  char    *hostname;
  char    *os_name;
  char    *kernel;
  char    *arch;
  char    *agent_version;
  GStrv    tags;         /* the "tags" label: the agent's, or `seye discover`'s */
} PromTarget;

/* The answers of one refresh: instance -> PromTarget, at most SEYE_PROMETHEUS_MAX_NODES. */
typedef struct
{
  GHashTable *targets;
  gint64      time_ms;       /* the evaluation time */
  gboolean    truncated;     /* more instances than the limit */
  guint       dropped;       /* series left out (bad values, over a limit) */
} PromRefresh;

PromRefresh *_seye_prom_refresh_new    (gint64        time_ms);
void         _seye_prom_refresh_free   (PromRefresh  *refresh);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PromRefresh, _seye_prom_refresh_free)

/* Each reads one query's vector ("data" of a successful answer) into @refresh;
 * FALSE with @error when it is not a vector. */
gboolean     _seye_prom_parse_values   (PromRefresh  *refresh,
                                        JsonNode     *data,
                                        GError      **error);
gboolean     _seye_prom_parse_cores    (PromRefresh  *refresh,
                                        JsonNode     *data,
                                        GError      **error);
gboolean     _seye_prom_parse_filesystems (PromRefresh *refresh,
                                        JsonNode     *data,
                                        GError      **error);
gboolean     _seye_prom_parse_info     (PromRefresh  *refresh,
                                        JsonNode     *data,
                                        GError      **error);
/* A string member of @object, NULL when it has none or another kind of member. */
const char  *_seye_prom_string_member  (JsonObject   *object,
                                        const char   *name);
/* Prometheus' duration ("15s", "1m30s", "2h"), in seconds; 0 when it is not one. */
double       _seye_prom_parse_duration (const char   *text);
/* The global scrape_interval of /api/v1/status/config's "yaml"; 0 when not found. */
double       _seye_prom_parse_config_interval (JsonNode *data);
/* A sample of what @target has; NULL when it has no value at all. */
SeyeSample  *_seye_prom_target_sample  (const PromTarget *target,
                                        gint64            time_ms,
                                        double            interval) G_GNUC_WARN_UNUSED_RESULT;
/* Its identity, as a node's info. */
SeyeNodeInfo *_seye_prom_target_info   (const PromTarget *target,
                                        double            interval) G_GNUC_WARN_UNUSED_RESULT;

/* One request to the API: GET or POST @path (with form @params) and hand back the
 * "data" of a successful answer, or an error in words (SEYE_ERROR_*; not sanitised). */
typedef struct _PromRequest PromRequest;

void      _seye_prometheus_source_request        (SeyePrometheusSource *self,
                                                  const char           *path,
                                                  GHashTable           *params,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JsonNode *_seye_prometheus_source_request_finish (SeyePrometheusSource *self,
                                                  GAsyncResult         *result,
                                                  SeyePrometheusStatus *status,
                                                  GError              **error) G_GNUC_WARN_UNUSED_RESULT;

struct _SeyePrometheusSource
{
  GObject               parent_instance;

  char                 *url;            /* without a trailing slash */
  SoupSession          *session;
  char                 *authorization;  /* the header's value, or NULL */
  GTlsCertificate      *pinned;
  double                timeout;

  SeyePrometheusStatus  status;
  char                 *status_message;
  double                scrape_interval;
  gboolean              interval_known;
  gboolean              truncated;
  guint64               requests_sent;
  guint64               refreshes;

  GHashTable           *nodes;          /* instance -> SeyeNode */
  gboolean              fetch_history;
  GQueue               *unfilled;       /* instances whose recent history is still to be read */
  GCancellable         *fill_cancellable; /* of the fill under way; NULL: none */
  guint64               fills_sent;
  GHashTable           *missing;        /* SeyeNode -> number of refreshes it was not in */
  double                interval;       /* the monitor's */
  GCancellable         *cancellable;    /* of the refresh under way */
  guint                 timer_id;
  gboolean              started;
  gboolean              refreshing;
};

/* seye-prometheus-source-queries.c */
void  _seye_prometheus_source_refresh     (SeyePrometheusSource *self);
guint _seye_prometheus_source_rate_window (SeyePrometheusSource *self);
/* seye-prometheus-source.c: what came of a refresh */
void _seye_prometheus_source_apply      (SeyePrometheusSource *self,
                                         PromRefresh          *refresh);
void _seye_prometheus_source_set_status (SeyePrometheusSource *self,
                                         SeyePrometheusStatus  status,
                                         const char           *detail);
void _seye_prometheus_source_set_scrape_interval (SeyePrometheusSource *self,
                                         double                seconds);
void _seye_prometheus_source_refreshed  (SeyePrometheusSource *self);
const char *_seye_prometheus_source_find_instance (SeyePrometheusSource *self,
                                                   SeyeNode             *node);
/* seye-prometheus-source-range.c */
void        _seye_prom_append_string (GString     *out,
                                      const char  *text);
char       *_seye_prom_range_query   (const char  *matcher,
                                      guint        window_s) G_GNUC_WARN_UNUSED_RESULT;
guint       _seye_prom_range_n_series (void);
char       *_seye_prom_seconds_text  (gint64       time_ms) G_GNUC_WARN_UNUSED_RESULT;
GHashTable *_seye_prom_range_samples (JsonNode    *data,
                                      GHashTable  *wanted,
                                      guint        max_rows,
                                      double       step_s,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void       _seye_prometheus_source_fetch_range        (SeyeSource          *source,
                                                       SeyeNode            *node,
                                                       gint64               from_ms,
                                                       gint64               to_ms,
                                                       guint                max_points,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray *_seye_prometheus_source_fetch_range_finish (SeyeSource          *source,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* seye-prometheus-source-fill.c */
void       _seye_prometheus_source_fill_later         (SeyePrometheusSource *self,
                                                       const char           *instance);
void       _seye_prometheus_source_fill               (SeyePrometheusSource *self);

G_END_DECLS
