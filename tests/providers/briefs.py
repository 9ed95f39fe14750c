"""Sample campaign briefs, shared by the provider tests and the render benchmark."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from aytada.providers.base import Brief

# Campaigns whose audience is not the stereotype of their industry (issue 21): a drink for a
# desk slump, an inventory app for restaurant kitchens, a walking app for people over 60, a
# dentist for the nervous, a hand balm for builders, a money app for teenagers. They live in
# examples/against-type/ (a user can create them with `aytada campaign create --file …`). Every
# claim an ad makes must come from these words; the offer and the proof in Goals must be said.
AGAINST_TYPE_DIR = Path(__file__).resolve().parents[2] / "examples" / "against-type"


def _example(name: str, folder: Path = AGAINST_TYPE_DIR) -> Brief:
    fields = tomllib.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))
    if "brand_colors" in fields:
        fields["brand_colors"] = tuple(fields["brand_colors"])
    return Brief(**fields)


#: The stereotype-breaking campaigns, by a short name (test ids, the notes' examples).
AGAINST_TYPE: dict[str, Brief] = {
    name: _example(name)
    for name in ("kora", "ledgerly", "stride", "bright_smile", "grafter", "nestegg")
}
KORA, LEDGERLY = AGAINST_TYPE["kora"], AGAINST_TYPE["ledgerly"]

SAMPLES_DIR = Path(__file__).resolve().parent / "sample_briefs"

#: A skincare launch; every field a campaign usually has is set.
GLOWCO = _example("glowco", SAMPLES_DIR)

#: Every field of a brief set, business type included (prompts must carry them all).
GLOWCO_FULL = dataclasses.replace(
    GLOWCO, business_type="E-commerce Brand", awareness_stage="solution_aware"
)

#: A SaaS tool whose goals state an offer: the OpenAI instructions and the strategy drafts.
TASKPILOT = _example("taskpilot", SAMPLES_DIR)

#: Briefs of other shapes for the writer: the least a campaign can have, one person as the
#: audience, "whose …. They …", long fields everywhere.
SHAPES = [_example(name, SAMPLES_DIR) for name in ("bare", "lunchbox", "nightshift", "atlas")]

#: The README's example campaign (examples/campaign.toml): an audience told as "whose …; they …"
GLOW_LAUNCH = _example("campaign", AGAINST_TYPE_DIR.parent)
