"""Campaigns: the shared creative context every asset reads when it is generated."""

from __future__ import annotations

import io
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.core import media
from aytada.core.db import session_scope
from aytada.core.errors import NotFound, ValidationFailed
from aytada.core.inputs import destination_problem, owned, parse_id, text_problem
from aytada.core.models import Campaign, Generation, Project, new_key
from aytada.core.options import OVERRIDE_CHOICES, read_overrides
from aytada.core.statuses import OPEN_STATES, GenState
from aytada.vocabulary import (  # noqa: F401  (re-exported for the UI)
    AWARENESS_STAGES,
    BUSINESS_TYPES,
    CREATIVE_STYLES,
    INDUSTRIES,
    PERSUASION_TRIGGERS,
    STRATEGY_PILLARS,
)

PILLARS = tuple(STRATEGY_PILLARS)

TEXT_LIMITS = {
    "name": 120,
    "product_name": 120,
    "brand_name": 120,
    "tone_of_voice": 120,
    "product_description": 2000,
    "audience": 2000,
    "messaging": 2000,
    "goals": 2000,
}
REQUIRED = ("name", "product_name", "product_description", "audience", "messaging", "goals")
UPLOADS = {"logo": "logo", "product_photo": "product photo"}  # field → how people name it
Upload = tuple[str, str, bytes]  # (file name, mime type, bytes)
# A campaign's product images or screenshots: the product photo (`product_photo_path`) is the
# first, `more_product_images` the others, in the order scenes use them.
MAX_PRODUCT_IMAGES = 5
IMAGES_FIELD = "product_images"  # the field errors about the images are reported under
UPLOAD_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# A picture's size is read from its header before anything decodes it: a 20 KB PNG can say
# 13000×13000 (a decompression bomb). Accepted pictures are stored at a working size, so a
# render's memory never depends on what was uploaded.
UPLOAD_MAX_PIXELS = 40_000_000
UPLOAD_WORKING_SIDE = 2048
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
# The strategy inputs chosen from a list: field → the allowed values. `creative_style` and
# `awareness_stage` always have a value; the others may be left empty ("").
CHOICES: dict[str, Iterable[str]] = {
    "awareness_stage": AWARENESS_STAGES,
    "business_type": BUSINESS_TYPES,
    "industry": INDUSTRIES,
    "creative_style": CREATIVE_STYLES,
    "persuasion_trigger": PERSUASION_TRIGGERS,
}
CHOICE_REQUIRED = ("awareness_stage", "creative_style")
CHOICE_MESSAGES = {"awareness_stage": "Pick one of the five awareness stages."}
# What a project may set for itself instead of its campaign's value (A/B variants).
OVERRIDABLE = tuple(OVERRIDE_CHOICES)  # awareness_stage, creative_style, persuasion_trigger
FIELD_LABELS = {
    "awareness_stage": "Awareness stage",
    "creative_style": "Creative style",
    "persuasion_trigger": "Persuasion trigger",
    "business_type": "Business type",
    "industry": "Industry",
}


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    product_name: str
    assets: int
    last_activity: datetime


def _clean(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        if key not in data:
            if not partial and key in REQUIRED:
                errors[key] = "This field is required."
            continue
        raw = data[key]
        if raw is not None and not isinstance(raw, str):
            errors[key] = "Must be text."
            continue
        value = (raw or "").strip()
        if key in REQUIRED and not value:
            errors[key] = "This field is required."
        elif len(value) > limit:
            errors[key] = f"Keep it under {limit} characters (now {len(value)})."
        elif text_problem(value):
            errors[key] = text_problem(value) or ""
        else:
            out[key] = value
    for key in CHOICES:
        if key in data:
            problem = choice_problem(key, data[key])
            if problem:
                errors[key] = problem
            else:
                out[key] = data[key] or ""
    if "destination" in data:  # optional: "" is no destination
        problem = destination_problem(data["destination"])
        if problem:
            errors["destination"] = problem
        else:
            out["destination"] = (data["destination"] or "").strip()
    if "brand_colors" in data:
        colors = data["brand_colors"]
        if isinstance(colors, str):
            colors = [c.strip() for c in colors.split(",") if c.strip()]
        if not isinstance(colors, list | tuple):
            colors = [colors]
        bad = [c for c in colors if not isinstance(c, str) or not _HEX.match(c)]
        if bad or not colors:
            errors["brand_colors"] = "Use colours like #1F3A93."
        else:
            out["brand_colors"] = ",".join(c.upper() for c in colors[:4])
    if errors:
        raise ValidationFailed(errors)
    return out


def _cleaned(data: dict[str, Any], *, partial: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """(the cleaned values, field → message for each bad field): no values when one is bad,
    so the caller can add its own checks' messages before it refuses."""
    try:
        return _clean(data, partial=partial), {}
    except ValidationFailed as exc:
        return {}, dict(exc.errors)


def choice_problem(key: str, value: object) -> str | None:
    """Why `value` cannot be the campaign's `key` (a strategy input picked from a list)."""
    if value in (None, "") and key not in CHOICE_REQUIRED:
        return None
    if not isinstance(value, str) or value not in CHOICES[key]:
        return CHOICE_MESSAGES.get(key, "Pick a value from the list.")
    return None


def clean_overrides(data: dict[str, Any]) -> dict[str, str]:
    """A project's own strategy choices (awareness stage, creative style, persuasion trigger)
    instead of its campaign's; empty values mean "as the campaign". Raises ValidationFailed."""
    errors: dict[str, str] = {}
    out: dict[str, str] = {}
    for key, value in (data or {}).items():
        if key not in OVERRIDABLE:
            errors[key] = "Only the awareness stage, creative style or persuasion trigger."
        elif value not in (None, ""):
            problem = choice_problem(key, value)
            if problem:
                errors[key] = problem
            else:
                out[key] = value
    if errors:
        raise ValidationFailed(errors)
    return out


def choice_label(key: str, value: str) -> str:
    """How people read a strategy choice ("most_aware" → "Most aware")."""
    if key == "awareness_stage":
        return AWARENESS_STAGES.get(value, value)
    return value or "none"


def check_upload(name: str, mime_type: str, data: bytes) -> str:
    """Validate an uploaded logo / product photo; returns the file suffix."""
    if mime_type not in UPLOAD_TYPES:
        raise ValidationFailed({"upload": f"{name}: only PNG, JPEG or WebP images are accepted."})
    if len(data) > UPLOAD_MAX_BYTES:
        raise ValidationFailed({"upload": f"{name}: the file is larger than 5 MB."})
    if not data:
        raise ValidationFailed({"upload": f"{name}: the file is empty."})
    try:
        with warnings.catch_warnings():  # Pillow warns of a bomb: the message below says it
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:  # reads the header only
                width, height = img.size
    except Image.DecompressionBombError:
        width, height = 1 << 16, 1 << 16  # beyond Pillow's own limit: too large
    except Exception:  # noqa: BLE001 - any decoder error means "not an image"
        raise ValidationFailed({"upload": f"{name}: the file is not a readable image."}) from None
    if width * height > UPLOAD_MAX_PIXELS:
        size = f"{width}×{height} pixels" if width < 1 << 16 else "too many pixels"
        raise ValidationFailed(
            {"upload": f"{name}: the picture is too large ({size}); at most "
                       f"{UPLOAD_MAX_PIXELS // 1_000_000} megapixels, e.g. 8000×5000."}
        )  # fmt: skip
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:  # noqa: BLE001 - any decoder error means "not an image"
        raise ValidationFailed({"upload": f"{name}: the file is not a readable image."}) from None
    return UPLOAD_TYPES[mime_type]


def working_copy(data: bytes, suffix: str) -> bytes:
    """The upload at a working size: its longer side at most :data:`UPLOAD_WORKING_SIDE`, in its
    own format (transparency kept); a picture already that small is kept byte for byte."""
    with Image.open(io.BytesIO(data)) as img:
        if max(img.size) <= UPLOAD_WORKING_SIDE:
            return data
        img.load()
        small = img.copy()
    small.thumbnail((UPLOAD_WORKING_SIDE, UPLOAD_WORKING_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if suffix == ".jpg":
        small.convert("RGB").save(out, "JPEG", quality=92)
    elif suffix == ".webp":
        small.save(out, "WEBP", quality=92)
    else:
        small.save(out, "PNG", optimize=True)
    return out.getvalue()


def _store_upload(workspace_id: int, campaign_id: int, role: str, upload: tuple) -> str:
    """Write an upload under a new name: a replaced file stays on disk for the generations
    whose snapshots name it."""
    name, mime_type, data = upload
    suffix = check_upload(name, mime_type, data)
    folder = media.media_root() / f"ws{workspace_id}" / f"campaign{campaign_id}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{role}-{uuid.uuid4().hex[:8]}{suffix}"
    path.write_bytes(working_copy(data, suffix))
    media.publish([path])  # an S3 store gets it now (the local folder has it already)
    return media.relative(path)  # relative to MEDIA_DIR: workers elsewhere resolve it too


def create_campaign(
    workspace_id: int,
    data: dict[str, Any],
    *,
    logo: Upload | None = None,
    product_photo: Upload | None = None,
    more_images: Sequence[Upload] = (),
) -> int:
    """Validate and store a campaign. Uploads are (file name, mime type, bytes); `more_images`
    are product images or screenshots after the product photo (without one, the first of them
    is the product photo), at most :data:`MAX_PRODUCT_IMAGES` in all. Everything is checked
    first: one bad field or file stores nothing (ValidationFailed names every bad field)."""
    values, errors = _cleaned(data, partial=False)
    errors.update(upload_errors({"logo": logo, "product_photo": product_photo}))
    adding = [product_photo] if product_photo is not None else []
    problem = files_problem(more_images)
    if problem:
        errors[IMAGES_FIELD] = problem
    elif len(adding) + len(more_images) > MAX_PRODUCT_IMAGES:
        errors[IMAGES_FIELD] = too_many_images(0, len(adding) + len(more_images))
    if errors:
        raise ValidationFailed(errors)
    with session_scope() as s:
        campaign = Campaign(workspace_id=workspace_id, **values)
        s.add(campaign)
        s.flush()
        if logo is not None:
            campaign.logo_path = _store_upload(workspace_id, campaign.id, "logo", logo)
        _set_images(campaign, [_store_upload(workspace_id, campaign.id, "product", upload)
                               for upload in [*adding, *more_images]])  # fmt: skip
        return campaign.id


def load_campaign(session: Session, workspace_id: int, campaign_id: Any) -> Campaign:
    return owned(session, Campaign, workspace_id, campaign_id, "Campaign")


def get_campaign(workspace_id: int, campaign_id: Any) -> Campaign:
    with session_scope() as s:
        return load_campaign(s, workspace_id, campaign_id)


def upload_errors(uploads: Mapping[str, Upload | None]) -> dict[str, str]:
    """field → message for each upload (logo, product photo) that `check_upload` refuses."""
    errors = {}
    for field, upload in uploads.items():
        if upload is not None:
            try:
                check_upload(f"{UPLOADS[field]} {upload[0]}", upload[1], upload[2])
            except ValidationFailed as exc:
                errors[field] = exc.errors["upload"]
    return errors


def update_campaign(
    workspace_id: int,
    campaign_id: Any,
    data: dict[str, Any],
    *,
    logo: Upload | None = None,
    product_photo: Upload | None = None,
    more_images: Sequence[Upload] = (),
    remove: Iterable[str] = (),
    remove_image: int | None = None,
) -> None:
    """Change any of the campaign's fields, replace (`logo`, `product_photo`: file name, mime
    type, bytes) or `remove` ("logo", "product_photo") its uploads, add product images or
    screenshots after the others (`more_images`), or remove one by its position
    (`remove_image`, 1 to 5; "product_photo" in `remove` is image 1): the next ones move up,
    so removing the first makes the second the product photo. At most
    :data:`MAX_PRODUCT_IMAGES` images in all. Everything is checked first: one bad field or
    file changes nothing (ValidationFailed names every bad field). The next generation reads
    the new values; earlier generations keep their snapshots (and files)."""
    values, errors = _cleaned(data, partial=True)
    uploads = {"logo": logo, "product_photo": product_photo}
    errors.update(upload_errors(uploads))
    removed = set(remove)
    for field in removed - set(UPLOADS):
        errors[field] = "Only the logo or the product photo can be removed."
    positions = {1} if "product_photo" in removed else set()
    if remove_image is not None:
        positions.add(remove_image)
    if product_photo is not None and 1 in positions:
        errors["product_photo"] = "Either replace or remove the product photo, not both."
    if logo is not None and "logo" in removed:
        errors["logo"] = "Either replace or remove the logo, not both."
    problem = files_problem(more_images)
    if problem:
        errors[IMAGES_FIELD] = problem
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        images = product_images(campaign)
        if remove_image is not None and not _is_position(remove_image, len(images)):
            errors[IMAGES_FIELD] = _no_such_image(remove_image, len(images))
        kept = [path for n, path in enumerate(images, 1) if n not in positions]
        replaced = product_photo is not None and bool(kept)  # a new first image, not one more
        total = len(kept) + len(more_images) + (product_photo is not None and not replaced)
        if total > MAX_PRODUCT_IMAGES and IMAGES_FIELD not in errors:
            errors[IMAGES_FIELD] = too_many_images(len(images), total - len(kept))
        if errors:
            raise ValidationFailed(errors)
        for key, value in values.items():
            setattr(campaign, key, value)
        if "logo" in removed:
            campaign.logo_path = ""
        if logo is not None:
            campaign.logo_path = _store_upload(workspace_id, campaign.id, "logo", logo)
        if product_photo is not None:
            first = _store_upload(workspace_id, campaign.id, "product", product_photo)
            kept = [first, *kept[1:]] if replaced else [first]
        stored = [_store_upload(workspace_id, campaign.id, "product", up) for up in more_images]
        if positions or stored or product_photo is not None:
            _set_images(campaign, [*kept, *stored])


def remove_product_image(workspace_id: int, campaign_id: Any, position: int) -> None:
    """Remove the campaign's product image or screenshot at `position` (1 to 5): the next ones
    move up (removing the first makes the second the product photo). The file stays on disk
    for the generations whose snapshots name it."""
    update_campaign(workspace_id, campaign_id, {}, remove_image=position)


def product_images(campaign: Campaign) -> list[str]:
    """The campaign's product images or screenshots (stored paths), in order: the product photo
    first, then the more (as stored: whether each file is there is not checked)."""
    more = [p for p in (campaign.more_product_images or []) if isinstance(p, str) and p]
    return [p for p in (campaign.product_photo_path, *more) if p]


def _set_images(campaign: Campaign, paths: list[str]) -> None:
    campaign.product_photo_path = paths[0] if paths else ""
    campaign.more_product_images = list(paths[1:])


def _is_position(position: object, count: int) -> bool:
    return isinstance(position, int) and not isinstance(position, bool) and 1 <= position <= count


def _no_such_image(position: object, count: int) -> str:
    if count == 0:
        return f"There is no image {position} to remove: this campaign has no product images."
    return (f"There is no image {position} to remove: this campaign has {count} product "
            f"image{'s' if count != 1 else ''} or screenshot{'s' if count != 1 else ''}, "
            f"1 to {count}.")  # fmt: skip


def files_problem(images: Sequence[Upload]) -> str | None:
    """What is wrong with the product images or screenshots in `images`, each checked like the
    product photo and named in the message (every bad one); None when all are good."""
    bad = []
    for name, mime_type, data in images:
        try:
            check_upload(f"product image {name}", mime_type, data)
        except ValidationFailed as exc:
            bad.append(exc.errors["upload"])
    return " ".join(bad) or None


def too_many_images(have: int, given: int) -> str:
    """The message for more than :data:`MAX_PRODUCT_IMAGES` images in all."""
    return (f"at most {MAX_PRODUCT_IMAGES} product images or screenshots; this campaign has "
            f"{have} ({given} more given).")  # fmt: skip


def list_campaigns(workspace_id: int) -> list[CampaignRow]:
    with session_scope() as s:
        assets = (
            select(
                Project.campaign_id,
                func.count(Project.id).label("n"),
                func.max(Project.updated_at).label("last"),
            )
            .where(Project.deleted_at.is_(None))
            .group_by(Project.campaign_id)
            .subquery()
        )
        rows = s.execute(
            select(
                Campaign.id,
                Campaign.name,
                Campaign.product_name,
                Campaign.updated_at,
                assets.c.n,
                assets.c.last,
            )
            .outerjoin(assets, assets.c.campaign_id == Campaign.id)
            .where(Campaign.workspace_id == workspace_id)
            .order_by(Campaign.id.desc())
        ).all()
    out = []
    for cid, name, product, updated, n, last in rows:
        activity = max(updated, last) if last is not None and last > updated else updated
        out.append(CampaignRow(cid, name, product, n or 0, activity))
    return out


def _existing(stored: str) -> str:
    """A stored upload path (relative to MEDIA_DIR) when its file exists, else ""."""
    return stored if stored and media.available(stored) else ""


def brief_snapshot(
    campaign: Campaign, overrides: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The campaign's creative fields as plain data (what a generation records and uses).

    `overrides`: the project's own awareness stage, creative style or persuasion trigger (an
    A/B variant's: ``options_of(project).choices.overrides``); the valid ones replace the
    campaign's and are listed under "overrides"."""
    overrides = read_overrides(overrides)
    return {
        "name": campaign.name,
        "product_name": campaign.product_name,
        "product_description": campaign.product_description,
        "brand_name": campaign.brand_name,
        "tone_of_voice": campaign.tone_of_voice,
        "brand_colors": [c for c in campaign.brand_colors.split(",") if c],
        "awareness_stage": campaign.awareness_stage,
        "business_type": campaign.business_type,
        "industry": campaign.industry,
        "creative_style": campaign.creative_style,
        "persuasion_trigger": campaign.persuasion_trigger,
        "audience": campaign.audience,
        "messaging": campaign.messaging,
        "goals": campaign.goals,
        "destination": campaign.destination,
        "logo_path": _existing(campaign.logo_path),
        "product_photo_path": _existing(campaign.product_photo_path),
        # every product image or screenshot whose file is there, the product photo first
        "product_images": [p for p in map(_existing, product_images(campaign)) if p],
        **overrides,
        "overrides": overrides,
    }


# --------------------------------------------------------------------------- strategy drafts

STRATEGY_STEP = "strategy"  # a generation's step name for "Draft strategy with AI"
# what the text provider drafts from (and nothing else: the pillars are what it writes)
DRAFT_FROM = (
    "name",
    "product_name",
    "product_description",
    "brand_name",
    "tone_of_voice",
    "business_type",
    "industry",
    "creative_style",
    "awareness_stage",
    # what is already typed: the draft keeps its facts and sharpens around them
    "audience",
    "messaging",
    "goals",
)
DRAFT_NEEDS = ("product_name", "product_description")


@dataclass(frozen=True)
class StrategyDraft:
    """One "Draft strategy with AI" run as the pages show it."""

    id: int
    state: GenState
    campaign_id: int | None
    facts: dict[str, Any]
    pillars: dict[str, str]  # audience / messaging / goals once it succeeded, else {}
    error: str | None
    provider: str
    created_at: datetime

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


def draft_facts(data: dict[str, Any]) -> dict[str, Any]:
    """The facts a strategy draft is written from, checked like the campaign's own fields:
    the product name and description are needed; every choice must come from its list.
    Raises ValidationFailed (field → message)."""
    given = {  # an optional field left empty is simply not said
        key: data[key]
        for key in DRAFT_FROM
        if key in data and (key in DRAFT_NEEDS or data[key] not in ("", None))
    }
    errors: dict[str, str] = {}
    for key in DRAFT_NEEDS:
        value = given.get(key)
        if not isinstance(value, str) or not value.strip():
            errors[key] = "Fill this in first: the draft is written from it."
    try:
        facts = _clean({k: v for k, v in given.items() if k not in errors}, partial=True)
    except ValidationFailed as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in errors})
        facts = {}
    if errors:
        raise ValidationFailed(errors)
    facts.setdefault("name", facts["product_name"])
    facts.setdefault("awareness_stage", "problem_aware")
    facts.setdefault("creative_style", "Direct Response")
    return facts


def new_strategy_draft(
    workspace_id: int,
    data: dict[str, Any] | None,
    campaign_id: Any = None,
    user_id: int | None = None,
) -> tuple[int, str]:
    """Record a queued strategy draft (a free generation of no project) for the facts in
    `data`, or for the campaign's saved fields when `data` is None and `campaign_id` is given.
    Returns (generation id, RQ job id); the job layer enqueues it."""
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id) if campaign_id else None
        if data is None:
            if campaign is None:
                raise ValidationFailed({"product_name": "Fill in the product first."})
            data = {key: getattr(campaign, key) for key in DRAFT_FROM}
        facts = draft_facts(data)
        key = new_key()
        gen = Generation(
            key=key,
            rq_job_id=f"gen-{key}",
            workspace_id=workspace_id,
            campaign_id=campaign.id if campaign is not None else None,
            project_id=None,
            step=STRATEGY_STEP,
            state=GenState.QUEUED,
            input_snapshot={"facts": facts},
            credits=0,  # free, like the product's price list
            user_id=user_id,
        )
        s.add(gen)
        s.flush()
        return gen.id, gen.rq_job_id


def discard_strategy_draft(generation_id: int) -> None:
    """Remove a queued draft whose job could not be enqueued (it never ran)."""
    with session_scope() as s:
        gen = s.get(Generation, generation_id)
        if gen is not None and gen.project_id is None and gen.state == GenState.QUEUED:
            s.delete(gen)


def _draft_view(gen: Generation) -> StrategyDraft:
    output = gen.output or {}
    pillars = {k: str(output[k]) for k in PILLARS if isinstance(output.get(k), str)}
    return StrategyDraft(
        id=gen.id,
        state=gen.state,
        campaign_id=gen.campaign_id,
        facts=dict((gen.input_snapshot or {}).get("facts") or {}),
        pillars=pillars if gen.state == GenState.SUCCEEDED else {},
        error=gen.error,
        provider=gen.provider + (f" ({gen.model})" if gen.model else ""),
        created_at=gen.created_at,
    )


def get_strategy_draft(workspace_id: int, draft_id: Any) -> StrategyDraft:
    """One of the workspace's strategy drafts (NotFound for other ids)."""
    with session_scope() as s:
        gen = s.get(Generation, parse_id(draft_id, "Strategy draft"))
        if (
            gen is None
            or gen.workspace_id != workspace_id
            or gen.project_id is not None
            or gen.step != STRATEGY_STEP
        ):
            raise NotFound("Strategy draft", draft_id)
        return _draft_view(gen)
