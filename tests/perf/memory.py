"""Memory: resident set of the API process idle after startup and after the intake run.

The intake benchmark reads VmRSS around its own load (one server, one run); this module turns those
readings into figures, and runs the intake load itself when asked for alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.perf import intake
from tests.perf.common import Figure

LIMIT_MB = 250.0


@dataclass(frozen=True)
class MemoryOutcome:
    idle_kb: int
    after_kb: int
    orders: int

    def figures(self) -> list[Figure]:
        idle, after = self.idle_kb / 1024, self.after_kb / 1024
        return [
            Figure("API RSS idle after startup", idle, "MB", f"<= {LIMIT_MB:.0f} MB", idle <= LIMIT_MB),
            Figure(f"API RSS after intake ({self.orders:,} orders)", after, "MB", f"<= {LIMIT_MB:.0f} MB",
                   after <= LIMIT_MB),
        ]


def from_intake(o: intake.IntakeOutcome) -> MemoryOutcome:
    return MemoryOutcome(o.rss_idle_kb, o.rss_after_kb, o.config.warmup + o.config.requests)


async def run(cfg: intake.IntakeConfig | None = None) -> MemoryOutcome:
    return from_intake(await intake.run(cfg))
