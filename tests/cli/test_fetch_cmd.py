"""``recon fetch`` and ``recon emulator`` on the command line, against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from emulator_testing import TestPki
from paths import REPO

from recon.cli.fetch_cmd import emulator as emulator_cmd
from recon.cli.fetch_cmd import fetch
from recon.cli.main import main
from recon.emulator import PassEmulator


@click.command(
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def _recon(ctx: click.Context) -> None:
    """``recon ARGS`` as the console script runs it: cli/main maps every error to its exit
    status (no command has a handler of its own)."""
    ctx.exit(main(ctx.args))


def _recon_cli(command: str, args: list[str], env: dict[str, str] | None = None) -> Result:
    """Run ``recon COMMAND ARGS`` in a CliRunner (output and exit status captured)."""
    return CliRunner().invoke(_recon, [command, *args], env=env)


def _one_line_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_help_explains_every_option() -> None:
    runner = CliRunner()
    text = runner.invoke(fetch, ["--help"]).output
    for option in (
        "--week",
        "--run",
        "--out",
        "--url",
        "--cert",
        "--key",
        "--ca",
        "--participant",
        "--config",
        "--timeout",
    ):
        assert option in text
    for env_name in (
        "RECON_PASS_URL",
        "RECON_PASS_CERT",
        "RECON_PASS_KEY",
        "RECON_PASS_CA",
        "RECON_PARTICIPANT",
    ):
        assert env_name in text
    text = runner.invoke(emulator_cmd, ["--help"]).output
    for option in (
        "--data",
        "--host",
        "--port",
        "--cert",
        "--key",
        "--client-ca",
        "--fault-429",
        "--retry-after",
        "--fault-503",
        "--slow",
        "--drop",
        "--fault-path",
        "--demo-certs",
    ):
        assert option in text


def test_fetch_from_environment(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "fetched"
    result = _recon_cli("fetch", ["--week", "2024-12-01", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 run(s), 20 file(s) written, 0 unchanged" in result.stdout
    assert len(list(out.iterdir())) == 20
    again = _recon_cli("fetch", ["--week", "2024-12-01", "--out", str(out)], env=env)
    assert again.exit_code == 0 and "0 file(s) written, 20 unchanged" in again.stdout


def test_options_beat_environment_beat_config(
    env: dict[str, str], pki: TestPki, tmp_path: Path
) -> None:
    cfg = tmp_path / "recon.toml"
    cfg.write_text(
        f'[pass]\nurl = "{env["RECON_PASS_URL"]}"\nparticipant = "NOBODY"\n'
        f'cert = "{pki.wrong_cert}"\nkey = "{pki.wrong_key}"\nca = "{pki.ca}"\n'
    )
    only_file = {"RECON_CONFIG": str(cfg)}
    args = ["--week", "2024-12-01", "--run", "900101", "--out", str(tmp_path / "o")]
    result = _recon_cli("fetch", args, env=only_file)
    assert result.exit_code == 2  # the file's wrong certificate is refused
    assert "refused the TLS client certificate" in _one_line_error(result.stderr)
    result = _recon_cli(
        "fetch",
        [*args, "--cert", str(pki.client_cert), "--key", str(pki.client_key)],
        env=only_file,
    )
    assert result.exit_code == 2  # the certificate is right, the participant is not
    assert "HTTP 403 FORBIDDEN" in _one_line_error(result.stderr)
    result = _recon_cli(
        "fetch",
        [*args, "--cert", str(pki.client_cert), "--key", str(pki.client_key)],
        env={**only_file, "RECON_PARTICIPANT": "SWANGEN"},
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "drop_env", "needle"),
    [
        (["--week", "2024-12-01"], (), "Missing option '--out'"),
        (["--week", "1 Dec 2024", "--out", "x"], (), "Invalid value for '--week'"),
        (["--week", "2024-12-01", "--out", "x"], ("RECON_PASS_URL",), "missing the PaSS base URL"),
        (["--week", "2024-12-01", "--out", "x", "--url", "http://127.0.0.1:1"], (), "https://"),
        (["--week", "2024-12-02", "--out", "x"], (), "a Trading Week starts on a Sunday"),
        (["--week", "2024-12-01", "--out", "x", "--run", "5"], (), "run 5 is not in"),
    ],
)
def test_fetch_errors_exit_2_with_one_line(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    drop_env: tuple[str, ...],
    needle: str,
) -> None:
    use = {k: v for k, v in env.items() if k not in drop_env}
    monkeypatch.chdir(tmp_path)
    result = _recon_cli("fetch", args, env=use)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_fetch_exit_1_when_an_artefact_is_not_published(
    pki: TestPki, mini_week: Path, env: dict[str, str], tmp_path: Path
) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(mini_week, data)
    (data / "invoice_900101.pdf").unlink()
    with PassEmulator(data, pki.server_cert, pki.server_key, pki.ca) as emu:
        result = _recon_cli(
            "fetch",
            ["--week", "2024-12-01", "--out", str(tmp_path / "o"), "--run", "900101"],
            env={**env, "RECON_PASS_URL": emu.url},
        )
    assert result.exit_code == 1
    assert "1 not published" in result.stdout and "invoice PDF of run 900101" in result.stdout


def test_emulator_command_refuses_bad_options(
    tmp_path: Path, mini_week: Path, pki: TestPki
) -> None:
    result = _recon_cli("emulator", ["--data", str(mini_week)])
    assert result.exit_code == 2 and "missing --cert, --key, --client-ca" in result.stderr
    result = _recon_cli(
        "emulator",
        ["--data", str(mini_week), "--demo-certs", str(tmp_path), "--cert", str(pki.server_cert)],
    )
    assert result.exit_code == 2 and "not both" in result.stderr
    result = _recon_cli(
        "emulator",
        [
            "--data",
            str(mini_week),
            "--cert",
            str(pki.server_cert),
            "--key",
            str(pki.server_key),
            "--client-ca",
            str(pki.ca),
            "--fault-path",
            "(",
            "--port",
            "0",
        ],
    )
    assert result.exit_code == 2 and "--fault-path" in result.stderr


def test_emulator_command_then_fetch_end_to_end(tmp_path: Path, mini_week: Path) -> None:
    """The README's demo: `recon emulator --demo-certs` in one process, `recon fetch` here."""
    code = (
        "import sys; from recon.cli.fetch_cmd import emulator; "
        "sys.argv[0] = 'recon emulator'; emulator()"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "--data",
            str(mini_week),
            "--port",
            "0",
            "--demo-certs",
            str(tmp_path / "pki"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Stop with Ctrl-C"):
                break
        text = "".join(lines)
        command = re.search(r"^\s+recon fetch (.*)$", text, re.M)
        assert command, text
        args = re.sub(r"--out \S+", f"--out {tmp_path / 'fetched'}", command.group(1)).split()
        empty = tmp_path / "empty.toml"
        empty.write_text("")
        result = _recon_cli("fetch", args, env={"RECON_CONFIG": str(empty)})
        assert result.exit_code == 0, result.output
        assert "20 file(s) written" in result.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=10)
