"""Columns shared by every record that follows a workflow."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class WorkflowRecord:
    """Mixin: state, workflow name and version, optimistic version, and who did what.

    A stamp (`created_by_id`, `submitted_by_id`, `proposed_by_id`) is the person who acted; its
    `…_for_id` twin, the delegator they acted for when they acted through a delegation (else
    null): the separation of duties checks both, so a delegator back from an absence does not
    review what their delegate submitted for them."""

    reference: Mapped[str] = mapped_column(String(20), unique=True)
    state: Mapped[str] = mapped_column(String(40))
    workflow_name: Mapped[str] = mapped_column(String(40))
    workflow_version: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    state_changed_at: Mapped[datetime]

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def submitted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def proposed_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def created_for_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def submitted_for_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr
    def proposed_for_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("app_user.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
