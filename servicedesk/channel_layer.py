"""The Channels layer: channels_redis, made to hold up when Redis is busy or restarts.

- A *waiting* connection pool (redis-py's `BlockingConnectionPool`): when a burst of sockets
  connects or closes at once, a `group_add` / `group_discard` waits up to `POOL_WAIT_S` for a free
  connection instead of failing with `MaxConnectionsError` (which left a socket in its group for
  the group expiry, and closed a connecting socket with 1011).
- Reconnects: a pooled connection that died with a Redis restart is retried on a fresh one
  (`retry_on_error`), and idle ones are checked before use, so the first socket after Redis comes
  back works.
- Events the layer drops because a channel is full are logged as warnings (`DropsAsWarnings`).
"""

from __future__ import annotations

import logging
from typing import Any

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError

POOL_WAIT_S = 10


class RedisChannelLayer(_RedisChannelLayer):
    def create_pool(self, index: int) -> aioredis.ConnectionPool:
        host: dict[str, Any] = dict(self.hosts[index])
        address = host.pop("address")
        host.setdefault("timeout", POOL_WAIT_S)
        host.setdefault("health_check_interval", 15)
        host.setdefault("retry", Retry(ExponentialBackoff(cap=1.0, base=0.05), 5))
        host.setdefault("retry_on_error", [ConnectionError, TimeoutError, OSError])
        return aioredis.BlockingConnectionPool.from_url(address, **host)


class DropsAsWarnings(logging.Filter):
    """channels_redis logs '<n> of <m> channels over capacity in group <g>' at INFO: an event
    that never reached a socket is a warning (the client recovers it from the heartbeat, but an
    operator should know the layer is too small: raise CHANNEL_CAPACITY)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and "over capacity" in str(record.msg):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
