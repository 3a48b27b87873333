/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "seye-fleet-model.h"

G_BEGIN_DECLS

/* SeyeFleetNode across its files: its shape and the fleet (seye-fleet-model.c),
 * its samples (seye-fleet-sample.c). */

#define GIB           (G_GUINT64_CONSTANT (1) << 30)
#define MAX_IFACES    4
#define MAX_DISKS     3
#define MAX_FS        5

typedef struct
{
  const char *name;
  double      rx;        /* mean bytes per second */
  double      tx;
} IfaceShape;

typedef struct
{
  const char *name;
  double      read;      /* mean bytes per second */
  double      write;
} DiskShape;

typedef struct
{
  const char *mount;
  char       *device;
  const char *type;
  guint64     size;
  double      reserve;   /* share of the size kept for root */
  double      used;      /* share of what users can fill, as df counts it */
} FsShape;

struct _SeyeFleetNode
{
  guint          index;
  guint64        key;           /* of this node under this seed: every hash starts here */
  SeyeNodeInfo  *info;
  double         interval;
  gint64         start_ms;      /* the time of tick 0 */
  gint64         offset_ms;     /* where in the interval this node takes its samples */

  /* The pattern */
  gboolean       busy;
  SeyeFleetHot   hot;
  gboolean       flaky;
  double         outage_first;  /* seconds after the start */
  double         outage_every;
  double         outage_for;

  /* The machine */
  guint          n_cores;
  double         cpu_base;      /* percent */
  double         cpu_swing;
  double         steal;         /* share of the busy time the hypervisor takes */
  guint64        memory_total;
  guint64        swap_total;
  double         memory_used;   /* share */
  guint          procs;
  guint          n_ifaces;
  IfaceShape     ifaces[MAX_IFACES];
  guint          n_disks;
  DiskShape      disks[MAX_DISKS];
  guint          n_fs;
  FsShape        fs[MAX_FS];
};

/* splitmix64's finaliser: every bit of the input moves every bit of the output. */
static inline guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);

  return x ^ (x >> 31);
}

G_END_DECLS
