"""recon.serve.assets: the files the pages load besides themselves, from inside the wheel
only, by name only."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import REPO

from recon.errors import OutputError
from recon.serve import assets
from recon.serve.assets import REPORT_CSS, STATIC_TYPES, report_css, static_file


@pytest.fixture
def fresh() -> Iterator[None]:
    """The assets read again (they are kept once read)."""
    report_css.cache_clear()
    static_file.cache_clear()
    yield
    report_css.cache_clear()
    static_file.cache_clear()


def test_the_report_css_is_the_report_pages_style_element() -> None:
    page = (REPO / "templates" / "report.html").read_text(encoding="utf-8")
    start = page.index("<style>") + len("<style>")
    style = page[start : page.index("</style>", start)]
    assert report_css() == style.strip().encode() + b"\n"
    assert static_file(REPORT_CSS) == (report_css(), "text/css; charset=utf-8")


@pytest.mark.parametrize("name", sorted(STATIC_TYPES))
def test_a_shipped_file_is_served_as_it_is(name: str) -> None:
    content, media = static_file(name) or (b"", "")
    assert content == (REPO / "templates" / "serve" / "static" / name).read_bytes()
    assert media == STATIC_TYPES[name]
    assert media.endswith("; charset=utf-8")


@pytest.mark.parametrize(
    "name", ["", "report.html", "../report.html", "static/serve.css", "SERVE.CSS", "x.js"]
)
def test_any_other_name_is_none(name: str) -> None:
    assert static_file(name) is None


def test_a_report_page_without_a_plain_style_is_a_broken_installation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    (tmp_path / "report.html").write_text("<style>{{ css }}</style>", encoding="utf-8")
    monkeypatch.setattr(assets, "templates_dir", lambda: tmp_path)
    with pytest.raises(OutputError) as e:
        report_css()
    assert str(e.value) == "templates/report.html has no plain <style> element to share"


def test_a_missing_static_file_is_a_broken_installation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    (tmp_path / "serve" / "static").mkdir(parents=True)
    monkeypatch.setattr(assets, "templates_dir", lambda: tmp_path)
    with pytest.raises(OutputError) as e:
        static_file("htmx.min.js")
    assert str(e.value) == "recon serve's static file htmx.min.js is missing; reinstall recon"


def test_htmx_served_is_the_copy_vendored_md_names() -> None:
    vendored = (REPO / "templates" / "serve" / "static" / "VENDORED.md").read_text()
    (named,) = re.findall(r"SHA-256 of the file: `([0-9a-f]{64})`", vendored)
    content, _ = static_file("htmx.min.js") or (b"", "")
    assert hashlib.sha256(content).hexdigest() == named
