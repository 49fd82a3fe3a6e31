"""recon.serve.downloads: the files a week page and the audit page offer, and their names."""

from __future__ import annotations


def test_download_names_are_built_from_safe_characters_only() -> None:
    from recon.serve.downloads import attachment

    assert attachment("../../x", "2024-12-15", "report.html") == (
        'attachment; filename="recon_.._.._x_2024-12-15_report.html"'
    )
    assert attachment('a"; filename="evil.exe', "w", "f") == (
        'attachment; filename="recon_a___filename__evil.exe_w_f"'
    )
