#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# po/POTFILES.in names every file with a translatable string (a C call to _(), N_(),
# C_() or g_dngettext (GETTEXT_PACKAGE, …), a UI element marked translatable), and only
# files that exist: a string in a file left out never reaches the translators. Files
# split by job have left some out before.
top=$(cd "$(dirname "$0")/.." && pwd)
potfiles=$top/po/POTFILES.in
echo "1..2"

missing=""
for f in $(cd "$top" && grep -lE '(^|[^A-Za-z0-9_])(N?_|C_) \(|g_dn?gettext \(GETTEXT_PACKAGE' src/*/*.c; \
           cd "$top" && grep -l 'translatable="yes"' ui/*.ui 2>/dev/null); do
  grep -qx "$f" "$potfiles" || missing="$missing $f"
done
if [ -z "$missing" ]; then echo "ok 1 - every file with a translatable string is in po/POTFILES.in"
else echo "not ok 1 - not in po/POTFILES.in:$missing"; fi

gone=""
for f in $(grep -v '^#' "$potfiles"); do
  [ -e "$top/$f" ] || gone="$gone $f"
done
if [ -z "$gone" ]; then echo "ok 2 - every file po/POTFILES.in names exists"
else echo "not ok 2 - po/POTFILES.in names files that do not exist:$gone"; fi
