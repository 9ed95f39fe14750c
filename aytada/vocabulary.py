"""The strategy vocabulary of a campaign (the one home of these lists).

Imports nothing: `aytada.core` validates campaigns against it and the offline writer in
`aytada.providers` normalises briefs with it.
"""

from __future__ import annotations

AWARENESS_STAGES: dict[str, str] = {
    "unaware": "Unaware",
    "problem_aware": "Problem aware",
    "solution_aware": "Solution aware",
    "product_aware": "Product aware",
    "most_aware": "Most aware",
}
BUSINESS_TYPES: tuple[str, ...] = (
    "Physical Product", "SaaS", "Service", "E-commerce Brand", "Mobile App", "Local Business",
    "Course / Info Product", "Agency", "Marketplace", "Subscription Box", "Non-profit",
)
INDUSTRIES: tuple[str, ...] = (
    "Beauty & Skincare", "Fitness", "Tech/SaaS", "Food & Beverage", "Fashion", "Health & Wellness",
    "Home & Living", "Finance",
)
CREATIVE_STYLES: tuple[str, ...] = (
    "Direct Response", "UGC Style", "Cinematic", "Storytelling", "Problem-Solution",
    "Testimonial", "Educational", "Humor", "Luxury", "Minimalist",
)
PERSUASION_TRIGGERS: tuple[str, ...] = (
    "Reciprocity", "Commitment & Consistency", "Social Proof", "Authority", "Liking", "Scarcity",
)
