#!/usr/bin/env bash
# The translations (locale/*/LC_MESSAGES/*.po) are compiled with GNU gettext's msgfmt, which
# Django's compilemessages calls. Install it when missing and we are root with apt-get.
set -euo pipefail
if command -v msgfmt >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing GNU gettext (msgfmt) to compile the translations…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
else
  echo "msgfmt (GNU gettext) is missing: install it with  sudo apt-get install -y gettext" >&2
  exit 1
fi
