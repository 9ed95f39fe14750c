"""A small scripted HTTP server for testing provider adapters without the internet.

``StubServer`` listens on 127.0.0.1 (random port) in a thread. Tests script the answers per
route (method + path, without the query string) as a queue; each request takes the next answer
and the last one stays for any further request. Every request is recorded: method, path, query,
headers (lower-case names), raw body, JSON body and multipart form fields.

    with StubServer() as stub:
        stub.add("POST", "/v1/responses", Reply(429, {"error": {...}}), Reply(200, {...}))
        client = SDK(base_url=stub.url + "/v1", ...)
        ...
        assert len(stub.calls("POST", "/v1/responses")) == 2

The ``stub`` fixture below (import ``stub_fixture``) gives each test a fresh server.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Reply:
    """One scripted answer. ``body``: dict/list → JSON, str → UTF-8 text, bytes as is."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), self.content_type or "text/plain; charset=utf-8"
        if self.body is None:
            return b"", self.content_type or "application/json"
        return json.dumps(self.body).encode(), self.content_type or "application/json"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, Any] = field(default_factory=dict)  # multipart: name -> str or bytes
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name -> (filename, data)
    # every uploaded file in order, also when several share a name (e.g. "image[]")
    file_list: list[tuple[str, str, bytes]] = field(default_factory=list)  # (name, filename, data)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, bytes]]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    form: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    file_list: list[tuple[str, str, bytes]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            files[str(name)] = (filename, payload)
            file_list.append((str(name), filename, payload))
        else:
            form[str(name)] = payload.decode("utf-8", "replace")
    return form, files, file_list


Handler = Callable[[Recorded], Reply]


class StubServer:
    """Scripted HTTP server; see the module docstring."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], deque[Reply | Handler]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self) -> None:
                body = self._read_body()
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                record = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers=headers,
                    body=body,
                )
                ctype = headers.get("content-type", "")
                if body and "json" in ctype:
                    try:
                        record.json = json.loads(body)
                    except ValueError:
                        record.json = None
                elif body and ctype.startswith("multipart/form-data"):
                    record.form, record.files, record.file_list = _parse_multipart(ctype, body)
                reply = stub._next(record)
                payload, content_type = reply.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._stopped = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting ----------------------------------------------------------------------------

    def add(self, method: str, path: str, *replies: Reply | Handler) -> StubServer:
        """Queue answers for ``method path``; the last one answers every later request too.

        A reply may be a callable taking the :class:`Recorded` request and returning a
        :class:`Reply`.
        """
        with self._lock:
            self._routes[(method.upper(), path)].extend(replies)
        return self

    def replace(self, method: str, path: str, *replies: Reply | Handler) -> StubServer:
        """Drop the answers queued for ``method path`` and queue these instead."""
        with self._lock:
            self._routes[(method.upper(), path)] = deque(replies)
        return self

    def _next(self, record: Recorded) -> Reply:
        with self._lock:
            self.requests.append(record)
            queue = self._routes.get((record.method, record.path))
            if not queue:
                return Reply(
                    404, {"error": {"message": f"no stub for {record.method} {record.path}"}}
                )
            reply = queue.popleft() if len(queue) > 1 else queue[0]
        return reply(record) if callable(reply) else reply

    # -- inspection ---------------------------------------------------------------------------

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """Recorded requests, optionally filtered by method and/or path."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or r.path == path)
            ]


@pytest.fixture(name="stub")
def stub_fixture() -> Iterator[StubServer]:
    """Fixture ``stub``: a fresh running :class:`StubServer` for one test.

    Import ``stub_fixture`` into a test module to use it (``# noqa: F401`` on the import).
    """
    with StubServer() as server:
        yield server


def no_sleep(_seconds: float) -> None:
    """A ``sleep`` to inject into adapters: retries and polling without waiting."""


class SleepRecorder:
    """A ``sleep`` to inject that records the requested delays."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
