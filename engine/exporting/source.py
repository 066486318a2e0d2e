"""What an export reads: the schemes of a filter, in batches, with everything they show."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from engine.models import Pooling, Scheme, SchemeFunder, SchemePartner, VocabularyTerm
from engine.models.pooling import pooling_member
from engine.queries.inventory import InventoryFilter, scheme_query
from engine.rules.policy import Actor
from engine.rules.workflow import WorkflowRegistry

# Schemes loaded, written and dropped together: enough to amortise the eager loads' round trips,
# few enough that 10,000 schemes never sit in memory at once.
BATCH = 500

SCHEME_LOADS = (
    selectinload(Scheme.themes),
    selectinload(Scheme.publics),
    selectinload(Scheme.aid_types),
    selectinload(Scheme.territories),
    selectinload(Scheme.partners).joinedload(SchemePartner.organisation),
    selectinload(Scheme.funders).joinedload(SchemeFunder.organisation),
)


@dataclass
class Inventory:
    """The schemes `actor` may see that match `filters`, read in one session."""

    session: Session
    actor: Actor
    filters: InventoryFilter
    workflows: WorkflowRegistry
    # Told of each scheme a format cannot hold (reference, why), as it is left out.
    on_skip: Callable[[str, str], None] | None = None
    skipped: list[str] = field(default_factory=list)

    @cached_property
    def query(self) -> Select:
        """The inventory's select of the matching schemes (the list page's and the API's)."""
        return scheme_query(self.session, self.filters, self.actor, self.workflows)

    def schemes(self) -> Iterator[Scheme]:
        """Yield the matching schemes, oldest first, loaded eagerly batch by batch."""
        query = self.query
        ids = iter(self.session.scalars(query.with_only_columns(Scheme.id)).all())
        while batch := list(islice(ids, BATCH)):
            # The filter is applied again: on PostgreSQL each statement sees the latest commits,
            # and a scheme sent back to draft meanwhile must still not leak.
            stmt = query.where(Scheme.id.in_(batch)).options(*SCHEME_LOADS)
            yield from self.session.scalars(stmt)
            self.session.expunge_all()

    def poolings(self) -> list[Pooling]:
        """Return the poolings that include at least one of the matching schemes."""
        members = select(pooling_member.c.pooling_id).where(
            pooling_member.c.scheme_id.in_(self.query.with_only_columns(Scheme.id))
        )
        stmt = (
            select(Pooling)
            .where(Pooling.id.in_(members))
            .options(
                joinedload(Pooling.lead_organisation),
                selectinload(Pooling.members),
                selectinload(Pooling.territories),
            )
            .order_by(Pooling.id)
        )
        return list(self.session.scalars(stmt))

    def vocabularies(self) -> list[VocabularyTerm]:
        """Return every vocabulary term, by vocabulary then position."""
        stmt = select(VocabularyTerm).order_by(
            VocabularyTerm.vocabulary, VocabularyTerm.position, VocabularyTerm.code
        )
        return list(self.session.scalars(stmt))

    def skip(self, scheme: Scheme, reason: str) -> None:
        """Record that a scheme was left out of the export, and why."""
        self.skipped.append(scheme.reference)
        if self.on_skip is not None:
            self.on_skip(scheme.reference, reason)

    @cached_property
    def _pooling_references(self) -> dict[int, str]:
        rows = self.session.execute(select(Pooling.id, Pooling.reference))
        return {ident: reference for ident, reference in rows}

    def pooling_reference(self, pooling_id: int) -> str:
        """Return the reference of a pooling (they are few: read once, then as they appear)."""
        references = self._pooling_references
        if pooling_id not in references:
            references[pooling_id] = self.session.scalar(
                select(Pooling.reference).where(Pooling.id == pooling_id)
            )
        return references[pooling_id]

    def state_label(self, record: Scheme | Pooling) -> str:
        """Return the French label of a record's state, from the record's own workflow."""
        workflow = self.workflows.get(record.workflow_name, record.workflow_version)
        return workflow.states[record.state].label
