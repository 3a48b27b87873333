/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-frames"

#include "config.h"

#include <time.h>

#include "seye-frame-log.h"

/* A diagnostic: with G_MESSAGES_DEBUG=seye-frames (or all), every frame of a window
 * is logged with the time GTK spent on it, from the start of its paint cycle (before
 * it updates, lays out and draws) to its end, the frame swapped or the pixels sent;
 * then the CPU time of the thread meanwhile, which on a busy machine can be much less,
 * and of that CPU time, how much went to updating and laying out, and to drawing:
 *
 *   seye-frames-DEBUG: 21:03:11.422: frame 3.41 ms, CPU 3.02 ms (layout 0.80, paint 2.10)
 *
 * bench/app-frames.sh reads these lines for the longest frames while the list sorts,
 * filters and scrolls. Off, it costs nothing: no handler is connected. */

typedef struct
{
  gint64 start_us;
  gint64 start_cpu_us;
  gint64 layout_cpu_us;  /* when the layout ended */
  gint64 paint_cpu_us;   /* when the drawing ended */
} FrameLog;

/* This thread's CPU time in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameLog      *log)
{
  log->start_us = g_get_monotonic_time ();
  log->start_cpu_us = thread_cpu_time ();
  log->layout_cpu_us = log->paint_cpu_us = log->start_cpu_us;
}

/* Connected after GTK's own handlers of these phases: they mark their ends. */
static void
layout_cb (GdkFrameClock *clock,
           FrameLog      *log)
{
  log->layout_cpu_us = log->paint_cpu_us = thread_cpu_time ();
}

static void
paint_cb (GdkFrameClock *clock,
          FrameLog      *log)
{
  log->paint_cpu_us = thread_cpu_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameLog      *log)
{
  if (log->start_us == 0)
    return;

  g_debug ("frame %.2f ms, CPU %.2f ms (layout %.2f, paint %.2f)",
           (g_get_monotonic_time () - log->start_us) / 1000.0,
           (thread_cpu_time () - log->start_cpu_us) / 1000.0,
           (log->layout_cpu_us - log->start_cpu_us) / 1000.0,
           (log->paint_cpu_us - log->layout_cpu_us) / 1000.0);
  log->start_us = 0;
}

static void
frame_log_free (gpointer  data,
                GClosure *closure)
{
  g_free (data);
}

static void
realize_cb (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  FrameLog *log = g_new0 (FrameLog, 1);

  /* Before GTK's own handlers and after them: the whole frame. */
  g_signal_connect_data (clock, "before-paint", G_CALLBACK (before_paint_cb), log,
                         frame_log_free, 0);
  g_signal_connect_after (clock, "layout", G_CALLBACK (layout_cb), log);
  g_signal_connect_after (clock, "paint", G_CALLBACK (paint_cb), log);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), log);
}

/**
 * seye_frame_log_attach:
 * @widget: a toplevel
 *
 * Logs the time of every frame of @widget's surface, when debug messages of the
 * "seye-frames" domain are on.
 */
void
seye_frame_log_attach (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;

  if (gtk_widget_get_realized (widget))
    realize_cb (widget);
  else
    g_signal_connect (widget, "realize", G_CALLBACK (realize_cb), NULL);
}
