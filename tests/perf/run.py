"""`make bench`: run the benchmarks, print the table, write docs/benchmarks.md.

    python -m tests.perf.run                 # all of them; writes docs/benchmarks.md
    python -m tests.perf.run confirm         # one or more of: intake, confirm, queue, memory, webhook, normalise, awb;
                                             # prints only
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import uvloop

from tests.perf import awb_batch, confirm, intake, memory, normalise, order_queue, report, webhook
from tests.perf.common import configure_servers

BENCHMARKS = ("intake", "confirm", "queue", "memory", "webhook", "normalise", "awb")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.perf.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("benchmarks", nargs="*", metavar="BENCHMARK", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    p.add_argument("--requests", type=int, default=3_000, help="intake: measured requests (default 3000)")
    p.add_argument("--warmup", type=int, default=300, help="intake: warm-up requests (default 300)")
    p.add_argument("--concurrency", type=int, default=32, help="intake: concurrent clients (default 32)")
    p.add_argument("--rounds", type=int, default=3, help="intake and confirm: raw/API alternations (default 3)")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw",
                   help="intake and confirm: HTTP load generator")
    p.add_argument("--confirm-orders", type=int, default=2_000,
                   help="confirm: measured orders, each a create + confirm (default 2000)")
    p.add_argument("--confirm-warmup", type=int, default=200, help="confirm: warm-up orders (default 200)")
    p.add_argument("--confirm-concurrency", type=int, default=8, help="confirm: concurrent clients (default 8)")
    p.add_argument("--profile", type=Path, metavar="PREFIX",
                   help="py-spy the server while measured; collapsed stacks to PREFIX-intake.txt / PREFIX-queue.txt "
                        "(slows the server: the figures are then not written)")
    p.add_argument("--orders", type=int, default=1_000_000, help="queue: orders seeded (default 1,000,000)")
    p.add_argument("--samples", type=int, default=500, help="queue: timed requests per page kind (default 500)")
    p.add_argument("--deep-pages", type=int, default=200, help="queue: pages followed to the deep cursor")
    p.add_argument("--webhook-rate", type=float, default=200.0,
                   help="webhook: requests/s, open loop, for the webhook and /healthz alike (default 200)")
    p.add_argument("--webhook-requests", type=int, default=6_000,
                   help="webhook: measured requests per endpoint (default 6000, 30 s at 200/s)")
    p.add_argument("--webhook-warmup", type=int, default=400, help="webhook: warm-up requests per endpoint")
    p.add_argument("--normalise-orders", type=int, default=2_000,
                   help="normalise: inbox events per side (direct, worker, tuned worker; default 2000)")
    p.add_argument("--normalise-poll-delay", type=float, default=0,
                   help="normalise: poll_delay of an extra worker run to compare (default 0: no extra run)")
    p.add_argument("--awb-lists", type=int, default=500, help="awb: packing lists in the batch (default 500)")
    p.add_argument("--awb-latency-ms", type=float, default=50.0, help="awb: simulated courier latency (default 50)")
    p.add_argument("--awb-concurrency", type=int, default=32,
                   help="awb: the courier account's concurrency limit (default 32)")
    p.add_argument("--write", action=argparse.BooleanOptionalAction, default=None,
                   help="write docs/benchmarks.md (default: only when every benchmark runs)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    unknown = set(args.benchmarks) - set(BENCHMARKS)
    if unknown:
        p.error(f"unknown benchmark {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    return args


def _suffixed(prefix: Path | None, name: str) -> Path | None:
    return None if prefix is None else prefix.with_name(f"{prefix.name}-{name}.txt")


async def main(argv: list[str]) -> int:
    args = parse(argv)
    chosen = set(args.benchmarks or BENCHMARKS)
    configure_servers()
    rep = report.Report(await report.machine())
    intake_cfg = intake.IntakeConfig(requests=args.requests, warmup=args.warmup, concurrency=args.concurrency,
                                     client=args.client, rounds=args.rounds,
                                     profile=_suffixed(args.profile, "intake"))
    confirm_cfg = confirm.ConfirmConfig(orders=args.confirm_orders, warmup=args.confirm_warmup,
                                        concurrency=args.confirm_concurrency, client=args.client, rounds=args.rounds)
    queue_cfg = order_queue.QueueConfig(orders=args.orders, samples=args.samples, deep_pages=args.deep_pages,
                                        profile=_suffixed(args.profile, "queue"))
    webhook_cfg = webhook.WebhookConfig(rate=args.webhook_rate, requests=args.webhook_requests,
                                        warmup=args.webhook_warmup, rounds=args.rounds)
    normalise_cfg = normalise.NormaliseConfig(orders=args.normalise_orders,
                                              tuned_poll_delay=args.normalise_poll_delay or None)
    started = time.perf_counter()

    if chosen & {"intake", "memory"}:
        print(f"intake: {intake_cfg.warmup} + {intake_cfg.requests} orders, {intake_cfg.concurrency} clients ...",
              flush=True)
        outcome = await intake.run(intake_cfg)
        if "intake" in chosen:
            rep.figures += outcome.figures()
            rep.details["intake"] = intake.details(outcome)
            if outcome.profile:
                rep.details["intake server profile (py-spy)"] = outcome.profile
            rep.settings.update({"intake requests": f"{intake_cfg.requests:,} (+{intake_cfg.warmup} warm-up)",
                                 "intake concurrency": str(intake_cfg.concurrency), "rounds": str(intake_cfg.rounds),
                                 "load generator": intake_cfg.client})
        if "memory" in chosen:
            mem = memory.from_intake(outcome)
            rep.figures += mem.figures()
            rep.details["memory"] = [f"VmRSS idle {mem.idle_kb / 1024:.1f} MB, after "
                                     f"{mem.orders:,} intake orders {mem.after_kb / 1024:.1f} MB"]
    if "confirm" in chosen:
        print(f"confirm: {confirm_cfg.warmup} + {confirm_cfg.orders} orders (create + confirm), "
              f"{confirm_cfg.concurrency} clients ...", flush=True)
        c = await confirm.run(confirm_cfg)
        rep.figures += c.figures()
        rep.details["create + confirm"] = confirm.details(c)
        rep.settings.update({"create+confirm orders": f"{confirm_cfg.orders:,} (+{confirm_cfg.warmup} warm-up)",
                             "create+confirm concurrency": str(confirm_cfg.concurrency),
                             "rounds": str(confirm_cfg.rounds), "load generator": confirm_cfg.client})
    if "queue" in chosen:
        print(f"queue: seeding {queue_cfg.orders:,} orders ...", flush=True)
        q = await order_queue.run(queue_cfg)
        rep.figures += q.figures()
        rep.details["queue"] = order_queue.details(q)
        if q.profile:
            rep.details["queue server profile (py-spy)"] = q.profile
        rep.settings.update({"queue orders": f"{queue_cfg.orders:,}", "queue samples": str(queue_cfg.samples),
                             "deep page": f"{queue_cfg.deep_pages + 1} (limit {queue_cfg.limit})"})
    if "webhook" in chosen:
        print(f"webhook: {webhook_cfg.warmup} + {webhook_cfg.requests} requests each to the WooCommerce webhook and "
              f"/healthz at {webhook_cfg.rate:.0f}/s open loop ...", flush=True)
        wh = await webhook.run(webhook_cfg)
        rep.figures += wh.figures()
        rep.details["webhook acknowledgement"] = webhook.details(wh)
        rep.settings.update({"webhook rate": f"{webhook_cfg.rate:.0f} req/s open loop",
                             "webhook requests": f"{webhook_cfg.requests:,} per endpoint (+{webhook_cfg.warmup} "
                                                 "warm-up)", "rounds": str(webhook_cfg.rounds)})
    if "normalise" in chosen:
        print(f"normalise: {normalise_cfg.orders} inbox events per side ...", flush=True)
        nm = await normalise.run(normalise_cfg)
        rep.figures += nm.figures()
        rep.details["normalisation"] = normalise.details(nm)
        rep.settings.update({"normalisation events": f"{normalise_cfg.orders:,} per side"})

    if "awb" in chosen:
        awb_cfg = awb_batch.AwbBatchConfig(lists=args.awb_lists, latency_ms=args.awb_latency_ms,
                                           concurrency=args.awb_concurrency)
        print(f"awb: batch of {awb_cfg.lists} packing lists, courier latency {awb_cfg.latency_ms:.0f} ms, "
              f"limit {awb_cfg.concurrency} ...", flush=True)
        ab = await awb_batch.run(awb_cfg)
        rep.figures += ab.figures()
        rep.details["batch AWB"] = awb_batch.details(ab)
        rep.settings.update({"awb batch": f"{awb_cfg.lists} packing lists, {awb_cfg.latency_ms:.0f} ms courier "
                                          f"latency, concurrency limit {awb_cfg.concurrency}"})

    print()
    print(report.console(rep.figures))
    for name, lines in rep.details.items():
        print(f"\n{name}:")
        for line in lines:
            print(f"  {line}")
    print(f"\n({time.perf_counter() - started:.0f} s; machine: {rep.machine.nproc} CPUs, {rep.machine.cpu}, "
          f"load before {rep.machine.load_before})")
    if args.write if args.write is not None else chosen == set(BENCHMARKS) and not args.profile:
        print(f"wrote {report.write(rep)}")
    missed = [f.name for f in rep.figures if f.ok is False]
    if missed:
        print(f"targets missed: {'; '.join(missed)}")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(uvloop.run(main(sys.argv[1:])))
