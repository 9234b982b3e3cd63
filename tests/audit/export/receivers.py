"""Real listeners on loopback for the sinks to talk to: syslog over TCP, TLS and UDP, and an
HTTP collector (Splunk HEC or a webhook). Each runs in a thread and records what it got."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.servers import serve_in_thread


@dataclass
class Received:
    """Messages a listener got, safe to read from the test thread."""

    messages: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, message: bytes) -> None:
        with self.lock:
            self.messages.append(message)

    def snapshot(self) -> list[bytes]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, count: int, timeout: float = 15.0) -> list[bytes]:
        """From a thread that is not running the exporter's event loop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(got := self.snapshot()) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.snapshot())}")

    async def until(self, count: int, within: float = 15.0) -> list[bytes]:
        """From a test running on the exporter's event loop, which must keep turning."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if len(got := self.snapshot()) >= count:
                return got
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.snapshot())}")


def _read_octet_counted(stream: Any) -> bytes | None:
    """One RFC 6587 frame: `LEN SP MSG`; None at a clean end of stream."""
    digits = b""
    while (char := stream.read(1)) != b" ":
        if not char:
            return None
        digits += char
    return bytes(stream.read(int(digits)))


class _StreamServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    received: Received
    tls: ssl.SSLContext | None


class _StreamHandler(socketserver.BaseRequestHandler):
    server: _StreamServer

    def handle(self) -> None:
        connection = self.request
        if self.server.tls is not None:
            try:
                connection = self.server.tls.wrap_socket(connection, server_side=True)
            except (ssl.SSLError, OSError):
                return
        try:
            with connection.makefile("rb") as stream:
                while (frame := _read_octet_counted(stream)) is not None:
                    self.server.received.add(frame)
        except OSError:
            return
        finally:
            connection.close()


class _DatagramServer(socketserver.ThreadingUDPServer):
    allow_reuse_address = True
    daemon_threads = True
    received: Received


class _DatagramHandler(socketserver.BaseRequestHandler):
    server: _DatagramServer

    def handle(self) -> None:
        self.server.received.add(self.request[0])


@contextmanager
def syslog_stream_receiver(
    port: int, received: Received, tls: ssl.SSLContext | None = None
) -> Iterator[Received]:
    server = _StreamServer(("127.0.0.1", port), _StreamHandler)
    server.received, server.tls = received, tls
    with _running(server):
        yield received


@contextmanager
def syslog_udp_receiver(port: int, received: Received) -> Iterator[Received]:
    server = _DatagramServer(("127.0.0.1", port), _DatagramHandler)
    server.received = received
    with _running(server):
        yield received


@contextmanager
def _running(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Collector:
    """An HTTP collector; `statuses` are answered in order before it starts answering 200."""

    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._receive, methods=["POST"])])

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.requests.append((request.url.path, dict(request.headers), body))
            status = self.statuses.pop(0) if self.statuses else 200
        return JSONResponse({"text": "Success" if status == 200 else "No"}, status_code=status)

    def snapshot(self) -> list[tuple[str, dict[str, str], bytes]]:
        with self.lock:
            return list(self.requests)

    def wait_for(
        self, count: int, timeout: float = 15.0
    ) -> list[tuple[str, dict[str, str], bytes]]:
        """From a thread that is not running the exporter's event loop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(got := self.snapshot()) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"expected {count} requests, got {len(self.snapshot())}")

    async def until(
        self, count: int, within: float = 15.0
    ) -> list[tuple[str, dict[str, str], bytes]]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if len(got := self.snapshot()) >= count:
                return got
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} requests, got {len(self.snapshot())}")


@contextmanager
def http_collector(collector: Collector, port: int) -> Iterator[str]:
    with serve_in_thread(collector.app(), port=port) as url:
        yield url


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_tls_files(directory: Path) -> TlsFiles:
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test syslog CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
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
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files
