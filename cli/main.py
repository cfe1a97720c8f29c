"""The `oms` command: run the service, migrate, export the OpenAPI schema, create users and API keys."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from adapters.db import migrate
from adapters.settings import Settings
from api.app import create_app
from cli import accounts, run
from cli.demo import DemoSeedError, seed_demo_at
from domain.actors import Role
from domain.errors import DomainError, ValidationError

log = logging.getLogger("oms")
SCOPES = ("orders:write", "orders:read")


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """OMS_DATABASE_URL, or the embedded server under the data directory (stopped again if started here)."""
    if settings.database_url:
        yield settings.database_url
        return
    # Imported on demand: pgserver is an optional extra that installations with a database URL never need.
    embedded = importlib.import_module("cli.embedded")
    with embedded.postgres(Path(settings.data_dir) / "pg", always_stop=False) as url:
        yield url


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    return run.run(settings)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as url:
        migrate.upgrade(url, args.revision)
    log.info("database at revision %s", args.revision)
    return 0


def cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    # A fixed configuration, not the environment's: the schema must not depend on where it is generated.
    app = create_app(Settings(database_url="postgresql://unused/x", env="development"))
    sys.stdout.write(json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n")
    return 0


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    new = accounts.user_input(email=args.email, name=args.name, roles=args.role, locale=args.locale,
                              password=accounts.read_password(args.password))
    with database(settings) as url:
        user = asyncio.run(accounts.create_user(url, new))
    print(f"created user {user['id']} {user['email']} with roles {', '.join(new.roles)}")
    return 0


def cmd_create_api_key(args: argparse.Namespace, settings: Settings) -> int:
    scopes = args.scope or list(SCOPES)
    with database(settings) as url:
        key_id, key = asyncio.run(accounts.create_api_key(url, name=args.name, channel_id=args.channel_id,
                                                          scopes=scopes))
    print(f"API key {key_id} for channel {args.channel_id} ({', '.join(sorted(set(scopes)))}); "
          "it is shown this once, store it now:", file=sys.stderr)
    print(key)
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    if settings.production:
        raise SystemExit("demo data is never seeded in production (OMS_ENV=production)")
    with database(settings) as url:
        seeded = asyncio.run(seed_demo_at(url))
    print("demo data seeded; log in as admin@oms.local / demo" if seeded else "demo data already present")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="oms", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace, Settings], int], text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=text, description=text)
        sp.set_defaults(handler=handler)
        return sp

    add("run", cmd_run, "serve the API and the worker (embedded PostgreSQL/Redis when no URLs are set)")
    add("migrate", cmd_migrate, "apply database migrations").add_argument("--revision", default="head")
    add("openapi", cmd_openapi, "print the OpenAPI schema as JSON")
    u = add("create-user", cmd_create_user, "create a staff user")
    u.add_argument("--email", required=True)
    u.add_argument("--name", required=True)
    u.add_argument("--role", action="append", required=True, choices=[r.value for r in Role],
                   help="repeat for several roles")
    u.add_argument("--password", help="prompted for when omitted (read from stdin when not a terminal)")
    u.add_argument("--locale", default="en", choices=["en", "ro"])
    k = add("create-api-key", cmd_create_api_key, "create a partner API key bound to one channel")
    k.add_argument("--name", required=True)
    k.add_argument("--channel-id", type=int, required=True)
    k.add_argument("--scope", action="append", choices=SCOPES, help="repeat for several (default: both)")
    add("seed-demo", cmd_seed_demo, "load the demo shop (once; never in production)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s oms: %(message)s", datefmt="%H:%M:%S",
                        stream=sys.stderr)
    log.setLevel(logging.INFO)  # our own progress lines; pgserver and alembic narrate too much at INFO
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")  # pgserver falls back to /tmp, which is fine
    try:
        return int(args.handler(args, Settings()))
    except ValidationError as exc:
        fields = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        print(f"error: {exc.detail}" + (f" ({fields})" if fields else ""), file=sys.stderr)
    except (DomainError, DemoSeedError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except DBAPIError as exc:
        print(f"database error: {exc.orig}\n(has `oms migrate` been run against this database?)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
