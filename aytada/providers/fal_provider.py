"""fal as the :class:`~aytada.providers.base.ClipProvider`: image-to-video on fal's queue API.

fal reaches many video models through one API, addressed by a model id in the URL, so the model
is a setting (``FAL_VIDEO_MODEL``) and a model retiring is a configuration change. What differs
between models — the clip lengths and aspect ratios they accept, the resolution — is a setting
too (``FAL_VIDEO_DURATIONS``, ``FAL_VIDEO_ASPECT_RATIOS``, ``FAL_VIDEO_RESOLUTION``).

Plain httpx, not the ``fal-client`` SDK: the SDK (1.0.3) builds its URLs from ``https://`` plus
a host read once at import (``FAL_QUEUE_RUN_HOST``), so it cannot be pointed at a local test
server per client, and it retries on its own (up to 10 attempts) where ours must be the only
retries. The wire protocol is the same one the SDK speaks:

1. ``POST {base}/{model id}`` with ``Authorization: Key <FAL_KEY>`` and the model's input as
   JSON → ``{"request_id", "status_url", "response_url", "cancel_url"}``;
2. ``GET status_url`` every ``poll_interval`` s: ``IN_QUEUE`` → ``IN_PROGRESS`` →
   ``COMPLETED`` (with ``error`` when the job failed);
3. ``GET response_url`` → the model's output, ``{"video": {"url": ...}}`` (an error status with
   a ``detail`` when the job failed);
4. the video file is downloaded (without the key: it is a CDN address) and
   :func:`aytada.providers.ffmpeg.finalize_segment` turns it into the exact segment (size,
   scene length, no audio; the stitch lays the word-timed captions over it).

The scene still is the first frame, sent inline as a JPEG data URI (fal accepts one wherever it
takes a file URL), cropped to the aspect ratio asked for. The key goes only to the API's own
address, never into a message or a ``repr``.
"""

from __future__ import annotations

import base64
import io
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aytada.providers.adapter import HttpAdapter, finish_clip
from aytada.providers.base import ProviderError, SegmentRequest
from aytada.providers.http_errors import (
    error_for_status,
    is_retryable,
    malformed,
    only_provider_errors,
)
from aytada.providers.retry import parse_retry_after, redact
from aytada.providers.spec import FAL, Option, seconds_of

if TYPE_CHECKING:  # imported where used: a worker on offline providers never loads httpx
    import httpx

PROVIDER = FAL.label
DEFAULT_BASE_URL = "https://queue.fal.run"
VIDEO_MODEL = Option(
    "FAL_VIDEO_MODEL", "bytedance/seedance-2.0/fast/image-to-video", "image-to-video model id"
)
VIDEO_DURATIONS = Option(
    "FAL_VIDEO_DURATIONS",
    "4-15",
    "clip lengths the model accepts: a range of whole seconds (4-15) or a list sent as written "
    "(5,10 or 4s,6s,8s)",
)
VIDEO_ASPECT_RATIOS = Option(
    "FAL_VIDEO_ASPECT_RATIOS",
    "21:9,16:9,4:3,1:1,3:4,9:16",
    "aspect ratios the model accepts (the one nearest the project's is asked for)",
)
VIDEO_RESOLUTION = Option("FAL_VIDEO_RESOLUTION", "720p", "resolution asked for (empty: omitted)")
POLL_SECONDS = Option("FAL_POLL_SECONDS", "5", "seconds between looks at a job's status")
ACTIVE = ("IN_QUEUE", "IN_PROGRESS")
FAILED = ("FAILED", "CANCELED", "CANCELLED", "ERROR")
STILL_LONG_SIDE = 1280  # pixels of the first frame's long side (enough for 720p and 1080p)


def _malformed(detail: str, api_key: str = "") -> ProviderError:
    return malformed(PROVIDER, detail, api_key)


def parse_durations(spec: str) -> list[tuple[float, str]]:
    """``(seconds, as sent)`` of each clip length in ``spec``, shortest first.

    ``"4-15"`` is every whole second from 4 to 15 (sent as ``"4"`` … ``"15"``); a list such as
    ``"5,10"`` or ``"4s,6s,8s"`` is sent as written, its leading number being the length.
    """
    spec = (spec or "").strip()
    out: list[tuple[float, str]] = []
    if "," not in spec and spec.count("-") == 1:
        low, high = (part.strip() for part in spec.split("-"))
        if low.isdigit() and high.isdigit() and int(low) <= int(high):
            return [(float(n), str(n)) for n in range(int(low), int(high) + 1)]
    for token in (t.strip() for t in spec.split(",")):
        number = ""
        for ch in token:
            if not (ch.isdigit() or (ch == "." and "." not in number)):
                break
            number += ch
        if token and number.strip("."):
            out.append((float(number), token))
    if not out:
        raise ProviderError(
            f"{VIDEO_DURATIONS.env}={spec!r} names no clip length: expected a range such as "
            "4-15 or a list such as 5,10"
        )
    return sorted(out)


def duration_for(seconds: float, durations: list[tuple[float, str]]) -> str:
    """The shortest accepted length covering ``seconds`` (the longest if none does: the clip is
    then held on its last frame to the scene's length)."""
    for length, token in durations:
        if length >= seconds - 1e-6:
            return token
    return durations[-1][1]


def _ratio(text: str) -> float:
    width, height = (float(v) for v in text.split(":"))
    if width <= 0 or height <= 0:
        raise ValueError(text)
    return width / height


def aspect_ratio_for(width: int, height: int, allowed: list[str]) -> str:
    """The accepted aspect ratio nearest ``width``:``height`` (the clip is cropped to the exact
    frame afterwards)."""
    target = math.log(width / height)
    return min(allowed, key=lambda r: abs(math.log(_ratio(r)) - target))


def parse_aspect_ratios(spec: str) -> list[str]:
    ratios = [r.strip() for r in (spec or "").split(",") if r.strip()]
    try:
        for r in ratios:
            _ratio(r)
    except ValueError:
        ratios = []
    if not ratios:
        raise ProviderError(
            f"{VIDEO_ASPECT_RATIOS.env}={spec!r}: expected ratios such as 16:9,9:16,1:1"
        )
    return ratios


def first_frame(still: Path, aspect_ratio: str) -> str:
    """The still as a JPEG data URI, cropped to ``aspect_ratio``, long side
    :data:`STILL_LONG_SIDE` pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    ratio = _ratio(aspect_ratio)
    if ratio >= 1:
        size = (STILL_LONG_SIDE, max(2, round(STILL_LONG_SIDE / ratio)))
    else:
        size = (max(2, round(STILL_LONG_SIDE * ratio)), STILL_LONG_SIDE)
    try:
        with Image.open(still) as img:
            img.load()
            fitted = ImageOps.fit(img.convert("RGB"), size, method=Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError(
            f"{PROVIDER}: the scene still could not be read ({type(exc).__name__})"
        ) from None
    buf = io.BytesIO()
    fitted.save(buf, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _detail(response: httpx.Response) -> str:
    """The readable part of an error answer: ``detail`` (text, or a validation list)."""
    import httpx

    try:
        response.read()
        body = response.json()
    except (ValueError, httpx.HTTPError):
        return response.reason_phrase or ""
    if isinstance(body, dict):
        detail = body.get("detail", body.get("error", body.get("message", "")))
    else:
        detail = body
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                msg = str(item.get("msg") or item)
                parts.append(f"{where}: {msg}" if where else msg)
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail or "")


class FalClips(HttpAdapter):
    """:class:`~aytada.providers.base.ClipProvider` on a fal image-to-video model, finished
    locally; chosen when ``FAL_KEY`` is set (``PROVIDER_CLIP`` overrides either way).

    ``timeout`` bounds one HTTP request, ``max_wait`` the whole generation (queue included);
    past it the job is cancelled and the step fails with a readable message.
    """

    service = FAL
    capability = "clip"
    options = {
        "model": VIDEO_MODEL,
        "durations": VIDEO_DURATIONS,
        "aspect_ratios": VIDEO_ASPECT_RATIOS,
        "resolution": VIDEO_RESOLUTION,
        "poll_interval": POLL_SECONDS,
    }
    default_timeout = 60

    def __init__(
        self,
        api_key: str,
        *,
        model: str = VIDEO_MODEL.default,
        durations: str = VIDEO_DURATIONS.default,
        aspect_ratios: str = VIDEO_ASPECT_RATIOS.default,
        resolution: str = VIDEO_RESOLUTION.default,
        poll_interval: float | str = POLL_SECONDS.default,
        max_wait: float = 600.0,
        **common: Any,
    ) -> None:
        """``common``: the keywords of :class:`ApiAdapter` (base URL, timeout, attempts...)."""
        super().__init__(api_key, **common)
        self.model = model.strip().strip("/")
        if not self.model:
            raise ProviderError(f"{VIDEO_MODEL.env} is empty: name a fal image-to-video model")
        self.durations = parse_durations(durations)
        self.aspect_ratios = parse_aspect_ratios(aspect_ratios)
        self.resolution = resolution.strip()
        self.base_url = (self._base_url or DEFAULT_BASE_URL).rstrip("/")
        self.poll_interval = seconds_of(POLL_SECONDS, poll_interval)
        self.max_wait = max_wait
        self._open_http()

    # -- HTTP ---------------------------------------------------------------------------------

    def _api_url(self, url: str | None, fallback: str) -> str:
        """``url`` from an answer when it is on the API's own address (the key is sent there),
        else ``fallback`` built from the base URL."""
        if url:
            ours, theirs = urlsplit(self.base_url), urlsplit(str(url))
            if (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc):
                return str(url)
        return fallback

    def _error(self, response: httpx.Response, what: str = "request") -> ProviderError:
        return error_for_status(
            PROVIDER,
            response.status_code,
            redact(_detail(response), self._api_key),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            what=what,
            api_key=self._api_key,
        )

    def _json(self, method: str, url: str, *, json: Any = None, result: bool = False) -> dict:
        """One API call under the retry loop. ``result``: the call fetches a finished job's
        output, where an error answer with a ``detail`` is the job's own failure."""
        headers = {"Authorization": f"Key {self._api_key}", "Accept": "application/json"}

        def check(response: httpx.Response) -> None:
            status = response.status_code
            if status >= 400:
                if (
                    result
                    and status not in (401, 403)
                    and not (is_retryable(status) and status != 500)
                ):
                    detail = redact(_detail(response), self._api_key) or f"HTTP {status}"
                    raise ProviderError(f"{PROVIDER} video generation failed: {detail}")
                raise self._error(response)

        what = f"{method} {urlsplit(url).path}"
        return self._call_json(method, url, headers=headers, json=json, check=check, what=what)

    # -- the clip -----------------------------------------------------------------------------

    def request_for(self, request: SegmentRequest) -> dict[str, Any]:
        """The model's input for one scene (see the module docstring)."""
        still = Path(request.still) if request.still else None
        if still is None or not still.is_file():
            raise ProviderError(
                f"{PROVIDER} needs the scene still as the first frame, and it is missing"
            )
        aspect = aspect_ratio_for(request.width, request.height, self.aspect_ratios)
        prompt = (
            f"{request.prompt.strip()}\nSubtle, smooth camera motion. "
            "No on-screen text, captions or logos."
        ).strip()
        body: dict[str, Any] = {
            "prompt": prompt,
            "image_url": first_frame(still, aspect),
            "aspect_ratio": aspect,
            "duration": duration_for(float(request.seconds), self.durations),
            "generate_audio": False,  # the ad's sound is the voiceover and the music
        }
        if self.resolution:
            body["resolution"] = self.resolution
        return body

    def segment(self, request: SegmentRequest, out_path: Path) -> Path:
        with only_provider_errors(PROVIDER, self._api_key):
            return self._segment(request, Path(out_path))

    def _segment(self, request: SegmentRequest, out_path: Path) -> Path:
        body = self.request_for(request)
        job = self._json("POST", f"{self.base_url}/{self.model}", json=body)
        request_id = str(job.get("request_id") or "")
        if not request_id:
            raise _malformed("the queue answer has no request_id")
        # fal addresses a request by the model's owner and name only (no sub-path)
        owner_alias = "/".join(self.model.split("/")[:2])
        base = f"{self.base_url}/{owner_alias}/requests/{request_id}"
        status_url = self._api_url(job.get("status_url"), f"{base}/status")
        response_url = self._api_url(job.get("response_url"), base)
        cancel_url = self._api_url(job.get("cancel_url"), f"{base}/cancel")

        self._wait(status_url, cancel_url)
        output = self._json("GET", response_url, result=True)
        video = output.get("video")
        url = video.get("url") if isinstance(video, dict) else None
        if not url:
            raise _malformed("the finished job has no video URL")
        return finish_clip(request, out_path, lambda raw: self._download_video(str(url), raw))

    def _wait(self, status_url: str, cancel_url: str) -> None:
        deadline = time.monotonic() + self.max_wait
        while True:
            answer = self._json("GET", status_url)
            status = str(answer.get("status") or "").upper()
            if status == "COMPLETED":
                error = answer.get("error")
                if error:
                    reason = redact(error, self._api_key)
                    raise ProviderError(f"{PROVIDER} video generation failed: {reason}")
                return
            if status in FAILED:
                reason = redact(answer.get("error") or status.lower(), self._api_key)
                raise ProviderError(f"{PROVIDER} video generation failed: {reason}")
            if status not in ACTIVE:
                raise _malformed(f"unknown job status {status!r}")
            if time.monotonic() > deadline:
                self._cancel(cancel_url)
                raise ProviderError(
                    f"{PROVIDER} video generation with {self.model} did not finish within "
                    f"{self.max_wait:g} s (the job was cancelled)"
                )
            self._sleep(self.poll_interval)

    def _cancel(self, cancel_url: str) -> None:
        """Best effort: a job still queued is not charged once cancelled."""
        import httpx

        try:
            self._http.put(cancel_url, headers={"Authorization": f"Key {self._api_key}"})
        except httpx.HTTPError:
            pass

    def _download_video(self, url: str, path: Path) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise _malformed("the video URL is not an http(s) address")

        def check(response: httpx.Response) -> None:  # a CDN file: no key
            status = response.status_code
            if status in (401, 403):  # a signed file address, not our key
                raise ProviderError(
                    f"{PROVIDER} refused the video download ({status}): "
                    f"{redact(_detail(response), self._api_key)}"
                )
            if status >= 400:
                raise self._error(response, what="video download")

        def verify(part: Path) -> None:
            with open(part, "rb") as fh:
                head = fh.read(12)
            if not head:
                raise _malformed("the video file is empty")
            if head[4:8] != b"ftyp":
                raise _malformed("the video file is not an MP4")

        self._download(url, path, check=check, verify=verify)
