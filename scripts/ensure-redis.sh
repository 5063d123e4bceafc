#!/usr/bin/env bash
# Make sure Redis answers on REDIS_URL: start the local redis-server if it is installed, install
# Debian's redis-server first if it is not (as root with apt-get), otherwise say how and stop.
set -euo pipefail
PY=${PY:-.venv/bin/python}
URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

ping() {
  "$PY" - "$URL" <<'PYEOF' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
PYEOF
}

# A Redis that keeps nothing on disk loses every queued reply when it restarts (the reply sweep
# still answers them, late): say so, once, for a Redis this script did not start.
persists() {
  "$PY" - "$URL" <<'PYEOF' 2>/dev/null
import sys, redis
r = redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1)
print(r.config_get("appendonly").get("appendonly", "?"))
PYEOF
}

if ping; then
  echo "Redis answers on $URL"
  if [ "$(persists)" = "no" ]; then
    echo "  note: this Redis has no append-only file: queued replies do not survive its restart" \
         "(README, Reliability)."
  fi
  exit 0
fi

read -r HOST PORT < <("$PY" -c 'import sys; from urllib.parse import urlparse; u = urlparse(sys.argv[1]); print(u.hostname or "127.0.0.1", u.port or 6379)' "$URL")
case "$HOST" in
  127.*|localhost|::1) ;;
  *) echo "Redis does not answer on $URL, and it is not on this machine: start it there." >&2; exit 1;;
esac

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's redis-server…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "Redis is not installed. Install it with:  sudo apt-get install -y redis-server" >&2
    exit 1
  fi
fi

DATA_DIR=${DATA_DIR:-data}
mkdir -p "$DATA_DIR"
echo "Starting redis-server on $HOST:$PORT…"
# Append-only file, fsync'ed every second: queued replies and channel groups survive a restart.
redis-server --daemonize yes --bind "$HOST" --port "$PORT" --save "" \
  --appendonly yes --appendfsync everysec --appendfilename servicedesk.aof \
  --dir "$(cd "$DATA_DIR" && pwd)" --logfile "$(cd "$DATA_DIR" && pwd)/redis.log"
for _ in $(seq 50); do
  if ping; then echo "Redis answers on $URL"; exit 0; fi
  sleep 0.1
done
echo "redis-server did not come up; see $DATA_DIR/redis.log" >&2
exit 1
