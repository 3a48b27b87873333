/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-actions.h"
#include "seye-error.h"
#include "seye-json.h"

/* What a client reads on demand: /v1/processes, /v1/actions and an action's
 * result, as the agent writes them and as a hostile node might. */

#define PROCESS_A "{\"pid\":4242,\"name\":\"cc1 ) (x\\n\",\"user\":\"alice\",\"state\":\"R\",\"cpu_percent\":99.5," \
                  "\"rss_bytes\":183500800,\"threads\":3,\"start_time\":1732165400,\"read_bytes_per_sec\":0," \
                  "\"write_bytes_per_sec\":40960,\"argv\":[\"cc1\",\"-O2\"]}"
#define PROCESS_B "{\"pid\":2,\"name\":\"kthreadd\",\"user\":\"root\",\"state\":\"S\",\"cpu_percent\":0," \
                  "\"rss_bytes\":0,\"threads\":1,\"start_time\":1732165000,\"read_bytes_per_sec\":null," \
                  "\"write_bytes_per_sec\":null}"

static void
test_processes_decode (void)
{
  const char *doc = "{\"interval\":0.25,\"processes\":[" PROCESS_A "," PROCESS_B "],\"total\":312,\"not_readable\":3}";
  g_autoptr (SeyeProcessList) list = NULL;
  g_autoptr (SeyeProcessList) again = NULL;
  g_autoptr (GString) str = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  SeyeProcess *a, *b;

  list = seye_process_list_from_json (doc, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (list->interval, ==, 0.25);
  g_assert_cmpuint (list->total, ==, 312);
  g_assert_cmpuint (list->not_readable, ==, 3);
  g_assert_cmpuint (list->processes->len, ==, 2);

  a = list->processes->pdata[0];
  b = list->processes->pdata[1];
  g_assert_cmpuint (a->pid, ==, 4242);
  /* Kept exactly as sent: whoever shows it sanitises it. */
  g_assert_cmpstr (a->name, ==, "cc1 ) (x\n");
  g_assert_cmpstr (a->user, ==, "alice");
  g_assert_cmpint (a->state, ==, 'R');
  g_assert_cmpfloat (a->cpu_percent, ==, 99.5);
  g_assert_cmpuint (a->rss_bytes, ==, 183500800);
  g_assert_cmpuint (a->threads, ==, 3);
  g_assert_cmpint (a->start_time, ==, 1732165400);
  g_assert_true (a->have_io);
  g_assert_cmpfloat (a->write_bytes_per_sec, ==, 40960);
  g_assert_cmpstrv (a->argv, ((const char *[]) { "cc1", "-O2", NULL }));
  g_assert_false (b->have_io);
  g_assert_null (b->argv);

  /* What the agent's writer makes of it reads back the same. */
  seye_process_list_write_json (str, list, TRUE);
  again = seye_process_list_from_json (str->str, str->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SeyeProcess *) again->processes->pdata[0])->name, ==, a->name);
  g_assert_false (((SeyeProcess *) again->processes->pdata[1])->have_io);
}

static void
test_processes_hostile (void)
{
  const char *bad[] = {
    "[]",
    "{\"interval\":1,\"processes\":{},\"total\":1,\"not_readable\":0}",
    "{\"interval\":-1,\"processes\":[],\"total\":1,\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[],\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[7],\"total\":1,\"not_readable\":0}",
    /* a pid past the kernel's limit, a negative memory, no state, NaN-ish CPU */
    "{\"interval\":1,\"processes\":[{\"pid\":99999999999,\"name\":\"x\",\"user\":\"u\",\"state\":\"R\",\"cpu_percent\":1,"
    "\"rss_bytes\":1,\"threads\":1,\"start_time\":1}],\"total\":1,\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"x\",\"user\":\"u\",\"state\":\"R\",\"cpu_percent\":1,"
    "\"rss_bytes\":-1,\"threads\":1,\"start_time\":1}],\"total\":1,\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"x\",\"user\":\"u\",\"state\":\"\",\"cpu_percent\":1,"
    "\"rss_bytes\":1,\"threads\":1,\"start_time\":1}],\"total\":1,\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"x\",\"user\":\"u\",\"state\":\"R\",\"cpu_percent\":\"lots\","
    "\"rss_bytes\":1,\"threads\":1,\"start_time\":1}],\"total\":1,\"not_readable\":0}",
    "{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"x\",\"user\":\"u\",\"state\":\"R\",\"cpu_percent\":1,"
    "\"rss_bytes\":1,\"threads\":1,\"start_time\":1,\"argv\":[1,2]}],\"total\":1,\"not_readable\":0}",
  };
  g_autoptr (GString) many = g_string_new ("{\"interval\":1,\"processes\":[");
  g_autoptr (GString) long_argv = g_string_new ("{\"interval\":1,\"processes\":[{\"pid\":1,\"name\":\"x\","
                                                "\"user\":\"u\",\"state\":\"R\",\"cpu_percent\":1,\"rss_bytes\":1,"
                                                "\"threads\":1,\"start_time\":1,\"argv\":[\"");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SeyeProcessList) list = seye_process_list_from_json (bad[i], -1, &error);

      g_assert_null (list);
      g_assert_nonnull (error);
      g_assert_true (error->domain == SEYE_ERROR);
    }

  /* More than the agent ever sends. */
  for (guint i = 0; i <= SEYE_PROCESS_MAX_LIMIT; i++)
    g_string_append_printf (many, "%s" PROCESS_B, i ? "," : "");
  g_string_append (many, "],\"total\":1,\"not_readable\":0}");
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (seye_process_list_from_json (many->str, many->len, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  }

  /* A command line longer than the agent reads. */
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (long_argv, 'a');
  g_string_append (long_argv, "\"]}],\"total\":1,\"not_readable\":0}");
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (seye_process_list_from_json (long_argv->str, long_argv->len, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
  }

  /* A lone surrogate is refused before json-glib sees it (json-glib 1.6 makes
   * bytes that are not UTF-8 of it, which the writer wrote back longer than read:
   * found by fuzz-json-processes in CI). A name of surrogate pairs, four bytes a
   * character, is read and written back the same up to its limit of 256 bytes. */
  {
    static const char head[] = "{\"interval\":1,\"total\":1,\"not_readable\":0,\"processes\":[{\"pid\":1,\"name\":\"";
    static const char tail[] = "\",\"user\":\"u\",\"state\":\"S\",\"cpu_percent\":0,\"rss_bytes\":1,\"threads\":1,"
                               "\"start_time\":1,\"read_bytes_per_sec\":null,\"write_bytes_per_sec\":null}]}";
    g_autofree char *lone = g_strconcat (head, "a\\ud800b", tail, NULL);
    g_autoptr (GError) error = NULL;

    g_assert_null (seye_process_list_from_json (lone, -1, &error));
    g_assert_error (error, SEYE_ERROR, SEYE_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "surrogate"));
    g_clear_error (&error);

    for (guint n = SEYE_PROCESS_MAX_NAME; n <= SEYE_PROCESS_MAX_NAME + 1; n++)
      {
        g_autoptr (GString) doc = g_string_new (head);
        g_autoptr (SeyeProcessList) once = NULL;
        g_autoptr (GString) written = g_string_new (NULL);
        g_autoptr (SeyeProcessList) again = NULL;

        for (guint i = 0; i < n; i++)
          g_string_append (doc, "\\ud83d\\ude00");
        g_string_append (doc, tail);
        once = seye_process_list_from_json (doc->str, doc->len, &error);
        if (n > SEYE_PROCESS_MAX_NAME)
          {
            g_assert_null (once);
            g_assert_error (error, SEYE_ERROR, SEYE_ERROR_INVALID);
            g_clear_error (&error);
            continue;
          }
        g_assert_no_error (error);
        g_assert_cmpuint (strlen (((SeyeProcess *) once->processes->pdata[0])->name), ==, 4 * n);
        seye_process_list_write_json (written, once, TRUE);
        again = seye_process_list_from_json (written->str, written->len, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (((SeyeProcess *) again->processes->pdata[0])->name, ==,
                         ((SeyeProcess *) once->processes->pdata[0])->name);
      }
  }
}

static void
test_actions_decode (void)
{
  const char *doc = "{\"actions\":[{\"name\":\"restart-web\",\"description\":\"Restart the web server\",\"timeout\":60},"
                    "{\"name\":\"gc\",\"description\":null,\"timeout\":30}]}";
  const char *bad[] = {
    "{\"actions\":[{\"name\":\"../etc\",\"description\":null,\"timeout\":30}]}",
    "{\"actions\":[{\"name\":\"\",\"description\":null,\"timeout\":30}]}",
    "{\"actions\":[{\"name\":\"Upper\",\"description\":null,\"timeout\":30}]}",
    "{\"actions\":[{\"name\":\"gc\",\"description\":null,\"timeout\":0}]}",
    "{\"actions\":[{\"name\":\"gc\",\"description\":7,\"timeout\":30}]}",
    "{\"actions\":{}}",
  };
  g_autoptr (GPtrArray) actions = NULL;
  g_autoptr (GError) error = NULL;
  SeyeAction *first, *second;

  actions = seye_action_list_from_json (doc, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, ==, 2);
  first = actions->pdata[0];
  second = actions->pdata[1];
  g_assert_cmpstr (first->name, ==, "restart-web");
  g_assert_cmpstr (first->description, ==, "Restart the web server");
  g_assert_cmpuint (first->timeout, ==, 60);
  g_assert_null (second->description);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GPtrArray) none = seye_action_list_from_json (bad[i], -1, &local_error);

      g_assert_null (none);
      g_assert_nonnull (local_error);
    }

  g_assert_true (seye_action_name_is_valid ("restart_web-2"));
  g_assert_false (seye_action_name_is_valid ("a b"));
  g_assert_false (seye_action_name_is_valid ("abcdefghijklmnopqrstuvwxyz0123456"));
}

static void
test_action_result_decode (void)
{
  const char *ok = "{\"action\":\"gc\",\"exit_status\":0,\"signal\":null,\"timed_out\":false,"
                   "\"truncated\":false,\"output\":\"freed 12 MB\\n\",\"duration_ms\":412}";
  const char *killed = "{\"action\":\"slow\",\"exit_status\":null,\"signal\":15,\"timed_out\":true,"
                       "\"truncated\":true,\"output\":\"\\u001b[2J\",\"duration_ms\":30000}";
  const char *bad[] = {
    "{\"action\":\"gc\",\"exit_status\":null,\"signal\":null,\"timed_out\":false,\"truncated\":false,\"output\":\"\",\"duration_ms\":1}",
    "{\"action\":\"gc\",\"exit_status\":300,\"signal\":null,\"timed_out\":false,\"truncated\":false,\"output\":\"\",\"duration_ms\":1}",
    "{\"action\":\"gc\",\"exit_status\":0,\"signal\":null,\"timed_out\":\"no\",\"truncated\":false,\"output\":\"\",\"duration_ms\":1}",
    "{\"action\":\"gc\",\"exit_status\":0,\"signal\":null,\"timed_out\":false,\"truncated\":false,\"duration_ms\":1}",
  };
  g_autoptr (SeyeActionResult) result = NULL;
  g_autoptr (SeyeActionResult) result2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;
  g_autofree char *said2 = NULL;

  result = seye_action_result_from_json (ok, -1, &error);
  g_assert_no_error (error);
  g_assert_true (result->exited);
  g_assert_cmpint (result->exit_status, ==, 0);
  g_assert_cmpstr (result->output, ==, "freed 12 MB\n");
  g_assert_true (seye_action_result_succeeded (result));
  said = seye_action_result_describe (result);
  g_assert_nonnull (strstr (said, "0.4"));

  result2 = seye_action_result_from_json (killed, -1, &error);
  g_assert_no_error (error);
  g_assert_false (result2->exited);
  g_assert_cmpint (result2->signal, ==, 15);
  g_assert_true (result2->timed_out);
  g_assert_false (seye_action_result_succeeded (result2));
  /* The output is kept exactly; the escape is for the sanitiser to remove. */
  g_assert_cmpstr (result2->output, ==, "\033[2J");
  said2 = seye_action_result_describe (result2);
  g_assert_nonnull (strstr (said2, "timeout"));
  g_assert_nonnull (strstr (said2, "64 KiB"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (SeyeActionResult) none = seye_action_result_from_json (bad[i], -1, &local_error);

      g_assert_null (none);
      g_assert_nonnull (local_error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seye/json/processes/decode", test_processes_decode);
  g_test_add_func ("/seye/json/processes/hostile", test_processes_hostile);
  g_test_add_func ("/seye/json/actions/decode", test_actions_decode);
  g_test_add_func ("/seye/json/actions/result", test_action_result_decode);

  return g_test_run ();
}
