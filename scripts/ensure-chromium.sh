#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
# Install it when missing and we are root with apt-get; otherwise those tests skip, saying why.
set -euo pipefail
# Chinese text in screenshots needs a CJK font (Noto Sans CJK).
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null; then
  echo "Installing fonts-noto-cjk for Chinese in the browser tests…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null \
    || echo "Could not install fonts-noto-cjk: Chinese screenshots will show boxes." >&2
fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is not installed: browser tests will be skipped." \
       "Install it with:  sudo apt-get install -y chromium" >&2
fi
