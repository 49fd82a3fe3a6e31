"""recon.atomic: single files written atomically, output sets replaced as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.atomic import atomic_writer


def test_atomic_writer_exception_inside_block(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"new, half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]
