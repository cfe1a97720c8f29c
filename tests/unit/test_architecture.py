"""The dependency rule of DESIGN.md §1, checked by import-linter inside the test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def run_lint_imports(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LINT_IMPORTS, "--no-logo", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_every_import_contract_is_kept() -> None:
    result = run_lint_imports()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "0 broken" in output
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    for contract in contracts:
        assert f"{contract['name']} KEPT" in output


def test_the_domain_contract_catches_a_third_party_import(tmp_path: Path) -> None:
    """Guards the guard: without include_external_packages the contract would not see sqlalchemy at all."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    pure = next(c for c in config["contracts"] if c["source_modules"] == ["domain"])
    external = [m for m in pure["forbidden_modules"] if not (ROOT / m).is_dir()]
    assert "sqlalchemy" in external and "fastapi" in external

    shutil.copytree(ROOT / "domain", tmp_path / "domain", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "domain" / "leak.py").write_text("import sqlalchemy  # noqa: F401\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = domain\n"
        f"include_external_packages = {config['include_external_packages']}\n\n"
        "[importlinter:contract:pure]\nname = domain is pure\ntype = forbidden\nsource_modules = domain\n"
        "forbidden_modules =\n" + "".join(f"    {m}\n" for m in external)
    )
    result = run_lint_imports(cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "domain.leak -> sqlalchemy" in output
