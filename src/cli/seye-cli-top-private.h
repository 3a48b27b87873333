/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-cli-common.h"
#include "seye-cli-processes.h"

G_BEGIN_DECLS

/* `seye top NODE`: the command, its asks and keys in seye-cli-top.c, the
 * terminal screen in seye-cli-top-screen.c. */
typedef struct
{
  SeyeCliGather     gather;
  SeyeNode         *node;
  GMainLoop        *loop;
  GCancellable     *cancellable;
  SeyeProcessSort   sort;
  SeyeProcessList  *list;          /* the latest answer, sorted by sort; NULL before the first */
  char             *problem;       /* why the latest ask failed, sanitised; NULL when it did not */
  GDateTime        *updated;       /* when the latest list came */
  guint             limit;         /* --limit; 0: as many as the screen holds */
  double            interval;      /* seconds between asks */
  guint             timer_id;
  guint             redraw_id;
  guint             sources[5];    /* signals, then the keys, resize */
  gboolean          asking;
  gboolean          ask_again;     /* the sort changed while asking */
  gboolean          curses;        /* the full screen */
  gboolean          plain;         /* a block per answer on standard output */
  gboolean          color;
  int               exit_status;
} Top;

char *_seye_cli_top_summary (Top *self) G_GNUC_WARN_UNUSED_RESULT;
char *_seye_cli_top_status  (Top *self) G_GNUC_WARN_UNUSED_RESULT;
void  _seye_cli_top_draw    (Top *self);

G_END_DECLS
