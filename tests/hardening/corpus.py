"""The malformed and hostile input corpus (issue 9), built in code: nothing binary is committed.

Each :class:`Case` writes one input into a folder and says what ``recon check`` must
answer: exit status 1 with a finding (the problem is in the data) or 2 with one line on
stderr (the file cannot be used), naming the file and the problem. ZIP bombs are built on
the fly from one deflated chunk of zeros repeated (a deflate stream flushed with
``Z_FULL_FLUSH`` restarts, so identical chunks compress identically), small on disk.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from builders.files import SUMMARY_COLUMNS
from builders.invoice import invoice_document
from builders.summary import summary_document

from recon.emulator import encode as enc

Builder = Callable[[SimpleNamespace, Path], Path]
MIB = 1024 * 1024

# --------------------------------------------------------------------------------------
# Raw ZIP writing (for archives zipfile will not write: bombs, lying headers, odd names)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawMember:
    """One ZIP member as it goes on disk.

    Attributes:
        name: The member name, as bytes (any bytes at all).
        data: The stored (compressed) bytes.
        method: ``zipfile.ZIP_DEFLATED`` or ``ZIP_STORED``.
        crc: CRC-32 of the uncompressed bytes.
        size: The declared uncompressed size.
        flags: General purpose flags (bit 0 encrypted, bit 11 UTF-8 name).
    """

    name: bytes
    data: bytes
    method: int
    crc: int
    size: int
    flags: int = 0


def raw_zip(members: Sequence[RawMember]) -> bytes:
    """Write a ZIP archive byte by byte (local headers, central directory, end record).

    Args:
        members: The members, in order; sizes must be under 4 GiB (no ZIP64).
    """
    out = bytearray()
    central = bytearray()
    for m in members:
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            m.flags,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.data),
            m.size,
            len(m.name),
            0,
        )
        out += m.name
        out += m.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            m.flags,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.data),
            m.size,
            len(m.name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += m.name
    cd_offset = len(out)
    out += central
    n = len(members)
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF), len(central), cd_offset, 0
    )
    return bytes(out)


def _zero_chunk(chunk: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    assert first == again, "zlib does not restart after Z_FULL_FLUSH"
    return first


def bomb_member(
    name: str, prefix: bytes, zeros: int, *, chunk: int = 16 * MIB, declared_size: int | None = None
) -> RawMember:
    """A deflated member: ``prefix`` then ``zeros`` zero bytes (a multiple of ``chunk``).

    Built in well under a second for gigabytes: one chunk is compressed and repeated.

    Args:
        name: Member name.
        prefix: Text that starts the member (a Detail CSV header and row, say).
        zeros: How many zero bytes follow (rounded down to whole chunks).
        chunk: The repeated unit.
        declared_size: The uncompressed size the headers claim (default: the true one).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    n = zeros // chunk
    body = _zero_chunk(chunk) * n
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    block = bytes(chunk)
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    size = len(prefix) + n * chunk
    return RawMember(
        name.encode(),
        head + body + tail,
        zipfile.ZIP_DEFLATED,
        crc,
        size if declared_size is None else declared_size,
    )


def stored_member(name: str | bytes, data: bytes, *, flags: int = 0) -> RawMember:
    """A stored (uncompressed) member with a true CRC."""
    raw = name.encode() if isinstance(name, str) else name
    return RawMember(raw, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data), flags)


# --------------------------------------------------------------------------------------
# Good artefacts to break
# --------------------------------------------------------------------------------------


def summary_rows(w: SimpleNamespace) -> list[dict[str, str]]:
    """Two valid Summary rows of run 51230 (SWANGEN, TW 01 Dec 2024)."""
    return [
        w.summary_row("RTMSA_P_D", "2024-12-01", "12.5"),
        w.summary_row("MFEE_P_D", "2024-12-02", "1.25", p_or_c="Charge"),
    ]


def detail_rows(w: SimpleNamespace, day: str = "2024-12-01") -> list[dict[str, str]]:
    """Two valid Detail rows of one Trading Day (a D and an I variable)."""
    return [
        w.detail_row("RTMSA_P_D", "SWANGEN", day, ["1.5"], day=day),
        w.detail_row("MSQ_F_I", "SWANGEN_WF1", day, ["0.25"] * 48, day=day),
    ]


def put(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (parents created) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def encrypted_pdf() -> bytes:
    """A PDF encrypted with a user password (pypdf when installed, else built by hand)."""
    try:
        from pypdf import PdfWriter
    except ImportError:  # pragma: no cover - pypdf is in the test environment
        return _hand_encrypted_pdf()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _hand_encrypted_pdf() -> bytes:
    """A minimal PDF whose trailer names a Standard security handler (RC4, revision 2)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objs) + 1,
        b"ab" * 16,
        b"ab" * 16,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One corpus entry.

    Attributes:
        id: The pytest id.
        build: Writes the input under a folder and returns the path to check.
        code: The exit status ``recon check`` must give (1 finding, 2 cannot be used).
        expect: A substring of the finding's message (exit 1) or of the error line (2).
        check: The finding's check id (exit 1).
        args: Extra ``recon check`` options (smaller caps, --strict).
        heavy: Big input: time and peak memory are measured.
        xfail: Why the case fails today (a bug outside this issue's files).
    """

    id: str
    build: Builder
    code: int
    expect: str
    check: str | None = None
    args: tuple[str, ...] = ()
    heavy: bool = False
    xfail: str | None = None


def _summary(name: str = "summary.csv", **kw: object) -> Builder:
    """A Summary CSV of the good rows with ``rows``/``columns``/``data`` overrides."""

    def build(w: SimpleNamespace, d: Path) -> Path:
        rows = kw.get("rows")
        rows = rows(w) if callable(rows) else summary_rows(w)
        columns = kw.get("columns", w.SUMMARY_COLUMNS)
        data = w.csv_bytes(columns, rows)
        if "mutate" in kw:
            data = kw["mutate"](data)  # type: ignore[operator]
        return put(d / name, data)

    return build


def _summary_value(value: str) -> Builder:
    return _summary(
        rows=lambda w: [*summary_rows(w), w.summary_row("CCP_P_D", "2024-12-03", value)]
    )


def _detail(
    values: str | None = None, *, scope: str = "SWANGEN_WF1", variable: str = "MSQ_F_I"
) -> Builder:
    def build(w: SimpleNamespace, d: Path) -> Path:
        extra = w.detail_row(
            variable, scope, "2024-12-01", values if values is not None else ["1"] * 48
        )
        return put(d / "detail.csv", w.detail_bytes([*detail_rows(w), extra]))

    return build


def _bytes(name: str, data: bytes | Callable[[SimpleNamespace], bytes]) -> Builder:
    def build(w: SimpleNamespace, d: Path) -> Path:
        return put(d / name, data(w) if callable(data) else data)

    return build


def _json(
    doc: Callable[[], object],
    mutate: Callable[[bytes], bytes] | None = None,
    name: str = "doc.json",
) -> Builder:
    def build(w: SimpleNamespace, d: Path) -> Path:
        data = enc.dumps(doc(), indent=1)
        return put(d / name, mutate(data) if mutate else data)

    return build


def _detail_zip(
    members: Callable[[SimpleNamespace], Sequence[RawMember]], name: str = "detail.zip"
) -> Builder:
    def build(w: SimpleNamespace, d: Path) -> Path:
        return put(d / name, raw_zip(members(w)))

    return build


def _good_zip(w: SimpleNamespace) -> bytes:
    return w.zip_bytes({"day1.csv": w.detail_bytes(detail_rows(w))})


def _flip_in_stream(data: bytes) -> bytes:
    """Damage a deflate stream (keep the headers): the member no longer inflates."""
    out = bytearray(data)
    start = 30 + len("day1.csv")
    for i in range(start + 2, start + 40):
        out[i] ^= 0x5A
    return bytes(out)


def _long_line(name: str, header: bool) -> Builder:
    """A CSV holding a 50 MB line with no newline (written in blocks, not held twice)."""

    def build(w: SimpleNamespace, d: Path) -> Path:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as f:
            if header:
                f.write(w.csv_bytes(w.SUMMARY_COLUMNS, []))
                f.write(
                    b"51230,2024-12-19T15:30:45,WEM,INITIAL,TW 01 Dec 2024,2024-12-01,"
                    b"2024-12-07,SWANGEN,RTMSA_P_D,2024-12-01,Payment,Y,1"
                )
            else:
                f.write(b"RunId,PublishedAt,")
            block = b"0" * MIB
            for _ in range(50):
                f.write(block)
        return p

    return build


def _many_members(w: SimpleNamespace) -> list[RawMember]:
    return [stored_member(f"m{i:06d}.csv", b"") for i in range(50_000)]


def _detail_prefix(w: SimpleNamespace) -> bytes:
    """A Detail CSV header and a row, left open: the zeros that follow extend the row."""
    return w.detail_bytes(detail_rows(w))[:-2]


CASES: list[Case] = [
    # ---------------------------------------------------------------- any file
    Case("empty_file", _bytes("summary.csv", b""), 2, "empty file"),
    Case("blank_lines_only", _bytes("summary.csv", b"\r\n \n\t\n"), 2, "empty file"),
    Case(
        "random_bytes",
        _bytes("summary.csv", random.Random(9).randbytes(64 * 1024)),
        2,
        "binary file",
    ),
    Case(
        "latin1_text",
        _bytes("summary.csv", "Référence,Montant\n".encode("latin-1")),
        2,
        "not UTF-8",
    ),
    # ---------------------------------------------------------------- Summary CSV
    Case(
        "csv_missing_column",
        _summary(columns=[c for c in SUMMARY_COLUMNS if c != "GST Applicable"]),
        1,
        "lacks column(s) 'GST Applicable'",
        "data.columns",
    ),
    Case(
        "csv_extra_column",
        _summary(columns=(*SUMMARY_COLUMNS, "Comment")),
        1,
        "unknown column(s) 'Comment'",
        "data.columns",
    ),
    Case(
        "csv_cr_line_ends",
        _summary(mutate=lambda b: b.replace(b"\r\n", b"\r")),
        2,
        "carriage return not followed by a line feed",
    ),
    Case(
        "csv_header_only", _summary(rows=lambda w: []), 2, "holds a header row but no Summary rows"
    ),
    Case(
        "csv_ragged_row",
        _summary(mutate=lambda b: b + b"51230,2024-12-19T15:30:45,WEM\r\n"),
        1,
        "fields where the header has 13",
        "data.value",
    ),
    Case("value_nan", _summary_value("NaN"), 1, "'NaN' is not a plain decimal", "data.value"),
    Case(
        "value_infinity",
        _summary_value("Infinity"),
        1,
        "'Infinity' is not a plain decimal",
        "data.value",
    ),
    Case("value_minus_inf", _summary_value("-inf"), 1, "'-inf' is not", "data.value"),
    Case("value_1e999", _summary_value("1e999"), 1, "'1e999' is not a plain decimal", "data.value"),
    Case(
        "value_beyond_decimal_23_8",
        _summary_value("1234567890123456.5"),
        1,
        "more than 15 integer digits",
        "data.value",
    ),
    Case(
        "value_nine_decimals",
        _summary_value("0.123456789"),
        1,
        "more than 8 decimals",
        "data.value",
    ),
    Case(
        "value_two_decimal_points",
        _summary_value("1.2.3"),
        1,
        "'1.2.3' is not a plain decimal",
        "data.value",
    ),
    Case("value_formula", _summary_value("=1+2"), 1, "'=1+2' is not a plain decimal", "data.value"),
    Case(
        "duplicate_row",
        _summary(rows=lambda w: [*summary_rows(w), summary_rows(w)[0]]),
        1,
        "appears twice",
        "data.duplicate",
    ),
    Case(
        "non_utf8_row",
        _summary(mutate=lambda b: b.replace(b"12.5", b"12\xff5")),
        1,
        "not UTF-8",
        "data.value",
    ),
    Case(
        "variable_formula",
        _summary(
            rows=lambda w: [
                *summary_rows(w),
                w.summary_row('=HYPERLINK("http://evil.example","x")', "2024-12-03", "1"),
            ]
        ),
        1,
        "=HYPERLINK(",
        "data.variable",
    ),
    Case(
        "variable_rich_markup",
        _summary(rows=lambda w: [*summary_rows(w), w.summary_row("[/x]", "2024-12-03", "1")]),
        1,
        "'[/x]'",
        "data.variable",
    ),
    Case(
        "run_id_not_a_number",
        _summary(rows=lambda w: [w.summary_row("RTMSA_P_D", "2024-12-01", "1", RunId="5e4")]),
        2,
        "RunId '5e4' is not an integer",
    ),
    Case(
        "period_of_ten_thousand_years",
        _summary(
            rows=lambda w: [
                w.summary_row(
                    "RTMSA_P_D", "2024-12-01", "1", PeriodFrom="0001-01-01", PeriodTo="9999-12-31"
                )
            ]
        ),
        1,
        "spans 3652059 days",
        "data.period",
        args=("--strict",),
    ),
    Case(
        "long_line_50mb",
        _long_line("summary.csv", header=True),
        2,
        "line 2 is longer than 8388608 bytes (raise it with --max-line-mb)",
        heavy=True,
    ),
    Case(
        "long_first_line_50mb",
        _long_line("summary.csv", header=False),
        2,
        "first line is longer than",
        heavy=True,
    ),
    # ---------------------------------------------------------------- Detail CSV
    Case("array_unterminated", _detail("[1.5,2"), 1, "is not an array", "data.value"),
    Case(
        "array_non_numeric", _detail("[1.5,abc]"), 1, "element 2 of the Value array", "data.value"
    ),
    Case("array_empty", _detail("[]"), 1, "array is empty", "data.value"),
    Case(
        "array_nan",
        _detail("[NaN]", variable="RTMSA_P_D", scope="SWANGEN"),
        1,
        "'NaN' is not a plain decimal",
        "data.value",
    ),
    Case("array_wrong_length", _detail(["1"] * 47), 1, "has 47 values", "data.array_length"),
    Case(
        "scope_script",
        _detail(scope="<script>alert(1)</script>"),
        1,
        "<script>alert(1)</script>",
        "data.scope",
    ),
    Case("scope_formula", _detail(scope="=cmd|' /C calc'!A0"), 1, "=cmd|", "data.scope"),
    # ---------------------------------------------------------------- Detail ZIP
    Case(
        "zip_member_traversal",
        _detail_zip(
            lambda w: [
                stored_member(
                    "../../x.csv",
                    w.detail_bytes(
                        [
                            *detail_rows(w),
                            w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", "[1.2.3]"),
                        ]
                    ),
                )
            ]
        ),
        1,
        "element 1 of the Value array",
        "data.value",
    ),
    Case(
        "zip_member_absolute",
        _detail_zip(
            lambda w: [
                stored_member(
                    "/tmp/recon-escape.csv",
                    w.detail_bytes(
                        [*detail_rows(w), w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", "[x]")]
                    ),
                )
            ]
        ),
        1,
        "element 1 of the Value array",
        "data.value",
    ),
    Case(
        "zip_corrupt",
        _bytes("detail.zip", b"PK\x03\x04" + random.Random(3).randbytes(512)),
        2,
        "damaged ZIP",
    ),
    Case("zip_truncated", _bytes("detail.zip", lambda w: _good_zip(w)[:-30]), 2, "damaged ZIP"),
    Case(
        "zip_damaged_stream",
        _bytes("detail.zip", lambda w: _flip_in_stream(_good_zip(w))),
        2,
        "cannot be read",
    ),
    Case(
        "zip_encrypted_member",
        _detail_zip(
            lambda w: [stored_member("day1.csv", w.detail_bytes(detail_rows(w)), flags=0x1)]
        ),
        2,
        "encrypted",
    ),
    Case(
        "zip_name_not_utf8",
        _detail_zip(
            lambda w: [
                stored_member(b"day\xff\xfe.csv", w.detail_bytes(detail_rows(w)), flags=0x800)
            ]
        ),
        2,
        "cannot be read",
    ),
    Case(
        "zip_member_name_nul",
        _detail_zip(
            lambda w: [
                stored_member(
                    b"\x00",
                    w.detail_bytes(
                        [
                            *detail_rows(w),
                            w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", "[1,,2]"),
                        ]
                    ),
                )
            ]
        ),
        1,
        "element 2 of the Value array",
        "data.value",
    ),
    Case(
        "zip_nested_zip",
        _bytes("detail.zip", lambda w: w.zip_bytes({"inner.zip": _good_zip(w)})),
        2,
        "no Settlement Statement CSV",
    ),
    Case(
        "zip_bomb_small_cap",
        _detail_zip(lambda w: [bomb_member("day1.csv", _detail_prefix(w), 64 * MIB)]),
        2,
        "over the cap of 16777216 (raise it with --max-member-mb)",
        args=("--max-member-mb", "16"),
        heavy=True,
    ),
    Case(
        "zip_bomb_default_caps",
        _detail_zip(lambda w: [bomb_member("day1.csv", _detail_prefix(w), 1024 * MIB)]),
        2,
        "over the cap of 1000, like a ZIP bomb (raise it with --max-ratio)",
        heavy=True,
    ),
    Case(
        "zip_bomb_lying_size",
        _detail_zip(
            lambda w: [bomb_member("day1.csv", _detail_prefix(w), 256 * MIB, declared_size=200_000)]
        ),
        2,
        "cannot be decompressed (Bad CRC-32",
        heavy=True,
    ),
    Case(
        "zip_overlapping_members", _bytes("detail.zip", lambda w: _overlapping_zip(w)), 2, "overlap"
    ),
    Case(
        "zip_50k_members",
        _detail_zip(_many_members),
        2,
        "holds 50000 members, over the cap of 64 (raise it with --max-members)",
        heavy=True,
    ),
    # ---------------------------------------------------------------- JSON
    Case(
        "json_truncated",
        _json(summary_document, lambda b: b[: len(b) * 2 // 3]),
        2,
        "not valid JSON",
    ),
    Case(
        "json_wrong_shape",
        _json(lambda: {**summary_document(), "variables": {"a": 1}}),
        2,
        "'variables' must be an array, found an object",
    ),
    Case(
        "json_value_object",
        _json(lambda: _with_value(summary_document(), {"x": 1})),
        2,
        "a value must be a number, found an object",
    ),
    Case(
        "json_nan", _json(summary_document, lambda b: b.replace(b'"1.5"', b"NaN")), 2, "literal NaN"
    ),
    Case(
        "json_infinity",
        _json(summary_document, lambda b: b.replace(b'"1.5"', b"-Infinity")),
        2,
        "literal -Infinity",
    ),
    Case(
        "json_1e999",
        _json(summary_document, lambda b: b.replace(b'"1.5"', b"1e999")),
        1,
        "'1e999' is not a plain decimal",
        "data.value",
    ),
    Case(
        "json_deeply_nested",
        _json(summary_document, lambda b: b.replace(b'"1.5"', b"[" * 100_000 + b"]" * 100_000)),
        2,
        "nested too deeply",
    ),
    Case("json_top_level_array", _bytes("doc.json", b"[1, 2, 3]"), 2, "JSON array"),
    Case(
        "json_not_utf8",
        _json(summary_document, lambda b: b.replace(b"SWANGEN", b"SW\xffN")),
        2,
        "not UTF-8",
    ),
    Case(
        "json_error_response",
        _bytes("doc.json", b'{"transactionId": "t", "errors": [{"code": "500", "title": "Oops"}]}'),
        2,
        "error response",
    ),
    Case(
        "json_invoice_bad_amount",
        _json(lambda: _bad_amount(invoice_document())),
        1,
        "Invoice line 'amount' is not an amount",
        "data.value",
    ),
    # ---------------------------------------------------------------- PDF
    Case(
        "pdf_not_a_pdf",
        _bytes("invoice.pdf", b"<html><body>Session expired</body></html>"),
        2,
        "not a settlement CSV, JSON document or PDF",
    ),
    Case(
        "pdf_garbage_after_magic",
        _bytes("invoice.pdf", b"%PDF-1.7\n" + random.Random(5).randbytes(4096)),
        2,
        "cannot be read as a PDF",
    ),
    Case(
        "pdf_encrypted", _bytes("invoice.pdf", lambda w: encrypted_pdf()), 2, "is an encrypted PDF"
    ),
    Case(
        "pdf_hand_encrypted",
        _bytes("invoice.pdf", lambda w: _hand_encrypted_pdf()),
        2,
        "is an encrypted PDF",
    ),
    Case(
        "pdf_truncated",
        _bytes("invoice.pdf", lambda w: encrypted_pdf()[:300]),
        2,
        "cannot be read as a PDF",
    ),
]


def _overlapping_zip(w: SimpleNamespace) -> bytes:
    """Two central-directory entries sharing one member's bytes (Fifield's bomb shape)."""
    archive = raw_zip([stored_member("a.csv", w.detail_bytes(detail_rows(w)))])
    cd_start = archive.find(b"PK\x01\x02")
    end = archive.rfind(b"PK\x05\x06")
    entry = archive[cd_start:end]
    central = entry + entry.replace(b"a.csv", b"b.csv")
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(central), cd_start, 0)
    return archive[:cd_start] + central + eocd


def _with_value(doc: dict[str, object], value: object) -> dict[str, object]:
    doc["variables"][0]["tradingDays"][0]["value"] = [value]  # type: ignore[index]
    return doc


def _bad_amount(doc: dict[str, object]) -> dict[str, object]:
    doc["data"][0]["lineItems"][0]["amount"] = "12.3.4"  # type: ignore[index]
    return doc


CASE_IDS = [c.id for c in CASES]
