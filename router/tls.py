"""TLS for `sovereign-router serve`: TLS 1.2 or later, forward-secret AEAD ciphers only.

The context is built here rather than by uvicorn's defaults, which would accept whatever the
system OpenSSL allows. With several workers uvicorn builds it once per worker process, so the
factory handed to uvicorn must be picklable: a module-level function bound with `partial`.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# TLS 1.2 suites: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only. TLS 1.3 suites
# are all modern and are configured by OpenSSL separately.
MODERN_TLS12_CIPHERS = ":".join(
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
    )
)


class TlsSettings(BaseModel):
    """Certificate and key for HTTPS; with `ca_file`, clients must present a certificate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cert_file: Path | None = Field(
        default=None, description="PEM certificate chain; HTTPS is served when this is set."
    )
    key_file: Path | None = Field(default=None, description="PEM private key of the certificate.")
    ca_file: Path | None = Field(
        default=None,
        description="PEM CA bundle; when set, clients must present a certificate it signed.",
    )

    @property
    def enabled(self) -> bool:
        return self.cert_file is not None or self.key_file is not None


class TlsConfigError(Exception):
    """The TLS files are missing, unreadable or do not make a usable server context."""


def check_files(tls: TlsSettings) -> tuple[Path, Path]:
    """Fail before listening when a named file cannot be read, naming the setting.

    Returns the certificate and key paths."""
    if tls.cert_file is None or tls.key_file is None:
        raise TlsConfigError("TLS needs both tls.cert_file and tls.key_file.")
    named = {"tls.cert_file": tls.cert_file, "tls.key_file": tls.key_file}
    if tls.ca_file is not None:
        named["tls.ca_file"] = tls.ca_file
    for setting, path in named.items():
        if not path.is_file():
            raise TlsConfigError(f"{setting}: {path} does not exist or is not a file.")
        if not os.access(path, os.R_OK):
            raise TlsConfigError(f"{setting}: {path} is not readable by this process.")
    return tls.cert_file, tls.key_file


def build_context(tls: TlsSettings) -> ssl.SSLContext:
    """A server context: TLS 1.2 minimum, modern ciphers, no compression or renegotiation."""
    cert_file, key_file = check_files(tls)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(MODERN_TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
    context.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    try:
        context.load_cert_chain(certfile=cert_file, keyfile=key_file)
        if tls.ca_file is not None:
            context.load_verify_locations(cafile=tls.ca_file)
            context.verify_mode = ssl.CERT_REQUIRED
    except (ssl.SSLError, OSError) as error:
        # OpenSSL's reason (e.g. KEY_VALUES_MISMATCH) names the problem, never key material.
        reason = getattr(error, "reason", None) or type(error).__name__
        raise TlsConfigError(f"TLS files could not be loaded: {reason}.") from None
    return context


def uvicorn_context_factory(
    tls: TlsSettings,
) -> Callable[[Any, Callable[[], ssl.SSLContext]], ssl.SSLContext]:
    """uvicorn's `ssl_context_factory`, which it calls with its config and its default."""
    return functools.partial(_context_for_uvicorn, tls)


def _context_for_uvicorn(
    tls: TlsSettings, _config: Any, _default: Callable[[], ssl.SSLContext]
) -> ssl.SSLContext:
    return build_context(tls)
