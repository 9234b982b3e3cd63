"""Syslog transports: UDP datagrams (RFC 5426), TCP and TLS streams with octet-counting
framing (RFC 6587 section 3.4.1; RFC 5425 for TLS).

Syslog has no acknowledgement: a stream write that succeeds may still be lost if the receiver
dies before reading it, and a batch retried after a broken connection may arrive twice (the
`request_id` identifies duplicates). UDP loses silently. The database stays the source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Sequence

from router.audit.export.config import SyslogSinkSettings
from router.audit.export.event import Event
from router.audit.export.sinks.base import SinkUnavailable
from router.audit.export.sinks.syslog_format import SyslogFormatter


def tls_context(settings: SyslogSinkSettings) -> ssl.SSLContext:
    """Verifies the server against `ca_file` (or the system store); optional client cert."""
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    if settings.cert_file is not None and settings.key_file is not None:
        context.load_cert_chain(settings.cert_file, settings.key_file)
    return context


def octet_counted(message: bytes) -> bytes:
    return str(len(message)).encode() + b" " + message


class SyslogSink:
    def __init__(self, settings: SyslogSinkSettings) -> None:
        self._settings = settings
        self._formatter = SyslogFormatter(settings)
        self._tls = tls_context(settings) if settings.transport == "tls" else None
        self._writer: asyncio.StreamWriter | None = None
        self._reader: asyncio.StreamReader | None = None
        self._udp: socket.socket | None = None

    async def send(self, batch: Sequence[Event]) -> None:
        messages = [self._formatter.format(event) for event in batch]
        try:
            if self._settings.transport == "udp":
                await self._send_datagrams(messages)
            else:
                await self._send_stream(messages)
        except (OSError, TimeoutError) as error:
            await self.aclose()
            reason = type(error).__name__
            raise SinkUnavailable(f"syslog receiver unreachable ({reason})") from None

    async def aclose(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
                await asyncio.wait_for(writer.wait_closed(), 1.0)
        if self._udp is not None:
            self._udp.close()
            self._udp = None

    async def _send_stream(self, messages: list[bytes]) -> None:
        writer = await self._connected_writer()
        writer.write(b"".join(octet_counted(message) for message in messages))
        await asyncio.wait_for(writer.drain(), self._settings.connect_timeout_seconds)

    async def _connected_writer(self) -> asyncio.StreamWriter:
        """Reuses the connection unless the receiver closed it (it sent EOF) or it broke."""
        if self._writer is not None and self._reader is not None:
            if not (self._writer.is_closing() or self._reader.at_eof()):
                return self._writer
            await self.aclose()
        settings = self._settings
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                settings.host,
                settings.port,
                ssl=self._tls,
                server_hostname=(settings.server_name or settings.host) if self._tls else None,
            ),
            settings.connect_timeout_seconds,
        )
        self._reader, self._writer = reader, writer
        return writer

    async def _send_datagrams(self, messages: list[bytes]) -> None:
        """A connected UDP socket: after an ICMP port-unreachable the next send fails, so a
        receiver that is down is noticed (though the datagram that found out is lost)."""
        if self._udp is None:
            self._udp = await self._udp_socket()
        for message in messages:
            self._udp.send(message)

    async def _udp_socket(self) -> socket.socket:
        loop = asyncio.get_running_loop()
        settings = self._settings
        family, kind, proto, _, address = (
            await loop.getaddrinfo(settings.host, settings.port, type=socket.SOCK_DGRAM)
        )[0]
        udp = socket.socket(family, kind, proto)
        udp.setblocking(False)
        try:
            udp.connect(address)
        except OSError:
            udp.close()
            raise
        return udp
