import pytest

from apps.core.errors import RequestValidationError
from apps.core.limits import PAGE_SIZE_MAX
from apps.core.paging import page_metadata, page_size, parse_paging, parse_sort


def test_defaults_and_offset():
    paging = parse_paging({}, default_sort="category_code:1")
    assert (paging.limit, paging.page, paging.offset) == (100, 1, 0)
    assert paging.order_by() == ["category_code"]
    assert parse_paging({"limit": "2", "page": "2"}).offset == 2


def test_sort_parsing_and_echo():
    paging = parse_paging({"sort": "item_code:1,created_at:-1"})
    assert paging.sort == (("item_code", 1), ("created_at", -1))
    assert paging.order_by() == ["item_code", "-created_at"]
    assert paging.sort_text() == "item_code:1, created_at:-1"


@pytest.mark.parametrize("sort", ["item_code", "item_code:2", ":1", "item_code:1,", "a:up"])
def test_malformed_sort_is_a_validation_error(sort):
    with pytest.raises(RequestValidationError) as error:
        parse_sort(sort)
    assert error.value.errors[0][0] == ("query", "sort")


def test_unknown_sort_field_and_bad_numbers_are_validation_errors():
    with pytest.raises(RequestValidationError):
        parse_sort("password:1", fields={"username"})
    with pytest.raises(RequestValidationError):
        parse_paging({"limit": "ten"})
    with pytest.raises(RequestValidationError):
        parse_paging({"page": "0"})
    with pytest.raises(RequestValidationError):
        parse_paging({"limit": "1001"}, min_limit=1, max_limit=1000)


def test_metadata_has_exactly_five_keys():
    paging = parse_paging({"limit": "2", "page": "2"})
    assert page_metadata(5, paging, echo_sort=False) == {
        "total": 5, "page": 2, "limit": 2, "sort": None, "filter": None
    }


def test_a_page_past_what_sql_can_offset_is_a_validation_error_not_a_database_error():
    # found by the fuzzer: page=13719420526033092214784 overflowed PostgreSQL's bigint OFFSET (a 500)
    with pytest.raises(RequestValidationError) as error:
        parse_paging({"page": "13719420526033092214784", "limit": "208"})
    assert error.value.errors[0][0] == ("query", "page")
    with pytest.raises(RequestValidationError) as error:
        parse_paging({"limit": str(2**63)})
    assert error.value.errors[0][0] == ("query", "limit")
    assert parse_paging({"page": str(2**40), "limit": "1000"}).offset == (2**40 - 1) * 1000


@pytest.mark.parametrize("name", ["limit", "page"])
def test_an_empty_paging_number_is_a_validation_error_as_in_fastapi(name):
    """``?limit=`` is no integer: Kugelpos (FastAPI) answers 422; we took it for the default (the fuzz's find)."""
    with pytest.raises(RequestValidationError) as error:
        parse_paging({name: ""})
    message = "Input should be a valid integer, unable to parse string as an integer"
    assert error.value.errors == [(("query", name), message)]


# --- the bound on a page (issue #25) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("limit", "page", "total", "rows", "echo"),
    [
        (100, 1, 5000, range(0, 100), 100),  # a normal page: Kugelpos' own
        (1000, 2, 5000, range(1000, 2000), 1000),
        (0, 1, 800, range(0, 800), 0),  # limit=0 with no more than the bound: every row, echoed as 0
        (0, 1, 1000, range(0, 1000), 0),
        (0, 1, 1001, range(0, 1000), 1000),  # cut: the echo says the page size in effect
        (0, 3, 5000, range(0, 1000), 1000),  # Kugelpos' offset for limit=0 is 0 whatever the page
        (5000, 1, 3000, range(0, 1000), 1000),
        (5000, 1, 900, range(0, 900), 5000),  # nothing left out: Kugelpos' echo
        (1500, 2, 3200, range(1500, 2500), 1000),
        (1500, 2, 2000, range(1500, 2000), 1500),
    ],
)
def test_a_page_holds_at_most_the_bound_and_says_so_when_rows_were_left_out(limit, page, total, rows, echo):
    paging = parse_paging({"limit": str(limit), "page": str(page)})
    assert paging.rows(list(range(total))) == list(rows)
    assert page_metadata(total, paging)["limit"] == echo


def test_the_bound_is_1000_rows():
    assert PAGE_SIZE_MAX == 1000
    assert [page_size(limit) for limit in (0, 1, 999, 1000, 1001, 2**62)] == [1000, 1, 999, 1000, 1000, 1000]
