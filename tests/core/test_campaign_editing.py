"""Core rules of an editable campaign, project strategy overrides and variants along an axis:
bad input changes nothing and names every bad field."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from aytada.core import campaigns, projects
from aytada.core.errors import NotFound, ValidationFailed
from aytada.core.options import options_of
from tests.factories import make_campaign, make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buf, format="PNG")
    return buf.getvalue()


def test_update_checks_everything_first_and_changes_nothing_on_bad_input(workspace_id):
    cid = make_campaign(workspace_id, business_type="SaaS")
    before = campaigns.get_campaign(workspace_id, cid)
    bad = {
        "name": "",
        "awareness_stage": "very_aware",
        "industry": ["Fashion"],  # wrong type
        "creative_style": "",  # a campaign always has a style
        "brand_colors": ["#12345G"],
        "tone_of_voice": "x" * 121,
        "creative_style_typo": "ignored",  # not a field
    }
    with pytest.raises(ValidationFailed) as err:
        campaigns.update_campaign(
            workspace_id, cid, {**bad, "brand_name": "Fine"},
            logo=("logo.png", "image/gif", b"GIF89a"), remove=["product_photo", "audience"],
        )  # fmt: skip
    assert set(err.value.errors) == {
        "name", "awareness_stage", "industry", "creative_style", "brand_colors",
        "tone_of_voice", "logo", "audience",
    }  # fmt: skip
    after = campaigns.get_campaign(workspace_id, cid)
    assert after.brand_name == before.brand_name == "Northpeak"  # the good field waited too
    assert after.business_type == "SaaS"


def test_update_sets_clears_and_replaces(workspace_id):
    cid = make_campaign(workspace_id, business_type="SaaS", persuasion_trigger="Authority")
    campaigns.update_campaign(
        workspace_id, cid,
        {"business_type": "", "persuasion_trigger": "Liking", "awareness_stage": "unaware",
         "brand_colors": ["#aabbcc", "#001122"]},
        product_photo=("p.png", "image/png", _png()),
    )  # fmt: skip
    c = campaigns.get_campaign(workspace_id, cid)
    assert (c.business_type, c.persuasion_trigger, c.awareness_stage) == ("", "Liking", "unaware")
    assert c.brand_colors == "#AABBCC,#001122" and c.product_photo_path
    with pytest.raises(ValidationFailed) as err:  # replace and remove at once: which one?
        campaigns.update_campaign(workspace_id, cid, {}, product_photo=("p.png", "image/png",
                                  _png()), remove=["product_photo"])  # fmt: skip
    assert "not both" in err.value.errors["product_photo"]
    campaigns.update_campaign(workspace_id, cid, {}, remove=["product_photo"])
    assert campaigns.get_campaign(workspace_id, cid).product_photo_path == ""
    with pytest.raises(NotFound):
        campaigns.update_campaign(workspace_id, 999999, {"name": "x"})


def test_overrides_are_validated_and_replace_the_campaign_in_the_brief(workspace_id):
    cid = make_campaign(workspace_id)
    with pytest.raises(ValidationFailed) as err:
        projects.create_project(
            workspace_id, cid, title="t",
            overrides={"creative_style": "Opera", "industry": "Fashion"},
        )  # fmt: skip
    assert set(err.value.errors) == {"creative_style", "industry"}
    assert projects.list_projects(workspace_id).total == 0
    pid = projects.create_project(
        workspace_id, cid, title="t",
        overrides={"creative_style": "Humor", "awareness_stage": "", "persuasion_trigger": None},
    )  # fmt: skip
    project = projects.get_project(workspace_id, pid)
    assert project.options == {"choices": {"overrides": {"creative_style": "Humor"}}}
    campaign = campaigns.get_campaign(workspace_id, cid)
    brief = campaigns.brief_snapshot(campaign, options_of(project).choices.overrides)
    assert brief["creative_style"] == "Humor" and brief["awareness_stage"] == "problem_aware"
    assert campaigns.brief_snapshot(campaign)["creative_style"] == "Direct Response"


def test_make_variant_changes_one_axis_and_refuses_what_does_not_apply(workspace_id):
    cid = make_campaign(workspace_id)
    stored = {"outputs": {"thumbnail": "x.png", "lyrics": "la"}, "lineage": {"idea_round": 2}}
    pid = make_project(workspace_id, cid, title="A", length_s=15, options=stored)
    for axis, value, field in (
        ("length_s", 15, "value"),  # what it already uses
        ("length_s", 45, "value"),  # not a length
        ("voice", "  ", "value"),
        ("voice", "Nova british", "value"),  # not a voice id: it would read as no voice
        ("colour", "red", "axis"),
    ):
        with pytest.raises(ValidationFailed) as err:
            projects.make_variant(workspace_id, pid, axis, value)
        assert field in err.value.errors, (axis, value)
    banner = make_project(workspace_id, cid, kind="banner")
    with pytest.raises(ValidationFailed):
        projects.make_variant(workspace_id, banner, "length_s", 30)
    made = {
        axis: projects.get_project(workspace_id, projects.make_variant(workspace_id, pid, axis, v))
        for axis, v in (("length_s", 60), ("voice", "en-gb"), ("awareness_stage", "unaware"))
    }
    assert made["length_s"].length_s == 60 and made["length_s"].title == "A (Length: 60 s)"
    assert options_of(made["voice"]).choices.voice == "en-gb"
    assert options_of(made["awareness_stage"]).choices.overrides == {"awareness_stage": "unaware"}
    assert made["awareness_stage"].title == "A (Awareness stage: Unaware)"
    for variant in made.values():
        lineage = options_of(variant).lineage
        assert variant.status == "draft" and lineage.variant_of == pid
        assert lineage.idea_seed == pid  # the source's walk through the ideas …
        assert "outputs" not in variant.options  # what the source made is not copied
    rounds = {options_of(v).lineage.idea_round for v in made.values()}
    assert len(rounds) == 3 and min(rounds) > 2  # … each sibling from another, later round
