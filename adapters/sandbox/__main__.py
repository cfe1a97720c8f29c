"""Run one simulator as a process: `python -m adapters.sandbox woocommerce --port 8301 --secret S --webhook-url URL`."""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette

from adapters.sandbox import shopify_app, woocommerce, woocommerce_app
from adapters.sandbox.shopify import ShopifyShop


def make_app(args: argparse.Namespace) -> Starlette:
    if not 0 <= args.error_rate <= 1 or not 0 <= args.trickle_jitter < 1:
        raise ValueError("--error-rate must be within 0..1 and --trickle-jitter within 0..<1")
    shop: woocommerce.WooShop | ShopifyShop
    if args.shop == "woocommerce":
        shop = woocommerce.WooShop(secret=args.secret, webhook_url=args.webhook_url, seed=args.seed,
                                   consumer_key=args.consumer_key or "ck_sandbox",
                                   consumer_secret=args.consumer_secret or "cs_sandbox")
    else:
        shop = ShopifyShop(secret=args.secret, webhook_url=args.webhook_url, seed=args.seed,
                           access_token=args.access_token or "shpat_sandbox",
                           api_version=args.api_version or "2025-07")
    if args.no_default_products:
        shop.products.clear()
    # A restarted shop must not hand out an order id the OMS already imported from its previous life.
    shop.ids["order"] = max(shop.ids["order"], args.orders_after)
    options = {"trickle_seconds": args.trickle, "trickle_jitter": args.trickle_jitter, "error_rate": args.error_rate}
    if isinstance(shop, woocommerce.WooShop):
        return woocommerce_app.build_app(shop, **options)
    return shopify_app.build_app(shop, **options)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m adapters.sandbox", description=__doc__)
    parser.add_argument("shop", choices=("woocommerce", "shopify"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", required=True, help="webhook secret (WooCommerce) / app secret (Shopify)")
    parser.add_argument("--webhook-url", default=None, help="where webhooks go; must be on 127.0.0.1")
    parser.add_argument("--trickle", type=float, default=None, help="demo mode: a new random order every N s")
    parser.add_argument("--trickle-jitter", type=float, default=0.0,
                        help="vary each trickle wait by up to this fraction of it (0.33: 30-60 s at 45)")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of random orders with an unknown SKU or an unmapped gateway (demo mode: 0.1)")
    parser.add_argument("--no-default-products", action="store_true",
                        help="start with an empty catalog; register products through POST /_sandbox/products")
    parser.add_argument("--orders-after", type=int, default=0, help="order ids start above this number")
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
