"""OpenAI adapters: text (Responses API structured outputs), images and video clips.

The ``openai`` package is imported inside the constructors (it takes about a second to import),
so importing this module is cheap. Clients are built with ``max_retries=0``: retries belong to
:func:`aytada.providers.retry.call_with_retries`, and every SDK exception is translated into a
:class:`ProviderError` whose message is readable and never contains the API key.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import time
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from aytada.providers.adapter import ApiAdapter, finish_clip
from aytada.providers.base import (
    AdCopy,
    AuthError,
    Brief,
    Idea,
    ImageRequest,
    ProviderError,
    Scene,
    Script,
    ScriptLine,
    SegmentRequest,
    Strategy,
)
from aytada.providers.copy_rules import MAX_WORDS_PER_SECOND, rules_text
from aytada.providers.http_errors import (
    connection_failed,
    error_for_status,
    only_provider_errors,
    unexpected,
)
from aytada.providers.http_errors import malformed as _http_malformed
from aytada.providers.http_errors import timeout as provider_timeout
from aytada.providers.retry import parse_retry_after, redact
from aytada.providers.spec import OPENAI, Option, seconds_of
from aytada.vocabulary import AWARENESS_STAGES, COPY_WORD_LIMITS

T = TypeVar("T")

PROVIDER = OPENAI.label
TEXT_MODEL = Option("OPENAI_TEXT_MODEL", "gpt-5-mini", "model of ideas, scripts, scenes, copy")
IMAGE_MODEL = Option("OPENAI_IMAGE_MODEL", "gpt-image-1.5", "model of scene stills and banners")
VIDEO_MODEL = Option("OPENAI_VIDEO_MODEL", "sora-2", "retired video API (PROVIDER_CLIP=openai)")
VIDEO_POLL_SECONDS = Option(
    "OPENAI_VIDEO_POLL_SECONDS", "5", "seconds between looks at a video job's status"
)

# ---------------------------------------------------------------------------------------------
# Prompts
# ---------------------------------------------------------------------------------------------

INSTRUCTIONS = (
    "You are a senior direct-response copywriter and short-form video ad director. "
    "Everything you write must follow the campaign brief: speak to the Audience, carry the "
    "Messaging, serve the Goals, match the awareness stage (Eugene Schwartz's levels: the less "
    "aware the viewer, the later the product and the offer come), the creative style and the "
    "tone of voice, and use the persuasion trigger when one is given. Write in the language of "
    "the brief. Keep spoken lines natural and easy to say aloud."
)


def instructions_for(brief: Brief) -> str:
    """The system instructions: the writer's role and the copy rules with this campaign's facts
    (the same rules the offline writer follows)."""
    return f"{INSTRUCTIONS}\n\n{rules_text(brief)}"


def stage_key(stage: str) -> str:
    """``"Problem aware"`` / ``"problem-aware"`` → ``"problem_aware"``."""
    return "_".join(stage.strip().lower().replace("-", " ").split())


def brief_context(brief: Brief) -> str:
    """The campaign brief as prompt text: every field that is set, labelled."""
    lines = [f"Campaign: {brief.name}"] if brief.name else []
    product = brief.product_name
    if brief.product_description:
        product = f"{product} — {brief.product_description}"
    lines.append(f"Product: {product}")
    stage = brief.awareness_stage
    labelled = (
        ("Brand", brief.brand_name),
        ("Tone of voice", brief.tone_of_voice),
        ("Brand colours", ", ".join(brief.brand_colors)),
        ("Business type", brief.business_type),
        ("Industry", brief.industry),
        ("Awareness stage", AWARENESS_STAGES.get(stage_key(stage), stage) if stage else ""),
        ("Creative style", brief.creative_style),
        ("Persuasion trigger (Cialdini)", brief.persuasion_trigger),
        ("Audience", brief.audience),
        ("Messaging", brief.messaging),
        ("Goals", brief.goals),
        ("Destination (where the ads send people)", brief.destination),
    )
    lines += [f"{label}: {value}" for label, value in labelled if value]
    return "Campaign brief\n" + "\n".join(f"- {line}" for line in lines)


def fit_durations(values: Sequence[float], total: float, *, minimum: float = 1.0) -> list[float]:
    """Scale ``values`` in proportion so they sum to ``total``, none below ``minimum``.

    Unusable values (zero, negative, NaN) count as the minimum. Results are rounded to 0.01 s;
    the longest one absorbs the rounding remainder, so the sum is exact.
    """
    n = len(values)
    if n == 0:
        return []
    floor = min(minimum, total / n)
    weights = [
        float(v) if isinstance(v, int | float) and math.isfinite(v) and v > 0 else 0.0
        for v in values
    ]
    if sum(weights) <= 0:
        weights = [1.0] * n
    # Pin unusable values and those whose proportional share would fall under the floor to the
    # floor, then share out the rest in proportion.
    pinned = {i for i in range(n) if weights[i] <= 0}
    scale = 0.0
    while True:
        free = [i for i in range(n) if i not in pinned]
        if not free:
            break
        scale = (total - floor * len(pinned)) / sum(weights[i] for i in free)
        under = {i for i in free if weights[i] * scale < floor - 1e-9}
        if not under:
            break
        pinned |= under
    shares = [floor if i in pinned else weights[i] * scale for i in range(n)]
    rounded = [round(v, 2) for v in shares]
    longest = max(range(n), key=lambda i: shares[i])
    rounded[longest] = round(total - (sum(rounded) - rounded[longest]), 2)
    return rounded


# ---------------------------------------------------------------------------------------------
# Structured output schemas (strict JSON schema is derived from these by the SDK)
# ---------------------------------------------------------------------------------------------


class _IdeaOut(BaseModel):
    title: str
    angle: str
    hook: str
    approach: str


class _IdeasOut(BaseModel):
    ideas: list[_IdeaOut]


class _LineOut(BaseModel):
    text: str
    seconds: float


class _ScriptOut(BaseModel):
    hook: str
    body: str
    call_to_action: str
    voiceover: str
    lines: list[_LineOut]


class _SceneOut(BaseModel):
    visual: str
    caption: str
    voiceover: str
    duration: float


class _ScenesOut(BaseModel):
    scenes: list[_SceneOut]


class _AdCopyOut(BaseModel):
    headline: str
    subline: str
    call_to_action: str


class _LyricsOut(BaseModel):
    lyrics: str


class _StrategyOut(BaseModel):
    audience: str
    messaging: str
    goals: str


# ---------------------------------------------------------------------------------------------
# Error translation and the shared client
# ---------------------------------------------------------------------------------------------

_MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)


def _malformed(detail: object, api_key: str = "") -> ProviderError:
    return _http_malformed(PROVIDER, detail, api_key)


def _api_detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or body.get("error") or ""
        if isinstance(message, dict):
            message = message.get("message", "")
        if message:
            return str(message)
    return str(getattr(exc, "message", "") or type(exc).__name__)


def translate_openai_error(
    exc: BaseException, api_key: str = "", timeout: float | None = None
) -> ProviderError:
    """Map any exception raised around an OpenAI SDK call to a :class:`ProviderError`."""
    import openai

    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        detail = _api_detail(exc)
        if exc.status_code == 429 and getattr(exc, "code", None) == "insufficient_quota":
            mapped = ProviderError(f"{PROVIDER} quota exceeded: {redact(detail, api_key)}")
        elif 200 <= exc.status_code < 300:
            mapped = _malformed(detail, api_key)
        else:
            mapped = error_for_status(
                PROVIDER,
                exc.status_code,
                detail,
                retry_after=parse_retry_after(exc.response.headers.get("retry-after")),
                api_key=api_key,
            )
        mapped.status = exc.status_code  # type: ignore[attr-defined]
        return mapped
    if isinstance(exc, openai.APITimeoutError):
        return provider_timeout(PROVIDER, timeout)
    if isinstance(exc, openai.APIConnectionError):
        return connection_failed(PROVIDER)
    if isinstance(exc, openai.APIResponseValidationError):
        return _malformed(_api_detail(exc), api_key)
    if isinstance(exc, _MALFORMED):
        return _malformed(f"{type(exc).__name__}: {exc}", api_key)
    return unexpected(PROVIDER, exc, api_key)


class _OpenAIBase(ApiAdapter):
    """What every OpenAI adapter shares: the client (its own retries off) and the model."""

    service = OPENAI

    def __init__(self, api_key: str, *, model: str | None = None, **common: Any) -> None:
        """``common``: the keywords of :class:`ApiAdapter` (base URL, timeout, attempts...)."""
        super().__init__(api_key, **common)
        import openai

        self.model = self.options["model"].default if model is None else model
        self._client = openai.OpenAI(
            api_key=api_key, base_url=self._base_url, timeout=self._timeout, max_retries=0
        )

    def _translate(self, exc: Exception) -> ProviderError | Exception:
        return translate_openai_error(exc, self._api_key, self._timeout)

    def _call(self, fn: Callable[[], T]) -> T:
        """One SDK call under the retry loop (the SDK's deprecation warnings silenced)."""

        def quiet() -> T:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return fn()

        return self._retried(quiet)


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def _refusal(response: Any) -> str:
    for item in getattr(response, "output", None) or []:
        for content in getattr(item, "content", None) or []:
            if getattr(content, "type", "") == "refusal":
                return str(getattr(content, "refusal", "") or "no reason given")
    return ""


def _is_reasoning_model(model: str) -> bool:
    name = model.lower().split("/")[-1]
    return name.startswith(("gpt-5", "o1", "o3", "o4")) and "chat" not in name


class OpenAIText(_OpenAIBase):
    """:class:`~aytada.providers.base.TextProvider` on the Responses API with structured output.

    The instructions carry the same copy rules as the offline writer, with the campaign's facts
    (stated offers, the call-to-action verb of its goal): :func:`instructions_for`.
    """

    capability = "text"
    options = {"model": TEXT_MODEL}
    default_timeout = 60

    def __init__(self, api_key: str, *, reasoning_effort: str = "low", **common: Any) -> None:
        """``common``: the keywords of :class:`_OpenAIBase` (model, base URL, timeout...)."""
        super().__init__(api_key, **common)
        # Copywriting needs little reasoning, and a low effort keeps the wizard responsive.
        # Only reasoning models accept the parameter; "" leaves the model's default.
        self.reasoning_effort = reasoning_effort if _is_reasoning_model(self.model) else ""

    def _parse(self, task: str, brief: Brief, fmt: type[T]) -> T:
        prompt = f"{brief_context(brief)}\n\nTask\n{task}"
        extra: dict[str, Any] = {}
        if self.reasoning_effort:
            extra["reasoning"] = {"effort": self.reasoning_effort}

        def call() -> T:
            response = self._client.responses.parse(
                model=self.model,
                instructions=instructions_for(brief),
                input=prompt,
                text_format=fmt,
                **extra,
            )
            parsed = response.output_parsed
            if parsed is None:
                refusal = _refusal(response)
                if refusal:
                    raise ProviderError(
                        f"{PROVIDER} declined the request: {redact(refusal, self._api_key)}"
                    )
                status = getattr(response, "status", "") or "unknown"
                raise _malformed(f"no structured output (response status: {status})")
            if not isinstance(parsed, fmt):
                raise _malformed(f"unexpected output type {type(parsed).__name__}")
            return parsed

        return self._call(call)

    def ideas(
        self, brief: Brief, *, count: int, length_s: int, variant: int = 0, seed: int = 0
    ) -> list[Idea]:
        """Exactly ``count`` concepts (asks again for the missing ones if the model gives fewer)."""
        if count <= 0:
            return []
        ideas: list[Idea] = []
        for _round in range(3):
            missing = count - len(ideas)
            task = (
                f"Propose exactly {missing} distinct concepts for a {length_s}-second video ad. "
                "For each concept give: title (at most 6 words); angle (the hook angle: which "
                "desire, fear or belief it plays on); hook (the opening line, spoken in the "
                "first 3 seconds); approach (the narrative approach: how the "
                f"{length_s} seconds unfold). Make the concepts clearly different from each "
                "other."
            )
            if variant:
                task += (
                    f" This is re-roll number {variant}: avoid the most obvious angles and "
                    "offer fresh ones."
                )
            elif seed % 3:  # another project of the same campaign (an A/B variant)
                task += " This is an A/B variant: lead with less obvious angles."
            if ideas:
                taken = "; ".join(idea.title for idea in ideas)
                task += f" Do not repeat these concepts: {taken}."
            out = self._parse(task, brief, _IdeasOut)
            for item in out.ideas:
                if len(ideas) == count:
                    break
                if not (item.title.strip() and item.hook.strip()):
                    continue
                ideas.append(
                    Idea(
                        title=item.title.strip(),
                        angle=item.angle.strip(),
                        hook=item.hook.strip(),
                        approach=item.approach.strip(),
                    )
                )
            if len(ideas) == count:
                return ideas
        raise _malformed(f"asked for {count} ideas, got {len(ideas)}")

    def script(self, brief: Brief, idea: Idea, *, length_s: int) -> Script:
        words = max(12, int(length_s * MAX_WORDS_PER_SECOND))
        task = (
            f"Write the script of a {length_s}-second video ad for this concept.\n"
            f"Concept: {idea.title}\nHook angle: {idea.angle}\nOpening line: {idea.hook}\n"
            f"Narrative approach: {idea.approach}\n"
            "Give: hook (the opening line, at most 8 words), body, call_to_action, voiceover "
            "(the complete "
            f"spoken text: hook, body and call to action, at most {words} words so it fits "
            f"{length_s} seconds), and lines (the voiceover split into short lines in order, "
            f"each with a timing hint in seconds; the hints add up to {length_s})."
        )
        out = self._parse(task, brief, _ScriptOut)
        hook, body, cta = out.hook.strip(), out.body.strip(), out.call_to_action.strip()
        voiceover = out.voiceover.strip() or " ".join(p for p in (hook, body, cta) if p)
        if not voiceover:
            raise _malformed("the script is empty")
        texts = [line.text.strip() for line in out.lines if line.text.strip()]
        seconds = [line.seconds for line in out.lines if line.text.strip()]
        lines = tuple(
            ScriptLine(text=t, seconds=s)
            for t, s in zip(texts, fit_durations(seconds, float(length_s)), strict=True)
        )
        return Script(hook=hook, body=body, call_to_action=cta, voiceover=voiceover, lines=lines)

    def scenes(self, brief: Brief, script: Script, *, length_s: int) -> list[Scene]:
        n = max(2, round(length_s / 5))
        task = (
            f"Break this {length_s}-second video ad script into {n} scenes (between "
            f"{max(1, n - 1)} and {n + 1} if the script needs it).\n"
            f"Hook: {script.hook}\nBody: {script.body}\nCall to action: {script.call_to_action}\n"
            f"Voiceover: {script.voiceover}\n"
            "For each scene give: visual (a detailed image prompt: subject, setting, framing, "
            "lighting, mood, in the creative style; no text, letters or logos in the picture); "
            "caption (the on-screen caption, at most 7 words); voiceover (the part of the "
            "voiceover spoken over this scene, in order, so that together the scenes cover the "
            "whole voiceover, whole sentences only, at most "
            f"{MAX_WORDS_PER_SECOND:g} words per second of the scene); duration (seconds, 2 to "
            "8, long enough to say the line). "
            f"The durations must add up to exactly {length_s} seconds."
        )
        out = self._parse(task, brief, _ScenesOut)
        items = [s for s in out.scenes if s.visual.strip() or s.voiceover.strip()]
        if not items:
            raise _malformed("no scenes")
        if len(items) > n + 1:  # every scene is a paid clip: fold the extras into the last one
            keep, extra = items[:n], items[n:]
            keep.append(
                _SceneOut(
                    visual=extra[0].visual,
                    caption=extra[0].caption,
                    voiceover=" ".join(s.voiceover.strip() for s in extra if s.voiceover.strip()),
                    duration=sum(max(0.0, s.duration) for s in extra),
                )
            )
            items = keep
        durations = fit_durations([s.duration for s in items], float(length_s))
        return [
            Scene(
                index=i,
                visual=s.visual.strip(),
                caption=s.caption.strip(),
                voiceover=s.voiceover.strip(),
                duration=d,
            )
            for i, (s, d) in enumerate(zip(items, durations, strict=True))
        ]

    def ad_copy(self, brief: Brief, *, kind: str, take: int = 0) -> AdCopy:
        most = COPY_WORD_LIMITS
        task = (
            f"Write the copy of a {kind} ad: headline (at most {most['headline']} words), subline "
            f"(at most {most['subline']} words, supports the headline with the benefit and the "
            f"proof the brief states) and call_to_action (at most {most['call_to_action']} "
            "words, a button label that uses the offer the Goals state)."
        )
        if take:
            task += (
                f" This is take {int(take) + 1}: open on another part of the brief than the "
                "most obvious headline (its struggle, benefit, proof or offer)."
            )
        out = self._parse(task, brief, _AdCopyOut)
        if not out.headline.strip():
            raise _malformed("empty headline")
        return AdCopy(
            headline=out.headline.strip(),
            subline=out.subline.strip(),
            call_to_action=out.call_to_action.strip(),
        )

    def lyrics(self, brief: Brief, *, seconds: int) -> str:
        words = max(8, round(seconds * 1.6))
        task = (
            f"Write the lyrics of a {seconds}-second brand jingle: short singable lines that "
            f"rhyme, at most {words} words, naming the brand or product once. Return only the "
            "lyrics, one line per line."
        )
        out = self._parse(task, brief, _LyricsOut)
        text = out.lyrics.strip()
        if not text:
            raise _malformed("empty lyrics")
        return text

    def strategy(self, brief: Brief) -> Strategy:
        """Draft the three strategy pillars from the brief's product and setting."""
        task = (
            "Draft this campaign's strategy from the product, its description and whatever "
            "Audience, Messaging and Goals are already typed (keep their facts, sharpen their "
            "words). Give: audience (who they are, their struggle and the outcome they want, "
            "where they stand at this awareness stage; 2-3 sentences), messaging (the single "
            "most important thing they should take away about the product; 2-3 sentences) and "
            "goals (the action that counts as success, and any offer or proof the brief "
            "states; 1-2 sentences). Each pillar is a statement about the audience, the "
            "message or the goal, never an instruction to a writer. Whole sentences. State no "
            "struggle, offer, price, number, award or testimonial that the brief does not "
            "state."
        )
        out = self._parse(task, brief, _StrategyOut)
        pillars = [out.audience.strip(), out.messaging.strip(), out.goals.strip()]
        if not all(pillars):
            raise _malformed("an empty strategy pillar")
        return Strategy(*pillars)


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


#: The sizes every GPT image model accepts.
IMAGE_SIZES: tuple[tuple[int, int], ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
_NAMED_RATIOS: tuple[tuple[int, int], ...] = (
    (1, 1), (9, 16), (16, 9), (4, 5), (5, 4), (2, 3), (3, 2), (3, 4), (4, 3), (1, 2), (2, 1),
    (1, 3), (3, 1), (1, 4), (4, 1), (1, 6), (6, 1), (1, 8), (8, 1),
)  # fmt: skip


def image_size_for(width: int, height: int) -> str:
    """The API size whose aspect ratio is closest to ``width``:``height`` (log scale)."""
    target = math.log(max(1, width) / max(1, height))
    w, h = min(IMAGE_SIZES, key=lambda size: abs(math.log(size[0] / size[1]) - target))
    return f"{w}x{h}"


def aspect_ratio(width: int, height: int) -> str:
    """The aspect ratio as people write it: ``"9:16"``, ``"1:1"``, ``"6:5"``, ``"1.91:1"``."""
    width, height = max(1, width), max(1, height)
    ratio = width / height
    for a, b in _NAMED_RATIOS:
        if abs(ratio / (a / b) - 1) < 0.03:
            return f"{a}:{b}"
    divisor = math.gcd(width, height)
    if max(width, height) // divisor <= 32:
        return f"{width // divisor}:{height // divisor}"
    if ratio >= 1:
        return f"{ratio:.2f}".rstrip("0").rstrip(".") + ":1"
    return "1:" + f"{1 / ratio:.2f}".rstrip("0").rstrip(".")


def orientation(width: int, height: int) -> str:
    if abs(width / max(1, height) - 1) < 0.03:
        return "square"
    return "vertical (portrait)" if height > width else "horizontal (landscape)"


def image_prompt(request: ImageRequest, *, references: Sequence[str] = ()) -> str:
    """The prompt sent for ``request``: the scene, the real aspect ratio, the palette and, with
    reference images, how to use them."""
    prompt = request.prompt.strip()
    ratio = aspect_ratio(request.width, request.height)
    prompt += (
        f"\nComposition: {ratio} {orientation(request.width, request.height)} framing "
        f"({request.width}x{request.height} px); keep the subject inside that frame."
    )
    if references:
        prompt += "\n" + " ".join(references)
    if request.colors:
        prompt += f"\nColour palette: {', '.join(request.colors)}."
    prompt += "\nNo text, letters, captions or watermarks in the image."
    return prompt


def _reference_notes(request: ImageRequest) -> list[str]:
    notes = []
    if request.product_photo:
        notes.append(
            "The first reference image is the real product: show exactly this product (same "
            "shape, colours, label and packaging) as the hero of the scene; do not redesign it."
        )
    if request.logo:
        which = "second" if request.product_photo else "first"
        notes.append(
            f"The {which} reference image is the brand's logo: where a logo appears (e.g. on "
            "the product), use exactly this one; never invent another."
        )
    return notes


def _reference_file(path: str, label: str) -> tuple[str, bytes, str]:
    """A reference upload as PNG (the API takes PNG, WebP or JPEG; PNG keeps a logo's alpha)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            img.thumbnail((2048, 2048))
            buf = io.BytesIO()
            img.save(buf, format="PNG")
    except FileNotFoundError:
        raise ProviderError(f"The {label} file is missing: {path}") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError(f"The {label} could not be read as an image ({exc})") from None
    return (f"{label.replace(' ', '_')}.png", buf.getvalue(), "image/png")


def _supports_input_fidelity(model: str) -> bool:
    name = model.lower()
    return name.startswith("gpt-image-1") and "mini" not in name


def _fit_image(data: bytes, width: int, height: int, api_key: str = "") -> Any:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise _malformed(
            f"the image could not be decoded ({type(exc).__name__})", api_key
        ) from None
    img = img.convert("RGB")
    return ImageOps.fit(img, (width, height), method=Image.Resampling.LANCZOS)


class OpenAIImages(_OpenAIBase):
    """:class:`~aytada.providers.base.ImageProvider`: generate, then crop to the exact size.

    With the campaign's product photo and/or logo on the request, ``images.edit`` is called
    with them as reference images, so the scene shows the real product; otherwise
    ``images.generate``. The prompt states the request's aspect ratio; the API size closest to
    it is asked for and the answer is scaled and cropped to exactly width × height.
    """

    draws_products = True

    capability = "image"
    options = {"model": IMAGE_MODEL}
    default_timeout = 240

    def __init__(self, api_key: str, *, quality: str = "medium", **common: Any) -> None:
        """``common``: the keywords of :class:`_OpenAIBase` (model, base URL, timeout...)."""
        super().__init__(api_key, **common)
        self.quality = quality

    def image(self, request: ImageRequest, out_path: Path) -> Path:
        with only_provider_errors(PROVIDER, self._api_key):
            return self._image(request, Path(out_path))

    def _image(self, request: ImageRequest, out_path: Path) -> Path:
        references = [
            _reference_file(path, label)
            for path, label in ((request.product_photo, "product photo"), (request.logo, "logo"))
            if path
        ]
        prompt = image_prompt(request, references=_reference_notes(request))
        size = image_size_for(request.width, request.height)

        def call() -> bytes:
            kwargs: dict[str, Any] = {"model": self.model, "prompt": prompt, "size": size}
            if self.quality:
                kwargs["quality"] = self.quality
            if references:
                if _supports_input_fidelity(self.model):
                    kwargs["input_fidelity"] = "high"
                result = self._client.images.edit(image=list(references), **kwargs)
            else:
                result = self._client.images.generate(**kwargs)
            data = getattr(result, "data", None) or []
            b64 = getattr(data[0], "b64_json", None) if data else None
            if not b64:
                raise _malformed("no image data in the answer")
            try:
                return base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                raise _malformed("the image data is not valid base64") from None

        raw = self._call(call)
        img = _fit_image(raw, request.width, request.height, self._api_key)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        img.save(out_path, format="PNG")
        return out_path


# ---------------------------------------------------------------------------------------------
# Video clips
# ---------------------------------------------------------------------------------------------

VIDEO_SECONDS = (4, 8, 12)


def video_seconds_for(seconds: float) -> str:
    """The smallest allowed clip length that covers ``seconds`` (the longest if none does)."""
    for option in VIDEO_SECONDS:
        if option >= seconds - 1e-6:
            return str(option)
    return str(VIDEO_SECONDS[-1])


def video_size_for(width: int, height: int) -> str:
    """Landscape → 1280x720; portrait and square → 720x1280 (square is cropped afterwards)."""
    return "1280x720" if width > height else "720x1280"


class OpenAIClips(_OpenAIBase):
    """Retired :class:`~aytada.providers.base.ClipProvider` on the video API, finished locally.

    Not chosen by default (see ``retired``); only ``PROVIDER_CLIP=openai`` selects it.

    The scene still is sent as the input reference (resized to the clip size, as the API
    requires), the job is polled until it completes or fails, the MP4 is downloaded and
    :func:`aytada.providers.ffmpeg.finalize_segment` turns it into the exact segment.
    """

    capability = "clip"
    options = {"model": VIDEO_MODEL, "poll_interval": VIDEO_POLL_SECONDS}
    chosen_by_default = False
    retired = (
        "the OpenAI video API was shut down on 2026-09-24: clips come from fal (FAL_KEY) or are "
        "made offline from the scene stills; only PROVIDER_CLIP=openai still selects it"
    )

    default_timeout = 120

    def __init__(
        self,
        api_key: str,
        *,
        poll_interval: float | str = VIDEO_POLL_SECONDS.default,
        max_wait: float = 600.0,
        **common: Any,
    ) -> None:
        """``common``: the keywords of :class:`_OpenAIBase` (model, base URL, timeout...)."""
        super().__init__(api_key, **common)
        self.poll_interval = seconds_of(VIDEO_POLL_SECONDS, poll_interval)
        self.max_wait = max_wait

    def _reference(self, still: Path, size: str) -> tuple[str, bytes, str] | None:
        if not still or not Path(still).is_file():
            return None
        width, height = (int(v) for v in size.split("x"))
        img = _fit_image(Path(still).read_bytes(), width, height, self._api_key)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return ("reference.png", buf.getvalue(), "image/png")

    def segment(self, request: SegmentRequest, out_path: Path) -> Path:
        with only_provider_errors(PROVIDER, self._api_key):
            return self._segment(request, out_path)

    def _segment(self, request: SegmentRequest, out_path: Path) -> Path:
        out_path = Path(out_path)
        seconds = video_seconds_for(request.seconds)
        size = video_size_for(request.width, request.height)
        prompt = (
            f"{request.prompt.strip()}\nSubtle, smooth camera motion. "
            "No on-screen text, captions or logos."
        )
        kwargs: dict[str, Any] = {
            "model": self.model,
            "prompt": prompt,
            "seconds": seconds,
            "size": size,
        }
        reference = self._reference(request.still, size)
        if reference is not None:
            kwargs["input_reference"] = reference

        try:
            video = self._call(lambda: self._client.videos.create(**kwargs))
        except AuthError:
            raise
        except ProviderError as exc:
            if getattr(exc, "status", None) in (404, 410):
                raise ProviderError(
                    f"{PROVIDER} video generation with {self.model} is not available: "
                    f"{str(exc).split(': ', 1)[-1]} (the SDK marks the Sora video API as shut "
                    "down from 2026-09-24; choose the offline clip provider, PROVIDER_CLIP=offline)"
                ) from None
            raise
        video = self._wait(video)

        def fetch(raw: Path) -> None:
            self._call(lambda: self._client.videos.download_content(video.id).write_to_file(raw))
            if not raw.is_file() or raw.stat().st_size == 0:
                raise _malformed("the downloaded video is empty")

        return finish_clip(request, out_path, fetch)

    def _wait(self, video: Any) -> Any:
        deadline = time.monotonic() + self.max_wait
        while True:
            status = getattr(video, "status", None)
            if status == "completed":
                return video
            if status == "failed":
                error = getattr(video, "error", None)
                message = getattr(error, "message", "") or "no reason given"
                code = getattr(error, "code", "")
                reason = f"{message} ({code})" if code else message
                raise ProviderError(
                    f"{PROVIDER} video generation failed: {redact(reason, self._api_key)}"
                )
            if status not in ("queued", "in_progress"):
                raise _malformed(f"unknown video status {status!r}", self._api_key)
            if time.monotonic() > deadline:
                raise ProviderError(
                    f"{PROVIDER} video generation did not finish within {self.max_wait:.0f} s"
                )
            self._sleep(self.poll_interval)
            video = self._call(partial(self._client.videos.retrieve, video.id))
