"""CompiledSelect: the same rows as the queryset it was compiled from, with new values on every call."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models.expressions import RawSQL

from apps.core.compiled import CompiledSelect
from apps.core.models import EventRecord

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def record(event_id: str, *, tenant: str, published: datetime, payload: dict) -> EventRecord:
    return EventRecord.objects.create(
        event_id=event_id, event_type="tranlog", topic="tranlog_report", tenant_id=tenant, terminal_no=None,
        payload=payload, published_at=published, last_updated_at=published,
    )


def build(tenant_id, since):
    return (EventRecord.objects.filter(tenant_id=tenant_id, published_at__gte=since)
            .annotate(doubled=RawSQL("terminal_no * 2", [])).order_by("event_id"))


QUERY = CompiledSelect(build, tenant_id="\x00tenant", since=datetime(1901, 1, 1, tzinfo=UTC))


def test_rows_are_those_of_the_queryset_with_the_values_of_each_call(django_assert_num_queries):
    record("e1", tenant="A1", published=T0, payload={"amount": 1.5, "lines": [{"code": "x"}]})
    record("e2", tenant="A1", published=T0 + timedelta(hours=1), payload={"amount": 2})
    record("e3", tenant="B1", published=T0, payload={})
    EventRecord.objects.filter(event_id="e2").update(terminal_no=7)

    with django_assert_num_queries(1):
        found = QUERY.fetch(tenant_id="A1", since=T0)
    expected = list(build("A1", T0))
    assert [r.event_id for r in found] == ["e1", "e2"] == [r.event_id for r in expected]
    for mine, theirs in zip(found, expected, strict=True):
        assert mine.pk == theirs.pk
        assert mine.payload == theirs.payload  # the JSON field's converter ran: a dict, not text
        assert mine.published_at == theirs.published_at and mine.published_at.tzinfo is not None
        assert mine.doubled == theirs.doubled
    assert found[0].payload == {"amount": 1.5, "lines": [{"code": "x"}]}
    assert (found[0].doubled, found[1].doubled) == (None, 14)
    assert not found[0]._state.adding  # a loaded instance: saving it updates its row
    found[0].topic = "changed"
    found[0].save(update_fields=["topic"])
    assert EventRecord.objects.get(event_id="e1").topic == "changed"

    assert [r.event_id for r in QUERY.fetch(tenant_id="A1", since=T0 + timedelta(minutes=30))] == ["e2"]
    assert [r.event_id for r in QUERY.fetch(tenant_id="B1", since=T0)] == ["e3"]
    assert QUERY.fetch(tenant_id="nobody", since=T0) == []


def test_a_marker_that_is_not_among_the_parameters_is_refused():
    unused = CompiledSelect(lambda tenant_id, since: EventRecord.objects.filter(tenant_id=tenant_id),
                            tenant_id="\x00tenant", since=datetime(1901, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="every marker must appear once"):
        unused.fetch(tenant_id="A1", since=T0)


def test_a_marker_that_appears_twice_is_refused():
    twice = CompiledSelect(
        lambda tenant_id: EventRecord.objects.filter(tenant_id=tenant_id) | EventRecord.objects.filter(
            event_id=tenant_id),
        tenant_id="\x00tenant",
    )
    with pytest.raises(ValueError, match="every marker must appear once"):
        twice.fetch(tenant_id="A1")
