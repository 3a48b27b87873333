/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-sample"

#include "config.h"

#include "seye-json.h"
#include "seye-sample.h"

G_DEFINE_BOXED_TYPE (SeyeSample, seye_sample, seye_sample_ref, seye_sample_unref)
G_DEFINE_BOXED_TYPE (SeyeNodeInfo, seye_node_info, seye_node_info_copy, seye_node_info_free)

static void
net_iface_clear (gpointer data)
{
  SeyeNetIface *iface = data;

  g_clear_pointer (&iface->name, g_free);
}

static void
disk_device_clear (gpointer data)
{
  SeyeDiskDevice *disk = data;

  g_clear_pointer (&disk->name, g_free);
}

/**
 * seye_filesystem_clear:
 *
 * Frees the strings of a SeyeFilesystem (a GArray's clear function).
 */
void
seye_filesystem_clear (gpointer data)
{
  SeyeFilesystem *fs = data;

  g_clear_pointer (&fs->mount_point, g_free);
  g_clear_pointer (&fs->device, g_free);
  g_clear_pointer (&fs->fs_type, g_free);
}

/**
 * seye_sample_new:
 *
 * Returns: (transfer full): an empty sample with no parts set.
 */
SeyeSample *
seye_sample_new (void)
{
  SeyeSample *self = g_new0 (SeyeSample, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->cpu.id = -1;
  self->cores = g_array_new (FALSE, TRUE, sizeof (SeyeCpuStat));
  self->interfaces = g_array_new (FALSE, TRUE, sizeof (SeyeNetIface));
  g_array_set_clear_func (self->interfaces, net_iface_clear);
  self->disks = g_array_new (FALSE, TRUE, sizeof (SeyeDiskDevice));
  g_array_set_clear_func (self->disks, disk_device_clear);
  self->filesystems = g_array_new (FALSE, TRUE, sizeof (SeyeFilesystem));
  g_array_set_clear_func (self->filesystems, seye_filesystem_clear);

  return self;
}

SeyeSample *
seye_sample_ref (SeyeSample *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
seye_sample_unref (SeyeSample *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->cores, g_array_unref);
  g_clear_pointer (&self->interfaces, g_array_unref);
  g_clear_pointer (&self->disks, g_array_unref);
  g_clear_pointer (&self->filesystems, g_array_unref);
  g_clear_pointer (&self->json, g_bytes_unref);
  g_free (self);
}

/**
 * seye_sample_get_memory_percent:
 *
 * Returns: memory in use (total - available) in percent of the total, 0 when unknown.
 */
double
seye_sample_get_memory_percent (const SeyeSample *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (!(self->parts & SEYE_SAMPLE_MEMORY) || self->memory.total == 0)
    return 0.0;

  return 100.0 * (double) self->memory.used / (double) self->memory.total;
}

double
seye_sample_get_swap_percent (const SeyeSample *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (!(self->parts & SEYE_SAMPLE_MEMORY) || self->memory.swap_total == 0)
    return 0.0;

  return 100.0 * (double) self->memory.swap_used / (double) self->memory.swap_total;
}

/**
 * seye_sample_get_json:
 *
 * The sample encoded as a JSON object (see docs/api.md). Encoded on the first
 * call and kept: a sample is immutable, so every later request is served from it.
 *
 * Returns: (transfer none): the encoding.
 */
GBytes *
seye_sample_get_json (SeyeSample *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->json == NULL)
    {
      g_autoptr (GString) str = g_string_sized_new (2048);

      /* Copied to its exact size: kept samples must not carry the slack. The
       * copy keeps a NUL after the data (not counted in its size), as
       * g_string_free_to_bytes() does, for callers that read it as a string. */
      seye_json_write_sample (str, self);
      self->json = g_bytes_new_take (g_strndup (str->str, str->len), str->len);
    }

  return self->json;
}

SeyeNodeInfo *
seye_node_info_new (void)
{
  SeyeNodeInfo *self = g_new0 (SeyeNodeInfo, 1);

  self->api_version = SEYE_API_VERSION;

  return self;
}

SeyeNodeInfo *
seye_node_info_copy (const SeyeNodeInfo *self)
{
  SeyeNodeInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->node_id = g_strdup (self->node_id);
  copy->name = g_strdup (self->name);
  copy->hostname = g_strdup (self->hostname);
  copy->os_name = g_strdup (self->os_name);
  copy->kernel = g_strdup (self->kernel);
  copy->arch = g_strdup (self->arch);
  copy->cpu_model = g_strdup (self->cpu_model);
  copy->agent_version = g_strdup (self->agent_version);
  copy->tags = g_strdupv (self->tags);

  return copy;
}

void
seye_node_info_free (SeyeNodeInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->node_id);
  g_free (self->name);
  g_free (self->hostname);
  g_free (self->os_name);
  g_free (self->kernel);
  g_free (self->arch);
  g_free (self->cpu_model);
  g_free (self->agent_version);
  g_strfreev (self->tags);
  g_free (self);
}
