"""Hooks the partners addon owns: its published contract with the addons built on it.

Addons that declare partners in ``depends`` or ``extras_depend`` may import this module
(and only this one) from partners; the DTOs below are what the hooks carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.plugins import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class PartnerRef:
    """A partner as other addons see it: id, code and display name ("Company, Person")."""

    id: int
    code: str
    name: str


# --------------------------------------------------------------------------- questions
# Asked by partners' services before a change; the caller's session is read-only for
# the implementations (no writes, no commit).


@hookspec
def partners_archive_blockers(partners: tuple[PartnerRef, ...], session: Session) -> list[str]:
    """Return why these partners cannot be archived (or deleted), as translated texts.

    Called by ``archive_partners`` and ``delete_partners`` before anything changes, with
    every partner about to go (the contacts of an archived company included). Each
    addon returns a list of reasons (e.g. "Acme Ltd has 2 open sales orders"), or an
    empty list; when any addon gives a reason, nothing is archived and the reasons are
    shown to the user.
    """
