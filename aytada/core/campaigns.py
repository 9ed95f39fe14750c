"""Campaigns: the shared creative context every asset reads when it is generated."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.core import media
from aytada.core.db import session_scope
from aytada.core.errors import NotFound, ValidationFailed
from aytada.core.inputs import parse_id, text_problem
from aytada.core.models import Campaign, Project
from aytada.core.settings import get_settings
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
UPLOAD_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


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
    if "awareness_stage" in data:
        if data["awareness_stage"] not in AWARENESS_STAGES:
            errors["awareness_stage"] = "Pick one of the five awareness stages."
        else:
            out["awareness_stage"] = data["awareness_stage"]
    for key, allowed in (
        ("business_type", BUSINESS_TYPES),
        ("industry", INDUSTRIES),
        ("creative_style", CREATIVE_STYLES),
        ("persuasion_trigger", PERSUASION_TRIGGERS),
    ):
        if key in data and data[key]:
            if data[key] not in allowed:
                errors[key] = "Pick a value from the list."
            else:
                out[key] = data[key]
    if "brand_colors" in data:
        colors = data["brand_colors"]
        if isinstance(colors, str):
            colors = [c.strip() for c in colors.split(",") if c.strip()]
        bad = [c for c in colors if not _HEX.match(c)]
        if bad or not colors:
            errors["brand_colors"] = "Use colours like #1F3A93."
        else:
            out["brand_colors"] = ",".join(c.upper() for c in colors[:4])
    if errors:
        raise ValidationFailed(errors)
    return out


def check_upload(name: str, mime_type: str, data: bytes) -> str:
    """Validate an uploaded logo / product photo; returns the file suffix."""
    if mime_type not in UPLOAD_TYPES:
        raise ValidationFailed({"upload": f"{name}: only PNG, JPEG or WebP images are accepted."})
    if len(data) > UPLOAD_MAX_BYTES:
        raise ValidationFailed({"upload": f"{name}: the file is larger than 5 MB."})
    if not data:
        raise ValidationFailed({"upload": f"{name}: the file is empty."})
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:  # noqa: BLE001 - any decoder error means "not an image"
        raise ValidationFailed({"upload": f"{name}: the file is not a readable image."}) from None
    return UPLOAD_TYPES[mime_type]


def _store_upload(workspace_id: int, campaign_id: int, role: str, upload: tuple) -> str:
    name, mime_type, data = upload
    suffix = check_upload(name, mime_type, data)
    folder = get_settings().media_dir / f"ws{workspace_id}" / f"campaign{campaign_id}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{role}{suffix}"
    path.write_bytes(data)
    return media.relative(path)  # relative to MEDIA_DIR: workers elsewhere resolve it too


def create_campaign(
    workspace_id: int,
    data: dict[str, Any],
    *,
    logo: tuple[str, str, bytes] | None = None,
    product_photo: tuple[str, str, bytes] | None = None,
) -> int:
    """Validate and store a campaign. Uploads are (file name, mime type, bytes)."""
    values = _clean(data, partial=False)
    for label, upload in (("logo", logo), ("product photo", product_photo)):
        if upload is not None:
            check_upload(f"{label} {upload[0]}", upload[1], upload[2])
    with session_scope() as s:
        campaign = Campaign(workspace_id=workspace_id, **values)
        s.add(campaign)
        s.flush()
        if logo is not None:
            campaign.logo_path = _store_upload(workspace_id, campaign.id, "logo", logo)
        if product_photo is not None:
            campaign.product_photo_path = _store_upload(
                workspace_id, campaign.id, "product", product_photo
            )
        return campaign.id


def load_campaign(session: Session, workspace_id: int, campaign_id: Any) -> Campaign:
    campaign = session.get(Campaign, parse_id(campaign_id, "Campaign"))
    if campaign is None or campaign.workspace_id != workspace_id:
        raise NotFound("Campaign", campaign_id)
    return campaign


def get_campaign(workspace_id: int, campaign_id: Any) -> Campaign:
    with session_scope() as s:
        return load_campaign(s, workspace_id, campaign_id)


def update_campaign(workspace_id: int, campaign_id: Any, data: dict[str, Any]) -> None:
    """Update some fields (e.g. one strategy pillar); the next generation reads the new text."""
    values = _clean(data, partial=True)
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        for key, value in values.items():
            setattr(campaign, key, value)


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
    return stored if stored and media.resolve(stored).is_file() else ""


def brief_snapshot(campaign: Campaign) -> dict[str, Any]:
    """The campaign's creative fields as plain data (what a generation records and uses)."""
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
        "logo_path": _existing(campaign.logo_path),
        "product_photo_path": _existing(campaign.product_photo_path),
    }
