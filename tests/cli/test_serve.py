"""`sovereign-router serve` as a real process: TLS with a throwaway CA, and refusals to start."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.conftest import DEFAULT_POLICY
from tests.support.fake_backend import FakeBackend
from tests.support.policies import fake_routes_policy
from tests.support.serve_process import ServedRouter, router_environment, run_serve, serving
from tests.support.servers import serve_in_thread

# The server's alert, or its close before the alert is flushed (asyncio transports).
REFUSALS = {
    "TLSV1_ALERT_PROTOCOL_VERSION",
    "SSLV3_ALERT_HANDSHAKE_FAILURE",
    "UNEXPECTED_EOF_WHILE_READING",
}


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    cert_file: Path
    key_file: Path
    client_cert_file: Path
    client_key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _issue(
    issuer: tuple[ec.EllipticCurvePrivateKey, x509.Name],
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer[1])
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer[0], hashes.SHA256())


def _make_pki(directory: Path) -> Pki:
    """A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (ca_key, _name("sovereign-router test CA"))
    ca_cert = _issue(
        ca, "sovereign-router test CA", ca_key, [(x509.BasicConstraints(True, None), True)]
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server_cert = _issue(ca, "localhost", server_key, [(x509.SubjectAlternativeName(names), False)])
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
    client_cert = _issue(ca, "discharge-app", client_key, [(client_usage, False)])
    pki = Pki(
        directory / "ca.pem",
        directory / "server.pem",
        directory / "server.key",
        directory / "client.pem",
        directory / "client.key",
    )
    pki.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    pki.client_cert_file.write_bytes(client_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(server_key, pki.key_file)
    _write_key(client_key, pki.client_key_file)
    return pki


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve_in_thread(FakeBackend().app) as url:
        yield f"{url}/v1"


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory: pytest.TempPathFactory, upstream: str) -> Path:
    return fake_routes_policy(tmp_path_factory.mktemp("policy"), {"ok": [upstream]})


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return _make_pki(tmp_path_factory.mktemp("pki"))


def _trusting(pki: Pki) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(pki.ca_file))


@pytest.fixture(scope="module")
def https_router(
    tmp_path_factory: pytest.TempPathFactory, policy_dir: Path, pki: Pki
) -> Iterator[ServedRouter]:
    """One HTTPS router for the module: starting one takes seconds (the PHI classifier)."""
    data_dir = tmp_path_factory.mktemp("https") / "data"
    env = router_environment(
        data_dir,
        policy_dir,
        tls__cert_file=str(pki.cert_file),
        tls__key_file=str(pki.key_file),
    )
    with serving(env, data_dir, scheme="https", verify=_trusting(pki)) as running:
        yield running


def test_openai_sdk_gets_a_completion_over_https(https_router: ServedRouter, pki: Pki) -> None:
    with (
        httpx.Client(verify=_trusting(pki)) as http,
        openai.OpenAI(
            base_url=https_router.base_url,
            api_key=https_router.key("general"),
            http_client=http,
            max_retries=0,
        ) as sdk,
    ):
        reply = sdk.chat.completions.create(
            model="ok", messages=[{"role": "user", "content": "Hello"}]
        )
    assert reply.choices[0].message.content == "Hello from the fake backend."


def test_plain_http_and_untrusted_clients_get_nothing(https_router: ServedRouter) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(https_router.url.replace("https://", "http://") + "/healthz", timeout=5)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{https_router.url}/healthz", timeout=5)  # the system CAs do not trust it


def _handshake(url: str, context: ssl.SSLContext) -> str:
    """Handshake only; returns the negotiated protocol version."""
    host, port = url.removeprefix("https://").split(":")
    with (
        socket.create_connection((host, int(port)), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return tls.version() or ""


def _tls_1_1_client(pki: Pki) -> ssl.SSLContext:
    old = _trusting(pki)
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client really offer TLS 1.1
    return old


def _lenient_server(pki: Pki) -> ssl.SSLContext:
    lenient = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deliberately the old protocol
        lenient.minimum_version = ssl.TLSVersion.TLSv1
    lenient.set_ciphers("DEFAULT:@SECLEVEL=0")
    lenient.load_cert_chain(pki.cert_file, pki.key_file)
    return lenient


def _accept_one(listener: socket.socket, context: ssl.SSLContext) -> None:
    connection, _ = listener.accept()
    with connection, contextlib.suppress(ssl.SSLError, OSError):
        context.wrap_socket(connection, server_side=True).close()


def _lenient_handshake(pki: Pki, client: ssl.SSLContext) -> str:
    """Handshake with a server that allows old protocols and ciphers: proves what the client
    offers, so that a refusal by the router is the router's doing."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        lenient = threading.Thread(target=_accept_one, args=(listener, _lenient_server(pki)))
        lenient.start()
        try:
            return _handshake(f"https://127.0.0.1:{listener.getsockname()[1]}", client)
        finally:
            lenient.join(timeout=10)


def test_tls_1_1_client_is_refused(https_router: ServedRouter, pki: Pki) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deliberately the old protocol
        client = _tls_1_1_client(pki)
        # Control: this client does complete TLS 1.1 with a server that still allows it.
        assert _lenient_handshake(pki, client) == "TLSv1.1"
        with pytest.raises(ssl.SSLError) as refused:
            _handshake(https_router.url, client)
    assert refused.value.reason in REFUSALS


def test_tls_1_2_with_a_weak_cipher_is_refused_and_modern_ones_work(
    https_router: ServedRouter, pki: Pki
) -> None:
    modern = _trusting(pki)
    modern.maximum_version = ssl.TLSVersion.TLSv1_2
    assert _handshake(https_router.url, modern) == "TLSv1.2"
    weak = _trusting(pki)
    weak.maximum_version = ssl.TLSVersion.TLSv1_2
    weak.set_ciphers("ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")  # CBC with SHA-1
    assert _lenient_handshake(pki, weak) == "TLSv1.2"  # the client can use it
    with pytest.raises(ssl.SSLError) as refused:
        _handshake(https_router.url, weak)
    assert refused.value.reason in REFUSALS
    assert _handshake(https_router.url, _trusting(pki)) == "TLSv1.3"


@pytest.mark.parametrize("missing", ["tls__cert_file", "tls__key_file"])
def test_refuses_to_start_when_a_tls_file_is_missing(
    tmp_path: Path, policy_dir: Path, pki: Pki, missing: str
) -> None:
    files = {"tls__cert_file": str(pki.cert_file), "tls__key_file": str(pki.key_file)}
    files[missing] = str(tmp_path / "nowhere.pem")
    result = run_serve(router_environment(tmp_path / "data", policy_dir, **files))
    assert result.returncode == 2
    setting = missing.replace("__", ".")
    assert f"refusing to start: {setting}: " in result.stderr
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_refuses_to_start_when_the_key_does_not_match(
    tmp_path: Path, policy_dir: Path, pki: Pki
) -> None:
    other = _make_pki(tmp_path)  # same file names, another key, in tmp_path itself
    env = router_environment(
        tmp_path / "data",
        policy_dir,
        tls__cert_file=str(pki.cert_file),
        tls__key_file=str(other.key_file),
    )
    result = run_serve(env)
    assert result.returncode == 2
    assert "refusing to start: TLS files could not be loaded: KEY_VALUES_MISMATCH" in result.stderr


def test_refuses_to_start_with_only_a_certificate(
    tmp_path: Path, policy_dir: Path, pki: Pki
) -> None:
    env = router_environment(tmp_path / "data", policy_dir, tls__cert_file=str(pki.cert_file))
    result = run_serve(env)
    assert result.returncode == 2
    assert "TLS needs both tls.cert_file and tls.key_file" in result.stderr


def test_with_a_client_ca_only_clients_with_its_certificates_get_in(
    tmp_path: Path, policy_dir: Path, pki: Pki
) -> None:
    env = router_environment(
        tmp_path / "data",
        policy_dir,
        tls__cert_file=str(pki.cert_file),
        tls__key_file=str(pki.key_file),
        tls__ca_file=str(pki.ca_file),
    )
    with_certificate = _trusting(pki)
    with_certificate.load_cert_chain(pki.client_cert_file, pki.client_key_file)
    with serving(env, tmp_path / "data", scheme="https", verify=with_certificate) as running:
        assert httpx.get(f"{running.url}/healthz", verify=with_certificate).status_code == 200
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{running.url}/healthz", verify=_trusting(pki), timeout=5)


def test_several_workers_refuse_to_each_start_a_local_model(tmp_path: Path) -> None:
    env = router_environment(tmp_path / "data", DEFAULT_POLICY)  # its local route is managed
    result = run_serve(env, "--workers", "2")
    assert result.returncode == 2
    assert "--workers above 1 needs local_model.url" in result.stderr
    assert not (tmp_path / "data" / "prometheus-multiproc").exists()  # refused before setup
