"""recon.text: the one sanitiser for shown text, text UTF-8 can hold, and safe file names."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from recon.errors import UnsafeNameError
from recon.text import (
    encodable,
    encodable_data,
    encodable_model,
    path_component,
    printable,
    safe_text,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x00\x07\x7f\x9b", "\\x00\\x07\\x7f\\x9b"),  # C0, DEL and C1 (the 8-bit CSI)
        ("\r", "\\x0d"),
        ("a\u2028b\u2029", "aU+2028bU+2029"),
        ("\u200b\u061c\ufeff\u2066", "U+200BU+061CU+FEFFU+2066"),
        ("\ud800", "\\ud800"),
        ("\udcff", "\\udcff"),
        ("\ufffe\uffff", "U+FFFEU+FFFF"),
        ("tab\tkept", "tab\tkept"),
        ("ÉÀ 日本 €", "ÉÀ 日本 €"),  # printable text beyond ASCII is left as it is
    ],
)
def test_safe_text_escapes_each_kind_of_character(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown


def test_safe_text_takes_any_object_and_can_keep_lines_only() -> None:
    assert safe_text(12.5) == "12.5"
    assert safe_text(b"x") == "b'x'"
    assert safe_text("a\nb\tc\rd\x1b", keep_newlines=True) == "a\nb\tc\\x0dd\\x1b"


def test_printable_cuts_an_overlong_line_and_says_by_how_much() -> None:
    assert printable("abc", limit=3) == "abc"
    assert printable("abcdef", limit=3) == "abc... (3 more characters)"
    # the limit counts the escaped text: one ESC is four characters shown
    assert printable("\x1b\x1b", limit=5) == "\\x1b\\... (3 more characters)"


def test_encodable_escapes_lone_surrogates_and_keeps_the_rest() -> None:
    text = "a\x1b\n\u202e"
    assert encodable(text) is text  # nothing to change: the same string
    assert encodable("x\ud83dy") == "x\\ud83dy"
    assert encodable("x\ud83dy").encode("utf-8") == b"x\\ud83dy"


def test_encodable_data_reaches_keys_and_every_container() -> None:
    doc = {"k\udc80": ["\ud800", ("t\udfff", 1)], "n": 1.5, "s": {"\ud801"}, "none": None}
    assert encodable_data(doc) == {
        "k\\udc80": ["\\ud800", ["t\\udfff", 1]],
        "n": 1.5,
        "s": {"\\ud801"},
        "none": None,
    }
    json.dumps(encodable_data(doc)["k\\udc80"]).encode("utf-8")  # UTF-8 can hold it


class _Named(BaseModel):
    name: str
    tags: list[str]


def test_encodable_model_copies_only_a_model_that_needs_it() -> None:
    clean = _Named(name="SWANGEN", tags=["a"])
    assert encodable_model(clean) is clean
    bad = _Named(name="SWAN\udc80", tags=["\ud800"])
    fixed = encodable_model(bad)
    assert fixed is not bad
    assert (fixed.name, fixed.tags) == ("SWAN\\udc80", ["\\ud800"])
    assert bad.name == "SWAN\udc80"  # the original is left as it was


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "it is empty"),
        ("..", "it is a relative folder reference"),
        (".hidden", "it starts with a dot"),
        ("a/b", "it holds a path separator"),
        ("a\\b", "it holds a path separator"),
        ("C:x", "it holds a path separator"),
        ("a\u202eb", "it holds a control or invisible character"),
        ("a\u00adb", "it holds a control or invisible character"),  # soft hyphen (Cf)
        ("nul.txt", "it is a reserved device name"),
        ("COM¹", "it is a reserved device name"),
        ("LPT9 .csv", "it is a reserved device name"),
        ("name.", "it ends with a space or a dot"),
        ("name ", "it ends with a space or a dot"),
        ("x" * 201, "it is longer than 200 characters"),
    ],
)
def test_path_component_says_why_a_name_is_refused(name: str, problem: str) -> None:
    with pytest.raises(UnsafeNameError) as e:
        path_component(name, "participant code")
    assert str(e.value).startswith("the participant code '")
    assert str(e.value).endswith(f"' cannot name a file or folder: {problem}")
    assert e.value.exit_code == 2


def test_path_component_quotes_the_name_escaped_and_cut() -> None:
    with pytest.raises(UnsafeNameError) as e:
        path_component("a\nb/" + "x" * 300)
    text = str(e.value)
    assert text.startswith("the name 'a\\x0ab/")
    assert "... (" in text and "\n" not in text


@pytest.mark.parametrize("name", ["SWANGEN", "2024-12-15", "x" * 200, "CONSOLE", "a.b", 7])
def test_path_component_returns_a_safe_name_as_text(name: object) -> None:
    assert path_component(name) == str(name)
