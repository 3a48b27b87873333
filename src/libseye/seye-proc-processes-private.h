/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/stat.h>
#include <time.h>

#include "seye-proc-processes.h"

G_BEGIN_DECLS

/*
 * What the scanner (seye-proc-processes.c) and the list made of its last scan
 * (seye-proc-processes-list.c) share. Private to those two files.
 */

#define SEYE_PROCESS_MAX_FILE (16 * 1024)    /* what is read of one file of /proc/PID */

/* One process as of the last scan that saw it; also its own hash key (by pid). */
typedef struct
{
  guint32  pid;
  guint64  start_ticks;
  int      statm_fd;         /* ROOT/proc/PID/statm held open (the fast path), or -1 */
  int      io_fd;            /* ROOT/proc/PID/io held open, or -1 */
  clockid_t cpu_clock;       /* the fast path: its CPU-time clock */
  guint64  cpu_ns;           /* and its reading */
  gint64   cpu_us;           /* at this monotonic time */
  guint    ticks_generation; /* the scan that read ticks from its stat */
  guint    generation;       /* the scan that last saw it */
  gboolean seen_before;      /* in an earlier scan: rates are over a window */

  char    *name;
  guint32  uid;
  char     state;
  guint64  threads;
  guint64  rss_bytes;
  guint64  ticks;
  double   cpu_percent;

  gboolean have_io;
  guint64  read_bytes;
  guint64  write_bytes;
  double   read_rate;
  double   write_rate;
} SeyeProcessState;

struct _SeyeProcessScanner
{
  char       *proc_dir;
  char       *passwd_path;
  char       *stat_path;
  int         proc_fd;             /* ROOT/proc, open while scans run; -1 */
  gboolean    own_procfs;          /* it is this machine's, of our pid namespace */
  guint       held;                /* files of processes held open */
  guint       max_held;
  char       *buf;                 /* SEYE_PROCESS_MAX_FILE + 1 */

  GHashTable *states;              /* SeyeProcessState, keyed by itself */
  guint       generation;
  guint       scans_in_window;     /* scans since the last forget */
  gint64      last_us;
  double      interval;
  guint       total;
  guint       not_readable;
  guint64     scans;               /* ever, for tests and the debug log */

  long        clk_tck;
  long        page_size;
  guint64     btime;               /* 0 until read */

  GHashTable *users;               /* uid -> name */
  struct stat passwd_stat;
};

gssize   _seye_process_scanner_read_file (SeyeProcessScanner *self,
                                          guint32             pid,
                                          const char         *name);
gboolean _seye_process_scanner_read_uid  (SeyeProcessScanner *self,
                                          guint32             pid,
                                          guint32            *uid);
void     _seye_process_state_set_stat    (SeyeProcessState   *state,
                                          SeyeProcPidStat    *stat);

G_END_DECLS
