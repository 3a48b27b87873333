/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-prometheus-servers"

#include "config.h"

#include "seye-prometheus-servers.h"

/*
 * The "prometheus-servers" setting (aa{ss}): one dictionary a server, "url",
 * "auth" ("none", "basic", "bearer"), "user", "certificate". An entry without
 * a usable URL, or a second entry for the same URL, is left out when read.
 */

static const char * const auth_names[] = { "none", "basic", "bearer" };

void
seye_prometheus_server_free (SeyePrometheusServer *server)
{
  if (server == NULL)
    return;

  g_free (server->url);
  g_free (server->user);
  g_free (server->certificate);
  g_free (server);
}

char *
seye_prometheus_server_normalize_url (const char  *url,
                                      GError     **error)
{
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (url != NULL ? url : ""));

  source = seye_prometheus_source_new (stripped, error);
  if (source == NULL)
    return NULL;

  return g_strdup (seye_prometheus_source_get_url (source));
}

SeyePrometheusServer *
seye_prometheus_server_find (GPtrArray  *servers,
                             const char *url)
{
  for (guint i = 0; i < servers->len; i++)
    {
      SeyePrometheusServer *server = servers->pdata[i];

      if (g_strcmp0 (server->url, url) == 0)
        return server;
    }

  return NULL;
}

static SeyePrometheusAuth
parse_auth (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (auth_names); i++)
    if (g_strcmp0 (name, auth_names[i]) == 0)
      return i;

  return SEYE_PROMETHEUS_AUTH_NONE;
}

/* "" and absent are the same: none. */
static char *
dup_nonempty (GVariant   *dict,
              const char *key)
{
  g_autofree char *value = NULL;

  if (!g_variant_lookup (dict, key, "s", &value) || value[0] == '\0')
    return NULL;

  return g_steal_pointer (&value);
}

/**
 * seye_prometheus_servers_load:
 *
 * Returns: (transfer full) (element-type SeyePrometheusServer): the servers of
 *   the setting, in its order.
 */
GPtrArray *
seye_prometheus_servers_load (GSettings *settings)
{
  g_autoptr (GVariant) value = g_settings_get_value (settings, "prometheus-servers");
  GPtrArray *servers = g_ptr_array_new_with_free_func ((GDestroyNotify) seye_prometheus_server_free);
  GVariantIter iter;
  GVariant *child;

  g_variant_iter_init (&iter, value);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (GVariant) dict = child;
      g_autofree char *given = dup_nonempty (dict, "url");
      g_autofree char *auth = dup_nonempty (dict, "auth");
      g_autofree char *url = NULL;
      g_autoptr (GError) error = NULL;
      SeyePrometheusServer *server;

      url = seye_prometheus_server_normalize_url (given, &error);
      if (url == NULL)
        {
          g_message ("Ignoring a Prometheus server of the settings: %s", error->message);
          continue;
        }
      if (seye_prometheus_server_find (servers, url) != NULL)
        continue;

      server = g_new0 (SeyePrometheusServer, 1);
      server->url = g_steal_pointer (&url);
      server->auth = parse_auth (auth);
      server->user = dup_nonempty (dict, "user");
      server->certificate = dup_nonempty (dict, "certificate");
      g_ptr_array_add (servers, server);
    }

  return servers;
}

/* Writes @servers (SeyePrometheusServer) as the setting. */
gboolean
seye_prometheus_servers_save (GSettings *settings,
                              GPtrArray *servers)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{ss}"));
  for (guint i = 0; i < servers->len; i++)
    {
      const SeyePrometheusServer *server = servers->pdata[i];

      g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{ss}"));
      g_variant_builder_add (&builder, "{ss}", "url", server->url);
      g_variant_builder_add (&builder, "{ss}", "auth", auth_names[server->auth]);
      if (server->user != NULL)
        g_variant_builder_add (&builder, "{ss}", "user", server->user);
      if (server->certificate != NULL)
        g_variant_builder_add (&builder, "{ss}", "certificate", server->certificate);
      g_variant_builder_close (&builder);
    }

  return g_settings_set_value (settings, "prometheus-servers", g_variant_builder_end (&builder));
}
