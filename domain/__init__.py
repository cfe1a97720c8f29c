"""The pure core of the OMS: aggregates, value objects, policies, use cases and ports (stdlib only)."""
