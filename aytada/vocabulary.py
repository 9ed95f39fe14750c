"""The words a campaign and an ad script are made of (the one home of these lists).

Imports nothing of ours: `aytada.core` validates campaigns and scripts against it, the offline
writer in `aytada.providers` normalises briefs with it, and the pages label their fields with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A text field as people see it: its label and one line on what to write in it."""

    label: str
    hint: str = ""
    plural: bool = False  # "these goals", not "this goals"

    def this(self) -> str:
        """The label after "this"/"these", lower-case: "this audience", "these goals"."""
        return f"{'these' if self.plural else 'this'} {self.label.lower()}"


# The three strategy pillars every campaign states; the writer reads them for every ad.
STRATEGY_PILLARS: dict[str, Field] = {
    "audience": Field(
        "Audience", "The person you target: their struggle, desired outcome, context."
    ),
    "messaging": Field(
        "Messaging", "The single most important thing the audience should take away."
    ),
    "goals": Field(
        "Goals", "What success looks like: cold traffic, retargeting, repeat purchase…", True
    ),
}

# The parts of a video ad's script, in reading order.
SCRIPT_FIELDS: dict[str, Field] = {
    "hook": Field("Hook"),
    "body": Field("Body"),
    "call_to_action": Field("Call to action"),
    "voiceover": Field("Voiceover"),
}

# The words of a banner or flyer, in reading order, with the most words each may hold: the
# design step writes them, the user may edit them, the typography step sets them.
COPY_WORD_LIMITS: dict[str, int] = {"headline": 8, "subline": 18, "call_to_action": 4}
COPY_FIELDS: dict[str, Field] = {
    "headline": Field("Headline", f"At most {COPY_WORD_LIMITS['headline']} words: the one thing "
                      "to read."),
    "subline": Field("Subline", f"At most {COPY_WORD_LIMITS['subline']} words: supports the "
                     "headline (may be empty)."),
    "call_to_action": Field("Call to action", f"At most {COPY_WORD_LIMITS['call_to_action']} "
                            "words: the button's label."),
    "destination": Field("Destination", "Where the ad sends people, shown by the button: a web "
                         "address (on a flyer also as a QR code), @handle or phone (may be "
                         "empty)."),
}  # fmt: skip

# Where a campaign's ads send people (`aytada.destination` says what each kind looks like).
DESTINATION = Field(
    "Destination",
    "Where your ads send people: a web address, shop or app store link, @handle or phone "
    "number. Banners, flyers and video end cards show it by the call to action.",
)
DESTINATION_EXAMPLE = "e.g. korabrew.com, @stridecoach or +44 20 7946 0000"

# A workspace member's role (the memberships' CHECK constraint and the CLI's choices).
ROLES: tuple[str, ...] = ("owner", "member")

AWARENESS_STAGES: dict[str, str] = {
    "unaware": "Unaware",
    "problem_aware": "Problem aware",
    "solution_aware": "Solution aware",
    "product_aware": "Product aware",
    "most_aware": "Most aware",
}
BUSINESS_TYPES: tuple[str, ...] = (
    "Physical Product",
    "SaaS",
    "Service",
    "E-commerce Brand",
    "Mobile App",
    "Local Business",
    "Course / Info Product",
    "Agency",
    "Marketplace",
    "Subscription Box",
    "Non-profit",
)
INDUSTRIES: tuple[str, ...] = (
    "Beauty & Skincare",
    "Fitness",
    "Tech/SaaS",
    "Food & Beverage",
    "Fashion",
    "Health & Wellness",
    "Home & Living",
    "Finance",
)
CREATIVE_STYLES: tuple[str, ...] = (
    "Direct Response",
    "UGC Style",
    "Cinematic",
    "Storytelling",
    "Problem-Solution",
    "Testimonial",
    "Educational",
    "Humor",
    "Luxury",
    "Minimalist",
)
PERSUASION_TRIGGERS: tuple[str, ...] = (
    "Reciprocity",
    "Commitment & Consistency",
    "Social Proof",
    "Authority",
    "Liking",
    "Scarcity",
)
