/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-sample.h"

G_BEGIN_DECLS

/**
 * SeyeHistory:
 *
 * A ring buffer of the most recent samples, oldest first. Pushing into a full
 * ring drops the oldest. Samples must be pushed in time order; one that is
 * not newer than the latest is refused (returns FALSE).
 */
typedef struct _SeyeHistory SeyeHistory;

SeyeHistory *seye_history_new           (guint        capacity) G_GNUC_WARN_UNUSED_RESULT;
void         seye_history_free          (SeyeHistory *self);
guint        seye_history_get_capacity  (SeyeHistory *self);
void         seye_history_set_capacity  (SeyeHistory *self,
                                         guint        capacity);
guint        seye_history_get_length    (SeyeHistory *self);
gboolean     seye_history_push          (SeyeHistory *self,
                                         SeyeSample  *sample);
SeyeSample  *seye_history_get           (SeyeHistory *self,
                                         guint        index);
SeyeSample  *seye_history_get_latest    (SeyeHistory *self);
guint        seye_history_find_after    (SeyeHistory *self,
                                         gint64       time_ms);
void         seye_history_clear         (SeyeHistory *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeHistory, seye_history_free)

G_END_DECLS
