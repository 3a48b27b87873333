/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's Prometheus servers without GTK (seye-prometheus-servers*.c): the
 * "prometheus-servers" setting becomes sources of the monitor and follows the setting
 * (an entry that is no server's address is left out, a second one for the same URL
 * too); servers added and removed the way Preferences → Sources does, refused in
 * words when the URL, the user or the certificate is wrong; a keyring that does not
 * answer is said once and the server still works; --prometheus servers are not saved.
 * The servers are loopback ports nobody listens on: each says it is not reachable,
 * which only a source the monitor started can say; and the fake Prometheus API
 * ($SEYE_FAKE_PROMETHEUS): more targets than are shown is said once, an error in words.
 */
#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-prometheus-servers.h"
#include "seye-test-util.h"

static char *
closed_url (void)
{
  return g_strdup_printf ("http://127.0.0.1:%u", seye_test_socket_free_port ());
}

typedef struct
{
  GSettings             *settings;
  SeyeMonitor           *monitor;
  SeyePrometheusServers *servers;
  GPtrArray             *messages;
} Fixture;

static void
message_cb (SeyePrometheusServers *servers,
            const char            *text,
            Fixture               *f)
{
  g_test_message ("message: %s", text);
  g_ptr_array_add (f->messages, g_strdup (text));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "prometheus-servers");
  f->monitor = seye_monitor_new ();
  seye_monitor_set_discovery (f->monitor, FALSE);
  f->messages = g_ptr_array_new_with_free_func (g_free);
  f->servers = seye_prometheus_servers_new (f->monitor, f->settings);
  g_signal_connect (f->servers, "message", G_CALLBACK (message_cb), f);
  seye_monitor_start (f->monitor);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  seye_monitor_stop (f->monitor);
  g_clear_object (&f->servers);
  g_clear_object (&f->monitor);
  g_settings_reset (f->settings, "prometheus-servers");
  g_clear_object (&f->settings);
  g_clear_pointer (&f->messages, g_ptr_array_unref);
}

static guint
n_servers (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->servers));
}

static gboolean
notice_has_cb (gpointer data)
{
  gpointer *args = data;
  const char *notice = seye_prometheus_servers_get_notice (args[0]);

  return notice != NULL && strstr (notice, args[1]) != NULL;
}

/* The notice names @url as not reachable: its source was started by the monitor. */
static void
wait_unreachable (Fixture    *f,
                  const char *url)
{
  g_autofree char *needle = g_strdup_printf ("Prometheus at %s not reachable", url);
  gpointer args[] = { f->servers, needle };

  if (!seye_test_wait_until (notice_has_cb, args, 60000))
    g_error ("the notice is “%s”, not one with “%s”", seye_prometheus_servers_get_notice (f->servers), needle);
}

static void
set_setting (Fixture            *f,
             const char * const *urls)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{ss}"));
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{ss}"));
      g_variant_builder_add (&builder, "{ss}", "url", urls[i]);
      g_variant_builder_close (&builder);
    }
  g_assert_true (g_settings_set_value (f->settings, "prometheus-servers", g_variant_builder_end (&builder)));
}

static void
test_follows_setting (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *a = closed_url ();
  g_autofree char *b = closed_url ();
  g_autofree char *a_slash = g_strconcat (a, "/", NULL);
  g_autoptr (SeyePrometheusSource) first = NULL;

  /* As gsettings or dconf-editor would write it: a bad entry and a second spelling of a. */
  {
    const char *urls[] = { a_slash, "ftp://example.org", a, b, NULL };

    set_setting (f, urls);
  }
  g_assert_cmpuint (n_servers (f), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (f->servers), 0);
  g_assert_cmpstr (seye_prometheus_source_get_url (first), ==, a);
  g_assert_true (seye_prometheus_servers_is_saved (f->servers, first));
  wait_unreachable (f, a);
  wait_unreachable (f, b);

  /* One removed elsewhere: it goes, and with it its line of the notice. */
  {
    const char *urls[] = { b, NULL };

    set_setting (f, urls);
  }
  g_assert_cmpuint (n_servers (f), ==, 1);
  g_assert_null (strstr (seye_prometheus_servers_get_notice (f->servers), a));

  {
    const char *urls[] = { NULL };

    set_setting (f, urls);
  }
  g_assert_cmpuint (n_servers (f), ==, 0);
  g_assert_null (seye_prometheus_servers_get_notice (f->servers));
}

/* A pinned certificate gone from the disk: listed, not asked with the system's CAs instead. */
static void
test_certificate_gone (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = closed_url ();
  g_autoptr (SeyePrometheusSource) source = NULL;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{ss}"));
  g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", "url", url);
  g_variant_builder_add (&builder, "{ss}", "certificate", "/nonexistent/prometheus.pem");
  g_variant_builder_close (&builder);
  g_assert_true (g_settings_set_value (f->settings, "prometheus-servers", g_variant_builder_end (&builder)));

  g_assert_cmpuint (n_servers (f), ==, 1);
  source = g_list_model_get_item (G_LIST_MODEL (f->servers), 0);
  g_assert_nonnull (seye_prometheus_servers_get_problem (f->servers, source));
  g_assert_nonnull (strstr (seye_prometheus_servers_get_notice (f->servers), "is not used"));
  g_test_message ("%s", seye_prometheus_servers_get_notice (f->servers));

  /* Never asked: it stays connecting, it is not found unreachable. */
  seye_test_spin (2000);
  g_assert_cmpuint (seye_prometheus_source_get_requests_sent (source), ==, 0);
}

static void
test_add_remove (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = closed_url ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  SeyePrometheusServer server = { .url = (char *) "ftp://example.org" };

  /* Refused in words, nothing kept. */
  g_assert_false (seye_prometheus_servers_add (f->servers, &server, NULL, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "is not the address of a Prometheus server"));
  g_clear_error (&error);

  server.url = url;
  server.auth = SEYE_PROMETHEUS_AUTH_BASIC;
  g_assert_false (seye_prometheus_servers_add (f->servers, &server, "secret", &error));
  g_assert_nonnull (strstr (error->message, "user name"));
  g_clear_error (&error);

  server.auth = SEYE_PROMETHEUS_AUTH_NONE;
  server.certificate = (char *) "/nonexistent/prometheus.pem";
  g_assert_false (seye_prometheus_servers_add (f->servers, &server, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (n_servers (f), ==, 0);

  /* Added with spaces around it, as pasted: kept as the server's URL. */
  server.certificate = NULL;
  {
    g_autofree char *pasted = g_strconcat ("  ", url, "/ ", NULL);

    server.url = pasted;
    g_assert_true (seye_prometheus_servers_add (f->servers, &server, NULL, &error));
    g_assert_no_error (error);
  }
  saved = seye_prometheus_servers_load (f->settings);
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_cmpstr (((SeyePrometheusServer *) saved->pdata[0])->url, ==, url);
  g_assert_cmpuint (n_servers (f), ==, 1);
  wait_unreachable (f, url);

  seye_prometheus_servers_remove (f->servers, url);
  g_clear_pointer (&saved, g_ptr_array_unref);
  saved = seye_prometheus_servers_load (f->settings);
  g_assert_cmpuint (saved->len, ==, 0);
  g_assert_cmpuint (n_servers (f), ==, 0);
  g_assert_null (seye_prometheus_servers_get_notice (f->servers));
}

static gboolean
has_message_cb (gpointer data)
{
  return ((Fixture *) data)->messages->len > 0;
}

/* No keyring: the token works for this session, and the user reads why it is not kept. */
static void
test_no_keyring (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = closed_url ();
  g_autoptr (GError) error = NULL;
  SeyePrometheusServer server = { .url = url, .auth = SEYE_PROMETHEUS_AUTH_BEARER };

  g_assert_true (seye_prometheus_servers_add (f->servers, &server, "a token", &error));
  g_assert_no_error (error);
  g_assert_true (seye_test_wait_until (has_message_cb, f, 30000));
  g_assert_nonnull (strstr (f->messages->pdata[0], "keyring"));
  wait_unreachable (f, url);
}

static void
test_session (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *url = closed_url ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autoptr (GPtrArray) saved = NULL;

  /* The command line checked before the start: options without --prometheus, a bad URL, a
   * token file that is not there. */
  {
    const char *bad[] = { url, "ftp://example.org", NULL };
    const char *good[] = { url, NULL };

    g_assert_false (seye_prometheus_servers_check_session (NULL, "/some/token", NULL, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
    g_clear_error (&error);
    g_assert_false (seye_prometheus_servers_check_session (bad, NULL, NULL, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
    g_clear_error (&error);
    g_assert_false (seye_prometheus_servers_check_session (good, "/nonexistent/token", NULL, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    g_assert_true (seye_prometheus_servers_check_session (good, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  g_assert_false (seye_prometheus_servers_add_session (f->servers, url, "/nonexistent/token", NULL, &error));
  g_assert_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_cmpuint (n_servers (f), ==, 0);

  g_assert_true (seye_prometheus_servers_add_session (f->servers, url, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (seye_prometheus_servers_add_session (f->servers, url, NULL, NULL, &error));
  g_assert_cmpuint (n_servers (f), ==, 1);
  source = g_list_model_get_item (G_LIST_MODEL (f->servers), 0);
  g_assert_false (seye_prometheus_servers_is_saved (f->servers, source));
  saved = seye_prometheus_servers_load (f->settings);
  g_assert_cmpuint (saved->len, ==, 0);
  wait_unreachable (f, url);
}

/* A server with more targets than are shown ($SEYE_FAKE_PROMETHEUS): said once, however
 * many refreshes follow; one that answers with an error: said in words, sanitised. */
static gboolean
refreshed_cb (gpointer data)
{
  return seye_prometheus_source_get_refreshes (data) >= 4;
}

static void
test_truncated_and_error (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *instances = g_strdup_printf ("%u", SEYE_PROMETHEUS_MAX_NODES + 10);
  const char *args[] = { "--mode", "good", "--instances", instances, NULL };
  g_autoptr (SeyeTestAgent) fake = seye_test_agent_spawn (g_getenv ("SEYE_FAKE_PROMETHEUS"), NULL,
                                                          "127.0.0.1", args);
  g_autoptr (SeyePrometheusSource) source = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (seye_prometheus_servers_add_session (f->servers, fake->base_uri, NULL, NULL, &error));
  g_assert_no_error (error);
  source = g_list_model_get_item (G_LIST_MODEL (f->servers), 0);
  g_assert_true (seye_test_wait_until (refreshed_cb, source, 60000));
  g_assert_true (seye_prometheus_source_get_truncated (source));
  g_assert_cmpuint (f->messages->len, ==, 1);
  g_assert_nonnull (strstr (f->messages->pdata[0], "more targets than the 4096 shown"));
  g_assert_null (seye_prometheus_servers_get_notice (f->servers));
  seye_test_agent_free (g_steal_pointer (&fake));

  /* An error, in words, without the escape sequence the server put in it. */
  {
    const char *error_args[] = { "--mode", "error", NULL };
    g_autoptr (SeyeTestAgent) failing = seye_test_agent_spawn (g_getenv ("SEYE_FAKE_PROMETHEUS"), NULL,
                                                               "127.0.0.1", error_args);
    g_autofree char *needle = g_strdup_printf ("Prometheus at %s: ", failing->base_uri);
    gpointer wait[] = { f->servers, needle };
    const char *notice;

    g_assert_true (seye_prometheus_servers_add_session (f->servers, failing->base_uri, NULL, NULL, &error));
    g_assert_true (seye_test_wait_until (notice_has_cb, wait, 60000));
    notice = seye_prometheus_servers_get_notice (f->servers);
    g_test_message ("%s", notice);
    g_assert_null (strchr (notice, '\033'));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* No session bus, so no keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/seye-bus", TRUE);

  g_test_add ("/seye/prometheus-servers/follows-setting", Fixture, NULL, fixture_set_up,
              test_follows_setting, fixture_tear_down);
  g_test_add ("/seye/prometheus-servers/certificate-gone", Fixture, NULL, fixture_set_up,
              test_certificate_gone, fixture_tear_down);
  g_test_add ("/seye/prometheus-servers/add-remove", Fixture, NULL, fixture_set_up, test_add_remove,
              fixture_tear_down);
  g_test_add ("/seye/prometheus-servers/no-keyring", Fixture, NULL, fixture_set_up, test_no_keyring,
              fixture_tear_down);
  g_test_add ("/seye/prometheus-servers/session", Fixture, NULL, fixture_set_up, test_session,
              fixture_tear_down);
  g_test_add ("/seye/prometheus-servers/truncated-and-error", Fixture, NULL, fixture_set_up,
              test_truncated_and_error, fixture_tear_down);

  return g_test_run ();
}
