/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "seye-cli-prometheus.h"
#include "seye-monitor.h"
#include "seye-node-column.h"

G_BEGIN_DECLS

/* Exit statuses of `seye fetch`, documented in its --help. */
#define SEYE_EXIT_OK       0
#define SEYE_EXIT_PARTIAL  1
#define SEYE_EXIT_USAGE    2

GOptionContext *seye_cli_option_context_new (const char         *parameter,
                                             const GOptionEntry *entries,
                                             const char         *summary) G_GNUC_WARN_UNUSED_RESULT;
gboolean        seye_cli_parse_options   (GOptionContext  *context,
                                          const char      *command,
                                          const char      *try_help,
                                          int             *argc,
                                          char          ***argv);
gboolean        seye_cli_parse_sort      (const char      *text,
                                          SeyeNodeColumn  *sort,
                                          GError         **error);
SeyeNodeColumn  seye_cli_next_sort       (SeyeNodeColumn   sort,
                                          int              step);
void            seye_cli_sort_nodes      (GPtrArray       *nodes,
                                          SeyeNodeColumn   sort);
GPtrArray      *seye_cli_collect_nodes   (SeyeMonitor     *monitor,
                                          const char      *filter,
                                          SeyeNodeColumn   sort) G_GNUC_WARN_UNUSED_RESULT;
char           *seye_cli_display_address (SeyeNode        *node) G_GNUC_WARN_UNUSED_RESULT;
const char     *seye_cli_state_nick      (SeyeNodeState    state);
gboolean        seye_cli_use_color       (int              fd);
void            seye_cli_append_padded   (GString         *line,
                                          const char      *text,
                                          guint            width,
                                          gboolean         right);
void            seye_cli_table_widths    (const char * const *headers,
                                          GPtrArray       *rows,
                                          guint            n_cols,
                                          guint           *widths);
/* "30m", "2h", "7d", "90s", "1w" ago, "now", or an ISO 8601 date (and time). */
gboolean        seye_cli_parse_time      (const char      *text,
                                          gint64           now_ms,
                                          gint64          *time_ms,
                                          GError         **error);
gboolean        seye_cli_add_hosts       (SeyeMonitor     *monitor,
                                          char           **hosts,
                                          GError         **error);
/* Why a node has no current sample, in words; NULL when it has one. Not sanitised.
 * @by_host: the node was given with --host (else as NODE). */
const char     *seye_cli_node_problem    (SeyeNode        *node,
                                          gboolean         by_host);
gboolean        seye_cli_node_settled    (SeyeNode        *node);
guint           seye_cli_node_n_cores    (SeyeNode        *node);
/* What went wrong asking @node for something (its processes, an action), in
 * words a user of seye can act on; sanitised. */
char           *seye_cli_describe_ask_error (SeyeNode     *node,
                                             const GError *error) G_GNUC_WARN_UNUSED_RESULT;

/* Finding nodes: the --host nodes and, unless told not to, those found over
 * mDNS (seye fetch, top, run). */
typedef struct
{
  char     **hosts;
  char      *pin;                 /* --pin: "SHA256:AB:…" */
  char      *token_file;          /* --token-file */
  double     discovery_time;      /* seconds */
  double     timeout;             /* seconds a node has to answer, after discovery */
  gboolean   no_discovery;
  gboolean   pin_needs_host;      /* --pin without a --host https:// is an error */
  gboolean   once;                /* one sample a node is all it wants: polled less often */
  gboolean   browse_only;         /* services found over mDNS are not followed: the caller
                                     listens to the browser (seye discover) */
  const SeyeCliPrometheusOptions *prometheus;   /* NULL: no --prometheus options */
} SeyeCliGatherOptions;

typedef struct
{
  SeyeMonitor *monitor;
  SeyeBrowser *browser;
  SeyePrometheusSource *prometheus;   /* --prometheus, or NULL */
  const char  *command;           /* "fetch", "top", …: for the messages */
  char        *fingerprint;       /* --pin, parsed; NULL without */
  char        *token;             /* the token of --token-file; NULL without */
  char        *only_id;           /* once a node is chosen: services of other ids are ignored */
  gint64       last_answer;       /* monotonic µs of the last discovery event */
  gint64       discovery_end;     /* monotonic µs */
  gint64       deadline;          /* monotonic µs: discovery, then the nodes' time to answer */
  gboolean     all_for_now;
  gboolean     browse_only;
} SeyeCliGather;

typedef gboolean (*SeyeCliGatherDone) (SeyeCliGather *gather,
                                       gpointer       data);

gboolean   seye_cli_gather_start       (SeyeCliGather              *self,
                                        const char                 *command,
                                        const SeyeCliGatherOptions *options,
                                        GError                    **error);
void       seye_cli_gather_clear       (SeyeCliGather              *self);
gboolean   seye_cli_gather_discovering (SeyeCliGather              *self);
gboolean   seye_cli_gather_settled     (SeyeCliGather              *self,
                                        gpointer                    unused);
gboolean   seye_cli_gather_wait        (SeyeCliGather              *self,
                                        SeyeCliGatherDone           done,
                                        gpointer                    data);
gboolean   seye_cli_looks_like_address (const char                 *text);
SeyeNode  *seye_cli_gather_find        (SeyeCliGather              *self,
                                        const char                 *text,
                                        GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
void       seye_cli_gather_keep_only   (SeyeCliGather              *self,
                                        SeyeNode                   *node);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SeyeCliGather, seye_cli_gather_clear)

/* `seye top NODE` and `seye run NODE`: how NODE is found, the options for it. */
GOptionEntry  *seye_cli_node_option_entries (SeyeCliGatherOptions *options) G_GNUC_WARN_UNUSED_RESULT;
void           seye_cli_node_options_init   (SeyeCliGatherOptions *options);
void           seye_cli_node_options_clear  (SeyeCliGatherOptions *options);
gboolean       seye_cli_node_options_check  (SeyeCliGatherOptions *options,
                                             const char           *command,
                                             const char           *node);
SeyeNode      *seye_cli_find_one_node       (SeyeCliGather        *gather,
                                             const char           *command,
                                             SeyeCliGatherOptions *options,
                                             const char           *text,
                                             int                  *exit_status) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
