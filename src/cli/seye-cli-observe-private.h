/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-cli-common.h"

G_BEGIN_DECLS

/* `seye observe`: the command, its keys and its lines in seye-cli-observe.c, the
 * terminal screen in seye-cli-observe-screen.c. */
typedef struct
{
  SeyeMonitor    *monitor;
  SeyePrometheusSource *prometheus;   /* --prometheus, or NULL */
  GMainLoop      *loop;
  SeyeNodeColumn  sort;
  GString        *filter;
  char           *selected_key;   /* follows the node, not the row; NULL: the top row */
  guint           redraw_id;
  guint           count;          /* lines mode: intervals left; 0 = forever */
  gint64          started_us;     /* lines mode: when the first contacts began */
  guint           sources[5];     /* signals, then the keys or the lines' timer, resize */
  int             exit_status;
  gboolean        curses;
  gboolean        color;
  gboolean        editing_filter;
} Observe;

char  *_seye_cli_observe_memory_cell      (SeyeSample *sample) G_GNUC_WARN_UNUSED_RESULT;
char  *_seye_cli_observe_state_cell       (SeyeNode   *node) G_GNUC_WARN_UNUSED_RESULT;

guint  _seye_cli_observe_find_selected    (Observe    *self,
                                           GPtrArray  *nodes);
void   _seye_cli_observe_draw             (Observe    *self);

G_END_DECLS
