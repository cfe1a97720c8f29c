"""Run one simulator as a process: `python -m adapters.sandbox woocommerce --port 8301 --secret S --webhook-url URL`."""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette

from adapters.sandbox import shopify_app, woocommerce, woocommerce_app
from adapters.sandbox.shopify import ShopifyShop


def make_app(args: argparse.Namespace) -> Starlette:
    if args.shop == "woocommerce":
        woo = woocommerce.WooShop(secret=args.secret, webhook_url=args.webhook_url, seed=args.seed,
                                  consumer_key=args.consumer_key or "ck_sandbox",
                                  consumer_secret=args.consumer_secret or "cs_sandbox")
        return woocommerce_app.build_app(woo, trickle_seconds=args.trickle)
    shop = ShopifyShop(secret=args.secret, webhook_url=args.webhook_url, seed=args.seed,
                       access_token=args.access_token or "shpat_sandbox",
                       api_version=args.api_version or "2025-07")
    return shopify_app.build_app(shop, trickle_seconds=args.trickle)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m adapters.sandbox", description=__doc__)
    parser.add_argument("shop", choices=("woocommerce", "shopify"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", required=True, help="webhook secret (WooCommerce) / app secret (Shopify)")
    parser.add_argument("--webhook-url", default=None, help="where webhooks go; must be on 127.0.0.1")
    parser.add_argument("--trickle", type=float, default=None, help="demo mode: a new random order every N s")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--consumer-key", default=None)
    parser.add_argument("--consumer-secret", default=None)
    parser.add_argument("--access-token", default=None)
    parser.add_argument("--api-version", default=None)
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the simulators only listen on the loopback interface")
    try:
        app = make_app(args)
    except ValueError as exc:
        parser.error(str(exc))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
