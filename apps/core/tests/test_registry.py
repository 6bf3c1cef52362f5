"""The kernel's start-up registry: consumers named by the apps that register them, the Celery sender by core.tasks."""

import pytest

from apps.core import registry


def test_the_consumers_of_each_log_are_the_apps_that_registered_one_in_kugelpos_order():
    assert registry.consumers_of("tranlog") == ("report", "journal", "stock")
    assert registry.consumers_of("cashlog") == ("report", "journal")
    assert registry.consumers_of("opencloselog") == ("report", "journal")
    assert registry.consumers_of("no-such-log") == ()


def test_a_consumer_registered_later_is_listed_in_its_place(monkeypatch):
    monkeypatch.setitem(registry._HANDLERS, ("stock", "cashlog"), lambda payload: None)
    assert registry.consumers_of("cashlog") == ("report", "journal", "stock")


def test_only_a_kugelpos_service_can_consume():
    with pytest.raises(ValueError, match="no Kugelpos service"):
        registry.register_consumer(service="warehouse", event_type="tranlog", handler=lambda payload: None)
    assert registry.consumer_handler("warehouse", "tranlog") is None


def test_core_tasks_registered_the_celery_sender(monkeypatch):
    from apps.core import tasks

    sent = []
    monkeypatch.setattr(tasks.deliver_event, "apply_async", lambda args, kwargs, retry: sent.append((args, kwargs)))
    registry.send("e-1", "T1")
    registry.send("e-2", None)
    assert sent == [(["e-1"], {"tenant_id": "T1"}), (["e-2"], {})]
