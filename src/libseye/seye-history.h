/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-sample.h"

G_BEGIN_DECLS

/* The longest range the app shows from the samples it holds; longer ones come from the
 * history store. A node keeps that and a margin, so that a graph rebuilt a few seconds
 * late still fills its whole window. */
#define SEYE_HISTORY_LIVE_SECONDS 600
#define SEYE_HISTORY_SECONDS      (SEYE_HISTORY_LIVE_SECONDS + 30)

/* Samples closer together than this (the agent's shortest interval) are still kept, but
 * the ring stops growing at one per this long over its window: its memory is bounded. */
#define SEYE_HISTORY_MIN_SPACING_MS 250

/*
 * The series a node's recent history keeps: what the app's graphs and sparklines and
 * `seye` show of the last minutes. Percentages (0..100) are kept to 1/600 of a percent,
 * the others as floats. A value that a sample did not carry is unknown (NAN), never 0.
 */
typedef enum
{
  SEYE_SERIES_CPU_BUSY,     /* percent of wall time, all cores */
  SEYE_SERIES_CPU_USER,     /* user + nice */
  SEYE_SERIES_CPU_SYSTEM,   /* system + irq + softirq */
  SEYE_SERIES_CPU_IOWAIT,
  SEYE_SERIES_MEMORY,       /* percent of memory used */
  SEYE_SERIES_SWAP,         /* percent of swap used; unknown on a node without swap */
  SEYE_SERIES_LOAD1,
  SEYE_SERIES_LOAD5,
  SEYE_SERIES_LOAD15,
  SEYE_SERIES_NET_RX,       /* bytes a second, all interfaces but loopback */
  SEYE_SERIES_NET_TX,
  SEYE_SERIES_DISK_READ,    /* bytes a second */
  SEYE_SERIES_DISK_WRITE,
  SEYE_N_SERIES
} SeyeSeries;

/* The values of every series in @sample, NAN where it has none. */
void         seye_series_from_sample    (const SeyeSample *sample,
                                         double            row[SEYE_N_SERIES]);
/* Whether a series is a percentage (0..100). */
gboolean     seye_series_is_percent     (SeyeSeries        series);

/**
 * SeyeHistory:
 *
 * A node's recent history in a compact form: per sample its time, the values of every
 * SeyeSeries and the busy percentage of each core, for the samples of the last
 * window_seconds before the newest, oldest first. Not the samples themselves: the latest
 * whole sample is the node's ("sample", "details"); anything older than the window is the
 * history store's. Samples must come in time order; one that is not newer than the latest
 * is refused (returns FALSE), except through seye_history_push_older(), which takes one
 * older than the oldest (what a source knew before the first sample). A node whose number of cores changes keeps the values of the
 * cores both counts have; the others are unknown.
 */
typedef struct _SeyeHistory SeyeHistory;

SeyeHistory *seye_history_new           (guint          window_seconds,
                                         double         interval) G_GNUC_WARN_UNUSED_RESULT;
void         seye_history_free          (SeyeHistory   *self);
guint        seye_history_get_window    (SeyeHistory   *self);
guint        seye_history_get_length    (SeyeHistory   *self);
guint        seye_history_get_capacity  (SeyeHistory   *self);
gsize        seye_history_get_size      (SeyeHistory   *self);
gboolean     seye_history_push          (SeyeHistory   *self,
                                         const SeyeSample *sample);
gboolean     seye_history_push_older    (SeyeHistory   *self,
                                         const SeyeSample *sample);
void         seye_history_clear         (SeyeHistory   *self);

gint64       seye_history_get_time      (SeyeHistory   *self,
                                         guint          index);
gint64       seye_history_get_latest_time (SeyeHistory *self);
double       seye_history_get_value     (SeyeHistory   *self,
                                         guint          index,
                                         SeyeSeries     series);
void         seye_history_get_row       (SeyeHistory   *self,
                                         guint          index,
                                         double         row[SEYE_N_SERIES]);
guint        seye_history_get_n_cores   (SeyeHistory   *self);
double       seye_history_get_core      (SeyeHistory   *self,
                                         guint          index,
                                         guint          core);
guint        seye_history_find_after    (SeyeHistory   *self,
                                         gint64         time_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeHistory, seye_history_free)

G_END_DECLS
