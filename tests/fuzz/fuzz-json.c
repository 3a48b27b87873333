/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "seye-actions.h"
#include "seye-json-private.h"

/*
 * The JSON decoders on what a node (or anything pretending to be one) may
 * send. Built once per decoder: FUZZ_DECODER picks seye_sample_from_json,
 * seye_node_info_from_json, seye_history_samples_from_json,
 * seye_process_list_from_json, seye_action_list_from_json or
 * seye_action_result_from_json. Whatever the sample, node and process decoders
 * accept must encode and decode again to the same thing.
 */

#define DECODE_SAMPLE    1
#define DECODE_NODE_INFO 2
#define DECODE_HISTORY   3
#define DECODE_PROCESSES 4
#define DECODE_ACTIONS   5
#define DECODE_RUN       6

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
check_sample_round_trip (SeyeSample *sample)
{
  g_autoptr (SeyeSample) again = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *json = seye_sample_get_json (sample);
  gsize json_size;
  const char *json_data = g_bytes_get_data (json, &json_size);

  again = seye_sample_from_json (json_data, json_size, &error);
  if (again == NULL)
    g_error ("an accepted sample does not decode once encoded: %s\n%.*s",
             error->message, (int) json_size, json_data);
  g_assert_cmpint (again->time_ms, ==, sample->time_ms);
}

/* The decoders read arrays of numbers without json-glib: whatever that path
 * accepts must be JSON, and json-glib's tree of it must be the same. */
static void
check_numbers_fast_path (const guint8 *data,
                         size_t        size)
{
  g_autoptr (JsonNode) fast = _seye_json_parse_numbers ((const char *) data, size);
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) error = NULL;

  if (fast == NULL)
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, &error))
    g_error ("the fast path accepted what json-glib refuses: %s\n%.*s",
             error->message, (int) size, (const char *) data);
  if (!json_node_equal (fast, json_parser_get_root (parser)))
    g_error ("the fast path read another tree than json-glib:\n%.*s", (int) size, (const char *) data);
}

/* What the check before json-glib lets through, json-glib must read: its error
 * paths leak, and are to be reached by nothing a node sends. (Bytes that are not
 * UTF-8 json-glib refuses before it parses, and the check leaves to it.) */
static void
check_json_check (const guint8 *data,
                  size_t        size)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) error = NULL;

  if (!_seye_json_check ((const char *) data, size, NULL) ||
      !g_utf8_validate ((const char *) data, size, NULL) || memchr (data, '\0', size) != NULL)
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, &error))
    g_error ("the check let through what json-glib refuses: %s\n%.*s",
             error->message, (int) size, (const char *) data);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;

#if FUZZ_DECODER == DECODE_SAMPLE
  g_autoptr (SeyeSample) sample = seye_sample_from_json ((const char *) data, size, &error);

  check_numbers_fast_path (data, size);

  g_assert ((sample == NULL) == (error != NULL));
  if (sample != NULL)
    check_sample_round_trip (sample);
#elif FUZZ_DECODER == DECODE_NODE_INFO
  g_autoptr (SeyeNodeInfo) info = seye_node_info_from_json ((const char *) data, size, &error);

  g_assert ((info == NULL) == (error != NULL));
  if (info != NULL)
    {
      g_autoptr (SeyeNodeInfo) again = NULL;
      g_autoptr (GError) again_error = NULL;
      GString *str = g_string_new (NULL);

      seye_json_write_node_info (str, info);
      again = seye_node_info_from_json (str->str, str->len, &again_error);
      if (again == NULL)
        g_error ("accepted node info does not decode once encoded: %s\n%s",
                 again_error->message, str->str);
      g_assert_cmpstr (again->node_id, ==, info->node_id);
      g_string_free (str, TRUE);
    }
#elif FUZZ_DECODER == DECODE_HISTORY
  g_autoptr (GPtrArray) samples = seye_history_samples_from_json ((const char *) data, size, &error);

  g_assert ((samples == NULL) == (error != NULL));
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    check_sample_round_trip (g_ptr_array_index (samples, i));
#elif FUZZ_DECODER == DECODE_PROCESSES
  g_autoptr (SeyeProcessList) list = seye_process_list_from_json ((const char *) data, size, &error);

  g_assert ((list == NULL) == (error != NULL));
  if (list != NULL)
    {
      g_autoptr (SeyeProcessList) again = NULL;
      g_autoptr (GError) again_error = NULL;
      g_autoptr (GString) str = g_string_new (NULL);

      seye_process_list_write_json (str, list, TRUE);
      again = seye_process_list_from_json (str->str, str->len, &again_error);
      if (again == NULL)
        g_error ("an accepted process list does not decode once encoded: %s\n%s",
                 again_error->message, str->str);
      g_assert_cmpuint (again->processes->len, ==, list->processes->len);
    }
#elif FUZZ_DECODER == DECODE_ACTIONS
  g_autoptr (GPtrArray) actions = seye_action_list_from_json ((const char *) data, size, &error);

  g_assert ((actions == NULL) == (error != NULL));
  for (guint i = 0; actions != NULL && i < actions->len; i++)
    g_assert (seye_action_name_is_valid (((SeyeAction *) actions->pdata[i])->name));
#elif FUZZ_DECODER == DECODE_RUN
  g_autoptr (SeyeActionResult) result = seye_action_result_from_json ((const char *) data, size, &error);

  g_assert ((result == NULL) == (error != NULL));
  if (result != NULL)
    g_free (seye_action_result_describe (result));
#else
#error "FUZZ_DECODER must be one of the DECODE_ values"
#endif

  check_json_check (data, size);

  return 0;
}
