/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seye-test-util.h"

/*
 * The agent against a real avahi-daemon, seen through a real avahi-browse.
 * Each test uses names of its own (with the pid) so a desktop's other
 * services and earlier runs' cached records do not matter.
 */

typedef struct
{
  char  *name;
  char  *address;
  guint  port;
  GStrv  txt;
} Service;

static void
service_free (Service *service)
{
  g_free (service->name);
  g_free (service->address);
  g_strfreev (service->txt);
  g_free (service);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Service, service_free)

/* avahi-browse -rtp escapes "." and "\" and non-printables as \DDD. */
static char *
unescape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (p[0] == '\\' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3]))
        {
          g_string_append_c (out, (char) ((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static GStrv
parse_txt (const char *field)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_auto (GStrv) parts = g_strsplit (field, "\" \"", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *entry = parts[i];
      gsize len;

      if (entry[0] == '"')
        entry++;
      len = strlen (entry);
      if (len > 0 && entry[len - 1] == '"')
        entry[len - 1] = '\0';
      if (entry[0] != '\0')
        g_ptr_array_add (entries, g_strdup (entry));
    }
  g_ptr_array_add (entries, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&entries), FALSE);
}

/* Every resolved _sorcerers-eye._tcp service whose name starts with @prefix. */
static GPtrArray *
browse (const char *prefix)
{
  /* Bounded: a resolution that never completes must not hang the test. */
  const char *argv[] = { "timeout", "5", "avahi-browse", "-rtp", "_sorcerers-eye._tcp", NULL };
  g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ";", 10);
      g_autofree char *name = NULL;
      Service *service;

      if (g_strv_length (f) < 10 || !g_str_equal (f[0], "="))
        continue;

      name = unescape (f[3]);
      if (!g_str_has_prefix (name, prefix))
        continue;

      service = g_new0 (Service, 1);
      service->name = g_steal_pointer (&name);
      service->address = g_strdup (f[7]);
      service->port = (guint) atoi (f[8]);
      service->txt = parse_txt (f[9]);
      g_ptr_array_add (services, service);
    }

  return g_steal_pointer (&services);
}

static Service *
find (GPtrArray  *services,
      const char *name)
{
  for (guint i = 0; i < services->len; i++)
    {
      Service *service = g_ptr_array_index (services, i);

      if (g_str_equal (service->name, name))
        return service;
    }

  return NULL;
}

/* Browses until @name is there with @port (0: absent), for up to @timeout_ms. */
static gboolean
wait_for_service (const char *name,
                  guint       port,
                  guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  do
    {
      g_autoptr (GPtrArray) services = browse (name);
      Service *service = find (services, name);

      if (port == 0 ? service == NULL : (service != NULL && service->port == port))
        return TRUE;

      g_usleep (200 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (g_get_monotonic_time () < deadline);

  return FALSE;
}

static char *
unique_name (const char *what)
{
  return g_strdup_printf ("seye-test-%u-%s", (guint) getpid (), what);
}

static void
test_announced_with_txt (void)
{
  g_autofree char *node_id = seye_test_node_id (1);
  g_autofree char *txt_id = g_strconcat ("id=", node_id, NULL);
  g_autofree char *name = unique_name ("txt");
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) services = NULL;
  Service *service;

  if (!seye_test_require_avahi ())
    return;

  agent = seye_test_agent_start ("--name", name, "--node-id", node_id, "--tags", "web,eu-1", NULL);
  g_assert_true (seye_test_agent_wait_log (agent, "mDNS: announced as", 10000));
  g_assert_true (wait_for_service (name, agent->port, 10000));

  services = browse (name);
  service = find (services, name);
  g_assert_nonnull (service);
  g_assert_cmpuint (service->port, ==, agent->port);
  /* The tests' avahi-daemon serves loopback only: the host resolves to a loopback address. */
  g_assert_true (g_str_equal (service->address, "127.0.0.1") || g_str_equal (service->address, "::1"));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, "txtvers=1"));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, txt_id));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, "api=1"));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, "version=" PACKAGE_VERSION));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, "tags=web,eu-1"));
  /* Plain HTTP and no token: nothing is said about either. */
  for (guint i = 0; service->txt[i] != NULL; i++)
    {
      g_assert_false (g_str_has_prefix (service->txt[i], "tls="));
      g_assert_false (g_str_has_prefix (service->txt[i], "auth="));
    }

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

/* With HTTPS and a token the record says so: "tls=" the SHA-256 of the
 * certificate served, and "auth=token". */
static void
test_announced_secured (void)
{
  g_autofree char *node_id = seye_test_node_id (2);
  g_autofree char *txt_id = g_strconcat ("id=", node_id, NULL);
  g_autofree char *name = unique_name ("secured");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seye-mdns-XXXXXX", &error);
  g_autofree char *certificate_path = g_build_filename (dir, "tls.crt", NULL);
  g_autofree char *key_path = g_build_filename (dir, "tls.key", NULL);
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (SeyeTestAgent) agent = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GByteArray) der = NULL;
  Service *service;

  g_assert_no_error (error);
  if (!seye_test_require_avahi ())
    return;

  agent = seye_test_agent_start ("--name", name, "--node-id", node_id,
                                 "--tls", "--auth=token", "--state-dir", dir, NULL);
  g_assert_true (seye_test_agent_wait_log (agent, "mDNS: announced as", 10000));
  g_assert_true (wait_for_service (name, agent->port, 10000));

  certificate = g_tls_certificate_new_from_file (certificate_path, &error);
  g_assert_no_error (error);
  g_object_get (certificate, "certificate", &der, NULL);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  expected = g_strconcat ("tls=", fingerprint, NULL);

  services = browse (name);
  service = find (services, name);
  g_assert_nonnull (service);
  g_assert_true (g_strv_contains ((const char * const *) service->txt, txt_id));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, expected));
  g_assert_true (g_strv_contains ((const char * const *) service->txt, "auth=token"));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_unlink (certificate_path);
  g_unlink (key_path);
  g_unlink (token_path);
  g_rmdir (dir);
}

static void
test_same_name_both_appear (void)
{
  g_autofree char *node_id_a = seye_test_node_id (2);
  g_autofree char *node_id_b = seye_test_node_id (3);
  g_autofree char *name = unique_name ("twin");
  g_autofree char *second_name = NULL;
  g_autoptr (SeyeTestAgent) a = NULL;
  g_autoptr (SeyeTestAgent) b = NULL;
  g_autoptr (GPtrArray) services = NULL;

  if (!seye_test_require_avahi ())
    return;

  a = seye_test_agent_start ("--name", name, "--node-id", node_id_a, NULL);
  g_assert_true (seye_test_agent_wait_log (a, "mDNS: announced as", 10000));
  b = seye_test_agent_start ("--name", name, "--node-id", node_id_b, NULL);
  g_assert_true (seye_test_agent_wait_log (b, "is taken on this network", 10000));
  g_assert_true (seye_test_agent_wait_log (b, "mDNS: announced as", 10000));

  second_name = g_strdup_printf ("%s #2", name);
  g_assert_true (wait_for_service (name, a->port, 10000));
  g_assert_true (wait_for_service (second_name, b->port, 10000));

  services = browse (name);
  g_assert_nonnull (find (services, name));
  g_assert_nonnull (find (services, second_name));

  g_assert_cmpint (seye_test_agent_stop (a), ==, 0);
  g_assert_cmpint (seye_test_agent_stop (b), ==, 0);
}

static void
test_sigterm_withdraws (void)
{
  g_autofree char *node_id = seye_test_node_id (4);
  g_autofree char *name = unique_name ("bye");
  g_autoptr (SeyeTestAgent) agent = NULL;

  if (!seye_test_require_avahi ())
    return;

  agent = seye_test_agent_start ("--name", name, "--node-id", node_id, NULL);
  g_assert_true (wait_for_service (name, agent->port, 10000));

  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
  g_assert_nonnull (strstr (agent->log->str, "mDNS: withdrawing"));
  /* The goodbye packets flush the record at once; a killed agent's would live on for its TTL. */
  g_assert_true (wait_for_service (name, 0, 3000));
}

static void
test_daemon_restart_republishes (void)
{
  g_autofree char *node_id = seye_test_node_id (5);
  g_autofree char *name = unique_name ("phoenix");
  g_autoptr (SeyeTestAgent) agent = NULL;

  if (!seye_test_require_avahi ())
    return;

  if (!seye_test_require_own_avahi ())
    return;

  agent = seye_test_agent_start ("--name", name, "--node-id", node_id, NULL);
  g_assert_true (wait_for_service (name, agent->port, 10000));

  g_assert_true (seye_test_avahi_restart ());
  g_assert_true (seye_test_agent_wait_log (agent, "avahi-daemon is back", 15000));
  g_assert_true (wait_for_service (name, agent->port, 15000));

  /* It still serves HTTP all along. */
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

static void
test_daemon_appears_later (void)
{
  g_autofree char *node_id = seye_test_node_id (6);
  g_autofree char *name = unique_name ("late");
  g_autoptr (SeyeTestAgent) agent = NULL;
  const char *said;

  if (!seye_test_require_avahi ())
    return;

  if (!seye_test_require_own_avahi ())
    return;

  g_assert_true (seye_test_avahi_stop ());
  agent = seye_test_agent_start ("--name", name, "--node-id", node_id, NULL);
  g_assert_true (seye_test_agent_wait_log (agent, "mDNS: cannot announce the agent", 5000));

  /* Serving all the while. */
  g_assert_true (seye_test_require_avahi ());
  g_assert_true (seye_test_agent_wait_log (agent, "mDNS: avahi-daemon runs now", 15000));
  g_assert_true (wait_for_service (name, agent->port, 15000));

  /* Said once, not on every retry. */
  said = strstr (agent->log->str, "cannot announce");
  g_assert_null (strstr (said + 1, "cannot announce"));
  g_assert_cmpint (seye_test_agent_stop (agent), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/agent/mdns/announced-with-txt", test_announced_with_txt);
  g_test_add_func ("/seye/agent/mdns/announced-secured", test_announced_secured);
  g_test_add_func ("/seye/agent/mdns/same-name-both-appear", test_same_name_both_appear);
  g_test_add_func ("/seye/agent/mdns/sigterm-withdraws", test_sigterm_withdraws);
  g_test_add_func ("/seye/agent/mdns/daemon-restart-republishes", test_daemon_restart_republishes);
  g_test_add_func ("/seye/agent/mdns/daemon-appears-later", test_daemon_appears_later);

  return g_test_run ();
}
