"""The queue adapter: arq on Redis (connection settings, enqueueing, the outbox relay)."""
