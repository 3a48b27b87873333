/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-json"

#include "config.h"

#include <string.h>

#include "seye-error.h"
#include "seye-json-private.h"

/*
 * What another machine sent is checked to be JSON (RFC 8259), nested no deeper
 * than MAX_DEPTH, before json-glib parses it, in one pass without recursion.
 * json-glib 1.6 (Debian 12's) parses recursively, so hostile nesting would
 * exhaust its stack; and its error paths leak: a value followed by another
 * ("2{...}"), a high surrogate followed by another escape than a low one, a
 * stray character in a nested array ("[[/[]]") each lose what it had built, a
 * leak a hostile node could repeat with every line it sends (found by fuzzing).
 * Given only JSON, json-glib never takes an error path. Strings must be UTF-8,
 * which json-glib checks itself before it parses.
 */

typedef enum
{
  EXPECT_VALUE,              /* at the start, after ':' and after ',' in an array */
  EXPECT_VALUE_OR_CLOSE,     /* after '[' */
  EXPECT_KEY,                /* after ',' in an object */
  EXPECT_KEY_OR_CLOSE,       /* after '{' */
  EXPECT_COLON,              /* after a key */
  EXPECT_COMMA_OR_CLOSE,     /* after a value in a container */
  EXPECT_END,                /* after the document's value */
} Expect;

typedef struct
{
  const char *data;
  gsize       length;
  gsize       i;
  char        stack[MAX_DEPTH];    /* '{' or '[' of each open container */
  int         depth;
  Expect      expect;
} Check;

static gboolean
fail (Check       *check,
      GError     **error,
      const char  *what)
{
  g_set_error (error, SEYE_ERROR, SEYE_ERROR_PARSE, "not valid JSON: %s at byte %" G_GSIZE_FORMAT,
               what, check->i);
  return FALSE;
}

/* The UTF-16 code unit of the "\uXXXX" escape at data[i] (its backslash), or
 * -1 when there are not four hex digits there. */
static int
escaped_unit (const char *data,
              gsize       length,
              gsize       i)
{
  int unit = 0;

  if (i + 6 > length || data[i] != '\\' || data[i + 1] != 'u')
    return -1;

  for (gsize k = i + 2; k < i + 6; k++)
    {
      int digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }

  return unit;
}

/* The escape at the backslash: one of JSON's, a "\u" with its four hex digits, a
 * surrogate only as a high half followed by a low one (json-glib 1.6 reads
 * whatever hex digits it finds, makes bytes that are not UTF-8 of a lone
 * surrogate, and "\377" a byte of its own). Moves past the escape. */
static gboolean
check_escape (Check   *check,
              GError **error)
{
  const char *data = check->data;
  gsize i = check->i;
  int unit, low;

  if (i + 1 < check->length && data[i + 1] != '\0' && strchr ("\"\\/bfnrt", data[i + 1]) != NULL)
    {
      check->i += 2;
      return TRUE;
    }

  if (i + 1 >= check->length || data[i + 1] != 'u')
    return fail (check, error, "an unknown escape in a string");

  unit = escaped_unit (data, check->length, i);
  if (unit < 0)
    return fail (check, error, "a \\u escape without four hex digits");

  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      low = escaped_unit (data, check->length, i + 6);
      if (low >= 0xdc00 && low <= 0xdfff)
        {
          check->i += 12;
          return TRUE;
        }
    }

  if (unit >= 0xd800 && unit <= 0xdfff)
    return fail (check, error, "half of a UTF-16 surrogate pair");

  check->i += 6;
  return TRUE;
}

/* A string, from its opening quote to past its closing one. */
static gboolean
check_string (Check   *check,
              GError **error)
{
  check->i++;
  while (check->i < check->length)
    {
      guchar c = (guchar) check->data[check->i];

      if (c == '"')
        {
          check->i++;
          return TRUE;
        }
      if (c == '\\')
        {
          if (!check_escape (check, error))
            return FALSE;
          continue;
        }
      if (c < 0x20)
        return fail (check, error, "a control character in a string");
      check->i++;
    }

  return fail (check, error, "a string without its end");
}

static gsize
skip_digits (Check *check)
{
  gsize start = check->i;

  while (check->i < check->length && g_ascii_isdigit (check->data[check->i]))
    check->i++;

  return check->i - start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
check_number (Check   *check,
              GError **error)
{
  const char *data = check->data;

  if (data[check->i] == '-')
    check->i++;

  if (check->i < check->length && data[check->i] == '0')
    check->i++;
  else if (skip_digits (check) == 0)
    return fail (check, error, "a number without digits");

  if (check->i < check->length && data[check->i] == '.')
    {
      check->i++;
      if (skip_digits (check) == 0)
        return fail (check, error, "a number without digits after its point");
    }

  if (check->i < check->length && (data[check->i] == 'e' || data[check->i] == 'E'))
    {
      check->i++;
      if (check->i < check->length && (data[check->i] == '+' || data[check->i] == '-'))
        check->i++;
      if (skip_digits (check) == 0)
        return fail (check, error, "a number without digits in its exponent");
    }

  return TRUE;
}

static gboolean
check_word (Check      *check,
            const char *word,
            GError    **error)
{
  gsize n = strlen (word);

  if (check->length - check->i < n || memcmp (check->data + check->i, word, n) != 0)
    return fail (check, error, "an unexpected character");

  check->i += n;
  return TRUE;
}

/* After a value: the end of the document, or a comma or the close of its container. */
static void
value_done (Check *check)
{
  check->expect = check->depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
}

static gboolean
open_container (Check   *check,
                char     c,
                GError **error)
{
  if (check->depth == MAX_DEPTH)
    {
      g_set_error (error, SEYE_ERROR, SEYE_ERROR_INVALID, "JSON is nested deeper than %d levels", MAX_DEPTH);
      return FALSE;
    }

  check->stack[check->depth++] = c;
  check->expect = c == '{' ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
  check->i++;

  return TRUE;
}

/* A value where one is expected: a container opens, a scalar is read whole. */
static gboolean
check_value (Check   *check,
             GError **error)
{
  char c = check->data[check->i];
  gboolean ok;

  if (c == '{' || c == '[')
    return open_container (check, c, error);

  if (c == '"')
    ok = check_string (check, error);
  else if (c == '-' || g_ascii_isdigit (c))
    ok = check_number (check, error);
  else if (c == 't')
    ok = check_word (check, "true", error);
  else if (c == 'f')
    ok = check_word (check, "false", error);
  else if (c == 'n')
    ok = check_word (check, "null", error);
  else
    return fail (check, error, c == '\'' ? "a single quote outside a string" : "an unexpected character");

  if (ok)
    value_done (check);

  return ok;
}

/* One step: what comes at data[i] (not a space) against what is expected there. */
static gboolean
check_step (Check   *check,
            GError **error)
{
  char c = check->data[check->i];
  char open = check->depth > 0 ? check->stack[check->depth - 1] : 0;

  switch (check->expect)
    {
    case EXPECT_VALUE_OR_CLOSE:
      if (c == ']')
        break;
      G_GNUC_FALLTHROUGH;
    case EXPECT_VALUE:
      return check_value (check, error);

    case EXPECT_KEY_OR_CLOSE:
      if (c == '}')
        break;
      G_GNUC_FALLTHROUGH;
    case EXPECT_KEY:
      if (c != '"')
        return fail (check, error, "a member's name is not a string");
      if (!check_string (check, error))
        return FALSE;
      check->expect = EXPECT_COLON;
      return TRUE;

    case EXPECT_COLON:
      if (c != ':')
        return fail (check, error, "a member's name without a colon");
      check->i++;
      check->expect = EXPECT_VALUE;
      return TRUE;

    case EXPECT_COMMA_OR_CLOSE:
      if (c == ',')
        {
          check->i++;
          check->expect = open == '{' ? EXPECT_KEY : EXPECT_VALUE;
          return TRUE;
        }
      if ((c == '}' && open == '{') || (c == ']' && open == '['))
        break;
      return fail (check, error, "a missing comma or a wrong bracket");

    case EXPECT_END:
    default:
      return fail (check, error, "something follows the end of the document");
    }

  /* The close of the innermost container. */
  check->depth--;
  check->i++;
  value_done (check);

  return TRUE;
}

gboolean
_seye_json_check (const char  *data,
                  gsize        length,
                  GError     **error)
{
  Check check = { .data = data, .length = length, .expect = EXPECT_VALUE };

  while (check.i < length)
    {
      if (_seye_json_is_space (data[check.i]))
        check.i++;
      else if (!check_step (&check, error))
        return FALSE;
    }

  if (check.expect != EXPECT_END)
    return fail (&check, error, "the document ends too early");

  return TRUE;
}
