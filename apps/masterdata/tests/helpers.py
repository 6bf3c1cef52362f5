"""Assertions shared by the master-data API tests."""

from __future__ import annotations


def assert_error(response, status: int, code: str) -> dict:
    """The error envelope with this HTTP status and user-error code; returns the body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and body["code"] == status
    assert body["user_error"]["code"] == code
    return body


def ok_data(response, status: int = 200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True and body["userError"] is None
    return body["data"]
