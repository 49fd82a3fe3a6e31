"""recon.sources.json_exact: JSON read with every number kept as its exact text, and
strings that never carry a lone surrogate to a writer."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from recon.sources import json_exact


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
