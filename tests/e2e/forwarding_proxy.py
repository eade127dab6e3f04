"""A tiny HTTP forward proxy for tests: absolute-URI requests and CONNECT tunnels, each logged.

Run as `python tests/e2e/forwarding_proxy.py --log FILE`; it prints `listening PORT` once it
accepts connections on 127.0.0.1, then appends one line per request to FILE: `CONNECT host:port`
or `METHOD http://host:port/path`. A plain request is forwarded with `Connection: close` and
the answer relayed until the upstream closes; a CONNECT that cannot reach its target gets 502.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te"}


class Proxy:
    """Forwards requests and logs each one."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def record(self, line: str) -> None:
        """Append one request line to the log (flushed at once: the test reads it live)."""
        with self.log.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one client connection: one request, then close."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = [line.split(":", 1) for line in header_lines if ":" in line]
        try:
            if method == "CONNECT":
                await self.tunnel(target, reader, writer)
            else:
                await self.forward(method, target, headers, reader, writer)
        finally:
            with contextlib.suppress(ConnectionError):
                writer.close()
                await writer.wait_closed()

    async def tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """CONNECT: open the target and pipe bytes both ways."""
        self.record(f"CONNECT {target}")
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except (OSError, ValueError):
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def forward(
        self,
        method: str,
        target: str,
        headers: list[list[str]],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """An absolute-URI request: send it on with `Connection: close`, relay the answer."""
        self.record(f"{method} {target}")
        url = urlsplit(target)
        length = 0
        kept: list[str] = []
        for name, value in headers:
            if name.strip().lower() in HOP_BY_HOP:
                continue
            if name.strip().lower() == "content-length":
                length = int(value)
            kept.append(f"{name.strip()}:{value}")
        body = await reader.readexactly(length) if length else b""
        path = url.path + (f"?{url.query}" if url.query else "")
        try:
            up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        head = "\r\n".join([f"{method} {path or '/'} HTTP/1.1", *kept, "Connection: close"])
        up_writer.write(head.encode("latin-1") + b"\r\n\r\n" + body)
        await up_writer.drain()
        await pipe(up_reader, writer)
        up_writer.close()


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until the reader's end closes."""
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(ConnectionError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


async def main(log: Path) -> None:
    """Listen on a free loopback port until killed."""
    proxy = Proxy(log)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", type=Path, required=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parser.parse_args().log))
    sys.exit(0)
