"""recon.sources.json_exact: JSON read with every number kept as its exact text, and
strings that never carry a lone surrogate to a writer."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recon.errors import InputError
from recon.sources import json_exact
from recon.sources.json_exact import (
    DocReader,
    array_text,
    element_text,
    flag_text,
    kind_of,
    number_text,
    put_back,
    read_json,
    trading_day_text,
    unwrapped_pointer,
)
from recon.sources.limits import Limits


def test_loads_keeps_number_text() -> None:
    doc = json_exact.loads(b'{"a": 0.30000000, "b": 12345678901234.12345678, "c": 7}')
    assert doc == {"a": "0.30000000", "b": "12345678901234.12345678", "c": "7"}


def test_a_lone_surrogate_is_kept_as_its_escape_and_a_pair_as_its_character() -> None:
    text = (
        '{"a\\udfff": "x\\ud800y", "pair": "\\ud83d\\ude00", "low": ["\\uDC00"], '
        '"literal": "\\\\ud800", "n": 1.50}'
    )
    doc = json_exact.loads(text)
    assert doc == {
        "a\\udfff": "x\\ud800y",
        "pair": "\U0001f600",
        "low": ["\\udc00"],
        "literal": "\\ud800",  # an escaped backslash then text: unchanged
        "n": "1.50",
    }
    assert type(doc["n"]) is not str  # numbers stay the exact number text
    for value in (*doc, doc["a\\udfff"], doc["low"][0]):
        value.encode("utf-8")  # no lone surrogate reaches a writer


@given(st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010), max_size=8))
@settings(max_examples=60, deadline=None)
def test_any_string_reads_back_without_a_lone_surrogate(text: str) -> None:
    doc = json_exact.loads(json.dumps({"scope": text}))
    doc["scope"].encode("utf-8")
    # JSON joins a high and a low half into one character; a half alone stays escaped.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    assert doc["scope"] == json_exact.escape_surrogates(joined)


# ------------------------------------------------------------------------ decoding


def test_loads_takes_bytes_with_a_bom_and_text() -> None:
    assert json_exact.loads(b'\xef\xbb\xbf{"a": 1.0}') == {"a": "1.0"}
    assert json_exact.loads("\ufeff[1e3]") == ["1e3"]  # the number's own text


@pytest.mark.parametrize(
    ("data", "problem", "line", "json_path"),
    [
        (b'{"a": "\xff"}', "is not UTF-8 text (invalid start byte at byte 7)", None, None),
        ('{\n"a": }', "is not valid JSON: Expecting value (column 6)", 2, None),
        ("[" * 100_000, "is not valid JSON: nested too deeply", None, None),
        (
            '{"v": [1, 2], "w": {"x/y": [0, -Infinity]}}',
            "holds the literal -Infinity, which is not a number (JSON has no NaN or Infinity)",
            None,
            "/w/x~1y/1",
        ),
        (
            "NaN",
            "holds the literal NaN, which is not a number (JSON has no NaN or Infinity)",
            None,
            "/",
        ),
    ],
)
def test_what_loads_refuses(
    data: bytes | str, problem: str, line: int | None, json_path: str | None
) -> None:
    with pytest.raises(InputError) as e:
        json_exact.loads(data, "w/s.json")
    assert (e.value.path, e.value.problem) == ("w/s.json", problem)
    assert (e.value.line, e.value.json_path) == (line, json_path)


def test_read_json_reads_a_file_within_the_caps(tmp_path: Path) -> None:
    p = tmp_path / "s.json"
    p.write_text('{"runId": 51230}')
    assert read_json(p) == {"runId": "51230"}
    with pytest.raises(InputError, match="over the cap of 4"):
        read_json(p, Limits(max_member_bytes=4))
    with pytest.raises(InputError, match="cannot be read"):
        read_json(tmp_path / "gone.json")


def test_put_back_turns_stand_ins_back_into_what_the_input_held() -> None:
    element = element_text(json_exact.loads('"399,790.5"'), DocReader("s.json"))
    assert element == "399\ue000790.5"
    assert put_back(f"{element!r} is not a plain decimal") == "'399,790.5' is not a plain decimal"
    assert put_back("[\ue001x\ue002]") == "[[x]]"


# ------------------------------------------------------------------------ wrappers


def test_unwrap_refuses_what_is_no_document() -> None:
    with pytest.raises(InputError) as e:
        json_exact.unwrap([1], "r.json")
    assert (e.value.problem, e.value.json_path) == ("expected a JSON object, found an array", "/")
    with pytest.raises(InputError) as e:
        json_exact.unwrap({"errors": "busy"}, "r.json")
    assert e.value.problem == "is a PaSS error response, not a document (no detail)"
    assert e.value.json_path == "/errors"
    with pytest.raises(InputError) as e:
        json_exact.unwrap({"transactionId": "t"}, "r.json")
    assert e.value.problem == "is a PaSS response whose data holds nothing, not a document"
    assert e.value.json_path == "/data"


def test_a_bare_data_object_is_a_wrapper() -> None:
    inner = {"runId": "1"}
    assert json_exact.unwrap({"data": inner}) is inner
    assert unwrapped_pointer({"data": inner}) == ("data",)
    assert unwrapped_pointer({"transactionId": "t", "data": inner}) == ("data",)
    assert unwrapped_pointer({"transactionId": "t", "data": []}) == ()
    assert unwrapped_pointer(inner) == ()
    assert unwrapped_pointer([inner]) == ()


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, "null"),
        (True, "a boolean"),
        (json_exact.loads("1.5"), "a number"),
        ("1.5", "a string"),
        ([], "an array"),
        ({}, "an object"),
        (1.5, "a float (decode with recon.sources.json_exact.loads to keep numbers exact)"),
        (Decimal(1), "Decimal"),
    ],
)
def test_kind_of(value: Any, kind: str) -> None:
    assert kind_of(value) == kind


# ------------------------------------------------------------------------ the reader


def test_doc_reader_names_the_path_inside_the_wrapper() -> None:
    d = DocReader(Path("w/s.json"), prefix=("data",))
    assert d.path("variables", 0, "tradingDays") == "/data/variables/0/tradingDays"
    doc = json_exact.loads('{"a": {"b": [1, "x"]}, "n": null, "s": "t", "k": 7}')
    assert d.obj(doc, "a") == {"b": ["1", "x"]}
    assert d.arr(doc["a"], "b", "a") == ["1", "x"]
    assert d.text(doc, "k") == "7" and d.text(doc, "s") == "t"
    assert d.get(doc, "n", required=False, default="dflt") == "dflt"
    assert d.obj(doc, "missing", required=False) is None
    assert d.text(doc, "missing", required=False, default="-") == "-"
    assert d.item({"x": 1}, "a variable", "variables", 0) == {"x": 1}


@pytest.mark.parametrize(
    ("call", "problem", "json_path"),
    [
        (lambda d, doc: d.get(doc, "n"), "the required field 'n' is missing", "/data/n"),
        (
            lambda d, doc: d.get(doc, "zz", "p", 1),
            "the required field 'zz' is missing",
            "/data/p/1/zz",
        ),
        (lambda d, doc: d.obj(doc, "s"), "'s' must be an object, found a string", "/data/s"),
        (lambda d, doc: d.arr(doc, "a"), "'a' must be an array, found an object", "/data/a"),
        (
            lambda d, doc: d.text(doc, "a"),
            "'a' must be a string or a number, found an object",
            "/data/a",
        ),
        (
            lambda d, doc: d.item([], "a variable", "variables", 3),
            "a variable must be an object, found an array",
            "/data/variables/3",
        ),
    ],
)
def test_doc_reader_errors_name_file_and_path(call: Any, problem: str, json_path: str) -> None:
    d = DocReader("w/s.json", prefix=("data",))
    doc = json_exact.loads('{"a": {"b": 1}, "n": null, "s": "t"}')
    with pytest.raises(InputError) as e:
        call(d, doc)
    assert (e.value.path, e.value.problem, e.value.json_path) == ("w/s.json", problem, json_path)


# ------------------------------------------------------------------------ leaves


def test_number_text() -> None:
    assert number_text(json_exact.loads("12.50")) == "12.50"
    assert number_text(Decimal("1E-8")) == "0.00000001"
    assert number_text(7) == "7"
    assert number_text(True) is None and number_text(1.5) is None and number_text([]) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "Y"),
        (False, "N"),
        (" true ", "Y"),
        ("FALSE", "N"),
        ("y", "Y"),
        ("n", "N"),
        ("maybe", "maybe"),  # kept for the validator to judge
        (1, "1"),
        (None, "null"),
        ([], "an array"),
    ],
)
def test_flag_text(value: Any, text: str) -> None:
    assert flag_text(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2024-12-01T00:00:00", "2024-12-01"),
        (" 2024-12-01T00:00:00.000 ", "2024-12-01"),
        ("2024-12-01", "2024-12-01"),
        ("2024-12-01T08:00:00", "2024-12-01T08:00:00"),  # not midnight: unchanged
        ("01/12/2024", "01/12/2024"),
    ],
)
def test_trading_day_text(value: str, text: str) -> None:
    assert trading_day_text(value) == text


def test_array_text_writes_the_csv_form() -> None:
    d = DocReader("d.json")
    assert array_text(json_exact.loads("[1.5, 2, -0.00000001]"), d) == "[1.5,2,-0.00000001]"
    mixed = [json_exact.loads("1"), "2.5", Decimal("3"), None, True, "[x]"]
    assert array_text(mixed, d) == "[1,2.5,3,null,true,\ue001x\ue002]"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            1.5,
            "holds a float: decode JSON with recon.sources.json_exact.loads so numbers stay exact",
        ),
        ([1], "a value must be a number, found an array"),
        ({"v": 1}, "a value must be a number, found an object"),
    ],
)
def test_an_element_that_is_no_number_is_a_clear_error(value: Any, problem: str) -> None:
    d = DocReader("d.json", prefix=("data",))
    with pytest.raises(InputError) as e:
        array_text([json_exact.loads("1"), value], d, "variables", 0, "value")
    assert e.value.problem == problem
    assert e.value.json_path == "/data/variables/0/value/1"
