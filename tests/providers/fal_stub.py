"""A local fake of fal's queue API for one image-to-video model, on a :class:`StubServer`.

It behaves the way the real queue does for the adapter (see ``aytada/providers/fal_provider.py``)
and checks each request as the model would:

* ``POST /{model id}`` needs ``Authorization: Key <key>`` (else 401) and a valid input: a
  non-empty ``prompt``, ``image_url`` holding a decodable image (a data URI), an
  ``aspect_ratio`` and ``duration`` from the model's lists, a known ``resolution`` (else 422
  with fal's ``detail`` list); it answers with the request id and its status/response/cancel
  URLs;
* ``GET …/requests/{id}/status`` walks ``IN_QUEUE`` → ``IN_PROGRESS`` → ``COMPLETED``;
* ``GET …/requests/{id}`` gives ``{"video": {"url": …}}``: a REAL MP4 (H.264 + AAC, as a model
  with sound makes) of the aspect ratio and resolution asked for, as long as the duration asked
  for; a job scripted to fail answers 422 with a ``detail`` instead;
* ``PUT …/requests/{id}/cancel`` cancels;
* ``GET /files/{name}`` serves the video, like fal's CDN, without needing the key.

Each accepted submission is recorded as a :class:`FalCall`; keys never appear in a ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.providers.stub_server import Recorded, Reply, StubServer, video_mp4

MODEL = "bytedance/seedance-2.0/fast/image-to-video"
DURATIONS = tuple(str(n) for n in range(4, 16))
ASPECT_RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
RESOLUTIONS = {"480p": 480, "720p": 720}


@dataclass
class FalCall:
    """One accepted submission, reduced to what the tests check."""

    request_id: str
    prompt: str
    aspect_ratio: str
    duration: str
    resolution: str | None
    generate_audio: Any
    image_format: str  # what the data URI held ("JPEG", "PNG"...)
    image_size: tuple[int, int]
    video_size: tuple[int, int]


@dataclass
class _Job:
    call: FalCall
    polls: int = 0
    cancelled: bool = False
    fail: str = ""  # why the job fails ("" → it succeeds)
    stuck: bool = False


@dataclass
class _Bad(Exception):
    loc: str
    msg: str
    status: int = 422


@dataclass
class FakeFal:
    """fal's queue for ``model`` on ``stub`` (base URL: ``url``); see the module docstring."""

    stub: StubServer
    api_key: str = field(repr=False)
    model: str = MODEL
    durations: tuple[str, ...] = DURATIONS
    aspect_ratios: tuple[str, ...] = ASPECT_RATIOS
    queued_polls: int = 1  # status answers of IN_QUEUE, then as many IN_PROGRESS, per job
    calls: list[FalCall] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # why requests were refused
    downloads: list[Recorded] = field(default_factory=list)
    cancels: list[str] = field(default_factory=list)  # request ids
    # scripted behaviour of the next jobs: a failure reason each, or "stuck" (never finishes)
    next_jobs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._jobs: dict[str, _Job] = {}
        owner_alias = "/".join(self.model.split("/")[:2])
        requests = f"/{owner_alias}/requests/{{request_id}}"
        self.stub.add("POST", f"/{self.model}", self._guarded(self._submit))
        self.stub.add("GET", f"{requests}/status", self._guarded(self._status))
        self.stub.add("GET", requests, self._guarded(self._result))
        self.stub.add("PUT", f"{requests}/cancel", self._guarded(self._cancel))
        self.stub.add("GET", "/files/{name}", self._file)

    def __repr__(self) -> str:
        return f"FakeFal({self.stub.url}, {self.model}, {len(self.calls)} calls)"

    @property
    def url(self) -> str:
        return self.stub.url

    # -- plumbing -----------------------------------------------------------------------------

    def _guarded(self, handler):  # type: ignore[no-untyped-def]
        def guarded(request: Recorded) -> Reply:
            if request.headers.get("authorization") != f"Key {self.api_key}":
                self.rejected.append(f"{request.method} {request.path}: bad or missing key")
                return Reply(401, {"detail": "Invalid Key Authorization header format or key"})
            try:
                return handler(request)
            except _Bad as bad:
                self.rejected.append(f"{bad.loc}: {bad.msg}")
                loc = ["body", *bad.loc.split(".")] if bad.loc else ["body"]
                return Reply(bad.status, {"detail": [{"loc": loc, "msg": bad.msg,
                                                      "type": "value_error"}]})  # fmt: skip

        return guarded

    def _job(self, request: Recorded) -> _Job:
        request_id = request.path.split("/requests/", 1)[1].split("/", 1)[0]
        with self._lock:
            job = self._jobs.get(request_id)
        if job is None:
            raise _Bad("", f"Request {request_id} not found", status=404)
        return job

    def _urls(self, request_id: str) -> dict[str, str]:
        owner_alias = "/".join(self.model.split("/")[:2])
        base = f"{self.url}/{owner_alias}/requests/{request_id}"
        return {"request_id": request_id, "response_url": base, "status_url": f"{base}/status",
                "cancel_url": f"{base}/cancel"}  # fmt: skip

    # -- the queue ----------------------------------------------------------------------------

    def _submit(self, request: Recorded) -> Reply:
        body = request.json
        if not isinstance(body, dict):
            raise _Bad("", "the input must be a JSON object")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _Bad("prompt", "field required")
        image_format, image_size = _data_uri_image(body.get("image_url"))
        aspect = body.get("aspect_ratio")
        if aspect not in self.aspect_ratios:
            raise _Bad("aspect_ratio", f"value is not a valid enumeration member: {aspect!r}")
        duration = body.get("duration")
        if duration not in self.durations:
            raise _Bad("duration", f"value is not a valid enumeration member: {duration!r}")
        resolution = body.get("resolution")
        if resolution is not None and resolution not in RESOLUTIONS:
            raise _Bad("resolution", f"value is not a valid enumeration member: {resolution!r}")
        request_id = f"req-{next(self._ids):04d}"
        call = FalCall(request_id, prompt, aspect, duration, resolution,
                       body.get("generate_audio"), image_format, image_size,
                       _video_size(aspect, RESOLUTIONS.get(resolution or "720p", 720)))  # fmt: skip
        with self._lock:
            behaviour = self.next_jobs.pop(0) if self.next_jobs else ""
            self._jobs[request_id] = _Job(call, fail="" if behaviour == "stuck" else behaviour,
                                          stuck=behaviour == "stuck")  # fmt: skip
            self.calls.append(call)
        return Reply(200, {**self._urls(request_id), "queue_position": 0})

    def _status(self, request: Recorded) -> Reply:
        job = self._job(request)
        with self._lock:
            job.polls += 1
            polls = job.polls
        urls = self._urls(job.call.request_id)
        if job.cancelled:
            return Reply(200, {**urls, "status": "COMPLETED", "error": "Request was cancelled"})
        if job.stuck or self.queued_polls < polls <= 2 * self.queued_polls:
            return Reply(200, {**urls, "status": "IN_PROGRESS", "logs": None})
        if polls <= self.queued_polls:
            return Reply(200, {**urls, "status": "IN_QUEUE", "queue_position": 0})
        return Reply(200, {**urls, "status": "COMPLETED", "logs": None, "metrics": {}})

    def _result(self, request: Recorded) -> Reply:
        job = self._job(request)
        if job.fail:
            raise _Bad("", job.fail)
        width, height = job.call.video_size
        name = f"{job.call.request_id}-{width}x{height}-{job.call.duration}.mp4"
        return Reply(200, {"video": {"url": f"{self.url}/files/{name}",
                                     "content_type": "video/mp4", "file_name": name},
                           "seed": 42})  # fmt: skip

    def _cancel(self, request: Recorded) -> Reply:
        job = self._job(request)
        with self._lock:
            job.cancelled = True
            self.cancels.append(job.call.request_id)
        return Reply(202, {"status": "CANCELLATION_REQUESTED"})

    def _file(self, request: Recorded) -> Reply:
        self.downloads.append(request)
        name = request.path.rsplit("/", 1)[-1]
        _request_id, size, duration = name.removesuffix(".mp4").rsplit("-", 2)
        width, height = (int(v) for v in size.split("x"))
        seconds = float("".join(ch for ch in duration if ch.isdigit() or ch == "."))
        return Reply(200, video_mp4(width, height, seconds), content_type="video/mp4")

    def unrouted(self) -> list[Recorded]:
        """Requests to a path this fake does not serve (answered 404 by the stub server)."""
        return [
            r
            for r in self.stub.calls()
            if not (
                r.path == f"/{self.model}" or "/requests/" in r.path or r.path.startswith("/files/")
            )
        ]


def _data_uri_image(value: Any) -> tuple[str, tuple[int, int]]:
    """(format, size) of the image in a ``data:image/...;base64,`` URI, else a 422."""
    from PIL import Image, UnidentifiedImageError

    if not isinstance(value, str) or not value.startswith("data:image/"):
        raise _Bad("image_url", "expected an image URL or a data URI of an image")
    header, _, payload = value.partition(",")
    if not header.endswith(";base64"):
        raise _Bad("image_url", "the data URI is not base64")
    try:
        data = base64.b64decode(payload, validate=True)
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return str(img.format), img.size
    except (binascii.Error, UnidentifiedImageError, OSError):
        raise _Bad("image_url", "the image could not be decoded") from None


def _video_size(aspect: str, short: int) -> tuple[int, int]:
    """The frame the model makes for ``aspect`` at a short side of ``short`` pixels (even)."""
    w, h = (int(v) for v in aspect.split(":"))
    if w >= h:
        return (round(short * w / h / 2) * 2, short)
    return (short, round(short * h / w / 2) * 2)
