"""recon.emulator.certs: the demo PKI ``recon emulator`` writes: a CA, a server certificate
for 127.0.0.1 and localhost, a client certificate named for the participant, private keys
readable by their owner only, and files reused unless asked to write them afresh.

That the emulator and the client talk over these certificates is in ``test_server.py``.
"""

from __future__ import annotations

import ipaddress
import ssl
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from recon.emulator.certs import VALID_DAYS, DemoPki, write_demo_pki


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _cn(name: x509.Name) -> str:
    return str(name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    return write_demo_pki(tmp_path_factory.mktemp("pki") / "new" / "folder", participant="PLANTCO")


def test_the_files_are_named_in_the_folder_asked(pki: DemoPki) -> None:
    folder = pki.ca.parent
    assert folder.name == "folder"  # created with its parents
    assert pki.paths == (
        folder / "ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "client.pem",
        folder / "client.key",
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in pki.paths)


def test_the_ca_signs_both_leaves(pki: DemoPki) -> None:
    ca = _cert(pki.ca)
    assert _cn(ca.subject) == "recon demo CA" and ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for leaf in (_cert(pki.server_cert), _cert(pki.client_cert)):
        assert leaf.issuer == ca.subject
        leaf.verify_directly_issued_by(ca)
        assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_server_certificate_is_for_loopback_and_the_client_for_the_participant(
    pki: DemoPki,
) -> None:
    server, client = _cert(pki.server_cert), _cert(pki.client_cert)
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    usage = x509.ExtendedKeyUsage
    assert list(server.extensions.get_extension_for_class(usage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH
    ]
    assert _cn(client.subject) == "PLANTCO"
    assert list(client.extensions.get_extension_for_class(usage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH
    ]


def test_the_certificates_are_valid_now_for_the_days_said(pki: DemoPki) -> None:
    now = datetime.now(UTC)
    for path in (pki.ca, pki.server_cert, pki.client_cert):
        cert = _cert(path)
        assert cert.not_valid_before_utc <= now < cert.not_valid_after_utc
        span = cert.not_valid_after_utc - cert.not_valid_before_utc
        assert span == timedelta(days=VALID_DAYS)


def test_each_key_belongs_to_its_certificate_and_is_not_encrypted(pki: DemoPki) -> None:
    for cert_path, key_path in (
        (pki.server_cert, pki.server_key),
        (pki.client_cert, pki.client_key),
    ):
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        assert key.public_key() == _cert(cert_path).public_key()
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(pki.ca))
    ctx.load_cert_chain(pki.client_cert, pki.client_key)  # loads as a TLS client's would


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_private_keys_are_readable_by_their_owner_only(pki: DemoPki) -> None:
    for path in (pki.server_key, pki.client_key):
        assert path.stat().st_mode & 0o777 == 0o600
    for path in (pki.ca, pki.server_cert, pki.client_cert):
        assert path.stat().st_mode & 0o777 == 0o644


def test_files_already_there_are_reused_unless_asked_afresh(tmp_path: Path) -> None:
    first = write_demo_pki(tmp_path)
    ca = first.ca.read_bytes()
    assert write_demo_pki(tmp_path, participant="OTHER") == first
    assert first.ca.read_bytes() == ca  # kept, participant and all
    fresh = write_demo_pki(tmp_path, participant="OTHER", reuse=False)
    assert fresh.ca.read_bytes() != ca
    assert _cn(_cert(fresh.client_cert).subject) == "OTHER"
    before = fresh.ca.read_bytes()
    first.client_key.unlink()
    write_demo_pki(tmp_path)  # one file missing: all written again
    assert first.client_key.is_file() and first.ca.read_bytes() != before
    assert _cn(_cert(first.client_cert).subject) == "SWANGEN"
