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

The ``stub`` fixture (``tests/providers/conftest.py``) gives each test a fresh server.

A route's path may hold ``{name}`` placeholders (one path segment each), e.g.
``/v1/text-to-speech/{voice_id}``; exact routes win over templates.

Real media for the answers (encoded by the bundled ffmpeg, cached per size and length):
:func:`speech_mp3`, :func:`music_mp3`, :func:`video_mp4`, :func:`picture_png`.

:class:`FakeOpenAI` and :class:`FakeElevenLabs` script a whole API on a server the way the real
one behaves for the adapters: they check every request as the real API would (the key header,
allowed sizes and lengths, required fields; a bad one gets the API's error status), answer with
real media, and record each request as an :class:`ApiCall` for the test to assert on. Keys are
never kept in a repr, so a failing assertion never prints one.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import subprocess
import tempfile
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


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

    def __repr__(self) -> str:  # key headers never end up in a failure message or a log
        headers = {k: "***" if k in SECRET_HEADERS else v for k, v in self.headers.items()}
        return f"Recorded({self.method} {self.path} query={self.query!r} headers={headers!r})"


#: Headers that carry an API key (OpenAI, ElevenLabs, Shotstack).
SECRET_HEADERS = frozenset({"authorization", "xi-api-key", "x-api-key"})


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


@lru_cache(maxsize=64)
def _template(route: str) -> re.Pattern[str]:
    """``/v1/videos/{id}/content`` → a pattern matching one path segment per placeholder."""
    parts = re.split(r"(\{\w+\})", route)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$")


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

    def _queue(self, method: str, path: str) -> deque[Reply | Handler] | None:
        queue = self._routes.get((method, path))
        if queue:
            return queue
        for (route_method, route), replies in self._routes.items():
            if route_method == method and "{" in route and replies and _template(route).match(path):
                return replies
        return None

    def _next(self, record: Recorded) -> Reply:
        with self._lock:
            self.requests.append(record)
            queue = self._queue(record.method, record.path)
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


def no_sleep(_seconds: float) -> None:
    """A ``sleep`` to inject into adapters: retries and polling without waiting."""


class SleepRecorder:
    """A ``sleep`` to inject that records the requested delays."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


# ---------------------------------------------------------------------------------------------
# Real media for the answers
# ---------------------------------------------------------------------------------------------

#: The fundamental of :func:`speech_mp3` (Hz): no note of :func:`music_mp3` is near it or its
#: harmonics, so a test can find the voice in a final mix (see ``tone_share``).
SPEECH_HZ = 200.0
MUSIC_HZ = (440.0, 554.37, 659.25)  # an A major chord


def _ffmpeg(args: list[str], suffix: str) -> bytes:
    from aytada.providers.ffmpeg import ffmpeg_exe

    with tempfile.TemporaryDirectory(prefix="stub-media-") as tmp:
        out = Path(tmp) / f"out{suffix}"
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args,
             str(out)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return out.read_bytes()


def _mp3(expr: str, seconds: float, channels: int) -> bytes:
    return _ffmpeg(
        ["-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}':s=44100:d={seconds:.2f}",
         "-ac", str(channels), "-c:a", "libmp3lame", "-b:a", "128k"],
        ".mp3",
    )  # fmt: skip


@lru_cache(maxsize=64)
def speech_mp3(seconds: float) -> bytes:
    """A real MP3 (44.1 kHz mono, 128 kb/s, as ElevenLabs' ``mp3_44100_128``) of ``seconds``:
    a voiced tone at :data:`SPEECH_HZ` with two harmonics, its loudness pulsing at a syllable
    rate (4 Hz) like speech."""
    f = SPEECH_HZ
    expr = (
        f"0.5*(0.6*sin(2*PI*{f}*t)+0.3*sin(2*PI*{2 * f}*t)+0.15*sin(2*PI*{3 * f}*t))"
        "*(0.55+0.45*sin(2*PI*4*t))"
    )
    return _mp3(expr, round(seconds, 2), 1)


@lru_cache(maxsize=16)
def music_mp3(seconds: float) -> bytes:
    """A real stereo MP3 of ``seconds``: the :data:`MUSIC_HZ` chord with a slow swell."""
    chord = "+".join(f"sin(2*PI*{hz}*t)" for hz in MUSIC_HZ)
    return _mp3(f"0.2*({chord})*(0.7+0.3*sin(2*PI*0.5*t))", round(seconds, 2), 2)


@lru_cache(maxsize=16)
def video_mp4(width: int, height: int, seconds: float, fps: int = 24) -> bytes:
    """A real H.264 MP4 of ``width``×``height`` and ``seconds`` with an AAC sound track (as a
    generated clip has): a moving test pattern and a tone."""
    return _ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", "-movflags", "+faststart"],
        ".mp4",
    )  # fmt: skip


@lru_cache(maxsize=16)
def picture_png(width: int, height: int) -> bytes:
    """A real PNG of exactly ``width``×``height``: a lit backdrop with a product-like shape."""
    from PIL import Image, ImageDraw

    backdrop = Image.linear_gradient("L").resize((width, height))
    img = Image.merge("RGB", (backdrop, backdrop.rotate(180), Image.new("L", (width, height), 90)))
    draw = ImageDraw.Draw(img)
    cx, cy, r = width // 2, height // 2, min(width, height) // 4
    draw.rounded_rectangle(
        (cx - r // 2, cy - r, cx + r // 2, cy + r),
        radius=r // 5,
        fill=(240, 200, 60),
        outline=(30, 30, 30),
        width=max(2, r // 30),
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return img.size


# ---------------------------------------------------------------------------------------------
# Whole APIs: OpenAI and ElevenLabs as the adapters use them
# ---------------------------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One request a fake API accepted or rejected, reduced to what tests check."""

    endpoint: str  # "responses", "images.generate", "images.edit", "videos.create", "tts"...
    path: str
    model: str = ""
    size: str = ""  # images and videos: the size asked for
    seconds: str = ""  # videos: the length asked for
    voice_id: str = ""  # text-to-speech: the voice in the path
    fields: dict[str, Any] = field(default_factory=dict)  # the rest of the request
    rejected: str = ""  # why the fake answered with an error ("" when it answered normally)


class _FakeApi:
    """What both fakes share: the key check and the record of calls."""

    key_header = ""

    def __init__(self, stub: StubServer, api_key: str) -> None:
        self.stub = stub
        self._api_key = api_key
        self._lock = threading.Lock()
        self.calls: list[ApiCall] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.stub.url}, {len(self.calls)} calls)"

    @property
    def url(self) -> str:
        return self.stub.url

    def _key_ok(self, request: Recorded) -> bool:
        raise NotImplementedError

    def _record(self, call: ApiCall) -> None:
        with self._lock:
            self.calls.append(call)

    def of(self, endpoint: str) -> list[ApiCall]:
        """The accepted calls of ``endpoint``, in arrival order."""
        with self._lock:
            return [c for c in self.calls if c.endpoint == endpoint and not c.rejected]

    def rejected(self) -> list[ApiCall]:
        with self._lock:
            return [c for c in self.calls if c.rejected]

    def unrouted(self) -> list[Recorded]:
        """Requests to a path this fake does not serve (answered 404)."""
        routed = {(m, p) for m, p in self.stub._routes}
        return [
            r for r in self.stub.calls()
            if not any(m == r.method and (p == r.path or ("{" in p and _template(p).match(r.path)))
                       for m, p in routed)
        ]  # fmt: skip

    def _guard(self, endpoint: str, handler: Callable[[Recorded], Reply]) -> Handler:
        """``handler`` behind the key check; a ``_Rejected`` it raises becomes the error reply."""

        def guarded(request: Recorded) -> Reply:
            if not self._key_ok(request):
                self._record(ApiCall(endpoint, request.path, rejected="bad or missing API key"))
                return self._error(401, "invalid_api_key", "Incorrect API key provided")
            try:
                return handler(request)
            except _Rejected as exc:
                self._record(ApiCall(endpoint, request.path, rejected=exc.message))
                return self._error(exc.status, exc.code, exc.message)

        return guarded

    def _error(self, status: int, code: str, message: str) -> Reply:
        raise NotImplementedError


class _Rejected(Exception):
    def __init__(self, message: str, status: int = 400, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise _Rejected(message)


# -- OpenAI ------------------------------------------------------------------------------------

OPENAI_IMAGE_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
OPENAI_VIDEO_SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024")
OPENAI_VIDEO_SECONDS = ("4", "8", "12")

#: What the fake writer answers, by structured-output schema (``{count}`` is filled in).
SCENE_LINES = (
    "Slipping again?",
    "Northpeak Trailblazer shoes grip wet roots, loose rock and deep mud on every single run.",
    "Order yours today and run sure.",
)


def default_text(kind: str, count: int) -> dict[str, Any]:
    """A coherent ad from the fake writer: ``kind`` is "ideas", "script", "scenes", "copy" or
    "lyrics"; ``count`` the number of ideas or scenes the prompt asked for."""
    if kind == "ideas":
        return {"ideas": [{"title": f"Mud run {i + 1}", "angle": "fear of slipping",
                           "hook": f"Slipping again, take {i + 1}?", "approach": "problem, fix"}
                          for i in range(count)]}  # fmt: skip
    if kind == "script":
        return {
            "hook": SCENE_LINES[0], "body": SCENE_LINES[1], "call_to_action": SCENE_LINES[2],
            "voiceover": " ".join(SCENE_LINES),
            "lines": [{"text": line, "seconds": 5} for line in SCENE_LINES],
        }  # fmt: skip
    if kind == "scenes":
        lines = [SCENE_LINES[i % len(SCENE_LINES)] for i in range(count)]
        return {"scenes": [{"visual": f"Trail runner, shot {i + 1}, muddy forest at dawn",
                            "caption": f"Grip {i + 1}", "voiceover": line, "duration": 5}
                           for i, line in enumerate(lines)]}  # fmt: skip
    if kind == "copy":
        return {"headline": "Grip that holds", "subline": "Trail shoes for muddy mornings.",
                "call_to_action": "Shop now"}  # fmt: skip
    return {"lyrics": "Northpeak, hold the trail\nMud or rain, we never fail"}


_SCHEMA_KINDS = (
    ({"ideas"}, "ideas"),
    ({"scenes"}, "scenes"),
    ({"voiceover", "lines"}, "script"),
    ({"headline"}, "copy"),
    ({"lyrics"}, "lyrics"),
)


def responses_answer(payload: Any, model: str) -> dict[str, Any]:
    """A Responses API answer shaped like the real one (reasoning item + assistant message)."""
    return {
        "id": "resp_0123", "object": "response", "created_at": 1_790_000_000,
        "status": "completed", "model": model,
        "output": [
            {"id": "rs_1", "type": "reasoning", "summary": []},
            {"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
             "content": [{"type": "output_text", "annotations": [], "logprobs": [],
                          "text": json.dumps(payload)}]},
        ],
        "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
        "usage": {"input_tokens": 120, "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens": 80, "output_tokens_details": {"reasoning_tokens": 40},
                  "total_tokens": 200},
    }  # fmt: skip


class FakeOpenAI(_FakeApi):
    """The Responses, Images and Videos APIs on ``stub`` (base URL: ``url + "/v1"``).

    ``text``: kind → payload (or callable ``count → payload``) overriding :func:`default_text`.
    Videos complete after one ``in_progress`` poll; the content is a real MP4 of the size and
    length asked for.
    """

    def __init__(self, stub: StubServer, api_key: str, *,
                 text: dict[str, Any] | None = None) -> None:  # fmt: skip
        super().__init__(stub, api_key)
        self.text = dict(text or {})
        self._videos: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        stub.add("POST", "/v1/responses", self._guard("responses", self._responses))
        stub.add("POST", "/v1/images/generations", self._guard("images.generate", self._images))
        stub.add("POST", "/v1/images/edits", self._guard("images.edit", self._images))
        stub.add("POST", "/v1/videos", self._guard("videos.create", self._video_create))
        stub.add("GET", "/v1/videos/{id}", self._guard("videos.retrieve", self._video_get))
        stub.add("GET", "/v1/videos/{id}/content", self._guard("videos.content", self._content))

    @property
    def base_url(self) -> str:
        return self.stub.url + "/v1"

    def _key_ok(self, request: Recorded) -> bool:
        return request.headers.get("authorization") == f"Bearer {self._api_key}"

    def _error(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"error": {"message": message, "type": "invalid_request_error",
                                        "param": None, "code": code}})  # fmt: skip

    def _responses(self, request: Recorded) -> Reply:
        body = request.json or {}
        model = str(body.get("model") or "")
        prompt = str(body.get("input") or "")
        fmt = (body.get("text") or {}).get("format") or {}
        _need(bool(model), "you must provide a model parameter")
        _need(bool(prompt.strip()) and bool(body.get("instructions")), "input is empty")
        _need(fmt.get("type") == "json_schema", "expected a structured output format")
        keys = set((fmt.get("schema") or {}).get("properties") or {})
        kind = next((k for props, k in _SCHEMA_KINDS if props <= keys), "")
        _need(bool(kind), f"unknown output schema {sorted(keys)}")
        counted = re.search(r"exactly (\d+) distinct concepts|into (\d+) scenes", prompt)
        count = int(next(g for g in counted.groups() if g)) if counted else 0
        answer = self.text.get(kind) or default_text(kind, count)
        payload = answer(count) if callable(answer) else answer
        self._record(ApiCall("responses", request.path, model=model,
                             fields={"kind": kind, "count": count, "input": prompt,
                                     "reasoning": body.get("reasoning")}))  # fmt: skip
        return Reply(200, responses_answer(payload, model))

    def _images(self, request: Recorded) -> Reply:
        edit = request.path.endswith("/edits")
        values = request.form if edit else (request.json or {})
        model, size = str(values.get("model") or ""), str(values.get("size") or "auto")
        _need(bool(model), "you must provide a model parameter")
        _need(bool(str(values.get("prompt") or "").strip()), "prompt is empty")
        _need(size in OPENAI_IMAGE_SIZES, f"Invalid value: '{size}'. Supported values are: "
              + ", ".join(OPENAI_IMAGE_SIZES))  # fmt: skip
        references = [data for name, _f, data in request.file_list if name.startswith("image")]
        _need(not edit or bool(references), "an image to edit is required")
        for data in references:
            image_size(data)  # a broken reference would be rejected by the API
        width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
        self._record(ApiCall("images.edit" if edit else "images.generate", request.path,
                             model=model, size=size,
                             fields={"prompt": values.get("prompt"),
                                     "quality": values.get("quality"),
                                     "references": len(references)}))  # fmt: skip
        png = picture_png(width, height)
        return Reply(200, {"created": 1_790_000_000, "background": "opaque",
                           "output_format": "png", "quality": values.get("quality") or "auto",
                           "size": f"{width}x{height}",
                           "data": [{"b64_json": base64.b64encode(png).decode()}]})  # fmt: skip

    def _video_json(self, video: dict[str, Any]) -> dict[str, Any]:
        return {"id": video["id"], "object": "video", "model": video["model"],
                "status": video["status"], "progress": 100 if video["status"] == "completed"
                else 40, "created_at": 1_790_000_000, "completed_at": None, "expires_at": None,
                "prompt": video["prompt"], "seconds": video["seconds"], "size": video["size"],
                "remixed_from_video_id": None, "error": None}  # fmt: skip

    def _video_create(self, request: Recorded) -> Reply:
        form = request.form
        model, size, seconds = (str(form.get(k) or "") for k in ("model", "size", "seconds"))
        _need(bool(model), "you must provide a model parameter")
        _need(bool(str(form.get("prompt") or "").strip()), "prompt is empty")
        _need(size in OPENAI_VIDEO_SIZES, f"Invalid size '{size}'")
        _need(seconds in OPENAI_VIDEO_SECONDS, f"Invalid seconds '{seconds}'")
        reference = request.files.get("input_reference")
        if reference is not None:  # the API wants the reference at the video's own size
            _need(image_size(reference[1]) == tuple(map(int, size.split("x"))),
                  "Inpaint image must match the requested width and height")  # fmt: skip
        video_id = f"video_{next(self._ids):04d}"
        video = {"id": video_id, "model": model, "size": size, "seconds": seconds,
                 "prompt": form.get("prompt"), "status": "queued", "polls": 0}  # fmt: skip
        with self._lock:
            self._videos[video_id] = video
        self._record(ApiCall("videos.create", request.path, model=model, size=size,
                             seconds=seconds,
                             fields={"prompt": form.get("prompt"), "video_id": video_id,
                                     "reference": image_size(reference[1]) if reference
                                     else None}))  # fmt: skip
        return Reply(200, self._video_json(video))

    def _video(self, request: Recorded) -> dict[str, Any]:
        video_id = request.path.split("/")[3]
        with self._lock:
            video = self._videos.get(video_id)
        if video is None:
            raise _Rejected(f"Video {video_id} not found", 404, "not_found")
        return video

    def _video_get(self, request: Recorded) -> Reply:
        video = self._video(request)
        with self._lock:
            video["polls"] += 1
            video["status"] = "in_progress" if video["polls"] == 1 else "completed"
        self._record(
            ApiCall(
                "videos.retrieve",
                request.path,
                model=video["model"],
                fields={"video_id": video["id"], "status": video["status"]},
            )
        )
        return Reply(200, self._video_json(video))

    def _content(self, request: Recorded) -> Reply:
        video = self._video(request)
        if video["status"] != "completed":
            raise _Rejected("Video is not ready yet", 409, "video_not_ready")
        width, height = map(int, video["size"].split("x"))
        self._record(ApiCall("videos.content", request.path, model=video["model"],
                             size=video["size"], seconds=video["seconds"],
                             fields={"video_id": video["id"]}))  # fmt: skip
        data = video_mp4(width, height, int(video["seconds"]))
        return Reply(200, data, content_type="video/mp4")


# -- ElevenLabs --------------------------------------------------------------------------------

TTS_WORDS_PER_SECOND = 2.5  # about how fast a voice speaks


def speech_seconds(text: str) -> float:
    """How long the fake voice takes to say ``text`` (at least half a second)."""
    return max(0.5, round(len(text.split()) / TTS_WORDS_PER_SECOND, 2))


class FakeElevenLabs(_FakeApi):
    """Text-to-speech and music on ``stub`` (base URL: ``url``): real MP3s whose length follows
    the text (speech) or ``music_length_ms`` (music)."""

    def __init__(self, stub: StubServer, api_key: str) -> None:
        super().__init__(stub, api_key)
        stub.add("POST", "/v1/text-to-speech/{voice_id}", self._guard("tts", self._tts))
        stub.add("POST", "/v1/music", self._guard("music", self._music))

    def _key_ok(self, request: Recorded) -> bool:
        return request.headers.get("xi-api-key") == self._api_key

    def _error(self, status: int, code: str, message: str) -> Reply:
        if status == 400:
            status = 422
        return Reply(status, {"detail": {"status": code, "message": message}})

    def _accept(
        self, endpoint: str, request: Recorded, fields: dict[str, Any], **call: Any
    ) -> None:
        """Check the output format asked for, then record the accepted call: the body's
        ``model_id``, ``fields`` and the format, and ``call`` (more of :class:`ApiCall`)."""
        fmt = (request.query.get("output_format") or ["mp3_44100_128"])[0]
        _need(fmt == "mp3_44100_128", f"this fake only serves mp3_44100_128, not {fmt}")
        model = str((request.json or {}).get("model_id") or "")
        fields = {**fields, "output_format": fmt}
        self._record(ApiCall(endpoint, request.path, model=model, fields=fields, **call))

    def _tts(self, request: Recorded) -> Reply:
        body = request.json or {}
        voice_id = request.path.rsplit("/", 1)[-1]
        text = str(body.get("text") or "")
        _need(bool(text.strip()), "text must not be empty")
        _need(re.fullmatch(r"[A-Za-z0-9]{8,40}", voice_id) is not None,
              f"A voice with voice_id {voice_id} was not found")  # fmt: skip
        self._accept("tts", request, {"text": text}, voice_id=voice_id)
        return Reply(200, speech_mp3(speech_seconds(text)), content_type="audio/mpeg")

    def _music(self, request: Recorded) -> Reply:
        body = request.json or {}
        length = body.get("music_length_ms")
        _need(isinstance(length, int) and 3_000 <= length <= 600_000,
              "music_length_ms must be between 3000 and 600000")  # fmt: skip
        _need(bool(str(body.get("prompt") or "").strip()), "prompt must not be empty")
        fields = {
            "prompt": body.get("prompt"),
            "music_length_ms": length,
            "force_instrumental": body.get("force_instrumental"),
        }
        self._accept("music", request, fields, seconds=f"{length / 1000:g}")
        return Reply(200, music_mp3(length / 1000), content_type="audio/mpeg")


# ---------------------------------------------------------------------------------------------
# Measuring what reached a final file
# ---------------------------------------------------------------------------------------------


def tone_share(path: Path, hz: float, *, start: float = 0.0, seconds: float | None = None,
               rate: int = 8000) -> float:  # fmt: skip
    """The share (0–1) of the audio's power at ``hz`` (±2 Hz) in ``path``, from ``start`` for
    ``seconds``: decoded by ffmpeg to mono PCM, measured with the Goertzel algorithm."""
    import array
    import math

    from aytada.providers.ffmpeg import ffmpeg_exe

    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-ss",
        f"{start}",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(rate),
        "-f",
        "s16le",
        "-",
    ]
    if seconds is not None:
        cmd[cmd.index("-vn") : cmd.index("-vn")] = ["-t", f"{seconds}"]
    raw = subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout
    samples = array.array("h", raw)
    n = len(samples)
    if n == 0:
        return 0.0
    total = sum(float(s) * s for s in samples) * n / 2 or 1.0

    def power(freq: float) -> float:
        coeff = 2 * math.cos(2 * math.pi * freq / rate)
        s1 = s2 = 0.0
        for s in samples:
            s1, s2 = s + coeff * s1 - s2, s1
        return s1 * s1 + s2 * s2 - coeff * s1 * s2

    # the bin at hz and its neighbours (the tone's energy spreads over a few bins)
    step = rate / n
    return min(1.0, sum(power(hz + k * step) for k in range(-2, 3)) / total)
