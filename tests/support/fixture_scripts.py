"""The fixture generators under ``fixtures/`` loaded as modules, for tests that build their
scenario data with them (they never import recon)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from paths import FIXTURES


def load(file: str) -> ModuleType:
    """``fixtures/<file>`` as a module, loaded once a session (``recon_fixture_<stem>``)."""
    name = f"recon_fixture_{Path(file).stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
