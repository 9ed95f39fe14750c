"""Sample campaign briefs, shared by the provider tests and the render benchmark."""

from __future__ import annotations

import dataclasses

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
