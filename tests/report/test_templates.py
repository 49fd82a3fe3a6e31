"""recon.report.templates: where the templates are found, and the environment that renders
them (autoescape, undefined names are errors, every output through safe_text, recon's
filters, a loader that reads one folder and nothing beside it)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup
from paths import REPO

from recon.errors import OutputError
from recon.report import templates
from recon.report.templates import (
    PROBE,
    candidates,
    environment,
    get_template,
    make_environment,
    templates_dir,
)


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_package_folder_is_looked_in_first_then_the_source_tree() -> None:
    packaged, beside = candidates()
    assert str(packaged).endswith("recon/templates")
    assert Path(str(beside)) == REPO / "templates"


def test_the_templates_folder_holds_the_probe() -> None:
    found = templates_dir()
    assert found.joinpath(PROBE).is_file()
    assert found in candidates()


def test_no_folder_with_the_templates_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_a, empty_b = tmp_path / "a", tmp_path / "b"
    empty_b.mkdir()
    monkeypatch.setattr(templates, "candidates", lambda: (empty_a, empty_b))
    with pytest.raises(OutputError) as e:
        templates_dir()
    assert str(e.value) == (
        f"recon's templates folder is missing (looked in {empty_a} and {empty_b}); reinstall recon"
    )


def test_output_is_escaped_and_control_characters_shown(tmp_path: Path) -> None:
    env = make_environment(_folder(tmp_path, **{"t.html": "<p>{{ x }}</p>"}))
    page = env.get_template("t.html").render(x="<b>\x1b[2J\u202e</b>\nnext")
    assert page == "<p>&lt;b&gt;\\x1b[2JU+202E&lt;/b&gt;\nnext</p>"


def test_markup_is_kept_as_markup_but_its_control_characters_shown(tmp_path: Path) -> None:
    env = make_environment(_folder(tmp_path, **{"t.html": "{{ x }}"}))
    assert env.get_template("t.html").render(x=Markup("<em>a\x07b</em>")) == "<em>a\\x07b</em>"


def test_other_values_are_shown_as_they_are(tmp_path: Path) -> None:
    env = make_environment(_folder(tmp_path, **{"t.html": "{{ n }} {{ d }}"}))
    assert env.get_template("t.html").render(n=3, d=Decimal("1.50")) == "3 1.50"


def test_an_undefined_name_is_an_error(tmp_path: Path) -> None:
    env = make_environment(_folder(tmp_path, **{"t.html": "{{ missing }}"}))
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        env.get_template("t.html").render()


def test_recons_filters_and_test(tmp_path: Path) -> None:
    text = "{{ v|money }}|{{ v|exact }}|{{ 'neg' if v is negative else 'pos' }}"
    env = make_environment(_folder(tmp_path, **{"t.html": text}))
    assert env.get_template("t.html").render(v=Decimal("-1234.5")) == "-1,234.50|-1,234.50|neg"
    assert set(env.filters) >= {"money", "exact", "figure", "awst", "interval"}


@pytest.mark.parametrize("name", ["sub/t.html", "sub\\t.html", ".t.html", "../t.html", "none"])
def test_the_loader_reads_only_files_of_its_own_folder(tmp_path: Path, name: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "sub").mkdir()
    _folder(root / "sub", **{"t.html": "inside"})
    _folder(root, **{".t.html": "hidden"})
    _folder(tmp_path, **{"t.html": "outside"})
    env = make_environment(root)
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template(name)


def test_the_environment_is_made_once() -> None:
    assert environment() is environment()
    assert environment().autoescape is True


def test_get_template_loads_the_report_page() -> None:
    assert get_template(PROBE).name == PROBE


def test_a_missing_template_names_the_folder() -> None:
    with pytest.raises(OutputError) as e:
        get_template("nowhere.html")
    assert str(e.value) == f"template 'nowhere.html' is missing from {templates_dir()}"
