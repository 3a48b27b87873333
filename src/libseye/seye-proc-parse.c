/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "seye-proc"

#include "config.h"

#include <math.h>
#include <string.h>

#include "seye-proc-parse.h"

#define DESCRIBE_MAX     24
#define DEVICE_NAME_MAX  64
#define DOUBLE_MAX_CHARS 63

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/**
 * _seye_proc_next_line:
 * @text: the rest of a file
 * @line: (out): the next line, without its newline
 *
 * Returns: %FALSE at the end of @text.
 */
gboolean
_seye_proc_next_line (SeyeProcCursor *text,
                      SeyeProcCursor *line)
{
  const char *nl;

  if (text->pos >= text->end)
    return FALSE;

  nl = memchr (text->pos, '\n', text->end - text->pos);
  line->pos = text->pos;
  line->end = nl != NULL ? nl : text->end;
  text->pos = nl != NULL ? nl + 1 : text->end;

  return TRUE;
}

/**
 * _seye_proc_next_token:
 * @line: the rest of a line
 * @token: (out): the next run of non-blank bytes
 *
 * Returns: %FALSE when @line holds no more tokens.
 */
gboolean
_seye_proc_next_token (SeyeProcCursor *line,
                       SeyeProcToken  *token)
{
  const char *p = line->pos;

  while (p < line->end && is_blank (*p))
    p++;

  if (p >= line->end)
    {
      line->pos = line->end;
      return FALSE;
    }

  token->str = p;
  while (p < line->end && !is_blank (*p))
    p++;
  token->len = p - token->str;
  line->pos = p;

  return TRUE;
}

guint
_seye_proc_count_tokens (const SeyeProcCursor *line)
{
  SeyeProcCursor copy = *line;
  SeyeProcToken token;
  guint n = 0;

  while (_seye_proc_next_token (&copy, &token))
    n++;

  return n;
}

gboolean
_seye_proc_token_equal (const SeyeProcToken *token,
                        const char          *literal)
{
  gsize len = strlen (literal);

  return token->len == len && memcmp (token->str, literal, len) == 0;
}

/**
 * _seye_proc_parse_u64:
 *
 * Parses decimal digits only: no sign, no blanks, no base prefix, and nothing
 * beyond 2^64 - 1.
 *
 * Returns: whether @str (@len bytes) is such a number.
 */
gboolean
_seye_proc_parse_u64 (const char *str,
                      gsize       len,
                      guint64    *value)
{
  guint64 v = 0;

  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guint digit;

      if (str[i] < '0' || str[i] > '9')
        return FALSE;

      digit = str[i] - '0';
      if (v > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      v = v * 10 + digit;
    }

  *value = v;

  return TRUE;
}

/**
 * _seye_proc_parse_double:
 *
 * Parses a non-negative decimal such as "0.42" or "65000.12", the only form
 * /proc/loadavg and /proc/uptime use: no sign, exponent, "inf" nor "nan".
 *
 * Returns: whether @str (@len bytes) is such a number.
 */
gboolean
_seye_proc_parse_double (const char *str,
                         gsize       len,
                         double     *value)
{
  char buf[DOUBLE_MAX_CHARS + 1];
  gboolean seen_dot = FALSE;
  gboolean seen_digit = FALSE;
  char *end = NULL;
  double v;

  if (len == 0 || len > DOUBLE_MAX_CHARS)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '.' && !seen_dot)
        seen_dot = TRUE;
      else if (str[i] >= '0' && str[i] <= '9')
        seen_digit = TRUE;
      else
        return FALSE;
    }

  if (!seen_digit)
    return FALSE;

  memcpy (buf, str, len);
  buf[len] = '\0';
  v = g_ascii_strtod (buf, &end);
  if (end != buf + len || !isfinite (v))
    return FALSE;

  *value = v;

  return TRUE;
}

/**
 * _seye_proc_unescape:
 *
 * Decodes the octal escapes of /proc/mounts ("\040" for a space, "\134" for a
 * backslash); anything else is copied as it is.
 *
 * Returns: (transfer full): the decoded token.
 */
char *
_seye_proc_unescape (const SeyeProcToken *token)
{
  char *out = g_malloc (token->len + 1);
  gsize o = 0;

  for (gsize i = 0; i < token->len; i++)
    {
      const char *s = token->str + i;

      if (s[0] == '\\' && i + 3 < token->len &&
          s[1] >= '0' && s[1] <= '3' &&
          s[2] >= '0' && s[2] <= '7' &&
          s[3] >= '0' && s[3] <= '7')
        {
          char c = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));

          /* A NUL would cut the string short: keep the escape as text. */
          if (c != '\0')
            {
              out[o++] = c;
              i += 3;
              continue;
            }
        }

      out[o++] = s[0];
    }

  out[o] = '\0';

  return out;
}

/**
 * _seye_proc_describe:
 *
 * Returns: (transfer full): a short printable excerpt of untrusted bytes, for a
 *   problem message.
 */
char *
_seye_proc_describe (const char *str,
                     gsize       len)
{
  GString *out = g_string_sized_new (DESCRIBE_MAX + 4);

  for (gsize i = 0; i < len && i < DESCRIBE_MAX; i++)
    {
      guchar c = str[i];

      g_string_append_c (out, c >= 0x20 && c < 0x7f ? (char) c : '?');
    }

  if (len > DESCRIBE_MAX)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * _seye_proc_tidy_text:
 * @max_bytes: the longest result, in bytes
 *
 * Makes text read from a file fit to hand on: valid UTF-8, control characters
 * replaced by spaces, surrounding blanks removed, cut at a character boundary.
 *
 * Returns: (transfer full): the text.
 */
char *
_seye_proc_tidy_text (const char *str,
                      gsize       len,
                      gsize       max_bytes)
{
  char *text = g_utf8_make_valid (str, len);
  gsize text_len;

  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';

  g_strstrip (text);
  text_len = strlen (text);
  if (text_len > max_bytes)
    {
      const char *cut = text + max_bytes;

      /* Step back to the start of the character that crosses the limit. */
      while (cut > text && ((guchar) *cut & 0xc0) == 0x80)
        cut--;
      text[cut - text] = '\0';
      g_strchomp (text);
    }

  return text;
}

/**
 * _seye_proc_is_device_name:
 *
 * Returns: whether @str looks like the name of an interface or a block device:
 *   1 to 64 bytes, none of them blank or a control character, not "." nor "..".
 */
gboolean
_seye_proc_is_device_name (const char *str,
                           gsize       len)
{
  if (len == 0 || len > DEVICE_NAME_MAX)
    return FALSE;

  if ((len == 1 && str[0] == '.') || (len == 2 && str[0] == '.' && str[1] == '.'))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if ((guchar) str[i] <= 0x20 || str[i] == 0x7f)
      return FALSE;

  return TRUE;
}

static gboolean
has_prefix_then_letters_then_digits (const char *name,
                                     const char *prefix)
{
  const char *p;
  const char *letters;

  if (!g_str_has_prefix (name, prefix))
    return FALSE;

  p = letters = name + strlen (prefix);
  while (*p >= 'a' && *p <= 'z')
    p++;
  if (p == letters || *p == '\0')
    return FALSE;

  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

/**
 * _seye_proc_is_whole_disk_name:
 *
 * Decides by its name alone whether a device of /proc/diskstats is a whole
 * physical disk, for trees without /sys/block: loop, ram, zram, device-mapper,
 * md, optical and floppy devices are not, nor partitions ("sda1", "xvda2",
 * "nvme0n1p3", "mmcblk0p1").
 */
gboolean
_seye_proc_is_whole_disk_name (const char *name)
{
  static const char * const virtual_prefixes[] = {
    "loop", "ram", "zram", "dm-", "md", "sr", "fd",
  };
  static const char * const disk_prefixes[] = {
    "sd", "vd", "hd", "xvd",
  };
  gsize len = strlen (name);
  gsize digits = 0;

  for (guint i = 0; i < G_N_ELEMENTS (virtual_prefixes); i++)
    if (g_str_has_prefix (name, virtual_prefixes[i]))
      return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (disk_prefixes); i++)
    if (has_prefix_then_letters_then_digits (name, disk_prefixes[i]))
      return FALSE;

  /* "nvme0n1p3", "mmcblk0p1", "nbd0p1": a digit, "p", digits at the end. */
  while (digits < len && g_ascii_isdigit (name[len - 1 - digits]))
    digits++;
  if (digits > 0 && len >= digits + 2 &&
      name[len - 1 - digits] == 'p' && g_ascii_isdigit (name[len - 2 - digits]))
    return FALSE;

  return len > 0;
}
