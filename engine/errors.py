"""Typed errors raised by the engine; the web layer maps each to one HTTP answer."""

from dataclasses import dataclass, field
from datetime import datetime


class MaillageError(Exception):
    """Base of every error the engine raises on purpose."""


@dataclass(frozen=True)
class Reason:
    """Why an action is refused: a stable code, a French sentence, the fields concerned."""

    code: str
    message: str
    fields: tuple[str, ...] = ()


class NotFound(MaillageError):
    def __init__(self, message: str = "Cet élément n'existe pas ou ne vous est pas accessible."):
        super().__init__(message)
        self.message = message


class NotPermitted(MaillageError):
    def __init__(self, reasons: list[Reason] | Reason):
        self.reasons = [reasons] if isinstance(reasons, Reason) else list(reasons)
        super().__init__(" ".join(r.message for r in self.reasons))

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


class InvalidInput(MaillageError):
    def __init__(self, errors: dict[str, list[str]], message: str = "Données invalides."):
        self.errors = errors
        self.message = message
        super().__init__(f"{message} {errors}")


@dataclass
class Conflict(MaillageError):
    current_version: int | None
    changed_by: str | None = None
    changed_at: datetime | None = None
    message: str = field(default="")

    def __post_init__(self) -> None:
        if not self.message:
            who = f" par {self.changed_by}" if self.changed_by else ""
            self.message = f"Cet élément a été modifié entre-temps{who}. Rechargez la page."
        super().__init__(self.message)


class WorkflowError(MaillageError):
    """A workflow file is invalid; the message names the file and the problem."""


class DatabaseNotReady(MaillageError):
    """The database cannot be reached, or is not migrated: one clear line for the operator."""
