"""The fixture generators under ``fixtures/`` (and the large-week generators under
``bench/``) loaded as modules, for tests that build their scenario data with them (they never
import recon)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from paths import BENCH, FIXTURES


def _load(name: str, path: Path) -> ModuleType:
    """``path`` as the module ``name``, loaded once a session."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def load(file: str) -> ModuleType:
    """``fixtures/<file>`` as a module, loaded once a session (``recon_fixture_<stem>``)."""
    return _load(f"recon_fixture_{Path(file).stem}", FIXTURES / file)


def load_bench(file: str) -> ModuleType:
    """``bench/<file>`` as a module, loaded once a session (``recon_bench_<stem>``)."""
    return _load(f"recon_bench_{Path(file).stem}", BENCH / file)


def big_week_and_adjustment(folder: Path, **spec: Any) -> tuple[Any, Any]:
    """``bench/generate_big.py``'s week and its ADJ1 (run 71235, published 20 Feb 2025, 5% of
    the values changed), both written into ``folder``.

    Args:
        folder: Where the two runs' Detail ZIPs and Summary CSVs go.
        **spec: The ``WeekSpec`` fields both runs share (``rows_per_day``, ``seed``, ...).

    Returns:
        The generator's ``Generated`` (paths of the files written) of each run.
    """
    gen = load_bench("generate_big.py")
    first = gen.generate(gen.WeekSpec(**spec), folder)
    adjustment = gen.WeekSpec(
        **spec,
        run_id=71235,
        designation="ADJ1",
        published_at="2025-02-20T15:30:45",
        changed=0.05,
    )
    return first, gen.generate(adjustment, folder)
