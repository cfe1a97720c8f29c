"""Run one courier simulator as a process: `python -m adapters.sandbox.couriers cargus --port 8311 --step-s 12`.

Demo mode (`oms run`) starts Innoship, Cargus and FAN Courier this way, with the credentials below, and points
the demo courier accounts at them."""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette

DEMO_CREDENTIALS: dict[str, dict[str, str]] = {
    "innoship": {"api_key": "demo-innoship-key"},
    "cargus": {"subscription_key": "demo-cargus-subscription", "username": "demo", "password": "demo"},
    "fancourier": {"username": "demo", "password": "demo", "client_id": "7032158"},
}
API_PREFIX = {"innoship": "", "cargus": "/api", "fancourier": ""}  # where each adapter's base_url points


def make_app(courier: str, step_s: float, webhook_url: str | None = None) -> Starlette:
    credentials = DEMO_CREDENTIALS[courier]
    if courier == "innoship":
        from adapters.sandbox.innoship import build_app as innoship_app
        return innoship_app(credentials=credentials, step_s=step_s, webhook_url=webhook_url)
    if courier == "cargus":
        from adapters.sandbox.cargus import build_app as cargus_app
        return cargus_app(credentials=credentials, step_s=step_s)
    from adapters.sandbox.fancourier import build_app as fan_app
    return fan_app(credentials=credentials, step_s=step_s)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m adapters.sandbox.couriers", description=__doc__)
    parser.add_argument("courier", choices=tuple(DEMO_CREDENTIALS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--step-s", type=float, default=12.0, help="seconds per tracking step (4 steps to delivered)")
    parser.add_argument("--webhook-url", default=None, help="Innoship: where tracking pushes go (127.0.0.1 only)")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the simulators only listen on the loopback interface")
    uvicorn.run(make_app(args.courier, args.step_s, args.webhook_url), host=args.host, port=args.port,
                log_level="warning")


if __name__ == "__main__":
    main()
