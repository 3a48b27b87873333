/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Version of the JSON documents ("schema") and of the HTTP API ("/v1"). */
#define SEYE_SCHEMA_VERSION 1
#define SEYE_API_VERSION    1

/* The mDNS service type every agent announces. */
#define SEYE_SERVICE_TYPE "_sorcerers-eye._tcp"

/* Upper bounds the decoder enforces on anything a node sends. */
#define SEYE_MAX_CORES        4096
#define SEYE_MAX_INTERFACES   256
#define SEYE_MAX_DISKS        256
#define SEYE_MAX_FILESYSTEMS  256
#define SEYE_MAX_STRING       256
#define SEYE_MAX_HISTORY      100000

/* Columns of /proc/stat's "cpu" lines, in their order. */
typedef enum
{
  SEYE_CPU_MODE_USER,
  SEYE_CPU_MODE_NICE,
  SEYE_CPU_MODE_SYSTEM,
  SEYE_CPU_MODE_IDLE,
  SEYE_CPU_MODE_IOWAIT,
  SEYE_CPU_MODE_IRQ,
  SEYE_CPU_MODE_SOFTIRQ,
  SEYE_CPU_MODE_STEAL,
  SEYE_CPU_N_MODES
} SeyeCpuMode;

/* Which parts of a sample hold data; a part whose source could not be read is left out. */
typedef enum
{
  SEYE_SAMPLE_CPU         = 1 << 0,
  SEYE_SAMPLE_MEMORY      = 1 << 1,
  SEYE_SAMPLE_LOAD        = 1 << 2,
  SEYE_SAMPLE_PROCESSES   = 1 << 3,
  SEYE_SAMPLE_UPTIME      = 1 << 4,
  SEYE_SAMPLE_NETWORK     = 1 << 5,
  SEYE_SAMPLE_DISK        = 1 << 6,
  SEYE_SAMPLE_FILESYSTEMS = 1 << 7,
} SeyeSampleParts;

/* CPU usage over the last interval, in percent of wall time (0..100 each, busy = sum). */
typedef struct
{
  int     id;                         /* N of "cpuN"; -1 for the total */
  double  busy;
  double  user;                       /* user + nice */
  double  system;                     /* system + irq + softirq */
  double  iowait;
  double  steal;
  guint64 ticks[SEYE_CPU_N_MODES];    /* cumulative USER_HZ ticks; 0 when decoded from JSON */
} SeyeCpuStat;

typedef struct
{
  char   *name;
  double  rx_bytes_per_sec;
  double  tx_bytes_per_sec;
  guint64 rx_bytes;                   /* cumulative counters */
  guint64 tx_bytes;
} SeyeNetIface;

typedef struct
{
  char   *name;
  double  read_bytes_per_sec;
  double  write_bytes_per_sec;
  guint64 read_bytes;                 /* cumulative counters */
  guint64 written_bytes;
} SeyeDiskDevice;

typedef struct
{
  char   *mount_point;
  char   *device;
  char   *fs_type;
  guint64 size_bytes;
  guint64 used_bytes;
  guint64 avail_bytes;                /* available to unprivileged users */
  guint64 free_bytes;                 /* free including the root reserve */
} SeyeFilesystem;

void seye_filesystem_clear (gpointer filesystem);

typedef struct
{
  guint64 total;
  guint64 available;
  guint64 used;                       /* total - available */
  guint64 free;
  guint64 buffers;
  guint64 cached;                     /* Cached + SReclaimable */
  guint64 swap_total;
  guint64 swap_used;
} SeyeMemory;

/**
 * SeyeSample:
 *
 * One measurement of a node. Reference counted and immutable once it has been
 * handed out (by the /proc reader or the JSON decoder): share it, never change it.
 */
typedef struct
{
  /*< public >*/
  gint64          time_ms;            /* Unix time in milliseconds */
  double          interval;           /* seconds the rates were measured over */
  SeyeSampleParts parts;

  SeyeCpuStat     cpu;                /* total over all cores, id -1 */
  GArray         *cores;              /* SeyeCpuStat, ordered by id */

  SeyeMemory      memory;

  double          load[3];            /* 1, 5, 15 minutes */

  guint           procs_total;
  guint           procs_running;
  guint           procs_blocked;
  guint           threads;

  double          uptime;             /* seconds */
  gint64          boot_time;          /* Unix time in seconds */

  double          net_rx_bytes_per_sec; /* all interfaces but loopback */
  double          net_tx_bytes_per_sec;
  GArray         *interfaces;         /* SeyeNetIface */

  double          disk_read_bytes_per_sec;
  double          disk_write_bytes_per_sec;
  GArray         *disks;              /* SeyeDiskDevice */
  GArray         *filesystems;        /* SeyeFilesystem */

  /*< private >*/
  gatomicrefcount ref_count;
  GBytes         *json;
} SeyeSample;

#define SEYE_TYPE_SAMPLE (seye_sample_get_type ())

GType       seye_sample_get_type       (void) G_GNUC_CONST;
SeyeSample *seye_sample_new            (void) G_GNUC_WARN_UNUSED_RESULT;
SeyeSample *seye_sample_ref            (SeyeSample       *self);
void        seye_sample_unref          (SeyeSample       *self);
double      seye_sample_get_memory_percent (const SeyeSample *self);
double      seye_sample_get_swap_percent   (const SeyeSample *self);
GBytes     *seye_sample_get_json       (SeyeSample       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeSample, seye_sample_unref)

/**
 * SeyeNodeInfo:
 *
 * What a node says about itself (GET /v1/node).
 */
typedef struct
{
  char   *node_id;                    /* 32 hex digits, stable per machine */
  char   *name;                       /* the name it announces */
  char   *hostname;
  char   *os_name;                    /* PRETTY_NAME of os-release */
  char   *kernel;
  char   *arch;
  char   *cpu_model;
  char   *agent_version;
  guint   n_cores;
  guint   api_version;
  double  interval;                   /* sampling interval in seconds */
  gint64  boot_time;                  /* Unix time in seconds */
  GStrv   tags;                       /* seye-tags.h; NULL: none */
} SeyeNodeInfo;

#define SEYE_TYPE_NODE_INFO (seye_node_info_get_type ())

GType         seye_node_info_get_type (void) G_GNUC_CONST;
SeyeNodeInfo *seye_node_info_new      (void) G_GNUC_WARN_UNUSED_RESULT;
SeyeNodeInfo *seye_node_info_copy     (const SeyeNodeInfo *self) G_GNUC_WARN_UNUSED_RESULT;
void          seye_node_info_free     (SeyeNodeInfo       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeyeNodeInfo, seye_node_info_free)

G_END_DECLS
