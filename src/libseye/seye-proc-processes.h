/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SeyeProcessScanner:
 *
 * Reads the processes of a machine from ROOT/proc/[pid] (stat and io at every
 * scan; status for a process seen for the first time and for each listed one;
 * cmdline when asked) and user names from ROOT/etc/passwd. It keeps each
 * process's counters from one scan to the next, keyed by pid and start time
 * (a reused pid is a new process), and turns them into a CPU % and I/O rates
 * over the interval between the two scans. A process seen for the first time
 * has no rates yet: it is listed with 0.
 *
 * On this machine's own /proc (the pid namespace it runs in), a process seen
 * before costs three cheap reads a scan instead of its stat: its CPU time from
 * its CPU-time clock (clock_gettime(), in ns), its resident memory from its
 * statm and its I/O from its io, both kept open between scans and read again
 * from the start (opening and closing them was half of what a scan cost; a
 * file kept open fails once its process has ended, so a pid used again is
 * never taken for the old process). Its name, state and threads are read from
 * its stat when it is listed. It keeps at most %SEYE_PROCESS_MAX_HELD_FILES
 * files open, and never more than the soft limit of open files less 1,024
 * (other processes are read from their stat and io at each scan, as are all in
 * a recorded tree); each holds a page of kernel memory.
 *
 * It scans only when told to (seye_process_scanner_scan()); a caller that
 * stops asking calls seye_process_scanner_forget() and holds nothing per pid.
 */
typedef struct _SeyeProcessScanner SeyeProcessScanner;

typedef enum
{
  SEYE_PROCESS_SORT_CPU,
  SEYE_PROCESS_SORT_MEMORY,
  SEYE_PROCESS_SORT_IO,
} SeyeProcessSort;

#define SEYE_PROCESS_DEFAULT_LIMIT 20
#define SEYE_PROCESS_MAX_LIMIT     200
#define SEYE_PROCESS_MAX_NAME      64     /* bytes of a name after tidying */
#define SEYE_PROCESS_MAX_ARGS      4096   /* bytes of cmdline read */
#define SEYE_PROCESS_MAX_HELD_FILES 2048  /* files of /proc/PID held open between scans */

typedef struct
{
  guint32  pid;
  char    *name;                 /* comm, valid UTF-8 without control characters */
  char    *user;                 /* from etc/passwd, else the uid in digits */
  char     state;                /* 'R', 'S', 'Z', ... */
  double   cpu_percent;          /* of one core (4 busy threads: 400), at most 100 × threads */
  guint64  rss_bytes;
  guint    threads;
  gint64   start_time;           /* Unix seconds; 0 when /proc/stat has no btime */
  gboolean have_io;              /* ROOT/proc/PID/io was readable */
  double   read_bytes_per_sec;
  double   write_bytes_per_sec;
  GStrv    argv;                 /* only when asked for; NULL when not readable */
} SeyeProcess;

typedef struct
{
  double     interval;           /* seconds between the two scans the rates span */
  GPtrArray *processes;          /* of SeyeProcess, sorted, at most the limit */
  guint      total;              /* processes seen in the scan */
  guint      not_readable;       /* pid directories listed whose stat or status could not be read */
} SeyeProcessList;

SeyeProcessScanner *seye_process_scanner_new        (const char          *root) G_GNUC_WARN_UNUSED_RESULT;
void                seye_process_scanner_free       (SeyeProcessScanner  *self);
void                seye_process_scanner_scan       (SeyeProcessScanner  *self,
                                                     gint64               now_us);
gboolean            seye_process_scanner_has_window (SeyeProcessScanner  *self);
void                seye_process_scanner_forget     (SeyeProcessScanner  *self);
guint64             seye_process_scanner_get_scans  (SeyeProcessScanner  *self);
SeyeProcessList    *seye_process_scanner_list       (SeyeProcessScanner  *self,
                                                     SeyeProcessSort      sort,
                                                     guint                limit,
                                                     gboolean             with_argv) G_GNUC_WARN_UNUSED_RESULT;

void                seye_process_free               (SeyeProcess         *process);
void                seye_process_list_free          (SeyeProcessList     *list);
void                seye_process_list_sort          (SeyeProcessList     *list,
                                                     SeyeProcessSort      sort);
void                seye_process_list_write_json    (GString             *str,
                                                     const SeyeProcessList *list,
                                                     gboolean             with_argv);
gboolean            seye_process_sort_from_string   (const char          *text,
                                                     SeyeProcessSort     *sort);

/* The parsers of one process's files, pure, for tests and fuzzing. */
typedef struct
{
  char    *name;                 /* tidied */
  char     state;
  guint64  ticks;                /* utime + stime */
  guint64  start_ticks;          /* since boot */
  guint64  threads;
  guint64  rss_pages;            /* resident memory, in pages */
} SeyeProcPidStat;

gboolean  _seye_proc_parse_pid_stat   (const char      *buf,
                                       gsize            len,
                                       SeyeProcPidStat *out);
gboolean  _seye_proc_parse_pid_status (const char      *buf,
                                       gsize            len,
                                       guint32         *uid,
                                       guint64         *threads,
                                       guint64         *rss_bytes);
gboolean  _seye_proc_parse_pid_io     (const char      *buf,
                                       gsize            len,
                                       guint64         *read_bytes,
                                       guint64         *write_bytes);
gboolean  _seye_proc_parse_pid_statm  (const char      *buf,
                                       gsize            len,
                                       guint64         *rss_pages);
GStrv     _seye_proc_parse_cmdline    (const char      *buf,
                                       gsize            len) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeProcessScanner, seye_process_scanner_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeProcessList, seye_process_list_free)

G_END_DECLS
