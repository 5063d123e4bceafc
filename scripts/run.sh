#!/usr/bin/env bash
# Start daphne (web + websockets) and a Celery worker together; Ctrl-C stops both cleanly.
set -uo pipefail
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$BIN/daphne" -b "$HOST" -p "$PORT" --proxy-headers servicedesk.asgi:application &
DAPHNE=$!
"$BIN/celery" -A servicedesk worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-1}" \
  --hostname="servicedesk@%h" --beat &
CELERY=$!

stop() {
  trap - INT TERM
  echo
  echo "Stopping daphne and the Celery worker…"
  kill -TERM "$DAPHNE" "$CELERY" 2>/dev/null
  wait "$DAPHNE" "$CELERY" 2>/dev/null
  echo "Stopped."
  exit "${1:-0}"
}
trap 'stop 0' INT TERM

for _ in $(seq 100); do
  if "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://$HOST:$PORT/" 2>/dev/null; then
    break
  fi
  kill -0 "$DAPHNE" 2>/dev/null || break
  sleep 0.2
done
cat <<BANNER

  servicedesk is running.
    Storefront     http://$HOST:$PORT/
    Agent desk     http://$HOST:$PORT/desk/
    Staff console  http://$HOST:$PORT/admin/
BANNER
"$PY" -m orders.demo.credentials
# Where the desk's email answers to offline messages go (docs/desk.md, "Email").
if [ -z "${EMAIL_BACKEND:-}" ] || [ "${EMAIL_BACKEND}" = "django.core.mail.backends.console.EmailBackend" ]; then
  printf '\n  Email: printed in this terminal, not sent. To send it, set in .env:\n'
  printf '    EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend\n'
  printf '    EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL\n'
else
  printf '\n  Email: sent with %s via %s.\n' "$EMAIL_BACKEND" "${EMAIL_HOST:-localhost}"
fi
printf '\n  Press Ctrl-C to stop.\n\n'

# If either process dies on its own, stop the other and fail.
wait -n "$DAPHNE" "$CELERY"
echo "A process exited unexpectedly." >&2
stop 1
