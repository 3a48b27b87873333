/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "seye-monitor.h"
#include "seye-store.h"

G_BEGIN_DECLS

/**
 * SeyeRecorder:
 *
 * Records every sample of a monitor's nodes (those that told their node id) into a
 * store: the samples of a polling round are committed together one monitor interval
 * after the first of them came in. Once a minute, rollup, pruning and checkpointing
 * run on a worker thread. Why a commit fails is the store's #SeyeStore:recording-error.
 *
 * Every alert of the monitor that starts, clears or is acknowledged is added to the
 * store's alert log (seye_store_add_alert_event()) and written with the next commit.
 *
 * Everything stops when the recorder is disposed of; what is still queued is written
 * by the next seye_store_commit(), or when the store is disposed of.
 */
#define SEYE_TYPE_RECORDER (seye_recorder_get_type ())
G_DECLARE_FINAL_TYPE (SeyeRecorder, seye_recorder, SEYE, RECORDER, GObject)

SeyeRecorder *seye_recorder_new         (SeyeStore    *store,
                                         SeyeMonitor  *monitor) G_GNUC_WARN_UNUSED_RESULT;
SeyeStore    *seye_recorder_get_store   (SeyeRecorder *self);
SeyeMonitor  *seye_recorder_get_monitor (SeyeRecorder *self);

G_END_DECLS
