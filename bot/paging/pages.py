"""What a page is: the states that take a person out, the DMs that show an incident, its keys."""

from __future__ import annotations

from sqlalchemy import bindparam, case, literal, update

from bot.store import LIVE_PAGES, Incident, Page, PageKind, PageStatus, one_of, table_of

# A declined or unreachable person is not asked again about the incident.
OUT = frozenset({PageStatus.DECLINED, PageStatus.UNREACHABLE})
# Pages whose DM shows the incident as it is now (a cancelled one was never sent).
SHOWN = frozenset({PageStatus.QUEUED, PageStatus.SENT, PageStatus.DECLINED})
# A page's key (L2:U0SUP1:1) keeps each attempt unique; its prefix stays as it always was, so
# keys written before pages had a kind column still collide with the same attempt made now.
KEY_PREFIX = {PageKind.PAGE: "L", PageKind.NOTICE: "N"}


def page_key(incident_id: int, user: str) -> str:
    """Outbox key of one person's DMs about one incident: the page before its edits."""
    return f"page:{incident_id}:{user}"


def live_pages(incident: Incident, level: int) -> list[Page]:
    """The level's pages still waiting for an answer (notices wait for none)."""
    return [
        p
        for p in incident.pages
        if p.kind == PageKind.PAGE and p.level == level and p.status in LIVE_PAGES
    ]


_PAGES = table_of(Page)
# Built once, on the table: they run for every page DM, and building an ORM UPDATE cost more
# than running it.
ATTEMPTING = (
    update(_PAGES)
    .where(
        one_of(_PAGES.c.id, "pages"),
        _PAGES.c.attempted_at.is_(None),
        _PAGES.c.status == PageStatus.QUEUED,
    )
    .values(attempted_at=bindparam("now"))
)
# A DM went out: where its DM is, and queued → sent (the common case, and the one the post's
# Paged field shows); a page that changed meanwhile (cancelled, carried in a re-page) keeps its
# status. One statement for both, so the DMs a pass records go in one executemany.
SENT = (
    update(_PAGES)
    .where(_PAGES.c.id == bindparam("page"), _PAGES.c.ts.is_(None))
    .values(
        channel=bindparam("dm"),
        ts=bindparam("dm_ts"),
        sent_at=bindparam("now"),
        status=case(
            (_PAGES.c.status == PageStatus.QUEUED, literal(PageStatus.SENT, _PAGES.c.status.type)),
            else_=_PAGES.c.status,
        ),
    )
)
