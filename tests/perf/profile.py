"""Where the API server spends its CPU during a measured phase: py-spy on the server process.

Used by `python -m tests.perf.run intake --profile FILE`: FILE gets py-spy's collapsed stacks (open it
in speedscope or flamegraph.pl); the console gets the heaviest functions and packages.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")
PROJECT = ("api", "domain", "adapters", "workers", "cli", "tests")


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Recorder:
    """py-spy record on one pid, from start() until stop()."""

    def __init__(self, pid: int, output: Path, rate: int = 200) -> None:
        self.pid = pid
        self.output = output
        self.rate = rate
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
        self._proc = await asyncio.create_subprocess_exec(
            # --gil: only samples holding the GIL, i.e. Python at work, not threads and the loop waiting.
            exe, "record", "--pid", str(self.pid), "--rate", str(self.rate), "--format", "raw", "--gil",
            "--full-filenames", "--output", str(self.output),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        await asyncio.sleep(1.0)  # py-spy attaches before the first measured request
        if self._proc.returncode is not None:
            err = await self._proc.stderr.read() if self._proc.stderr else b""
            raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')}")

    async def stop(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            self._proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(self._proc.wait(), 60)


def _where(file: str) -> tuple[str, str]:
    """(package, module path) of a frame's file: site-packages by distribution, the project by layer."""
    if "site-packages/" in file:
        rest = file.split("site-packages/", 1)[1]
        return rest.split("/", 1)[0].removesuffix(".py"), rest
    for layer in PROJECT:
        marker = f"/{layer}/"
        if marker in file and "/lib/python" not in file:
            return f"{layer} (project)", layer + "/" + file.split(marker, 1)[1]
    if "/lib/python" in file:
        return "stdlib", file.split("/lib/python", 1)[1].split("/", 1)[-1]
    return "other", file


@dataclass
class Summary:
    samples: int
    by_package: list[tuple[str, int]]  # self samples of the innermost frame's package
    by_function: list[tuple[str, int]]  # self samples
    inclusive: list[tuple[str, int]]  # samples with the project's function anywhere on the stack

    def lines(self, top: int = 25) -> list[str]:
        def pct(n: int) -> str:
            return f"{100 * n / max(self.samples, 1):5.1f}%"

        out = [f"{self.samples} samples"]
        out += ["self time by package:"] + [f"  {pct(n)}  {name}" for name, n in self.by_package[:12]]
        out += ["self time by function:"] + [f"  {pct(n)}  {name}" for name, n in self.by_function[:top]]
        out += ["inclusive time of the project's functions:"] + [f"  {pct(n)}  {name}" for name, n in
                                                                   self.inclusive[:top]]
        return out


def summarize(collapsed: Path) -> Summary:
    packages: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        seen: set[str] = set()
        name = last_package = ""
        for frame in stack.split(";"):
            m = FRAME.match(frame)
            if m is None:
                continue
            package, module = _where(m["file"])
            name = f"{m['func']} ({module})"
            if package.endswith("(project)") and name not in seen:
                seen.add(name)
                inclusive[name] += count
            last_package = package
        if name:
            functions[name] += count
            packages[last_package] += count
    return Summary(total, packages.most_common(), functions.most_common(), inclusive.most_common())
