/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-sanitize"

#include "config.h"

#include <string.h>

#include "seye-sanitize.h"

/**
 * seye_sanitize_is_hidden:
 *
 * Returns: whether @c changes what a terminal or a text layout does, or cannot
 *   be seen: a control (C0, DEL, C1), a formatting character (the bidi marks,
 *   embeddings, overrides and isolates, U+061C, the zero-width characters, the
 *   word joiner, the byte order mark, soft hyphen, tags) or the line or
 *   paragraph separator. The JSON writer escapes these as `\uXXXX`.
 */
gboolean
seye_sanitize_is_hidden (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * seye_sanitize_display:
 * @text: (nullable): text from the network, in any encoding
 *
 * Makes @text safe to print on a terminal, show in a label or notification,
 * use in a file name or write to a log, and keeps every such character
 * visible instead of dropping it:
 *
 * - a C0 control or DEL becomes `\xHH` (ESC is `\x1b`, a newline `\x0a`);
 * - a byte that is not part of valid UTF-8 becomes `\xHH` too (`\xff`);
 * - a C1 control, a bidi control (U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069, U+061C), a zero-width character (U+200B–U+200D, U+2060,
 *   U+FEFF), any other formatting character (Unicode category Cf) and the
 *   line and paragraph separators (U+2028, U+2029) become `U+HHHH`.
 *
 * Everything else, letters of every script, emoji and a backslash included, is
 * kept as it is. The result is valid UTF-8 without any of the characters
 * above. Not for JSON: JSON output writes the exact string.
 *
 * Returns: (transfer full) (nullable): the text to show; %NULL for %NULL.
 */
char *
seye_sanitize_display (const char *text)
{
  const char *p;
  const char *end;
  GString *out;

  if (text == NULL)
    return NULL;

  end = text + strlen (text);
  out = g_string_sized_new (end - text);

  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      const char *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      next = g_utf8_next_char (p);
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (seye_sanitize_is_hidden (c))
        g_string_append_printf (out, "U+%04X", c);
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }

  return g_string_free (out, FALSE);
}
