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


# Campaigns whose audience is not the stereotype of their industry (issue 21): a drink for a
# desk slump, an inventory app for restaurant kitchens, a fitness app for people over 60, a
# dentist for the nervous, a hand balm for builders, a money app for teenagers. Every claim an
# ad makes must come from these words; the offer and the proof in Goals must be said.
KORA = Brief(
    name="Kora afternoon push",
    product_name="Kora Ginger Lime Kombucha",
    product_description="Kombucha brewed with fresh ginger and lime. 30 calories a can.",
    brand_name="Kora",
    tone_of_voice="Dry, witty, never preachy",
    brand_colors=("#2E7D32", "#F9A825"),
    awareness_stage="problem_aware",
    business_type="E-commerce Brand",
    industry="Food & Beverage",
    creative_style="Direct Response",
    persuasion_trigger="Social Proof",
    audience="Remote workers who hit a slump at 4 pm and reach for a third coffee",
    messaging="A lift without the jitters. Real ginger, real lime, lightly sparkling.",
    goals="15% off the first order with code SUMMER15; 4.7 stars from 2,300 reviews",
)
LEDGERLY = Brief(
    name="Ledgerly for kitchens",
    product_name="Ledgerly",
    product_description="An inventory app for independent restaurants. It scans supplier "
    "invoices and tracks stock shelf by shelf.",
    brand_name="Ledgerly",
    tone_of_voice="Plain-spoken",
    brand_colors=("#263238", "#FF7043"),
    awareness_stage="problem_aware",
    business_type="SaaS",
    industry="Tech/SaaS",
    creative_style="Problem-Solution",
    persuasion_trigger="Social Proof",
    audience="Restaurant owners who do inventory on paper on Sunday nights and lose money to "
    "spoiled stock",
    messaging="Count your stock from your phone in ten minutes. Ledgerly flags what will spoil "
    "before it does.",
    goals="Free 14-day trial; trusted by 900 restaurants",
    destination="ledgerly.app",
)
STRIDE = Brief(
    name="Stride Coach: walk further",
    product_name="Stride Coach",
    product_description="A walking coach app with gentle daily plans that adapt to your knees.",
    brand_name="Stride",
    brand_colors=("#0D47A1", "#FFCA28"),
    awareness_stage="solution_aware",
    business_type="Mobile App",
    industry="Fitness",
    creative_style="Testimonial",
    persuasion_trigger="Social Proof",
    audience="Adults over 60 who want to walk further without knee pain",
    messaging="Plans that start at five minutes a day. Your coach adjusts when your knees say so.",
    goals="Free 14-day trial; 4.8 stars from 12,000 reviews",
)
BRIGHT_SMILE = Brief(
    name="Nervous patients welcome",
    product_name="Gentle check-ups",
    product_description="A calm dental practice with quiet rooms and no-rush appointments.",
    brand_name="Bright Smile Dental",
    tone_of_voice="Calm and reassuring",
    brand_colors=("#00838F", "#FFFFFF"),
    awareness_stage="most_aware",
    business_type="Local Business",
    industry="Health & Wellness",
    creative_style="Storytelling",
    persuasion_trigger="Reciprocity",
    audience="Adults who have put off the dentist for years because they are nervous",
    messaging="We explain every step before we start. You can stop at any time.",
    goals="Book online; new patients get a free whitening kit",
    destination="+44 20 7946 0000",
)
GRAFTER = Brief(
    name="Winter hands",
    product_name="Grafter Hand Balm",
    product_description="A thick, unscented balm made with lanolin and beeswax.",
    brand_name="Grafter",
    tone_of_voice="Blunt, no nonsense",
    brand_colors=("#3E2723", "#FFB300"),
    awareness_stage="product_aware",
    business_type="Physical Product",
    industry="Beauty & Skincare",
    creative_style="Humor",
    persuasion_trigger="Authority",
    audience="Builders and roofers whose hands crack in the cold",
    messaging="Soaks in fast, so your grip stays dry. One tin lasts a whole winter.",
    goals="Buy two, get one free; recommended by the Roofers' Guild; sold in 300 hardware stores",
    destination="@grafterbalm",
)
NESTEGG = Brief(
    name="First money",
    product_name="Nestegg",
    product_description="A savings app for teenagers, with goals they set themselves.",
    brand_name="Nestegg",
    tone_of_voice="Friendly, never preachy",
    brand_colors=("#6A1B9A", "#80CBC4"),
    awareness_stage="unaware",
    business_type="Mobile App",
    industry="Finance",
    creative_style="UGC Style",
    persuasion_trigger="Scarcity",
    audience="Teenagers who get paid cash for babysitting and spend it all by Friday",
    messaging="Put a little aside every time you get paid. Watch your goal fill up.",
    goals="First month free until 31 January",
    destination="https://nestegg.money/start",
)

#: The stereotype-breaking campaigns, by a short name (test ids, the notes' examples).
AGAINST_TYPE: dict[str, Brief] = {
    "kora": KORA,
    "ledgerly": LEDGERLY,
    "stride": STRIDE,
    "bright_smile": BRIGHT_SMILE,
    "grafter": GRAFTER,
    "nestegg": NESTEGG,
}
