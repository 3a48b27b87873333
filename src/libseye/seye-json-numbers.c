/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "seye-json-private.h"

/* Arrays of numbers ------------------------------------------------------ */

/* The compact form of a sample, an array of numbers and arrays of numbers, is
 * what a monitor decodes for every node every second. json-glib's parser spends
 * most of its time on what such a line does not have (a general scanner, a
 * signal per value); this reads that grammar only, strictly as JSON has it, and
 * builds the same tree. Anything else in a document (a string, an object, a
 * literal, a number it would have to round) makes it give up, and json-glib
 * reads the document instead. */
typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && _seye_json_is_space (*c->p))
    c->p++;
}

static const char *
skip_digits (const char *q,
             const char *end)
{
  while (q < end && g_ascii_isdigit (*q))
    q++;

  return q;
}

static JsonNode *
read_number (Cursor *c)
{
  const char *q = c->p;
  gboolean integer = TRUE;
  char buffer[64];
  char *rest;
  gsize length;

  if (q < c->end && *q == '-')
    q++;
  if (q >= c->end || !g_ascii_isdigit (*q))
    return NULL;
  q = *q == '0' ? q + 1 : skip_digits (q, c->end);
  if (q < c->end && *q == '.')
    {
      integer = FALSE;
      if (++q >= c->end || !g_ascii_isdigit (*q))
        return NULL;
      q = skip_digits (q, c->end);
    }
  if (q < c->end && (*q == 'e' || *q == 'E'))
    {
      integer = FALSE;
      if (++q < c->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= c->end || !g_ascii_isdigit (*q))
        return NULL;
      q = skip_digits (q, c->end);
    }

  length = q - c->p;
  if (length >= sizeof buffer)
    return NULL;
  memcpy (buffer, c->p, length);
  buffer[length] = '\0';

  if (integer)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (buffer, &rest, 10);
      if (errno != 0 || *rest != '\0')
        return NULL;
      c->p = q;
      return json_node_init_int (json_node_alloc (), value);
    }
  else
    {
      double value = g_ascii_strtod (buffer, &rest);

      if (*rest != '\0' || !isfinite (value))
        return NULL;
      c->p = q;
      return json_node_init_double (json_node_alloc (), value);
    }
}

static JsonNode *
read_array (Cursor *c,
            int     depth)
{
  g_autoptr (JsonArray) array = NULL;

  if (depth > MAX_DEPTH || c->p >= c->end || *c->p != '[')
    return NULL;
  c->p++;

  array = json_array_new ();
  skip_space (c);
  if (c->p < c->end && *c->p == ']')
    c->p++;
  else
    for (;;)
      {
        JsonNode *element;

        skip_space (c);
        if (c->p < c->end && *c->p == '[')
          element = read_array (c, depth + 1);
        else
          element = read_number (c);
        if (element == NULL)
          return NULL;
        json_array_add_element (array, element);

        skip_space (c);
        if (c->p >= c->end)
          return NULL;
        if (*c->p == ']')
          {
            c->p++;
            break;
          }
        if (*c->p != ',')
          return NULL;
        c->p++;
      }

  return json_node_init_array (json_node_alloc (), array);
}

/**
 * _seye_json_parse_numbers:
 *
 * Returns: (transfer full) (nullable): the tree of a document that is an array
 * of numbers and arrays of numbers, as json-glib would build it; %NULL for any
 * other document, valid or not.
 */
JsonNode *
_seye_json_parse_numbers (const char *data,
                          gsize       length)
{
  g_autoptr (JsonNode) root = NULL;
  Cursor c = { data, data + length };

  skip_space (&c);
  if ((root = read_array (&c, 1)) == NULL)
    return NULL;
  skip_space (&c);

  return c.p == c.end ? g_steal_pointer (&root) : NULL;
}
