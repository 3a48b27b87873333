/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-sim"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-fleet-model-private.h"

#define HZ 100        /* USER_HZ, as the Prometheus writer counts ticks */

/* What a hash is asked for. Cores, interfaces, disks and filesystems add their index. */
enum
{
  CH_CPU_LEVEL = 1,
  CH_CPU_SPIKE,
  CH_CPU_SPIKE_SIZE,
  CH_MEMORY,
  CH_MEMORY_FREE,
  CH_SWAP,
  CH_LOAD5,
  CH_LOAD15,
  CH_PROCS,
  CH_BLOCKED,
  CH_FS_GROWTH,
  CH_CORE = 1 << 10,
  CH_CORE_SPLIT = 2 << 10,
  CH_CORE_IOWAIT = 3 << 10,
  CH_RX = 4 << 10,
  CH_TX = 5 << 10,
  CH_READ = 6 << 10,
  CH_WRITE = 7 << 10,
};

/* Hashes ------------------------------------------------------------------ */

/* One node at one tick: what every value below is a function of. */
typedef struct
{
  const SeyeFleetNode *node;
  gint64               tick;
  double               seconds;   /* since tick 0 */
  double               uptime;    /* since the node's boot */
} Moment;

/* In [0, 1): the same for the same node, step and channel. */
static inline double
uniform (const SeyeFleetNode *node,
         gint64               step,
         guint                channel)
{
  guint64 h = mix (node->key ^ mix (((guint64) channel << 40) ^ (guint64) step));

  return (double) (h >> 11) * (1.0 / 9007199254740992.0);
}

/* In [0, 1): noise of this tick. */
static inline double
noise (const Moment *at,
       guint         channel)
{
  return uniform (at->node, at->tick, channel);
}

/* In [0, 1], changing smoothly over about @period seconds (value noise). */
static double
smooth (const Moment *at,
        double        period,
        guint         channel)
{
  double x = at->seconds / period;
  double step = floor (x);
  double f = x - step;
  double a = uniform (at->node, (gint64) step, channel);
  double b = uniform (at->node, (gint64) step + 1, channel);

  f = f * f * (3 - 2 * f);

  return a + (b - a) * f;
}

/* Lo to hi, by @u in [0, 1). */
static inline double
between (double u,
         double lo,
         double hi)
{
  return lo + (hi - lo) * u;
}

/* Samples ------------------------------------------------------------------ */

/* The node's CPU level, in percent of all cores. */
static double
cpu_level (const Moment *at)
{
  const SeyeFleetNode *node = at->node;
  double level;

  if (node->hot & SEYE_FLEET_HOT_CPU)
    return node->cpu_base + node->cpu_swing * (2 * noise (at, CH_CPU_LEVEL) - 1);

  level = node->cpu_base +
          node->cpu_swing * (2 * smooth (at, node->busy ? 45 : 20, CH_CPU_LEVEL) - 1);
  /* Now and then a burst: a build, a cron job, an update. */
  if (noise (at, CH_CPU_SPIKE) < (node->busy ? 0.02 : 0.01))
    level += between (noise (at, CH_CPU_SPIKE_SIZE), 10, node->busy ? 25 : 40);

  return CLAMP (level, 0.3, node->busy ? 86 : 60);
}

/* One core's share of @level, split into modes; its counters go on from @before
 * (or from the boot, at about these shares). */
static void
make_core (const Moment      *at,
           double             level,
           guint              core,
           const SeyeCpuStat *before,
           SeyeCpuStat       *out)
{
  const SeyeFleetNode *node = at->node;
  double spread = noise (at, CH_CORE + core);
  double busy = (node->hot & SEYE_FLEET_HOT_CPU) ? between (spread, 93, 100)
                                                 : MIN (100, level * between (spread, 0.3, 1.7));
  double iowait = busy * between (noise (at, CH_CORE_IOWAIT + core), 0, node->busy ? 0.1 : 0.04);
  double steal = (busy - iowait) * node->steal;
  double system = (busy - iowait - steal) * between (noise (at, CH_CORE_SPLIT + core), 0.1, 0.35);
  double span = before != NULL ? node->interval : at->uptime;
  double shares[SEYE_CPU_N_MODES] = { 0 };

  out->id = (int) core;
  out->busy = busy;
  out->iowait = iowait;
  out->steal = steal;
  out->system = system;
  out->user = busy - iowait - steal - system;

  shares[SEYE_CPU_MODE_USER] = out->user;
  shares[SEYE_CPU_MODE_SYSTEM] = out->system;
  shares[SEYE_CPU_MODE_IOWAIT] = out->iowait;
  shares[SEYE_CPU_MODE_STEAL] = out->steal;
  shares[SEYE_CPU_MODE_IDLE] = 100 - busy;
  for (guint m = 0; m < SEYE_CPU_N_MODES; m++)
    out->ticks[m] = (before != NULL ? before->ticks[m] : 0) +
                    (guint64) llround (shares[m] / 100 * span * HZ);
}

static void
make_cpu (const Moment     *at,
          const SeyeSample *previous,
          SeyeSample       *sample)
{
  const SeyeFleetNode *node = at->node;
  double level = cpu_level (at);
  gboolean carry = previous != NULL && previous->cores->len == node->n_cores;
  SeyeCpuStat *total = &sample->cpu;

  g_array_set_size (sample->cores, node->n_cores);
  memset (total, 0, sizeof *total);
  total->id = -1;
  for (guint c = 0; c < node->n_cores; c++)
    {
      SeyeCpuStat *core = &g_array_index (sample->cores, SeyeCpuStat, c);
      const SeyeCpuStat *before = carry ? &g_array_index (previous->cores, SeyeCpuStat, c) : NULL;

      make_core (at, level, c, before, core);
      total->busy += core->busy / node->n_cores;
      total->user += core->user / node->n_cores;
      total->system += core->system / node->n_cores;
      total->iowait += core->iowait / node->n_cores;
      total->steal += core->steal / node->n_cores;
      for (guint m = 0; m < SEYE_CPU_N_MODES; m++)
        total->ticks[m] += core->ticks[m];
    }

  /* Load follows the level (slower, and not its per-tick noise); a pegged node queues. */
  sample->load[0] = node->n_cores * level / 100 * ((node->hot & SEYE_FLEET_HOT_CPU) ? 1.6 : 1.0);
  sample->load[1] = sample->load[0] * between (smooth (at, 300, CH_LOAD5), 0.85, 1.1);
  sample->load[2] = sample->load[0] * between (smooth (at, 900, CH_LOAD15), 0.75, 1.15);
  sample->procs_running = 1 + (guint) (node->n_cores * total->busy / 100);
}

static void
make_memory (const Moment *at,
             SeyeSample   *sample)
{
  const SeyeFleetNode *node = at->node;
  SeyeMemory *m = &sample->memory;
  gboolean hot = (node->hot & (SEYE_FLEET_HOT_MEMORY | SEYE_FLEET_HOT_SWAP)) != 0;
  double swing = hot ? 0.015 : node->busy ? 0.1 : 0.05;
  double used = node->memory_used + swing * (2 * smooth (at, 120, CH_MEMORY) - 1);
  double swap = (node->hot & SEYE_FLEET_HOT_SWAP) ? between (smooth (at, 90, CH_SWAP), 0.82, 0.97)
                                                   : between (smooth (at, 600, CH_SWAP), 0, 0.06);

  m->total = node->memory_total;
  m->used = (guint64) (m->total * CLAMP (used, 0.05, 0.99));
  m->available = m->total - m->used;
  m->free = (guint64) (m->available * between (smooth (at, 600, CH_MEMORY_FREE), 0.15, 0.45));
  m->buffers = MIN (m->total / 64, m->available - m->free);
  m->cached = m->available - m->free - m->buffers;
  m->swap_total = node->swap_total;
  m->swap_used = (guint64) (node->swap_total * swap);
}

static void
make_processes (const Moment *at,
                SeyeSample   *sample)
{
  const SeyeFleetNode *node = at->node;

  sample->procs_total = node->procs + (guint) ((node->busy ? 150 : 20) * smooth (at, 60, CH_PROCS));
  sample->procs_blocked = noise (at, CH_BLOCKED) < (node->busy ? 0.2 : 0.03) ? 1 : 0;
  sample->threads = sample->procs_total * 4 + node->n_cores * 8;
}

/* A rate around @mean, and its counter: on from @before, or since the boot. */
static double
make_rate (const Moment  *at,
           double         mean,
           guint          channel,
           const guint64 *before,
           guint64       *counter)
{
  double rate = mean * 2 * smooth (at, 30, channel) * between (noise (at, channel), 0.7, 1.3);

  if (before != NULL)
    *counter = *before + (guint64) (rate * at->node->interval);
  else
    *counter = (guint64) (mean * at->uptime);

  return rate;
}

static void
make_network (const Moment     *at,
              const SeyeSample *previous,
              SeyeSample       *sample)
{
  const SeyeFleetNode *node = at->node;
  gboolean carry = previous != NULL && previous->interfaces->len == node->n_ifaces;

  g_array_set_size (sample->interfaces, node->n_ifaces);
  for (guint i = 0; i < node->n_ifaces; i++)
    {
      SeyeNetIface *iface = &g_array_index (sample->interfaces, SeyeNetIface, i);
      const SeyeNetIface *before = NULL;

      if (carry)
        before = &g_array_index (previous->interfaces, SeyeNetIface, i);
      iface->name = g_strdup (node->ifaces[i].name);
      iface->rx_bytes_per_sec = make_rate (at, node->ifaces[i].rx, CH_RX + i,
                                           before ? &before->rx_bytes : NULL, &iface->rx_bytes);
      iface->tx_bytes_per_sec = make_rate (at, node->ifaces[i].tx, CH_TX + i,
                                           before ? &before->tx_bytes : NULL, &iface->tx_bytes);
      /* The totals leave loopback (the first) out, as the agent's do. */
      if (i > 0)
        {
          sample->net_rx_bytes_per_sec += iface->rx_bytes_per_sec;
          sample->net_tx_bytes_per_sec += iface->tx_bytes_per_sec;
        }
    }
}

static void
make_disks (const Moment     *at,
            const SeyeSample *previous,
            SeyeSample       *sample)
{
  const SeyeFleetNode *node = at->node;
  gboolean carry = previous != NULL && previous->disks->len == node->n_disks;

  g_array_set_size (sample->disks, node->n_disks);
  for (guint i = 0; i < node->n_disks; i++)
    {
      SeyeDiskDevice *disk = &g_array_index (sample->disks, SeyeDiskDevice, i);
      const SeyeDiskDevice *before = NULL;

      if (carry)
        before = &g_array_index (previous->disks, SeyeDiskDevice, i);
      disk->name = g_strdup (node->disks[i].name);
      disk->read_bytes_per_sec = make_rate (at, node->disks[i].read, CH_READ + i,
                                            before ? &before->read_bytes : NULL, &disk->read_bytes);
      disk->write_bytes_per_sec = make_rate (at, node->disks[i].write, CH_WRITE + i,
                                             before ? &before->written_bytes : NULL,
                                             &disk->written_bytes);
      sample->disk_read_bytes_per_sec += disk->read_bytes_per_sec;
      sample->disk_write_bytes_per_sec += disk->write_bytes_per_sec;
    }
}

static void
make_filesystems (const Moment *at,
                  SeyeSample   *sample)
{
  const SeyeFleetNode *node = at->node;

  g_array_set_size (sample->filesystems, node->n_fs);
  for (guint i = 0; i < node->n_fs; i++)
    {
      const FsShape *shape = &node->fs[i];
      SeyeFilesystem *fs = &g_array_index (sample->filesystems, SeyeFilesystem, i);
      guint64 usable = (guint64) (shape->size * (1 - shape->reserve));
      double used;

      /* Logs and caches come and go; a full disk creeps on, 5 points a day. */
      if (shape->used >= 0.9)
        used = MIN (0.98, shape->used + at->seconds / 86400 * 0.05);
      else
        used = shape->used + 0.01 * smooth (at, 3600, CH_FS_GROWTH + i);

      fs->mount_point = g_strdup (shape->mount);
      fs->device = g_strdup (shape->device);
      fs->fs_type = g_strdup (shape->type);
      fs->size_bytes = shape->size;
      fs->used_bytes = (guint64) (usable * MIN (used, 1.0));
      fs->avail_bytes = usable - fs->used_bytes;
      fs->free_bytes = fs->size_bytes - fs->used_bytes;
    }
}

/**
 * seye_fleet_node_sample:
 * @tick: 0 for the first sample after the start
 * @previous: (nullable): the node's sample before this one, whose counters go on
 *
 * Every value but the counters is the same whatever @previous is.
 *
 * Returns: (transfer full): the node's sample at @tick, every part present.
 */
SeyeSample *
seye_fleet_node_sample (SeyeFleetNode    *node,
                        gint64            tick,
                        const SeyeSample *previous)
{
  SeyeSample *sample = seye_sample_new ();
  Moment at = { node, tick, tick * node->interval, 0 };

  sample->time_ms = seye_fleet_node_tick_time (node, tick);
  sample->interval = node->interval;
  sample->parts = SEYE_SAMPLE_CPU | SEYE_SAMPLE_MEMORY | SEYE_SAMPLE_LOAD | SEYE_SAMPLE_PROCESSES |
                  SEYE_SAMPLE_UPTIME | SEYE_SAMPLE_NETWORK | SEYE_SAMPLE_DISK |
                  SEYE_SAMPLE_FILESYSTEMS;
  sample->boot_time = node->info->boot_time;
  sample->uptime = MAX (0, sample->time_ms / 1000.0 - node->info->boot_time);
  at.uptime = sample->uptime;

  make_cpu (&at, previous, sample);
  make_memory (&at, sample);
  make_processes (&at, sample);
  make_network (&at, previous, sample);
  make_disks (&at, previous, sample);
  make_filesystems (&at, sample);

  return sample;
}
