"""Typed SQLAlchemy 2 models. The schema itself is created by Alembic (`migrations/`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from aytada.core.statuses import ACTIVE, OPEN_STATES, GenState, Status
from aytada.vocabulary import ROLES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ACTIVE_SQL = ", ".join(f"'{s.value}'" for s in sorted(ACTIVE))
OPEN_GENERATION_SQL = f"state IN ({', '.join(repr(s.value) for s in OPEN_STATES)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_key() -> str:
    return uuid.uuid4().hex


class GenStateType(TypeDecorator[GenState]):
    """A generation's state: stored as its plain string value, read back as `GenState`."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: GenState | str | None, dialect: object) -> str | None:
        return None if value is None else GenState(value).value

    def process_result_value(self, value: str | None, dialect: object) -> GenState | None:
        return None if value is None else GenState(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_balance: Mapped[int] = mapped_column(Integer, default=0)
    voice_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # set when an owner deletes the workspace: nobody reaches it any more
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (CheckConstraint("credit_balance >= 0", name="balance_not_negative"),)


"""A member's role in a workspace: an owner also tops up credits and manages members."""
ROLES_SQL = ", ".join(f"'{r}'" for r in ROLES)


class User(Base):
    """A person, known by the e-mail address their sign-in reports (stored in lower case)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # None: invited (added by address), has not signed in yet
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Membership(Base):
    """A user in a workspace, as ``owner`` or ``member``."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", name="uq_memberships_workspace_user"),
        CheckConstraint(f"role IN ({ROLES_SQL})", name="known_role"),
    )


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    product_name: Mapped[str] = mapped_column(String(200))
    product_description: Mapped[str] = mapped_column(Text, default="")
    brand_name: Mapped[str] = mapped_column(String(200), default="")
    tone_of_voice: Mapped[str] = mapped_column(String(200), default="")
    brand_colors: Mapped[str] = mapped_column(String(200), default="#1F3A93,#F5B041")
    logo_path: Mapped[str] = mapped_column(String(500), default="")
    product_photo_path: Mapped[str] = mapped_column(String(500), default="")
    # up to 4 more product images or screenshots (stored paths like product_photo_path, which
    # stays the first), in the order scenes use them; read with campaigns.product_images
    more_product_images: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the strategy board's cells the team marked (`aytada.core.board`'s cell ids)
    board_favourites: Mapped[list[str]] = mapped_column(JSON, default=list)
    awareness_stage: Mapped[str] = mapped_column(String(40), default="problem_aware")
    business_type: Mapped[str] = mapped_column(String(80), default="")
    industry: Mapped[str] = mapped_column(String(80), default="")
    creative_style: Mapped[str] = mapped_column(String(80), default="Direct Response")
    persuasion_trigger: Mapped[str] = mapped_column(String(80), default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    messaging: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    # where the ads send people: a web address, an @handle or a phone number ("": none)
    destination: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    projects: Mapped[list[Project]] = relationship(back_populates="campaign")


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="video")
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20), default="9:16")
    length_s: Mapped[int] = mapped_column(Integer, default=30)
    quality: Mapped[str] = mapped_column(String(20), default="pro")
    status: Mapped[str] = mapped_column(String(40), default=Status.DRAFT.value)
    failed_step: Mapped[str | None] = mapped_column(String(40), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    ideas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    chosen_idea: Mapped[int | None] = mapped_column(Integer, default=None)
    script: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    scenes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scenes_stale: Mapped[bool] = mapped_column(default=False)
    # per-scene segment asset ids, as a JSON object {"0": asset_id, ...}
    segments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voiceover_asset_id: Mapped[int | None] = mapped_column(Integer, default=None)
    output_asset_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # {"choices", "outputs", "lineage"}: read with aytada.core.options.options_of (typed),
    # change one section with options_with
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # the kit this project is a part of (None: made on its own)
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id"), index=True, default=None)

    campaign: Mapped[Campaign] = relationship(back_populates="projects")

    __table_args__ = (
        # My Videos: a workspace's non-deleted projects, newest first
        Index(
            "ix_projects_workspace_live_created",
            "workspace_id",
            "created_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # "does this workspace have an active project?"
        Index(
            "ix_projects_workspace_active",
            "workspace_id",
            "status",
            postgresql_where=text(f"deleted_at IS NULL AND status IN ({ACTIVE_SQL})"),
            sqlite_where=text(f"deleted_at IS NULL AND status IN ({ACTIVE_SQL})"),
        ),
    )


class Kit(Base):
    """One "Make the kit": a group of normal projects made from one campaign in one action
    (each part keeps its own status, retry and charges; `Project.kit_id` names its kit)."""

    __tablename__ = "kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    length_s: Mapped[int] = mapped_column(Integer)  # its video and jingle
    quality: Mapped[str] = mapped_column(String(20))  # its videos
    quoted: Mapped[int] = mapped_column(Integer)  # credits quoted before the click
    zip_path: Mapped[str] = mapped_column(String(500), default="")  # the packaged files
    packaged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Generation(Base):
    __tablename__ = "generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, default=new_key)
    # None for a generation that belongs to no project (a campaign's strategy draft)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id"), index=True, default=None
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id"), index=True, default=None
    )
    step: Mapped[str] = mapped_column(String(40))
    scene_index: Mapped[int] = mapped_column(Integer, default=-1)  # -1: not a per-scene step
    state: Mapped[GenState] = mapped_column(GenStateType(), default=GenState.QUEUED)
    provider: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    input_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    credits: Mapped[int] = mapped_column(Integer, default=0)  # price fixed at enqueue time
    credits_charged: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    notice: Mapped[str | None] = mapped_column(Text, default=None)
    rq_job_id: Mapped[str] = mapped_column(String(80), default="")
    worker_host: Mapped[str] = mapped_column(String(200), default="")
    worker_pid: Mapped[int | None] = mapped_column(Integer, default=None)
    # runs whose worker died before the step finished (re-run once automatically, then failed)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # who started it (None: the CLI, the system, or single-user local mode)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (
        # the database's "not twice at once" rule
        Index(
            "uq_generations_open_step",
            "project_id",
            "step",
            "scene_index",
            unique=True,
            postgresql_where=text(OPEN_GENERATION_SQL),
            sqlite_where=text(OPEN_GENERATION_SQL),
        ),
        Index(
            "ix_generations_open",
            "state",
            postgresql_where=text(OPEN_GENERATION_SQL),
            sqlite_where=text(OPEN_GENERATION_SQL),
        ),
    )

    @property
    def job_id(self) -> str:
        return f"gen-{self.key}"


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    generation_id: Mapped[int | None] = mapped_column(ForeignKey("generations.id"))
    kind: Mapped[str] = mapped_column(String(20))  # image, clip, audio, video, text
    role: Mapped[str] = mapped_column(String(40), default="")  # scene_still, banner, final, ...
    path: Mapped[str] = mapped_column(String(500))
    mime_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CreditLedgerEntry(Base):
    __tablename__ = "credit_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    generation_id: Mapped[int | None] = mapped_column(
        ForeignKey("generations.id"), unique=True, default=None
    )
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    # who caused it: the top-up's owner, or the user who started the charged generation
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CreditHold(Base):
    """Credits held for work that is queued or running, and for the rest of its chain.

    Taken when the work is queued, in the transaction that writes its generations, against
    the balance less every open hold (`aytada.core.credits.hold`); the row is deleted when the
    work ends: settled (the charge, a ledger row, in the same transaction) or released (the
    work failed, was discarded or will never be queued). A hold is never a ledger entry.
    """

    __tablename__ = "credit_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id"), index=True, default=None
    )
    # the generation it pays for; None: a step of the chain not queued yet (`step`), taken
    # over by that step's generation when the chain gets there
    generation_id: Mapped[int | None] = mapped_column(
        ForeignKey("generations.id"), unique=True, default=None
    )
    step: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
