"""People, roles, stakeholder groups and audience sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, func, select

from storage.models import AudienceSource, Person


def get_person(session: Session, *, user_id: str) -> Person | None:
    return session.get(Person, user_id)


_GROUP_OF = select(Person.stakeholder_group).where(Person.user_id == bindparam("user_id"))


def group_of(session: Session, *, user_id: str) -> str | None:
    """The person's stakeholder group; a cached Core query, as it runs before every ack."""
    return session.connection().execute(_GROUP_OF, {"user_id": user_id}).scalar_one_or_none()


def ensure_person(session: Session, *, user_id: str) -> Person:
    person = session.get(Person, user_id)
    if person is None:
        person = Person(user_id=user_id)
        session.add(person)
        session.flush()
    return person


def set_change_leads(session: Session, *, user_ids: Iterable[str]) -> None:
    wanted = set(user_ids)
    for person in session.exec(select(Person).where(col(Person.is_change_lead))):
        if person.user_id not in wanted:
            person.is_change_lead = False
    for user_id in wanted:
        ensure_person(session, user_id=user_id).is_change_lead = True


def change_lead_ids(session: Session) -> list[str]:
    query = select(Person.user_id).where(col(Person.is_change_lead)).order_by(Person.user_id)
    return list(session.exec(query))


def set_champion(session: Session, *, user_ids: Iterable[str], champion: bool) -> None:
    for user_id in user_ids:
        ensure_person(session, user_id=user_id).is_champion = champion


def champion_ids(session: Session) -> list[str]:
    query = select(Person.user_id).where(col(Person.is_champion)).order_by(Person.user_id)
    return list(session.exec(query))


def set_group(session: Session, *, user_ids: Iterable[str], group: str | None) -> None:
    for user_id in user_ids:
        ensure_person(session, user_id=user_id).stakeholder_group = group


def group_members(session: Session) -> dict[str, list[str]]:
    query = (
        select(Person.stakeholder_group, Person.user_id)
        .where(col(Person.stakeholder_group).is_not(None))
        .order_by(Person.stakeholder_group, Person.user_id)
    )
    groups: dict[str, list[str]] = {}
    for group, user_id in session.exec(query):
        groups.setdefault(str(group), []).append(user_id)
    return groups


def group_size(session: Session, *, group: str) -> int:
    query = select(func.count()).select_from(Person).where(Person.stakeholder_group == group)
    return int(session.exec(query).one())


def upsert_directory_facts(
    session: Session,
    *,
    user_id: str,
    tz: str | None,
    is_bot: bool,
    deleted: bool,
    is_workspace_admin: bool,
    synced_at: datetime,
) -> Person:
    person = ensure_person(session, user_id=user_id)
    person.tz = tz
    person.is_bot = is_bot
    person.deleted = deleted
    person.is_workspace_admin = is_workspace_admin
    person.synced_at = synced_at
    return person


def add_audience_sources(session: Session, *, kind: str, refs: Iterable[str]) -> None:
    for ref in refs:
        if session.get(AudienceSource, (kind, ref)) is None:
            session.add(AudienceSource(kind=kind, ref=ref))
    session.flush()


def remove_audience_sources(session: Session, *, kind: str, refs: Iterable[str]) -> None:
    refs = list(refs)
    if refs:
        session.exec(
            delete(AudienceSource).where(
                col(AudienceSource.kind) == kind, col(AudienceSource.ref).in_(refs)
            )
        )


def audience_sources(session: Session) -> list[AudienceSource]:
    query = select(AudienceSource).order_by(AudienceSource.kind, AudienceSource.ref)
    return list(session.exec(query))


def people_by_id(session: Session, *, user_ids: Iterable[str]) -> dict[str, Person]:
    ids = list(set(user_ids))
    found: dict[str, Person] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for person in session.exec(select(Person).where(col(Person.user_id).in_(chunk))):
            found[person.user_id] = person
    return found
