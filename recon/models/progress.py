"""The progress callback type every long step accepts: ``progress(done, total)``."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``; a caller may pass None for no progress."""
