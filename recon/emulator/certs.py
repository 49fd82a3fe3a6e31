"""A throwaway PKI for demos of the PaSS emulator: one CA, a server and a client certificate.

Nothing here is secret: the keys are made fresh on the machine that asks for them and
trust nothing but the emulator. Tests make their own with ``trustme``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from recon.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

VALID_DAYS = 30


@dataclass(frozen=True)
class DemoPki:
    """Paths of a demo PKI.

    Attributes:
        ca: The CA certificate: the emulator's ``--client-ca`` and the client's ``--ca``.
        server_cert: The emulator's ``--cert`` (for 127.0.0.1 and localhost).
        server_key: The emulator's ``--key``.
        client_cert: The client's ``--cert`` (the participant's stand-in Local Certificate).
        client_key: The client's ``--key``.
    """

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file."""
        return (self.ca, self.server_cert, self.server_key, self.client_cert, self.client_key)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "recon PaSS emulator demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    atomic_write_bytes(path, data, 0o600 if private else 0o644)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_demo_pki(
    directory: str | os.PathLike[str], participant: str = "SWANGEN", *, reuse: bool = True
) -> DemoPki:
    """Write a demo CA, server certificate and client certificate into ``directory``.

    Args:
        directory: Where to write (created if missing).
        participant: The client certificate's common name.
        reuse: Keep the files already there if every one exists.

    Returns:
        The paths written (or found).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    pki = DemoPki(
        ca=out / "ca.pem",
        server_cert=out / "server.pem",
        server_key=out / "server.key",
        client_cert=out / "client.pem",
        client_key=out / "client.key",
    )
    if reuse and all(p.is_file() for p in pki.paths):
        return pki
    now = datetime.now(UTC) - timedelta(minutes=5)
    until = now + timedelta(days=VALID_DAYS)

    ca_key = _key()
    ca_name = _name("recon demo CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(
        cn: str, usage: x509.ObjectIdentifier, san: list[x509.GeneralName] | None
    ) -> tuple[bytes, bytes]:
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)

    server_pem, server_key = leaf(
        "127.0.0.1",
        ExtendedKeyUsageOID.SERVER_AUTH,
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")],
    )
    client_pem, client_key = leaf(participant, ExtendedKeyUsageOID.CLIENT_AUTH, None)

    _write(pki.ca, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(pki.server_cert, server_pem)
    _write(pki.server_key, server_key, private=True)
    _write(pki.client_cert, client_pem)
    _write(pki.client_key, client_key, private=True)
    log.info("wrote a demo PKI (valid %d days) into %s", VALID_DAYS, out)
    return pki
