"""recon.pass_client.config: where the PaSS settings come from (option, environment,
config file, in that order) and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.errors import EXIT_CANNOT_RUN, UsageError
from recon.pass_client.config import PassConfig, resolve_config


def _files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("a.pem", "a.key", "b.pem", "b.key", "c.pem", "c.key", "ca.pem"):
        (tmp_path / name).write_text("placeholder\n")
        out[name] = tmp_path / name
    return out


def test_config_precedence_option_env_file(tmp_path: Path) -> None:
    f = _files(tmp_path)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[pass]\nurl = "https://file.example/api/"\nparticipant = "FILEP"\n'
        'cert = "c.pem"\nkey = "c.key"\nca = "ca.pem"\ntimeout = 12\n'
    )
    env = {
        "RECON_PASS_URL": "https://env.example",
        "RECON_PASS_CERT": str(f["b.pem"]),
        "RECON_PARTICIPANT": "envp",
    }
    got = resolve_config(url="https://opt.example", cert=f["a.pem"], config_file=cfg, env=env)
    assert got.base_url == "https://opt.example"
    assert got.cert == f["a.pem"]
    assert got.participant == "ENVP"  # env beats file; upper-cased
    assert got.key == f["c.key"]  # file, relative to the file's folder
    assert got.ca == f["ca.pem"]
    assert got.timeout == 12.0

    got = resolve_config(config_file=cfg, env={})
    assert got.base_url == "https://file.example/api"  # trailing slash dropped
    assert (got.participant, got.cert) == ("FILEP", f["c.pem"])


def test_config_default_file_via_env_and_missing_settings(tmp_path: Path) -> None:
    f = _files(tmp_path)
    with pytest.raises(UsageError) as err:
        resolve_config(env={"RECON_CONFIG": str(tmp_path / "none.toml")})
    assert "config file not found" in str(err.value)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(UsageError) as err:
        resolve_config(config_file=empty, env={})
    text = str(err.value)
    assert "--url" in text and "RECON_PASS_URL" in text and "--participant" in text
    assert "--cert" in text and err.value.exit_code == EXIT_CANNOT_RUN
    ok = resolve_config(
        env={
            "RECON_PASS_URL": "https://h",
            "RECON_PARTICIPANT": "P1",
            "RECON_PASS_CERT": str(f["a.pem"]),
            "RECON_PASS_TIMEOUT": "3.5",
        },
        config_file=empty,
    )
    assert ok.timeout == 3.5 and ok.key is None and ok.ca is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"url": "http://plain.example"}, "https://"),
        ({"url": "https://u:p@h.example"}, "user name"),
        ({"timeout": -1}, "positive"),
        ({"participant": "bad code!"}, "participant code"),
        ({"cert": "/nonexistent/cert.pem"}, "not found"),
    ],
)
def test_config_refuses_bad_settings(
    tmp_path: Path, kwargs: dict[str, object], needle: str
) -> None:
    f = _files(tmp_path)
    base: dict[str, object] = {
        "url": "https://h.example",
        "participant": "SWANGEN",
        "cert": f["a.pem"],
        "config_file": None,
    }
    base.update(kwargs)
    empty = tmp_path / "e.toml"
    empty.write_text("")
    base["config_file"] = empty
    with pytest.raises(UsageError) as err:
        resolve_config(env={}, **base)  # type: ignore[arg-type]
    assert needle in str(err.value)


def test_config_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[pass\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        resolve_config(config_file=bad, env={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[pass]\nusername = "x"\n')
    with pytest.raises(UsageError, match="unknown key"):
        resolve_config(config_file=unknown, env={})


def test_key_password_not_in_repr(tmp_path: Path) -> None:
    cfg = PassConfig("https://h", "P", tmp_path / "c.pem", key_password="s3cret-pass")
    assert "s3cret-pass" not in repr(cfg)


def _base(tmp_path: Path) -> dict[str, object]:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    return {
        "url": "https://h.example",
        "participant": "swangen",
        "cert": _files(tmp_path)["a.pem"],
        "config_file": empty,
    }


def test_deadline_and_response_cap_from_option_environment_and_default(tmp_path: Path) -> None:
    base = _base(tmp_path)
    default = resolve_config(env={}, **base)  # type: ignore[arg-type]
    assert (default.deadline, default.max_response_bytes) == (600.0, 512 * 1024 * 1024)
    env = {"RECON_PASS_DEADLINE": "90", "RECON_PASS_MAX_RESPONSE_MB": "8"}
    from_env = resolve_config(env=env, **base)  # type: ignore[arg-type]
    assert (from_env.deadline, from_env.max_response_bytes) == (90.0, 8 * 1024 * 1024)
    chosen = resolve_config(env=env, deadline=5, max_response_mb=1, **base)  # type: ignore[arg-type]
    assert (chosen.deadline, chosen.max_response_bytes) == (5.0, 1024 * 1024)


@pytest.mark.parametrize(
    ("env", "needle"),
    [({"RECON_PASS_TIMEOUT": "soon"}, "timeout must be a number of seconds, got 'soon'"),
     ({"RECON_PASS_DEADLINE": "0"}, "deadline must be a positive number of seconds, got '0'"),
     ({"RECON_PASS_DEADLINE": "later"}, "deadline must be a number of seconds"),
     ({"RECON_PASS_MAX_RESPONSE_MB": "1.5"}, "max_response_mb must be a whole number of MiB"),
     ({"RECON_PASS_MAX_RESPONSE_MB": "0"}, "max_response_mb must be 1 to 1048576 MiB")],
)  # fmt: skip
def test_numbers_from_the_environment_are_checked(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(UsageError) as err:
        resolve_config(env=env, **_base(tmp_path))  # type: ignore[arg-type]
    assert needle in str(err.value)


def test_a_missing_file_names_where_its_path_came_from(tmp_path: Path) -> None:
    base = _base(tmp_path)
    with pytest.raises(UsageError, match=r"client key file not found: .*\(from RECON_PASS_KEY\)"):
        resolve_config(env={"RECON_PASS_KEY": str(tmp_path / "gone.key")}, **base)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"CA bundle file not found: .*\(from --ca\)"):
        resolve_config(env={}, ca=tmp_path / "gone.pem", **base)  # type: ignore[arg-type]
    config = tmp_path / "recon.toml"
    config.write_text('[pass]\nca = "gone-ca.pem"\n')
    base["config_file"] = config
    with pytest.raises(UsageError, match=r"gone-ca\.pem \(from the config file\)"):
        resolve_config(env={}, **base)  # type: ignore[arg-type]


def test_the_participant_is_upper_cased_and_the_key_password_read_from_the_environment(
    tmp_path: Path,
) -> None:
    got = resolve_config(env={"RECON_PASS_KEY_PASSWORD": "s3cr3t-PW-77"}, **_base(tmp_path))  # type: ignore[arg-type]
    assert got.participant == "SWANGEN" and got.key_password == "s3cr3t-PW-77"
    assert "participant='SWANGEN'" in repr(got) and "s3cr3t-PW-77" not in repr(got)
