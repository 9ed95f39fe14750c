"""Shotstack as an optional remote :class:`~aytada.providers.base.Stitcher` (plain httpx).

Flow: each local file goes through the Ingest API's direct upload (``POST /ingest/{stage}/upload``
→ signed URL → ``PUT`` of the file's bytes, streamed → poll ``GET /ingest/{stage}/sources/{id}``
until it is ``ready``), then one ``POST /edit/{stage}/render`` with a timeline (the segments in
order on a video track, the voiceover on an audio track, the music as the soundtrack), polled
through ``queued|fetching|rendering|saving`` to ``done|failed``, and the result is downloaded,
streamed, to the output path. The API key goes only to the Shotstack API, never to the storage
URLs, and never into a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aytada.providers.adapter import CHUNK, HttpAdapter
from aytada.providers.base import ProviderError, Stitcher, StitchRequest
from aytada.providers.http_errors import error_for_status, malformed, only_provider_errors
from aytada.providers.retry import parse_retry_after, redact
from aytada.providers.spec import SHOTSTACK
from aytada.standards import MUSIC_UNDER_VOICE_DB

if TYPE_CHECKING:  # imported where used: a worker on offline providers never loads httpx
    import httpx

PROVIDER = SHOTSTACK.label
DEFAULT_BASE_URL = "https://api.shotstack.io"
RENDER_ACTIVE = ("queued", "fetching", "rendering", "saving")
SOURCE_ACTIVE = ("queued", "importing", "uploading", "processing")


def _malformed(detail: str) -> ProviderError:
    return malformed(PROVIDER, detail)


def _url(answer: dict[str, Any], key: str, what: str) -> str:
    """The URL at ``key`` of a finished job's ``answer`` (``what``: the job, for the error)."""
    url = answer.get(key)
    if not url:
        raise _malformed(f"{what} has no URL")
    return str(url)


def _probe(path: Path) -> tuple[float, int, int] | None:
    """``(seconds, width, height)`` of a local video, or ``None`` if it cannot be read."""
    try:
        import imageio_ffmpeg

        reader = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(reader)
        finally:
            reader.close()
        width, height = meta["size"]
        return float(meta["duration"]), int(width), int(height)
    except Exception:  # noqa: BLE001 - any failure means "unknown"
        return None


class ShotstackStitcher(HttpAdapter, Stitcher):
    """Joins the segments, voiceover and music remotely with the Shotstack Edit API.

    ``timeout`` bounds the wait for an ingest or a render; ``request_timeout`` one HTTP request.
    """

    service = SHOTSTACK
    capability = "stitch"
    chosen_by_default = False  # stitching is local unless PROVIDER_STITCH=shotstack

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = DEFAULT_BASE_URL,
        stage: str = "stage",
        poll_interval: float = 2.0,
        timeout: float = 600,
        request_timeout: float = 60,
        music_volume: float = 0.25,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        probe: Callable[[Path], tuple[float, int, int] | None] = _probe,
    ) -> None:
        super().__init__(api_key, timeout=request_timeout, attempts=attempts, sleep=sleep)
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.stage = stage
        self.model = f"edit/{stage}"
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.music_volume = music_volume
        self._probe = probe
        self._open_http()

    def __repr__(self) -> str:  # never show the key
        return f"ShotstackStitcher(stage={self.stage!r})"

    # -- HTTP helpers -------------------------------------------------------------------------

    def _check(self, response: httpx.Response, *, api: bool) -> None:
        import httpx

        status = response.status_code
        if status < 400:
            return
        detail = ""
        try:
            response.read()
            body = response.json()
            if isinstance(body, dict):
                detail = str(body.get("message") or body.get("error") or body.get("errors") or "")
        except (ValueError, httpx.HTTPError):
            pass
        detail = redact(detail or response.reason_phrase, self._api_key)
        if not api and status in (401, 403):  # a signed storage URL, not our key
            raise ProviderError(f"{PROVIDER} rejected the file transfer ({status}): {detail}")
        raise error_for_status(
            PROVIDER,
            status,
            detail,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            what="request" if api else "file transfer",
            api_key=self._api_key,
        )

    def _api(self, method: str, path: str, *, json: Any = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        headers = {"x-api-key": self._api_key, "Accept": "application/json"}

        def check(response: httpx.Response) -> None:
            self._check(response, api=True)

        what = f"{method} {path}"
        return self._call_json(method, url, headers=headers, json=json, check=check, what=what)

    # -- Ingest -------------------------------------------------------------------------------

    def upload(self, path: Path) -> str:
        """Upload one local file through the Ingest API; returns its source URL."""
        path = Path(path)
        size = path.stat().st_size
        body = self._api("POST", f"/ingest/{self.stage}/upload")
        try:
            data = body["data"]
            source_id = str(data.get("id") or data["attributes"]["id"])
            signed_url = str(data["attributes"]["url"])
        except (KeyError, TypeError, AttributeError):
            raise _malformed("the upload answer has no signed URL") from None

        def chunks() -> Iterator[bytes]:
            with open(path, "rb") as fh:
                while block := fh.read(CHUNK):
                    yield block

        def put() -> None:
            # S3-style signed URLs need a Content-Length (no chunked encoding) and no API key.
            response = self._http.put(
                signed_url, content=chunks(), headers={"Content-Length": str(size)}
            )
            self._check(response, api=False)

        self._retried(put)
        return self._wait_source(source_id, path.name)

    def _poll(self, ask: Callable[[], str | None], late: str) -> str:
        """``ask()`` every ``poll_interval`` until it gives a URL; ``late`` (what did not
        happen) once ``timeout`` has passed. ``ask`` raises when the job failed."""
        deadline = time.monotonic() + self.timeout
        while (url := ask()) is None:
            if time.monotonic() > deadline:
                raise ProviderError(f"{PROVIDER} {late} within {self.timeout} s")
            self._sleep(self.poll_interval)
        return url

    def _wait_source(self, source_id: str, label: str) -> str:
        def ask() -> str | None:
            body = self._api("GET", f"/ingest/{self.stage}/sources/{source_id}")
            try:
                attributes = body["data"]["attributes"]
                status = str(attributes.get("status", ""))
            except (KeyError, TypeError, AttributeError):
                raise _malformed("the source answer has no status") from None
            if status == "ready":
                return _url(attributes, "source", "a ready source")
            if status not in SOURCE_ACTIVE:
                raise ProviderError(f"{PROVIDER} could not ingest {label} (status {status!r})")
            return None

        return self._poll(ask, f"did not ingest {label}")

    # -- Render -------------------------------------------------------------------------------

    def timeline(
        self,
        segments: list[Path],
        sources: list[str],
        voice: str | None,
        music: str | None,
        *,
        music_volume: float | None = None,
    ) -> dict[str, Any]:
        """The Edit API payload: clips back to back, voice on its own track, music under it."""
        probes = [self._probe(Path(p)) for p in segments]
        clips: list[dict[str, Any]] = []
        start = 0.0
        exact = all(p is not None for p in probes)
        for src, probe in zip(sources, probes, strict=True):
            clip: dict[str, Any] = {"asset": {"type": "video", "src": src, "volume": 0}}
            if exact and probe is not None:
                clip["start"] = round(start, 3)
                clip["length"] = round(probe[0], 3)
                start += probe[0]
            else:
                clip["start"] = "auto"
                clip["length"] = "auto"
            clips.append(clip)
        tracks: list[dict[str, Any]] = [{"clips": clips}]
        if voice:
            tracks.append(
                {
                    "clips": [
                        {
                            "asset": {"type": "audio", "src": voice, "volume": 1},
                            "start": 0,
                            "length": round(start, 3) if exact else "auto",
                        }
                    ]
                }
            )
        timeline: dict[str, Any] = {"background": "#000000", "tracks": tracks}
        if music:
            timeline["soundtrack"] = {
                "src": music,
                "effect": "fadeOut",
                "volume": (self.music_volume if music_volume is None else music_volume)
                if voice
                else 1,
            }
        output: dict[str, Any] = {"format": "mp4"}
        first = probes[0] if probes else None
        if first is not None:
            output["size"] = {"width": first[1], "height": first[2]}
        else:
            output["resolution"] = "hd"
        return {"timeline": timeline, "output": output}

    def render(self, request: StitchRequest, out_path: Path) -> Path:
        # the default volume is the standard mix; each dB more under the voice lowers it by 1 dB
        under = float(request.music_under_db) - MUSIC_UNDER_VOICE_DB
        volume = self.music_volume * 10 ** (-under / 20)
        with only_provider_errors(PROVIDER, self._api_key):
            return self._stitch(request, out_path, volume)

    def _stitch(self, request: StitchRequest, out_path: Path, music_volume: float) -> Path:
        segments, voice, music = request.segments, request.voice, request.music
        if not segments:
            raise ProviderError("Nothing to stitch: there are no video segments")
        sources = [self.upload(Path(p)) for p in segments]
        voice_src = self.upload(Path(voice)) if voice else None
        music_src = self.upload(Path(music)) if music else None
        payload = self.timeline(
            [Path(p) for p in segments], sources, voice_src, music_src, music_volume=music_volume
        )

        body = self._api("POST", f"/edit/{self.stage}/render", json=payload)
        try:
            render_id = str(body["response"]["id"])
        except (KeyError, TypeError):
            raise _malformed("the render answer has no id") from None
        url = self._wait_render(render_id)
        self._download_render(url, out_path)
        return out_path

    def _wait_render(self, render_id: str) -> str:
        def ask() -> str | None:
            body = self._api("GET", f"/edit/{self.stage}/render/{render_id}")
            try:
                info = body["response"]
                status = str(info["status"])
            except (KeyError, TypeError):
                raise _malformed("the render status answer has no status") from None
            if status == "done":
                return _url(info, "url", "a finished render")
            if status == "failed":
                reason = redact(info.get("error") or "no reason given", self._api_key)
                raise ProviderError(f"{PROVIDER} render failed: {reason}")
            if status not in RENDER_ACTIVE:
                raise _malformed(f"unknown render status {status!r}")
            return None

        return self._poll(ask, "render did not finish")

    def _download_render(self, url: str, out_path: Path) -> None:
        out_path.parent.mkdir(parents=True, exist_ok=True)

        def check(response: httpx.Response) -> None:
            self._check(response, api=False)

        def verify(part: Path) -> None:
            if part.stat().st_size == 0:
                raise _malformed("the rendered video is empty")

        self._download(url, out_path, check=check, verify=verify)
