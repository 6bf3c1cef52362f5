"""Base for every master-data endpoint: "either" authentication, and typed query/path parameters that are
validated (422) before the tenant check, as FastAPI does (spec/20 §1.1 check order)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from apps.core.api.authentication import EitherAuthentication
from apps.core.api.views import KugelposViewSet
from apps.core.errors import RequestValidationError
from apps.core.limits import INT32, parse_int
from apps.core.paging import Paging

from ..models import CODE_LENGTH

TRUE_WORDS = {"1", "true", "t", "yes", "y", "on"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "off"}
# Paging default of every master-data list (a Kugelpos quirk: it orders only categories and items).
DEFAULT_SORT = "category_code:1"


class Query:
    """A query parameter: ``kind`` is ``str``, ``int`` or ``bool``; absent -> ``default`` unless ``required``."""

    def __init__(self, kind: type, *, required: bool = False, default: Any = None) -> None:
        self.kind, self.required, self.default = kind, required, default

    def parse(self, raw: str | None) -> Any:
        """The value, or raises ``ValueError`` with the pydantic-style message."""
        if raw is None:
            if self.required:
                raise ValueError("Field required")
            return self.default
        if self.kind is bool:
            word = raw.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError("Input should be a valid boolean, unable to interpret input")
        if self.kind is int:
            return parse_int(raw, INT32)  # the integer columns it is compared with
        return raw


PATH_INTS = ("category_number", "tab_number", "pos_x", "pos_y")
PATH_STORED = ("store_code",)  # path values that are written into a row (bounded like the column)


class MasterDataViewSet(KugelposViewSet):
    authentication_classes = [EitherAuthentication]
    # action -> {query name (as on the wire): Query}
    query_params: dict[str, dict[str, Query]] = {}
    list_default_limit = 100

    def _validate_input(self, request: Request) -> dict | None:
        self.query()
        self.path_ints()
        if getattr(self, "action", None) == "list":
            self.list_paging()
        return super()._validate_input(request)

    def query(self) -> dict[str, Any]:
        """This action's declared query parameters, parsed once (422 on a bad or missing one)."""
        if getattr(self, "_query", None) is None:
            spec = self.query_params.get(getattr(self, "action", None) or "", {})
            values, errors = {}, []
            for name, param in spec.items():
                try:
                    values[name] = param.parse(self.request.query_params.get(name))
                except ValueError as exc:
                    errors.append((("query", name), str(exc)))
            if errors:
                raise RequestValidationError(errors)
            self._query = values
        return self._query

    def path_ints(self) -> dict[str, int]:
        """Integer path segments of item-book sub-resources (422 when not an integer).

        Also bounds path values that end up stored (a store code longer than its column is 422, not a DB error).
        """
        values, errors = {}, []
        for name in PATH_STORED:
            if len(self.kwargs.get(name) or "") > CODE_LENGTH:
                errors.append((("path", name), f"String should have at most {CODE_LENGTH} characters"))
        for name in PATH_INTS:
            if name in self.kwargs:
                try:
                    values[name] = parse_int(self.kwargs[name], INT32)  # as the body's numbers (IntegerField)
                except ValueError as exc:
                    errors.append((("path", name), str(exc)))
        if errors:
            raise RequestValidationError(errors)
        return values

    def list_paging(self) -> Paging:
        """``limit`` (default 100, promotions 20), ``page``, ``sort`` (default ``category_code:1``)."""
        return self.paging(default_limit=self.list_default_limit, default_sort=DEFAULT_SORT)

    @property
    def tenant_id(self) -> str:
        return self.kwargs["tenant_id"]
