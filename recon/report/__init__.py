"""Reports: a CheckResult in, report.xlsx, report.html and disagreement.csv out.

:func:`write_reports` writes both into a folder; :func:`result_json` is the
``result.json`` a check saves, and :func:`load_result` reads it back, so the reports can be
rebuilt later with ``recon report DIR``.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from recon.errors import InputError, OutputError
from recon.models.results import CheckResult
from recon.report.listing import BIG_RESULT, RepeatedFindingId, UniqueIds, listed, load_listed
from recon.report.saved import result_json_chunks
from recon.sources.files import unreadable
from recon.text import encodable_data

log = logging.getLogger(__name__)

EXCEL_NAME = "report.xlsx"
HTML_NAME = "report.html"
DISAGREEMENT_NAME = "disagreement.csv"
RESULT_NAME = "result.json"

__all__ = [
    "EXCEL_NAME",
    "HTML_NAME",
    "RESULT_NAME",
    "load_result",
    "result_json",
    "write_reports",
]


def write_reports(result: CheckResult, out_dir: str | Path) -> list[Path]:
    """Write report.xlsx, report.html and disagreement.csv (the Notice of Disagreement
    draft, one row per root cause) for a check into ``out_dir`` (created if missing).

    Each file is written atomically: if writing fails, a report already there is left
    as it was.

    Returns:
        The three paths written: workbook, page, draft.

    Raises:
        OutputError: If the folder or a file cannot be written, or a template is missing.
    """
    # start-up: the writers cost 130 ms to import (python -X importtime, 2026-12-05), openpyxl and
    # jinja2 mostly; only writing the reports needs them, not `recon fetch`, `runs`, `ingest`
    # or `export`, which import this package too
    from recon.report.disagreement import write_disagreement_csv
    from recon.report.excel import write_excel
    from recon.report.html import write_html

    result = listed(result)  # long lists cut, with a count (findings.json lists all)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        return [
            write_excel(result, out / EXCEL_NAME),
            write_html(result, out / HTML_NAME),
            write_disagreement_csv(result, out / DISAGREEMENT_NAME),
        ]
    except OSError as e:
        raise OutputError(f"cannot write the reports into {out}: {e.strerror or e}") from None


def result_json(result: CheckResult) -> bytes:
    """``result.json`` of a check (UTF-8, indented), as :func:`load_result` reads it back.

    Every text is kept as it is, except a lone surrogate (which UTF-8 cannot hold): it is
    written as the six characters ``\\ud800`` (:func:`recon.text.encodable`).
    """
    return "".join(result_json_chunks(result)).encode("utf-8")


def load_result(path: str | Path) -> CheckResult:
    """Read a saved check: a folder holding ``result.json``, or the file itself.

    Any text the file holds is taken as it is, except a lone surrogate (a ``\\ud800``
    escape without its pair), which is taken as the six characters ``\\ud800``, as
    :func:`result_json` writes it.

    Raises:
        InputError: If there is no ``result.json`` or it is not a saved check.
    """
    p = Path(path)
    file = p / RESULT_NAME if p.is_dir() else p
    try:
        if file.stat().st_size > BIG_RESULT:  # its findings read one at a time
            return _load_big(file)
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            file,
            "no saved check here: run 'recon check ... --out DIR' first (it writes result.json)",
        ) from None
    except OSError as e:
        raise unreadable(file, e) from None
    except UnicodeDecodeError as e:
        raise InputError(file, f"is not a saved recon check: not UTF-8 at byte {e.start}") from None
    try:
        doc = json.loads(text, parse_float=Decimal)
    except ValueError as e:
        raise InputError(file, f"is not a saved recon check: {e}") from None
    except RecursionError:
        raise InputError(file, "is not a saved recon check: nested too deeply") from None
    try:
        result = CheckResult.model_validate(encodable_data(doc))
    except ValidationError as e:
        raise _not_a_saved_check(file, e) from None
    unique = UniqueIds()
    try:
        for f in result.findings:
            unique(f.id)
    except RepeatedFindingId as e:
        raise InputError(file, f"is not a saved recon check: {e}") from None
    log.info("read %s: %d findings, %d runs", file, len(result.findings), len(result.runs))
    return result


def _not_a_saved_check(file: Path, error: ValidationError) -> InputError:
    """The error for a result.json that is JSON but not a saved check: how many problems,
    and where the first is."""
    first = error.errors()[0]
    where = "/".join(str(x) for x in first.get("loc", ()))
    return InputError(
        file,
        f"is not a saved recon check ({error.error_count()} problem(s); "
        f"first at {where or 'top level'}: {first.get('msg')})",
    )


def _load_big(file: Path) -> CheckResult:
    """A large saved check, read with :func:`recon.report.listing.load_listed` (only the
    findings the reports list are held; the rest are counted)."""
    try:
        result = load_listed(file)
    except ValidationError as e:
        raise _not_a_saved_check(file, e) from None
    except RepeatedFindingId as e:
        raise InputError(file, f"is not a saved recon check: {e}") from None
    except ValueError as e:  # ijson's JSON errors are ValueErrors
        raise InputError(file, f"is not a saved recon check (not JSON: {e})") from None
    except OSError as e:
        raise unreadable(file, e) from None
    log.info("read %s: %d findings listed, %d runs", file, len(result.findings), len(result.runs))
    return result
