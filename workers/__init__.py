"""The arq worker: the outbox relay and the consumer jobs it feeds (composition root: workers/settings.py)."""
