"""The offline copywriter's promises to a marketer: whole sentences, nothing invented, the
goal's offer and verb in the call to action, fresh ideas on every re-roll, scenes that speak
the script as edited and fit their time."""

from __future__ import annotations

import dataclasses
import itertools
import re
import textwrap

import pytest

from aytada.providers.base import Brief, Script
from aytada.providers.offline import STAGES, STYLES, TRIGGERS, OfflineWriter
from aytada.providers.offline.writer import scene_layout
from tests.providers.briefs import GLOW_LAUNCH, LEDGERLY

# The test's own list (not the writer's): words no English sentence or caption ends on.
DANGLING = set(
    """a an the of for to with and or but nor in on at by from into whose that which who your
    our its their my his her is are was were be been has have had than as so if""".split()
)

# Claims the copy may only make when the campaign text makes them (pattern → what it is).
CLAIMS = {
    r"%": "a percentage",
    r"\bfree\b": "something free",
    r"[$€£]": "a price",
    r"\b(discounts?|deals?|sales?|sav(e|ing|ings)|coupons?|promo\w*|prices?|cheap\w*)\b": "a deal",
    r"\b(limited|last chance|hurry|ends? soon|offer ends|expir\w+|deadline|gone|stock"
    r"|this week|today only|only \d+|while (stocks|supplies) last)\b": "scarcity",
    r"\b(people|customers|reviews?|rated|ratings?|stars?|trusted|thousands|millions|everyone"
    r"|join|switching|favou?rites?|best-?sell\w*|popular|testimonials?)\b": "social proof",
    r"\b(gifts?|bonus\w*|freebies?)\b": "a gift",
    r"\b(awards?|award-winning|certified|experts?|dermatologists?|clinically|proven|research"
    r"|scientists?|doctors?|approved|#1|number one|best)\b": "an award or authority",
}

DESCRIPTIONS = (
    ("TaskPilot", "Tech/SaaS", "SaaS",
     "TaskPilot turns meeting notes into assigned tasks automatically, so every meeting ends "
     "with tasks already assigned. It plugs into the calendar your team already uses, for a "
     "quarter of the price of the big project suites, and it never asks anyone to fill in a "
     "form, which is the part that makes teams actually keep using it after the first week."),
    ("GlowCo Hydrating Serum", "Beauty & Skincare", "E-commerce Brand",
     "A lightweight serum with hyaluronic acid. Layers under makeup"),
    ("Café Ñandú — cold brew", "Food & Beverage", "Local Business",
     "Cold brew steeped overnight in small batches; smooth, never bitter. Fait à Montréal ☕"),
    ("Ledgerly", "Finance", "Mobile App", ""),
)  # fmt: skip


def _brief(stage: str, style: str, trigger: str, k: int, **extra: str) -> Brief:
    product, industry, business, description = DESCRIPTIONS[k % len(DESCRIPTIONS)]
    fields = {
        "name": f"{product} campaign",
        "product_name": product,
        "product_description": description,
        "brand_name": product.split()[0],
        "awareness_stage": stage,
        "creative_style": style,
        "persuasion_trigger": trigger,
        "industry": industry,
        "business_type": business,
        "audience": ("busy women 28-40 whose skin feels dry by noon", "Team leads", "")[k % 3],
        "messaging": ("Hydration that lasts all day, with no greasy feel", "", "Less chasing")[
            k % 3
        ],
        "goals": ("Drive online sales", "free trial sign-ups", "", "app downloads")[k % 4],
        **extra,
    }
    return Brief(**fields)


MATRIX = [
    _brief(stage, style, trigger, k)
    for k, (stage, style, trigger) in enumerate(itertools.product(STAGES, STYLES, TRIGGERS))
]


def _campaign_text(brief: Brief) -> str:
    return " ".join(str(v) for v in dataclasses.astuple(brief)).lower()


def _everything(brief: Brief, length_s: int = 30) -> dict[str, list[str]]:
    """Every piece of copy the writer makes for ``brief``, by kind."""
    writer = OfflineWriter()
    ideas = writer.ideas(brief, count=3, length_s=length_s)
    script = writer.script(brief, ideas[0], length_s=length_s)
    scenes = writer.scenes(brief, script, length_s=length_s)
    banner, flyer = writer.ad_copy(brief, kind="banner"), writer.ad_copy(brief, kind="flyer")
    return {
        "hooks": [idea.hook for idea in ideas],
        "spoken": [line.text for line in script.lines] + [s.voiceover for s in scenes],
        "captions": [s.caption for s in scenes],
        "ad": [banner.headline, flyer.headline, banner.call_to_action],
        "sublines": [banner.subline, flyer.subline],  # may be empty: a thin brief says less
        "lyrics": writer.lyrics(brief, seconds=15).splitlines(),
    }  # fmt: skip


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _last_word(text: str) -> str:
    words = re.findall(r"[\w'’%-]+", text.lower())
    return words[-1] if words else ""


@pytest.mark.parametrize("brief", MATRIX, ids=lambda b: f"{b.awareness_stage}-{b.creative_style}"
                         f"-{b.persuasion_trigger}-{b.product_name[:6]}")  # fmt: skip
def test_copy_is_whole_and_claims_nothing_the_campaign_does_not(brief: Brief) -> None:
    copy = _everything(brief)
    campaign = _campaign_text(brief)
    for kind, texts in copy.items():
        for text in texts:
            if kind == "sublines" and not text:
                continue
            assert text.strip(), f"empty {kind}"
            assert "{" not in text, text
            for sentence in _sentences(text):
                assert _last_word(sentence) not in DANGLING, f"{kind} ends badly: {sentence!r}"
            if kind in ("spoken", "hooks"):
                assert text.rstrip()[-1] in ".!?", f"{kind} is not a whole sentence: {text!r}"
            lowered = text.lower()
            for pattern, what in CLAIMS.items():
                if re.search(pattern, lowered) and not re.search(pattern, campaign):
                    raise AssertionError(f"{kind} claims {what} the campaign never states: {text}")
            for number in re.findall(r"\d+", text):
                assert number in campaign, f"{kind} invents the number {number}: {text}"
    for hook in copy["hooks"]:
        assert len(hook.split()) <= 8, hook
    for caption in copy["captions"]:
        assert len(textwrap.wrap(caption, 36)) <= 2, caption  # two rows of ~32 characters


def test_long_campaign_sentences_are_shortened_by_whole_clauses() -> None:
    brief = _brief("problem_aware", "Direct Response", "", 0, messaging="")
    spoken = " ".join(_everything(brief)["spoken"])
    description = brief.product_description
    for sentence in _sentences(spoken):
        if sentence.startswith("TaskPilot turns") or sentence.startswith("Every meeting"):
            # a clause taken from the campaign is taken whole, word for word
            assert sentence.rstrip(".").lower() in description.lower()
    assert "for." not in spoken and "already." not in spoken


@pytest.mark.parametrize(
    "goals, spoken_start, button",
    [
        ("free trial sign-ups", "Start your free trial", "Start free trial"),
        ("20% off first order", "Claim 20% off your first order", "Claim 20% off"),
        ("Save 15% on every order", "Claim 15% off", "Claim 15% off"),
        ("book a tune-up", "Book your tune-up", "Book a tune-up"),
        ("newsletter sign-ups", "Sign up", "Sign up now"),
        ("Drive online sales", "Shop", "Shop now"),
        ("app downloads", "Download", "Download now"),
        ("more store visits", "Visit", "Visit us"),
        ("get more quote requests", "Get your quote", "Get a quote"),
        ("first month free for new members", "Get your first month free", None),
        ("free shipping on all orders", "Order now with free shipping", "Order now"),
    ],
)
def test_cta_follows_the_goal_and_uses_its_offer(
    goals: str, spoken_start: str, button: str | None
) -> None:
    writer = OfflineWriter()
    for stage in STAGES:
        brief = _brief(stage, "Direct Response", "", 1, goals=goals)
        idea = writer.ideas(brief, count=3, length_s=30)[0]
        script = writer.script(brief, idea, length_s=30)
        assert script.call_to_action.startswith(spoken_start), script.call_to_action
        assert writer.scenes(brief, script, length_s=30)[-1].voiceover.startswith(spoken_start)
        copy = writer.ad_copy(brief, kind="banner")
        if button:
            assert copy.call_to_action == button
        assert writer.lyrics(brief, seconds=15).splitlines()[-1].endswith(f"{spoken_start}"[:4]
                                                                          ) or spoken_start in (
            writer.lyrics(brief, seconds=15))  # fmt: skip


def test_offer_is_never_claimed_without_an_offer_in_the_goals() -> None:
    writer = OfflineWriter()
    for stage in STAGES:
        brief = _brief(stage, "Direct Response", "Scarcity", 3, goals="app downloads")
        for idea in writer.ideas(brief, count=3, length_s=60):
            text = writer.script(brief, idea, length_s=60).voiceover.lower()
            claims = r"\b(offer|free|deals?|ends soon|limited|this week)\b|%"
            assert not re.search(claims, text), text


@pytest.mark.parametrize("stage", STAGES)
def test_rerolls_walk_through_every_hook_the_brief_allows_before_repeating(stage: str) -> None:
    writer = OfflineWriter()
    brief = dataclasses.replace(LEDGERLY, awareness_stage=stage, creative_style="UGC Style")
    runs = [writer.ideas(brief, count=3, length_s=30, variant=v) for v in range(6)]
    hooks = [idea.hook for run in runs for idea in run]
    assert all(len(run) == 3 for run in runs)
    allowed = len(set(hooks))
    assert allowed >= 6, hooks  # this brief allows at least six hooks at every stage
    assert len(set(hooks[:allowed])) == allowed, hooks  # and all come before any comes back


def test_another_project_seed_starts_from_other_ideas() -> None:
    writer = OfflineWriter()
    firsts = [
        tuple(i.hook for i in writer.ideas(LEDGERLY, count=3, length_s=30, seed=seed))
        for seed in range(8)
    ]
    assert len({first[0] for first in firsts}) >= 3, firsts
    again = writer.ideas(LEDGERLY, count=3, length_s=30, seed=5)
    assert tuple(i.hook for i in again) == firsts[5]  # deterministic per seed


@pytest.mark.parametrize("stage", STAGES)
def test_the_industry_adds_no_words(stage: str) -> None:
    """A drink is not given meal copy: the industry chooses no pain, setting or habit, so
    briefs that differ only in industry say the same words and show the same scenes."""
    writer = OfflineWriter()
    spoken, visuals = set(), set()
    for industry in ("Fitness", "Finance", "Food & Beverage", "Home & Living", "Tech/SaaS"):
        brief = dataclasses.replace(LEDGERLY, awareness_stage=stage, industry=industry)
        idea = writer.ideas(brief, count=3, length_s=30)[0]
        script = writer.script(brief, idea, length_s=30)
        spoken.add(script.voiceover)
        visuals.add(tuple(s.visual for s in writer.scenes(brief, script, length_s=30)))
    assert len(spoken) == 1 and len(visuals) == 1


@pytest.mark.parametrize("stage", STAGES)
def test_business_type_chooses_the_call_to_actions_verb(stage: str) -> None:
    writer = OfflineWriter()
    ctas = {}
    for business in ("SaaS", "Local Business", "E-commerce Brand", "Mobile App"):
        brief = Brief(name="x", product_name="Acme", brand_name="Acme Co", awareness_stage=stage,
                      business_type=business, messaging="Everything in one place.")  # fmt: skip
        idea = writer.ideas(brief, count=3, length_s=30)[0]
        ctas[business] = writer.script(brief, idea, length_s=30).call_to_action
    assert ctas == {
        "SaaS": "Try Acme today.",
        "Local Business": "Visit Acme Co today.",
        "E-commerce Brand": "Shop Acme now.",
        "Mobile App": "Download Acme today.",
    }


@pytest.mark.parametrize("length_s", [6, 10, 15, 20, 30, 45, 60])
def test_scenes_fit_the_length_and_the_speaking_budget(length_s: int) -> None:
    writer = OfflineWriter()
    for brief in MATRIX[::7]:
        idea = writer.ideas(brief, count=3, length_s=length_s)[1]
        script = writer.script(brief, idea, length_s=length_s)
        scenes = writer.scenes(brief, script, length_s=length_s)
        assert sum(s.duration for s in scenes) == length_s
        assert all(s.duration >= 2 for s in scenes)
        for scene in scenes:
            assert len(scene.voiceover.split()) <= scene.duration * 2.5 + 0.01, scene
        layouts = [scene_layout(s.visual) for s in scenes]
        assert layouts[0] == "hero" and all(layouts)
        if len(scenes) > 1:
            assert layouts[-1] == "end_card"
            assert all(a != b for a, b in itertools.pairwise(layouts)), layouts
        # the hook is the idea's hook, the call to action closes
        assert scenes[0].voiceover == script.hook


def _edited(script: Script, **fields: str) -> Script:
    return dataclasses.replace(script, **fields)  # lines stay as first written (stale)


def test_scenes_speak_the_edited_hook_body_and_cta() -> None:
    writer = OfflineWriter()
    brief = _brief("problem_aware", "Direct Response", "Social Proof", 1)
    idea = writer.ideas(brief, count=3, length_s=30)[0]
    original = writer.script(brief, idea, length_s=30)
    edits = {
        "hook": "Meetings that end with a plan?",
        "body": "Every action item lands with an owner. Nobody rewrites notes at midnight.",
        "call_to_action": "Try TaskPilot on your next meeting.",
    }
    for name, text in edits.items():  # one field at a time
        scenes = writer.scenes(brief, _edited(original, **{name: text}), length_s=30)
        spoken = " ".join(s.voiceover for s in scenes)
        assert text in spoken, (name, spoken)
        old = getattr(original, name)
        assert old not in spoken, (name, spoken)
        if name == "hook":
            assert scenes[0].voiceover == text and scenes[0].caption.startswith("Meetings")
        if name == "call_to_action":
            assert scenes[-1].voiceover == text
            assert scenes[-1].caption == "Try TaskPilot on your next meeting"
        assert sum(s.duration for s in scenes) == 30
    # everything at once, the voiceover too
    voiceover = "A whole new narration. It says something else entirely."
    scenes = writer.scenes(brief, _edited(original, **edits, voiceover=voiceover), length_s=30)
    spoken = " ".join(s.voiceover for s in scenes)
    for text in (*edits.values(), voiceover):
        assert all(sentence in spoken for sentence in _sentences(text)), (text, spoken)
    assert scenes[0].voiceover.startswith(edits["hook"])
    assert scenes[-1].voiceover.endswith(edits["call_to_action"])
    # only the voiceover edited: it is spoken as written
    only = "Short and new. Then the middle. Sign up at taskpilot dot app."
    scenes = writer.scenes(brief, _edited(original, voiceover=only), length_s=30)
    assert " ".join(s.voiceover for s in scenes).split() == only.split()


def test_a_scenes_caption_names_the_product_when_its_line_does() -> None:
    """A line too long for one caption shows its sentence with the product in it, even when
    another sentence is longer: the muted viewer reads what is sold."""
    writer = OfflineWriter()
    brief = Brief(name="x", product_name="Lumi Glow Serum", brand_name="Lumi",
                  business_type="Physical Product", industry="Beauty & Skincare")  # fmt: skip
    idea = writer.ideas(brief, count=3, length_s=30)[0]
    line = "So I gave Lumi Glow Serum a real try. Smooth it on, and get on with your day."
    script = _edited(writer.script(brief, idea, length_s=15), hook="Tight skin by lunch?",
                     body=line, call_to_action="Claim 20% off.")  # fmt: skip
    (scene,) = [s for s in writer.scenes(brief, script, length_s=15) if s.voiceover == line]
    assert scene.caption == "So I gave Lumi Glow Serum a real try"
    # a one-word aside before a long claim is not the caption: the claim is
    line = "Honestly? One serum, 30 seconds each morning, visibly brighter skin in two weeks."
    script = _edited(script, body=line)
    (scene,) = [s for s in writer.scenes(brief, script, length_s=15) if s.voiceover == line]
    assert scene.caption == "One serum, 30 seconds each morning, visibly brighter skin in two weeks"


def test_scene_durations_follow_the_spoken_length() -> None:
    script = Script(
        hook="Short hook.",
        body=("This middle sentence is quite a bit longer than the others, on purpose. Brief one."),
        call_to_action="Sign up.",
        voiceover="",
    )
    scenes = OfflineWriter().scenes(Brief(name="x", product_name="Acme"), script, length_s=20)
    by_line = {s.voiceover: s.duration for s in scenes}
    long_line = next(k for k in by_line if k.startswith("This middle"))
    assert by_line[long_line] > by_line["Short hook."]
    assert by_line[long_line] >= len(long_line.split()) / 2.5
    assert sum(by_line.values()) == 20


def test_a_whose_audience_is_asked_about_and_each_clause_is_read() -> None:
    """ "…whose skin looks tired…; they want…": the problem-aware ad asks about the struggle
    (a real question), the solution-aware one about the wish, and a "you" hook is followed by
    a tip, never by "I found"."""
    writer = OfflineWriter()
    problem = [i.hook for i in writer.ideas(GLOW_LAUNCH)]
    assert problem[0] == "Does your skin look tired after long workdays?"
    wish = dataclasses.replace(GLOW_LAUNCH, awareness_stage="solution_aware")
    assert "Want to look rested without a 10-step routine?" in [i.hook for i in writer.ideas(wish)]
    script = writer.script(GLOW_LAUNCH, writer.ideas(GLOW_LAUNCH)[0], length_s=15)
    assert script.hook == problem[0]
    assert "I found" not in script.voiceover and "Lumi Glow Serum" in script.voiceover


def test_an_amount_off_hook_says_what_it_is_off() -> None:
    aware = dataclasses.replace(GLOW_LAUNCH, awareness_stage="most_aware",
                                creative_style="Direct Response")  # fmt: skip
    hooks = [i.hook for i in OfflineWriter().ideas(aware)]
    assert "20% off Lumi Glow Serum." in hooks
    assert "20% off." not in hooks
