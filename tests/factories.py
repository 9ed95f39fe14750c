"""Factories for campaigns and projects (test setup may set statuses directly), and the
sample scenes the job and UI tests give them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from aytada.core import campaigns, credits, projects
from aytada.core.db import session_scope
from aytada.core.models import CreditHold, Generation, Project

CAMPAIGN = {
    "name": "Spring launch",
    "product_name": "Trailblazer shoes",
    "product_description": "Light trail running shoes with a grippy sole.",
    "brand_name": "Northpeak",
    "tone_of_voice": "energetic",
    "brand_colors": "#0B6E4F,#F2C14E",
    "awareness_stage": "problem_aware",
    "creative_style": "Direct Response",
    "audience": "Weekend runners who slip on muddy trails.",
    "messaging": "Grip that holds on any trail.",
    "goals": "Sell 500 pairs in the launch month.",
}


# three 5-second scenes in real words (the offline voice speaks them, the renderer draws them)
SCENES = [
    {
        "index": i,
        "visual": f"A runner on a muddy trail, shot {i}",
        "caption": f"Grip {i}",
        "voiceover": f"Line {i} of the ad.",
        "duration": 5.0,
    }
    for i in range(3)
]


def make_campaign(workspace_id: int, **overrides: Any) -> int:
    return campaigns.create_campaign(workspace_id, {**CAMPAIGN, **overrides})


def make_project(
    workspace_id: int, campaign_id: int | None = None, *, status: str = "draft", **fields: Any
) -> int:
    cid = campaign_id or make_campaign(workspace_id)
    kind = fields.pop("kind", "video")
    pid = projects.create_project(
        workspace_id,
        cid,
        kind=kind,
        title=fields.pop("title", "Test ad"),
        fmt=fields.pop("fmt", "9:16" if kind == "video" else "1080x1080"),
        length_s=fields.pop("length_s", 15),
        quality=fields.pop("quality", "pro"),
    )
    with session_scope() as s:
        project = s.get(Project, pid)
        assert project is not None
        project.status = status
        for key, value in fields.items():
            setattr(project, key, value)
    return pid


def open_holds() -> list[tuple[str, int, int | None]]:
    """Every open credit hold as (step, amount, generation id), oldest first."""
    with session_scope() as s:
        rows = s.execute(
            select(CreditHold.step, CreditHold.amount, CreditHold.generation_id).order_by(
                CreditHold.id
            )
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def drop_holds(project_id: int) -> None:
    """Forget the credits held for the project's work, as for work queued before holds existed
    (migration 0008): it is charged when it succeeds, against whatever is there then."""
    with session_scope() as s:
        s.execute(delete(CreditHold).where(CreditHold.project_id == project_id))


def charge(project_id: int, step: str, amount: int, scene: int = -1) -> int:
    """A succeeded generation charged through `credits.charge` (the worker's path); its id."""
    with session_scope() as s:
        project = s.get(Project, project_id)
        assert project is not None
        gen = Generation(project_id=project_id, step=step, scene_index=scene, state="succeeded",
                         credits=amount, rq_job_id="x")  # fmt: skip
        s.add(gen)
        s.flush()
        credits.charge(s, gen, project.workspace_id)
        return gen.id


def attach_output(project_id: int, name: str, write: Any, *, kind: str, role: str,
                  mime_type: str, step: str = "", provider: str = "offline") -> int:  # fmt: skip
    """A finished project's output file: ``write(path)`` makes it under the workspace's media
    folder, an Asset records it as the project's output (and a succeeded generation of
    ``step`` made it, when given); the asset's id."""
    from aytada.core.models import Asset
    from aytada.core.settings import get_settings

    with session_scope() as s:
        project = s.get(Project, project_id)
        assert project is not None
        ws = project.workspace_id
        folder = get_settings().media_dir / f"ws{ws}" / "out"
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / name)
        if step:
            s.add(Generation(project_id=project_id, step=step, scene_index=-1, state="succeeded",
                             rq_job_id="x", provider=provider))  # fmt: skip
        asset = Asset(workspace_id=ws, project_id=project_id, kind=kind, role=role,
                      path=f"ws{ws}/out/{name}", mime_type=mime_type)  # fmt: skip
        s.add(asset)
        s.flush()
        project.output_asset_id = asset.id
        return asset.id
