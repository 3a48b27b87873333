/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-tags"

#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-sanitize.h"
#include "seye-tags.h"

/* A tag's bytes are checked here, whoever sent them: a tag that passes is
 * plain ASCII without a control character, safe for a terminal, a label or a
 * file as it is. */

/**
 * seye_tag_is_valid:
 *
 * Returns: %TRUE when @tag is 1 to %SEYE_TAG_MAX_LENGTH bytes of a-z, 0-9,
 *   "-", "_" and ".".
 */
gboolean
seye_tag_is_valid (const char *tag)
{
  gsize i;

  if (tag == NULL)
    return FALSE;

  for (i = 0; tag[i] != '\0'; i++)
    {
      char c = tag[i];

      if (i >= SEYE_TAG_MAX_LENGTH ||
          !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
        return FALSE;
    }

  return i > 0;
}

/**
 * seye_tags_check:
 * @tags: (nullable) (array zero-terminated=1): a list of tags
 *
 * Returns: %TRUE when every tag is valid, none is repeated, there are at most
 *   %SEYE_TAGS_MAX and they fit one TXT entry; else %FALSE with an error that
 *   names the first tag at fault and says what a tag may be.
 */
gboolean
seye_tags_check (const char * const  *tags,
                 GError             **error)
{
  gsize text = 0;
  guint n = 0;

  for (; tags != NULL && tags[n] != NULL; n++)
    {
      const char *tag = tags[n];

      if (!seye_tag_is_valid (tag))
        {
          g_autofree char *shown = seye_sanitize_display (tag);

          g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                       "tag “%.64s” is not usable: use 1 to %d of a-z, 0-9, “-”, “_” and “.”",
                       shown, SEYE_TAG_MAX_LENGTH);
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        if (strcmp (tags[i], tag) == 0)
          {
            g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG, "tag “%s” is given twice", tag);
            return FALSE;
          }
      text += strlen (tag) + (n > 0);
    }

  if (n > SEYE_TAGS_MAX)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "%u tags are given: a node may have at most %d", n, SEYE_TAGS_MAX);
      return FALSE;
    }

  if (text > SEYE_TAGS_MAX_TEXT)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_CONFIG,
                   "the tags take %" G_GSIZE_FORMAT " bytes with their commas: at most %d fit "
                   "the mDNS announcement; use fewer or shorter tags", text, SEYE_TAGS_MAX_TEXT);
      return FALSE;
    }

  return TRUE;
}

/**
 * seye_tags_parse:
 * @text: (nullable): "web,eu-1": tags separated by commas (spaces around them
 *   are ignored)
 *
 * Returns: (transfer full) (nullable): the tags, or %NULL for an empty list
 *   (with no error) or a list that seye_tags_check() refuses (with its error).
 */
GStrv
seye_tags_parse (const char  *text,
                 GError     **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = NULL;

  if (text == NULL)
    return NULL;

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (part[0] != '\0')
        g_ptr_array_add (out, g_strdup (part));
    }
  if (out->len == 0)
    return NULL;

  g_ptr_array_add (out, NULL);
  if (!seye_tags_check ((const char * const *) out->pdata, error))
    return NULL;

  g_ptr_array_set_free_func (out, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/**
 * seye_tags_from_peer:
 * @candidates: (nullable) (array zero-terminated=1): what a node sent as its tags
 * @n_dropped: (out) (optional): how many of them were left out
 *
 * A node's tags as a client keeps them: the valid ones, in order, without
 * repeats, the first %SEYE_TAGS_MAX. A tag that is not valid is left out, not
 * the node.
 *
 * Returns: (transfer full) (nullable): the tags kept; %NULL for none.
 */
GStrv
seye_tags_from_peer (const char * const *candidates,
                     guint              *n_dropped)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new ();
  guint dropped = 0;

  for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++)
    {
      const char *tag = candidates[i];

      gboolean repeated = FALSE;

      for (guint j = 0; j < out->len && !repeated; j++)
        repeated = strcmp (out->pdata[j], tag) == 0;
      if (out->len < SEYE_TAGS_MAX && seye_tag_is_valid (tag) && !repeated)
        g_ptr_array_add (out, g_strdup (tag));
      else
        dropped++;
    }

  if (n_dropped != NULL)
    *n_dropped = dropped;
  if (out->len == 0)
    return NULL;

  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/**
 * seye_tags_join:
 *
 * Returns: (transfer full): "web,eu-1"; "" for none.
 */
char *
seye_tags_join (const char * const *tags)
{
  return tags != NULL ? g_strjoinv (",", (GStrv) tags) : g_strdup ("");
}

/* Same tags in the same order; NULL and an empty list are the same. */
gboolean
seye_tags_equal (const char * const *a,
                 const char * const *b)
{
  guint n_a = a != NULL ? g_strv_length ((GStrv) a) : 0;
  guint n_b = b != NULL ? g_strv_length ((GStrv) b) : 0;

  if (n_a != n_b)
    return FALSE;

  for (guint i = 0; i < n_a; i++)
    if (strcmp (a[i], b[i]) != 0)
      return FALSE;

  return TRUE;
}

gboolean
seye_tags_contain (const char * const *tags,
                   const char         *tag)
{
  return tags != NULL && tag != NULL && g_strv_contains (tags, tag);
}

/**
 * seye_tags_to_label:
 *
 * The tags as one Prometheus label value, ",web,eu-1,", so that a regular
 * expression matches one tag as `.*,web,.*` (Consul's discovery does the same).
 * Written by the agent's seye_node_info and by `seye discover`.
 *
 * Returns: (transfer full) (nullable): the value, or NULL for no valid tag.
 */
char *
seye_tags_to_label (const char * const *tags)
{
  g_autoptr (GString) str = g_string_new (",");
  g_auto (GStrv) kept = seye_tags_from_peer (tags, NULL);

  if (kept == NULL)
    return NULL;

  for (guint i = 0; kept[i] != NULL; i++)
    g_string_append_printf (str, "%s,", kept[i]);

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/**
 * seye_tags_from_label:
 *
 * Reads seye_tags_to_label()'s form back, as a peer's (seye_tags_from_peer()):
 * what is not a tag is left out.
 *
 * Returns: (transfer full) (nullable): the tags, or NULL for none.
 */
GStrv
seye_tags_from_label (const char *label)
{
  g_auto (GStrv) parts = NULL;

  if (label == NULL)
    return NULL;

  parts = g_strsplit (label, ",", SEYE_TAGS_MAX * 4);

  return seye_tags_from_peer ((const char * const *) parts, NULL);
}
