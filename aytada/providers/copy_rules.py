"""The rules every ad copy follows, offline or written by a model, and the campaign facts they
depend on (offers stated in the goals, the call-to-action verb the goal asks for).

The offline writer applies them in code; the OpenAI writer sends them as instructions
(:func:`rules_text`) together with the facts of the campaign (:func:`campaign_facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aytada.providers.base import Brief
from aytada.standards import WORDS_PER_SECOND as MAX_WORDS_PER_SECOND

HOOK_MAX_WORDS = 8
#: Spoken words per second of a scene that a voice can say without rushing.

# Offers a campaign can state (in its goals or messaging): a discount, a free trial, ...
_OFFER_PATTERNS: tuple[str, ...] = (
    r"\b\d{1,3}\s?%\s?(?:off|discount)\b[^.,;\n]*",
    r"\b(?:save|get)\s+\d{1,3}\s?%[^.,;\n]*",
    r"[$€£]\s?\d+(?:[.,]\d+)?\s?(?:off)?[^.,;\n]*",
    r"\bfree\s+(?:\d+[- ]day\s+)?trial\b",
    r"\b\d+[- ]day\s+free\s+trial\b",
    r"\bfree\s+(?:shipping|delivery|consultation|demo|sample|returns)\b",
    r"\bbuy\s+one,?\s+get\s+one(?:\s+free)?\b",
    r"\b(?:money[- ]back|satisfaction)\s+guarantee\b",
    r"\bfirst\s+(?:month|week|lesson|class|session)\s+free\b",
)

# Call-to-action verbs by goal, first match wins (the goal's words → the verb to use).
_CTA_VERBS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("free trial", "trial"), "start a free trial"),
    (("sign up", "sign-up", "signup", "register", "subscribe", "newsletter", "lead"), "sign up"),
    (("demo", "book", "appointment", "reservation", "consult", "call"), "book"),
    (("download", "install"), "download"),
    (("buy", "sale", "sell", "purchase", "order", "shop", "revenue", "conversion", "roas"),
     "buy"),
    (("visit", "store", "traffic", "website", "footfall"), "visit"),
)  # fmt: skip


def stated_offers(brief: Brief) -> list[str]:
    """The offers the campaign states, as written ("20% off", "free trial"), in order."""
    text = " ".join(part for part in (brief.goals, brief.messaging) if part)
    found: list[str] = []
    for pattern in _OFFER_PATTERNS:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            offer = " ".join(match.group(0).split()).rstrip(" -–—:")
            if offer and not any(offer.lower() in known.lower() for known in found):
                found.append(offer)
    return found


def cta_verb(goals: str) -> str:
    """The call-to-action verb the goal asks for: "sign up", "start a free trial", "buy",
    "book", "download", "visit"; "" when the goals say nothing that decides it."""
    text = goals.lower()
    for words, verb in _CTA_VERBS:
        if any(re.search(rf"\b{re.escape(word)}", text) for word in words):
            return verb
    return ""


@dataclass(frozen=True)
class CampaignFacts:
    offers: tuple[str, ...]
    cta_verb: str


def campaign_facts(brief: Brief) -> CampaignFacts:
    return CampaignFacts(offers=tuple(stated_offers(brief)), cta_verb=cta_verb(brief.goals))


def rules_text(brief: Brief) -> str:
    """The copy rules, with this campaign's facts, as instructions for a model."""
    facts = campaign_facts(brief)
    rules = [
        "Write whole sentences only. Never cut a sentence or phrase short; when something is "
        "too long, drop whole sentences or clauses instead.",
        "Never claim offers, prices, discounts, numbers, statistics, scarcity or deadlines, "
        "gifts, guarantees, awards or social proof (reviews, customer counts, 'people are "
        "switching') that the campaign brief does not state.",
        f"The hook (opening line) has at most {HOOK_MAX_WORDS} words.",
        f"A scene's voiceover has at most {MAX_WORDS_PER_SECOND:g} words per second of that "
        "scene, so it can be spoken in time without rushing.",
        "The brief is the source of every claim. The hook comes from the audience's own "
        "struggle or wish, said to 'you' in their words (or from the benefit, the proof or the "
        "offer, by awareness stage), and names the problem or the product; the benefit comes "
        "from the Messaging; the reason to believe from the product description; the proof "
        "(ratings, counts, years, endorsements) and the offer, code, trial, gift or deadline "
        "from the Goals, quoted as stated.",
        "The business type, the industry, the stage, the style and the trigger choose the "
        "structure (what comes first, the rhythm, the call-to-action verb, which proof leads), "
        "never a pain, setting, habit or claim the brief does not state. Where the brief is "
        "thin, say less rather than something generic.",
    ]
    if brief.destination:
        rules.append(
            f"The ads send people to {brief.destination!r}: the call to action ends there "
            "(say it as written)."
        )
    if facts.offers:
        listed = "; ".join(f'"{offer}"' for offer in facts.offers)
        rules.append(
            f"The campaign states these offers: {listed}. The call to action uses the offer "
            "(e.g. 'Start your free trial', 'Get 20% off'), worded as the campaign states it."
        )
    else:
        rules.append("The campaign states no offer: the call to action promises none.")
    if facts.cta_verb:
        rules.append(
            f"The goals ask for '{facts.cta_verb}': the call to action uses that verb "
            f"({_CTA_EXAMPLES[facts.cta_verb]})."
        )
    else:
        rules.append(
            "The call-to-action verb follows the goal: sign up, start a trial, buy, book or visit."
        )
    return "Copy rules\n" + "\n".join(f"- {rule}" for rule in rules)


_CTA_EXAMPLES = {
    "start a free trial": "e.g. 'Start your free trial'",
    "sign up": "e.g. 'Sign up today'",
    "book": "e.g. 'Book your demo'",
    "download": "e.g. 'Download the app'",
    "buy": "e.g. 'Buy yours today', 'Shop now'",
    "visit": "e.g. 'Visit us today'",
}
