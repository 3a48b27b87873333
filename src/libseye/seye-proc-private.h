/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-proc.h"
#include "seye-proc-parse.h"

G_BEGIN_DECLS

/*
 * The reader across its files: seye-proc.c holds the object, the problems, the
 * reading of files and the counters kept between samples; seye-proc-cpu.c,
 * -mem.c, -net.c and -disk.c each turn their files of /proc into a part of the
 * sample; seye-proc-info.c reads what the node says about itself.
 */

/* Bounds on what a sample may hold: the ones the JSON decoder enforces, so that
 * every sample the reader hands out can be read back by every client. A value
 * beyond them is malformed input, and a rate beyond them a counter reset. */
#define MAX_BYTES           (G_GUINT64_CONSTANT (1) << 62)
#define MAX_RATE            1e13
#define MAX_COUNT           G_GUINT64_CONSTANT (100000000)
#define MAX_LOAD            1e6
#define MAX_SECONDS         1e10
#define MAX_BOOT_TIME       G_GUINT64_CONSTANT (32503680000)
#define MAX_CORE_ID         65535
#define MAX_PATH            1024

typedef enum
{
  PROC_STAT,
  PROC_MEMINFO,
  PROC_LOADAVG,
  PROC_UPTIME,
  PROC_NET_DEV,
  PROC_DISKSTATS,
  PROC_MOUNTS,
  PROC_CPUINFO,
  PROC_HOSTNAME,
  PROC_OSRELEASE,
  ETC_OS_RELEASE,
  USR_LIB_OS_RELEASE,
  ETC_MACHINE_ID,
  N_FILES
} ProcFile;

/* Counters of one core (or of the total) as of the sample it was last seen in. */
typedef struct
{
  guint       generation;     /* that sample; 0 when never seen */
  SeyeCpuStat last;           /* its ticks, and the percentages given then */
} CpuState;

/* What /proc/stat said beyond the CPU part, for the parts read after it. */
typedef struct
{
  char    *cpu_error;         /* why the CPU part is out, or NULL */
  char    *procs_error;
  char    *btime_error;
  gboolean have_procs;
  gboolean have_btime;
  guint64  procs_running;
  guint64  procs_blocked;
  guint64  btime;
  SeyeCpuStat total;
} StatInfo;

struct _SeyeProcReader
{
  char       *root;                 /* canonical, "/" for the real machine */
  gboolean    real_root;
  char       *paths[N_FILES];
  char       *proc_dir;
  char       *sys_block_dir;
  GString    *scratch;              /* paths built while sampling */

  /* The last file read, NUL-terminated (it may hold other NULs of its own). */
  char       *buf;
  gsize       buf_size;
  gsize       len;

  GPtrArray  *problems;             /* of char *, always NULL-terminated */

  guint       generation;           /* samples taken so far */
  gint64      last_time_ms;

  CpuState    cpu_total;
  GArray     *cpu_states;           /* CpuState, indexed by core id */
  GArray     *cores;                /* SeyeCpuStat: scratch for /proc/stat */
  GHashTable *net_states;           /* interface name -> counters (seye-proc.c) */
  GHashTable *disk_states;          /* disk name -> counters (seye-proc.c) */
};

/* seye-proc.c: problems, files and counters */
void      _seye_proc_add_problem        (SeyeProcReader      *self,
                                         const char          *format,
                                         ...) G_GNUC_PRINTF (2, 3);
void      _seye_proc_add_malformed      (SeyeProcReader      *self,
                                         ProcFile             file,
                                         const char          *why);
int       _seye_proc_read_path          (SeyeProcReader      *self,
                                         const char          *path);
gboolean  _seye_proc_load_file          (SeyeProcReader      *self,
                                         ProcFile             file,
                                         SeyeProcCursor      *text);
void      _seye_proc_update_counter     (SeyeProcReader      *self,
                                         GHashTable          *states,
                                         const char          *name,
                                         guint64              in,
                                         guint64              out,
                                         double               interval,
                                         double              *in_rate,
                                         double              *out_rate);
void      _seye_proc_forget_counters    (SeyeProcReader      *self,
                                         GHashTable          *states);

/* seye-proc-cpu.c: /proc/stat, /proc/loadavg and /proc/uptime */
void      _seye_proc_stat_info_clear    (StatInfo            *info);
gboolean  _seye_proc_parse_stat_count   (SeyeProcCursor      *line,
                                         const SeyeProcToken *name,
                                         guint64              max,
                                         guint64             *value,
                                         char               **error);
gboolean  _seye_proc_parse_uptime       (SeyeProcCursor      *text,
                                         double              *uptime);
void      _seye_proc_sample_stat        (SeyeProcReader      *self,
                                         SeyeSample          *sample,
                                         StatInfo            *info);
void      _seye_proc_sample_loadavg     (SeyeProcReader      *self,
                                         SeyeSample          *sample);
void      _seye_proc_sample_uptime      (SeyeProcReader      *self,
                                         SeyeSample          *sample,
                                         const StatInfo      *stat);

/* seye-proc-mem.c: /proc/meminfo */
void      _seye_proc_sample_meminfo     (SeyeProcReader      *self,
                                         SeyeSample          *sample);

/* seye-proc-net.c: /proc/net/dev */
void      _seye_proc_sample_net_dev     (SeyeProcReader      *self,
                                         SeyeSample          *sample);

/* seye-proc-disk.c: /proc/diskstats and /sys/block; /proc/mounts and statvfs */
void      _seye_proc_sample_diskstats   (SeyeProcReader      *self,
                                         SeyeSample          *sample);
void      _seye_proc_sample_filesystems (SeyeProcReader      *self,
                                         SeyeSample          *sample);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatInfo, _seye_proc_stat_info_clear)

static inline gboolean
_seye_proc_token_u64 (const SeyeProcToken *token,
                      guint64             *value)
{
  return _seye_proc_parse_u64 (token->str, token->len, value);
}

G_END_DECLS
