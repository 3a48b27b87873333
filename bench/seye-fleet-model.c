/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-fleet-sim"

#include "config.h"

#include <math.h>

#include "seye-fleet-model-private.h"
#include "seye-node-id.h"

/*
 * The machines of the simulated fleet; their samples are seye-fleet-sample.c.
 *
 * A node's shape (cores, memory, disks, interfaces, how busy it is) is drawn
 * once from the seed. Its values at tick K come from a hash of the seed, the
 * node, K and what is asked for (a "channel"): per-tick noise is one hash,
 * slow changes are value noise (hashes at fixed steps in time, eased from one
 * to the next). Nothing is kept between samples but the counters, so a sample
 * is cheap (no state to walk, a few hashes per core) and can be made again for
 * any tick of the past.
 */

/* The shape of a machine -------------------------------------------------- */

static const struct {
  guint       cores;
  guint       weight;      /* in a hundred */
  const char *cpu_model;
} core_choices[] = {
  { 2,   5,  "Intel(R) Celeron(R) J4125 CPU @ 2.00GHz" },
  { 4,   15, "Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz" },
  { 8,   25, "AMD Ryzen 7 5700G with Radeon Graphics" },
  { 12,  8,  "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz" },
  { 16,  20, "AMD Ryzen 9 5950X 16-Core Processor" },
  { 24,  5,  "Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz" },
  { 32,  10, "AMD EPYC 7302 16-Core Processor" },
  { 48,  3,  "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz" },
  { 64,  5,  "AMD EPYC 7B13" },
  { 96,  1,  "Intel(R) Xeon(R) Platinum 8260 CPU @ 2.40GHz" },
  { 128, 2,  "AMD EPYC 7763 64-Core Processor" },
  { 256, 1,  "AMD EPYC 9754 128-Core Processor" },
};

static const struct {
  const char *os;
  const char *kernel;
} systems[] = {
  { "Debian GNU/Linux 12 (bookworm)", "6.1.0-26-amd64" },
  { "Debian GNU/Linux 11 (bullseye)", "5.10.0-32-amd64" },
  { "Ubuntu 22.04.4 LTS", "5.15.0-119-generic" },
  { "Ubuntu 24.04.1 LTS", "6.8.0-45-generic" },
  { "Fedora Linux 40 (Workstation Edition)", "6.10.11-200.fc40.x86_64" },
  { "Rocky Linux 9.4 (Blue Onyx)", "5.14.0-427.37.1.el9_4.x86_64" },
};

static const char * const ethernet_names[] = { "eno1", "enp3s0", "eth0", "enp0s31f6", "ens18" };
static const char * const extra_iface_names[] = { "docker0", "wlp2s0", "virbr0" };

/* Extra filesystems a machine may have beside / and /boot/efi. */
static const struct {
  const char *mount;
  const char *type;
  double      reserve;
  guint64     min_gib;
  guint64     max_gib;
} extra_fs[] = {
  { "/home", "ext4", 0.05, 100, 2000 },
  { "/var", "xfs", 0.0, 20, 400 },
  { "/srv/data", "xfs", 0.0, 1000, 16000 },
  { "/var/lib/docker", "ext4", 0.05, 50, 800 },
};

static void
pick_cores (SeyeFleetNode *node,
            GRand         *rand)
{
  gint32 pick = g_rand_int_range (rand, 0, 100);
  guint i = 0;

  while (i < G_N_ELEMENTS (core_choices) - 1 && pick >= (gint32) core_choices[i].weight)
    pick -= core_choices[i++].weight;

  node->n_cores = core_choices[i].cores;
  node->info->n_cores = node->n_cores;
  node->info->cpu_model = g_strdup (core_choices[i].cpu_model);
  /* Small machines are desktops; big ones are more often virtual. */
  if (node->n_cores >= 24 && g_rand_boolean (rand))
    node->steal = g_rand_double_range (rand, 0.01, 0.08);
}

static void
pick_memory (SeyeFleetNode *node,
             GRand         *rand)
{
  static const guint per_core_gib[] = { 2, 4, 4, 8 };
  guint64 gib = node->n_cores * per_core_gib[g_rand_int_range (rand, 0, 4)];

  node->memory_total = MAX (gib, 4) * GIB - g_rand_int_range (rand, 100, 400) * (GIB >> 10);
  node->swap_total = g_rand_boolean (rand) || (node->hot & SEYE_FLEET_HOT_SWAP)
                     ? (guint64) g_rand_int_range (rand, 2, 17) * GIB : 0;

  if (node->hot & SEYE_FLEET_HOT_MEMORY)
    node->memory_used = 0.97;
  else if (node->hot & SEYE_FLEET_HOT_SWAP)
    node->memory_used = 0.86;
  else if (node->busy)
    node->memory_used = g_rand_double_range (rand, 0.40, 0.75);
  else
    node->memory_used = g_rand_double_range (rand, 0.12, 0.45);
}

static void
pick_interfaces (SeyeFleetNode *node,
                 GRand         *rand)
{
  double scale = node->busy ? g_rand_double_range (rand, 2e6, 4e7)
                            : g_rand_double_range (rand, 2e3, 6e4);

  node->ifaces[0] = (IfaceShape) { "lo", scale * 0.05, scale * 0.05 };
  node->ifaces[1] = (IfaceShape) {
    ethernet_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (ethernet_names))], scale, scale * 0.4
  };
  node->n_ifaces = 2;
  for (guint i = 0; i < G_N_ELEMENTS (extra_iface_names) && node->n_ifaces < MAX_IFACES; i++)
    if (g_rand_int_range (rand, 0, 4) == 0)
      node->ifaces[node->n_ifaces++] = (IfaceShape) {
        extra_iface_names[i], scale * 0.1, scale * 0.1
      };
}

/* "/dev/nvme0n1p2", "/dev/sda2": partition @n of @disk. */
static char *
partition (const char *disk,
           guint       n)
{
  return g_strdup_printf ("/dev/%s%s%u", disk, g_str_has_prefix (disk, "nvme") ? "p" : "", n);
}

static void
add_filesystem (SeyeFleetNode *node,
                const char    *mount,
                const char    *disk,
                guint          part,
                const char    *type,
                guint64        size,
                double         reserve,
                double         used)
{
  FsShape *fs = &node->fs[node->n_fs++];

  fs->mount = mount;
  fs->device = partition (disk, part);
  fs->type = type;
  fs->size = size;
  fs->reserve = reserve;
  fs->used = used;
}

static void
pick_disks_and_filesystems (SeyeFleetNode *node,
                            GRand         *rand)
{
  double scale = node->busy ? g_rand_double_range (rand, 1e6, 8e7)
                            : g_rand_double_range (rand, 1e3, 2e5);
  gboolean nvme = g_rand_boolean (rand);
  const char *first = nvme ? "nvme0n1" : "sda";

  node->disks[0] = (DiskShape) { first, scale * 0.3, scale };
  node->n_disks = 1;
  if (g_rand_int_range (rand, 0, 3) == 0)
    node->disks[node->n_disks++] = (DiskShape) { nvme ? "nvme1n1" : "sdb", scale / 2, scale / 2 };

  add_filesystem (node, "/", first, 2, "ext4", (guint64) g_rand_int_range (rand, 30, 500) * GIB,
                  0.05, g_rand_double_range (rand, 0.15, 0.8));
  add_filesystem (node, "/boot/efi", first, 1, "vfat", 512 * (GIB >> 10), 0.0,
                  g_rand_double_range (rand, 0.01, 0.1));
  for (guint i = 0; i < G_N_ELEMENTS (extra_fs) && node->n_fs < MAX_FS; i++)
    {
      /* The big data filesystem on the second disk, when there is one. */
      const char *disk = node->n_disks > 1 && i == 2 ? node->disks[1].name : first;
      guint64 gib = (guint64) g_rand_int_range (rand, extra_fs[i].min_gib, extra_fs[i].max_gib);

      if (g_rand_int_range (rand, 0, 3) == 0)
        add_filesystem (node, extra_fs[i].mount, disk, disk == first ? node->n_fs + 1 : 1,
                        extra_fs[i].type, gib * GIB, extra_fs[i].reserve,
                        g_rand_double_range (rand, 0.1, 0.8));
    }

  /* A hot disk: one filesystem nearly full (it fills further, slowly, up to 98 %). */
  if (node->hot & SEYE_FLEET_HOT_DISK)
    node->fs[g_rand_int_range (rand, 0, node->n_fs)].used = g_rand_double_range (rand, 0.91, 0.95);
}

static void
pick_load (SeyeFleetNode *node,
           GRand         *rand)
{
  if (node->hot & SEYE_FLEET_HOT_CPU)
    {
      node->cpu_base = 97;
      node->cpu_swing = 2;
    }
  else if (node->busy)
    {
      node->cpu_base = g_rand_double_range (rand, 30, 60);
      node->cpu_swing = g_rand_double_range (rand, 10, 25);
    }
  else
    {
      node->cpu_base = g_rand_double_range (rand, 1, 8);
      node->cpu_swing = g_rand_double_range (rand, 1, 6);
    }

  node->procs = 120 + node->n_cores * (guint) g_rand_int_range (rand, 4, 16) +
                (node->busy ? 200 : 0);
}

static void
pick_identity (SeyeFleetNode *node,
               GRand         *rand,
               const char    *prefix,
               guint          width)
{
  g_autofree char *machine_id = g_strdup_printf ("%016" G_GINT64_MODIFIER "x"
                                                 "%016" G_GINT64_MODIFIER "x",
                                                 mix (node->key), mix (mix (node->key)));
  guint system = g_rand_int_range (rand, 0, G_N_ELEMENTS (systems));
  gboolean arm = g_rand_int_range (rand, 0, 20) == 0;

  node->info->node_id = seye_node_id_derive (machine_id);
  node->info->name = g_strdup_printf ("%s-%0*u", prefix, width, node->index + 1);
  node->info->hostname = g_strdup (node->info->name);
  node->info->os_name = g_strdup (systems[system].os);
  node->info->kernel = arm ? g_strdup ("6.1.0-26-arm64") : g_strdup (systems[system].kernel);
  node->info->arch = g_strdup (arm ? "aarch64" : "x86_64");
  node->info->agent_version = g_strdup (PACKAGE_VERSION);
  node->info->interval = node->interval;
  /* Up for an hour to half a year. */
  node->info->boot_time = node->start_ms / 1000 -
                          (gint64) exp (g_rand_double_range (rand, log (3600), log (1.6e7)));
}

/* A role, first (what the app groups by), and a rack: "web", "r3". From the node's
 * key alone, so that another --hot or --busy share keeps the same tags. */
static const char * const roles[] = { "web", "db", "build", "gpu", "storage" };
#define N_RACKS 8

static void
pick_tags (SeyeFleetNode *node)
{
  guint64 pick = mix (node->key ^ G_GUINT64_CONSTANT (0x7a95));

  node->info->tags = g_new0 (char *, 3);
  node->info->tags[0] = g_strdup (roles[pick % G_N_ELEMENTS (roles)]);
  node->info->tags[1] = g_strdup_printf ("r%u", (guint) ((pick >> 32) % N_RACKS) + 1);
}

static void
pick_outages (SeyeFleetNode         *node,
              GRand                 *rand,
              const SeyeFleetShares *shares)
{
  node->outage_every = MAX (shares->offline_every * g_rand_double_range (rand, 0.7, 1.3),
                            2 * node->interval);
  node->outage_for = MIN (shares->offline_for * g_rand_double_range (rand, 0.5, 1.5),
                          0.8 * node->outage_every);
  node->outage_for = MAX (node->outage_for, node->interval);
  /* Every node answers at first; the first outage comes within one cycle. */
  node->outage_first = g_rand_double_range (rand, node->interval, node->outage_every);
}

static SeyeFleetNode *
node_new (guint                  index,
          guint64                seed,
          const char            *prefix,
          guint                  width,
          double                 interval,
          gint64                 start_ms,
          const SeyeFleetShares *shares,
          gboolean               busy,
          SeyeFleetHot           hot,
          gboolean               flaky)
{
  SeyeFleetNode *node = g_new0 (SeyeFleetNode, 1);
  guint32 words[4] = { (guint32) seed, (guint32) (seed >> 32), index, 0x5ee7 };
  g_autoptr (GRand) rand = g_rand_new_with_seed_array (words, G_N_ELEMENTS (words));

  node->index = index;
  node->key = mix (seed ^ mix (index + G_GUINT64_CONSTANT (0x5ee70000)));
  node->interval = interval;
  node->start_ms = start_ms;
  node->offset_ms = (gint64) (g_rand_double (rand) * interval * 1000);
  node->busy = busy;
  node->hot = hot;
  node->flaky = flaky;
  node->info = seye_node_info_new ();

  pick_identity (node, rand, prefix, width);
  pick_cores (node, rand);
  pick_memory (node, rand);
  pick_interfaces (node, rand);
  pick_disks_and_filesystems (node, rand);
  pick_load (node, rand);
  pick_outages (node, rand, shares);
  if (shares->tags)
    pick_tags (node);

  return node;
}

void
seye_fleet_node_free (SeyeFleetNode *node)
{
  if (node == NULL)
    return;

  for (guint i = 0; i < node->n_fs; i++)
    g_free (node->fs[i].device);
  seye_node_info_free (node->info);
  g_free (node);
}

/* share × n rounded, at least one for a share above 0. */
static guint
count_of (double share,
          guint  n)
{
  if (!(share > 0))
    return 0;

  return MIN (n, MAX (1, (guint) lround (share * n)));
}

/* 0 … n-1 in an order drawn from @rand. */
static guint *
shuffle (GRand *rand,
         guint  n)
{
  guint *order = g_new (guint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      guint tmp = order[i - 1];

      order[i - 1] = order[j];
      order[j] = tmp;
    }

  return order;
}

/* One or two of the ways to be hot, the first by turns so every kind is there. */
static SeyeFleetHot
hot_kinds (GRand *rand,
           guint  nth)
{
  SeyeFleetHot hot = 1 << (nth % 4);

  if (g_rand_int_range (rand, 0, 4) == 0)
    hot |= 1 << g_rand_int_range (rand, 0, 4);

  return hot;
}

/**
 * seye_fleet_model_new:
 * @n_nodes: how many machines
 * @seed: what they are made from
 * @shares: which share of them is busy, hot or goes offline now and then
 * @prefix: of their names: "PREFIX-0001"…
 * @interval: seconds between two samples
 * @start_ms: the Unix time of tick 0, in milliseconds
 *
 * Returns: (transfer full) (element-type SeyeFleetNode): the fleet, in index order.
 */
GPtrArray *
seye_fleet_model_new (guint                  n_nodes,
                      guint64                seed,
                      const SeyeFleetShares *shares,
                      const char            *prefix,
                      double                 interval,
                      gint64                 start_ms)
{
  guint32 words[3] = { (guint32) seed, (guint32) (seed >> 32), 0xf1ee7 };
  g_autoptr (GRand) rand = g_rand_new_with_seed_array (words, G_N_ELEMENTS (words));
  g_autofree guint *load_order = shuffle (rand, n_nodes);
  g_autofree guint *outage_order = shuffle (rand, n_nodes);
  g_autofree SeyeFleetHot *hot = g_new0 (SeyeFleetHot, MAX (n_nodes, 1));
  g_autofree gboolean *busy = g_new0 (gboolean, MAX (n_nodes, 1));
  g_autofree gboolean *flaky = g_new0 (gboolean, MAX (n_nodes, 1));
  guint n_hot = count_of (shares->hot, n_nodes);
  guint n_busy = MIN (count_of (shares->busy, n_nodes), n_nodes - n_hot);
  guint width = MAX (4, (guint) floor (log10 (MAX (n_nodes, 1))) + 1);
  GPtrArray *nodes = g_ptr_array_new_full (n_nodes, (GDestroyNotify) seye_fleet_node_free);

  for (guint i = 0; i < n_hot; i++)
    hot[load_order[i]] = hot_kinds (rand, i);
  for (guint i = n_hot; i < n_hot + n_busy; i++)
    busy[load_order[i]] = TRUE;
  for (guint i = 0; i < count_of (shares->offline, n_nodes); i++)
    flaky[outage_order[i]] = TRUE;

  for (guint i = 0; i < n_nodes; i++)
    g_ptr_array_add (nodes, node_new (i, seed, prefix, width, interval, start_ms, shares,
                                      busy[i] || hot[i] != 0, hot[i], flaky[i]));

  return nodes;
}

const SeyeNodeInfo *
seye_fleet_node_get_info (SeyeFleetNode *node)
{
  return node->info;
}

guint
seye_fleet_node_get_index (SeyeFleetNode *node)
{
  return node->index;
}

gboolean
seye_fleet_node_is_busy (SeyeFleetNode *node)
{
  return node->busy;
}

SeyeFleetHot
seye_fleet_node_get_hot (SeyeFleetNode *node)
{
  return node->hot;
}

gboolean
seye_fleet_node_is_flaky (SeyeFleetNode *node)
{
  return node->flaky;
}

/**
 * seye_fleet_node_is_offline:
 *
 * Returns: whether @node is away at @tick: a flaky node is, for a while, once a cycle.
 */
gboolean
seye_fleet_node_is_offline (SeyeFleetNode *node,
                            gint64         tick)
{
  double seconds = tick * node->interval - node->outage_first;

  if (!node->flaky || seconds < 0)
    return FALSE;

  return fmod (seconds, node->outage_every) < node->outage_for;
}

/* The Unix time in milliseconds of @node's sample at @tick. */
gint64
seye_fleet_node_tick_time (SeyeFleetNode *node,
                           gint64         tick)
{
  return node->start_ms + node->offset_ms + (gint64) llround (tick * node->interval * 1000);
}

