"""Sample campaign briefs, shared by the provider tests and the render benchmark."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from aytada.providers.base import Brief

#: A skincare launch; every field a campaign usually has is set.
GLOWCO = Brief(
    name="Spring launch",
    product_name="GlowCo Hydrating Serum",
    product_description="A lightweight serum with hyaluronic acid.",
    brand_name="GlowCo",
    tone_of_voice="Warm and upbeat",
    brand_colors=("#1F3A93", "#F5B041"),
    awareness_stage="problem_aware",
    industry="Skincare",
    creative_style="UGC Style",
    persuasion_trigger="Social Proof",
    audience="Busy professionals aged 25-40",
    messaging="Hydration that lasts all day, with no greasy feel",
    goals="Drive online sales",
)

#: Every field of a brief set, business type included (prompts must carry them all).
GLOWCO_FULL = dataclasses.replace(
    GLOWCO, business_type="E-commerce Brand", awareness_stage="solution_aware"
)


#: A SaaS tool whose goals state an offer: the OpenAI instructions and the strategy drafts.
TASKPILOT = Brief(
    name="Q3",
    product_name="TaskPilot",
    product_description="TaskPilot turns meeting notes into assigned tasks.",
    business_type="SaaS",
    industry="Tech/SaaS",
    creative_style="Humor",
    awareness_stage="solution_aware",
    goals="Free trial sign-ups from founders; 20% off the first year for early teams",
)

# Campaigns whose audience is not the stereotype of their industry (issue 21): a drink for a
# desk slump, an inventory app for restaurant kitchens, a walking app for people over 60, a
# dentist for the nervous, a hand balm for builders, a money app for teenagers. They live in
# examples/against-type/ (a user can create them with `aytada campaign create --file …`). Every
# claim an ad makes must come from these words; the offer and the proof in Goals must be said.
AGAINST_TYPE_DIR = Path(__file__).resolve().parents[2] / "examples" / "against-type"


def _example(name: str, folder: Path = AGAINST_TYPE_DIR) -> Brief:
    fields = tomllib.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))
    fields["brand_colors"] = tuple(fields.get("brand_colors", ()))
    return Brief(**fields)


#: The stereotype-breaking campaigns, by a short name (test ids, the notes' examples).
AGAINST_TYPE: dict[str, Brief] = {
    name: _example(name)
    for name in ("kora", "ledgerly", "stride", "bright_smile", "grafter", "nestegg")
}
KORA, LEDGERLY = AGAINST_TYPE["kora"], AGAINST_TYPE["ledgerly"]

#: The README's example campaign (examples/campaign.toml): an audience told as "whose …; they …"
GLOW_LAUNCH = _example("campaign", AGAINST_TYPE_DIR.parent)
