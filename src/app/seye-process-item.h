/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "seye-proc-processes.h"

G_BEGIN_DECLS

typedef enum
{
  SEYE_PROCESS_COLUMN_NAME,
  SEYE_PROCESS_COLUMN_USER,
  SEYE_PROCESS_COLUMN_CPU,
  SEYE_PROCESS_COLUMN_MEMORY,
  SEYE_PROCESS_COLUMN_READ,
  SEYE_PROCESS_COLUMN_WRITE,
  SEYE_PROCESS_COLUMN_THREADS,
  SEYE_PROCESS_COLUMN_PID,
  SEYE_PROCESS_N_COLUMNS
} SeyeProcessColumn;

/* How hard a process works its core: the CPU cell's colour. */
typedef enum
{
  SEYE_PROCESS_LOAD_NORMAL,
  SEYE_PROCESS_LOAD_BUSY,     /* at least half a core */
  SEYE_PROCESS_LOAD_PEGGED,   /* a core or more, near enough */
} SeyeProcessLoad;

#define SEYE_PROCESS_BUSY_PERCENT   50.0
#define SEYE_PROCESS_PEGGED_PERCENT 90.0

/* A bit per SeyeProcessColumn whose text changed; the load counts as the CPU column. */
#define SEYE_PROCESS_COLUMN_BIT(column) (1u << (column))

/**
 * SeyeProcessItem:
 *
 * One process of a node's list, as the Processes section shows it: the text of each
 * column, sanitised and formatted once when its value changes, and the raw values to
 * sort by. The same item stays in the list from one refresh to the next while its
 * process lives (same pid and start time): seye_process_item_update() takes the new
 * values and emits "changed" (guint columns, a SEYE_PROCESS_COLUMN_BIT() mask) with
 * the columns whose text is not the same, so that only those cells are set again.
 */
#define SEYE_TYPE_PROCESS_ITEM (seye_process_item_get_type ())
G_DECLARE_FINAL_TYPE (SeyeProcessItem, seye_process_item, SEYE, PROCESS_ITEM, GObject)

SeyeProcessItem *seye_process_item_new            (const SeyeProcess *process,
                                                   guint              rank) G_GNUC_WARN_UNUSED_RESULT;
guint            seye_process_item_update         (SeyeProcessItem   *self,
                                                   const SeyeProcess *process,
                                                   guint              rank);
gboolean         seye_process_item_is_same        (SeyeProcessItem   *self,
                                                   const SeyeProcess *process);
const char      *seye_process_item_get_text       (SeyeProcessItem   *self,
                                                   SeyeProcessColumn  column);
guint32          seye_process_item_get_pid        (SeyeProcessItem   *self);
guint            seye_process_item_get_rank       (SeyeProcessItem   *self);
double           seye_process_item_get_cpu_percent (SeyeProcessItem  *self);
SeyeProcessLoad  seye_process_item_get_load       (SeyeProcessItem   *self);
int              seye_process_item_compare        (SeyeProcessItem   *a,
                                                   SeyeProcessItem   *b,
                                                   SeyeProcessColumn  column);
gboolean         seye_process_item_matches        (SeyeProcessItem   *self,
                                                   const char        *casefolded);
char            *seye_process_item_dup_tooltip    (SeyeProcessItem   *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
