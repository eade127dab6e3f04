"""Debian's nginx as a round-robin reverse proxy on loopback, a child process of the test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

NGINX = Path("/usr/sbin/nginx")

# The shape docs/VAN_HANH.md and deploy/nginx-cchc-bot.conf give operators, on loopback:
# round robin, a refused or dropped connection retried on the next process (Telegram's POST
# is safe to repeat: the inbox ignores an update_id it has stored).
CONFIG = """\
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream cchc_bot {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location / {{
            proxy_pass http://cchc_bot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


def nginx_binary() -> Path:
    """Debian's nginx; under CI=true its absence fails the test (`.ci/run` installs it)."""
    found = shutil.which("nginx") or (str(NGINX) if NGINX.exists() else None)
    if found is None:
        message = "nginx is not installed (apt-get install nginx-light)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Path(found)


def write_config(root: Path, port: int, upstreams: Sequence[int]) -> Path:
    """An nginx.conf in `root` proxying 127.0.0.1:`port` round-robin to the upstream ports."""
    servers = "\n".join(
        f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=10s;"
        for upstream in upstreams
    )
    root.mkdir(parents=True, exist_ok=True)
    path = root / "nginx.conf"
    path.write_text(CONFIG.format(root=root, port=port, servers=servers), encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def round_robin_proxy(root: Path, port: int, upstreams: Sequence[int]) -> AsyncIterator[int]:
    """Run nginx in the foreground on `port` until the block ends; yields the port."""
    config = write_config(root, port, upstreams)
    process = await asyncio.create_subprocess_exec(
        str(nginx_binary()),
        "-p",
        str(root),
        "-c",
        str(config),
        "-e",
        str(root / "error.log"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _listening(port, process)
        yield port
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGQUIT)  # graceful stop of master and worker
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _listening(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(100):
        if process.returncode is not None:
            assert process.stderr is not None
            error = (await process.stderr.read()).decode(errors="replace")
            raise RuntimeError(f"nginx exited with {process.returncode}: {error}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port}")


def checkable_sample(sample: str, root: Path) -> str:
    """deploy/nginx-cchc-bot.conf as a whole nginx.conf that `nginx -t` can check without
    certificates: wrapped in `http`, listening on plain loopback, the ssl lines left out."""
    lines = [
        "    listen 127.0.0.1:8080;" if line.strip() == "listen 443 ssl;" else line
        for line in sample.splitlines()
        if not line.strip().startswith("ssl_certificate")
    ]
    temp = "\n".join(
        f"    {name}_temp_path {root}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    body = "\n".join(lines)
    return (
        f"pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
        f"http {{\n{temp}\n{body}\n}}\n"
    )
