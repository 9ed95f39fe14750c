""" "Draft strategy with AI" in the text providers: the offline writer drafts a campaign-specific
strategy in whole sentences that invents nothing; OpenAI gets the facts and its answer is parsed."""

from __future__ import annotations

import dataclasses
import re

import pytest

from aytada.providers.base import Brief, ProviderError, Strategy, TextProvider
from aytada.providers.offline.writer import OfflineWriter
from aytada.providers.openai_provider import OpenAIText
from tests.providers.briefs import TASKPILOT
from tests.providers.stub_server import Reply, StubServer, no_sleep
from tests.providers.test_openai_adapter import KEY, response_json

# what a new-campaign form holds when the user asks for a draft: no pillars yet
BIKES = Brief(
    name="Spring tune-ups",
    product_name="Spoke & Chain tune-up",
    product_description=(
        "A full tune-up for commuter cyclists: gears, brakes and chain adjusted in one visit. "
        "Bring your bike in the morning and ride it home the same evening."
    ),
    brand_name="Spoke & Chain",
    business_type="Local Business",
    industry="Fitness",
    creative_style="Storytelling",
    awareness_stage="problem_aware",
)
TASKS = dataclasses.replace(TASKPILOT, goals="")


def _pillars(draft: Strategy) -> dict[str, str]:
    return dataclasses.asdict(draft)


def test_offline_draft_is_specific_to_the_campaign() -> None:
    writer = OfflineWriter()
    assert isinstance(writer, TextProvider)
    bikes, tasks = writer.strategy(BIKES), writer.strategy(TASKS)
    # the people the description names, the product and its own words, as statements
    assert bikes.audience.startswith("Commuter cyclists who feel the problem")
    assert bikes.messaging.startswith(
        "Spoke & Chain is a full tune-up for commuter cyclists: gears, brakes and chain "
        "adjusted in one visit."
    )
    assert tasks.messaging.startswith("TaskPilot turns meeting notes into assigned tasks.")
    assert bikes.goals == "More people visit Spoke & Chain."  # a local shop: a visit
    assert tasks.goals == "More people try TaskPilot."  # SaaS: a try
    for draft in (bikes, tasks):
        for text in dataclasses.astuple(draft):  # never instructions to the writer
            assert not re.search(
                r"\b(Tell it|Open with|Name their|Lead with|Keep the tone|Show why|Answer their"
                r"|Back it up|in one line)\b",
                text,
            ), text
    # a bike shop is not given a software team's struggle, nor any other stock pain
    assert not re.search(r"notes|meeting|workday|busywork", bikes.audience + bikes.messaging)
    for field in ("audience", "messaging", "goals"):
        assert _pillars(bikes)[field] != _pillars(tasks)[field], field


def test_offline_draft_places_the_audience_by_awareness_stage() -> None:
    writer = OfflineWriter()
    drafts = {
        stage: writer.strategy(dataclasses.replace(BIKES, awareness_stage=stage))
        for stage in ("unaware", "problem_aware", "solution_aware", "product_aware", "most_aware")
    }
    assert len({d.audience for d in drafts.values()}) == 5  # where the audience stands
    assert len({d.messaging for d in drafts.values()}) == 1  # the product's own facts
    assert writer.strategy(BIKES) == drafts["problem_aware"]  # deterministic


def test_offline_draft_keeps_what_the_user_typed() -> None:
    typed = dataclasses.replace(
        BIKES, audience="Commuters whose gears slip on hills.", goals="Bookings before May."
    )
    draft = OfflineWriter().strategy(typed)
    assert draft.audience.startswith("Commuters whose gears slip on hills. They ")
    assert draft.goals == "Bookings before May. More people book with Spoke & Chain."


def test_offline_draft_is_whole_sentences_and_claims_nothing_unstated() -> None:
    writer = OfflineWriter()
    for brief in (BIKES, TASKS):
        for stage in ("unaware", "most_aware"):
            draft = writer.strategy(dataclasses.replace(brief, awareness_stage=stage))
            for field, text in _pillars(draft).items():
                assert text and text[0].isupper(), (field, text)
                assert text.rstrip()[-1] in ".!?”", (field, text)  # never cut mid-sentence
                said = f"{brief.product_description} {brief.name}"
                # no number, price, percentage or proof the description does not state
                for figure in re.findall(r"\d+%?|[$€£]\d+", text):
                    assert figure in said, (field, figure)
                for claim in ("award", "review", "rated", "bestsell", "free", "discount",
                              "% off", "guarantee", "#1", "customers love"):  # fmt: skip
                    found = re.search(rf"(?<!\w){re.escape(claim)}", text.lower())
                    assert not found or claim in said.lower(), (field, claim)


def test_offline_draft_repeats_an_offer_only_when_the_description_states_it() -> None:
    writer = OfflineWriter()
    offer = dataclasses.replace(
        TASKS,
        awareness_stage="most_aware",
        product_description="TaskPilot turns meeting notes into assigned tasks. 20% off your "
        "first month.",
    )
    assert "The offer: 20% off your first month." in writer.strategy(offer).goals
    no_offer = dataclasses.replace(TASKS, awareness_stage="most_aware")
    assert "%" not in writer.strategy(no_offer).goals


STRATEGY = {
    "audience": "Commuters whose bikes squeak. ",
    "messaging": "One visit, every fix.",
    "goals": "Bookings from nearby riders.",
}


def test_openai_strategy_request_carries_the_facts_and_parses_the_answer(
    stub: StubServer,
) -> None:
    stub.add("POST", "/v1/responses", Reply(200, response_json(STRATEGY)))
    provider = OpenAIText(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    draft = provider.strategy(BIKES)
    assert draft == Strategy(
        audience="Commuters whose bikes squeak.",
        messaging="One visit, every fix.",
        goals="Bookings from nearby riders.",
    )
    (call,) = stub.calls("POST", "/v1/responses")
    body = call.json
    prompt = body["input"] if isinstance(body["input"], str) else str(body["input"])
    for fact in ("Spoke & Chain tune-up", "gears, brakes and chain adjusted in one visit",
                 "Local Business", "Fitness", "Storytelling", "Problem aware"):  # fmt: skip
        assert fact in prompt, fact
    assert "audience" in prompt.lower() and "goals" in prompt.lower()
    schema = body["text"]["format"]["schema"]
    assert set(schema["required"]) == {"audience", "messaging", "goals"}
    assert call.headers["authorization"] == f"Bearer {KEY}"


def test_openai_strategy_with_an_empty_pillar_is_a_readable_error(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", Reply(200, response_json({**STRATEGY, "goals": " "})))
    provider = OpenAIText(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    with pytest.raises(ProviderError) as err:
        provider.strategy(BIKES)
    assert "empty strategy pillar" in str(err.value)
    assert KEY not in str(err.value)
