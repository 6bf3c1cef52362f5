"""Commands on the staff master (spec/20 §5.8, §6.9): plain CRUD, PIN in clear, physical delete."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from apps.core.errors import NotFoundError

from ..models import Staff
from ._common import duplicate_is_400, locked, touch


def staff_create(*, staff_id: str, name: str, pin: str, roles: Sequence[str]) -> Staff:
    with duplicate_is_400(f"Staff with id {staff_id} already exists"):
        return Staff.objects.create(staff_id=staff_id, name=name, pin=pin, roles=list(roles))


def staff_update(*, staff_id: str, name: str, pin: str, roles: Sequence[str]) -> Staff:
    with transaction.atomic():
        staff = locked(Staff.objects, staff_id=staff_id)
        if staff is None:
            raise NotFoundError(f"Staff not found. staff_id: {staff_id}")
        staff.name = name
        staff.pin = pin
        staff.roles = list(roles)
        touch(staff)
        staff.save()
    return staff


def staff_delete(*, staff_id: str) -> None:
    with transaction.atomic():
        deleted, _ = Staff.objects.filter(staff_id=staff_id).delete()
    if not deleted:
        raise NotFoundError(f"Staff not found. staff_id: {staff_id}")
