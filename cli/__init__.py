"""The `oms` command line: a composition root like api/ and workers/ (run, migrate, users, API keys, demo)."""
