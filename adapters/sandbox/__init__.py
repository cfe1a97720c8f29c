"""Partner simulators: real HTTP servers that follow the partners' published APIs, for tests and demo mode.

`python -m adapters.sandbox woocommerce|shopify --port N --secret S --webhook-url URL` runs one as a process;
`common.serve_in_process(app)` runs one inside the current event loop. See docs/integrations.md.
"""
