"""Moved to ``tests/support.py`` (test helpers do not belong in the kernel).

A re-export kept only while branches written against the old path are merged; nothing in the tree imports it.
Delete it once they are in.
"""

from tests.support import TENANT_A, TENANT_B, bearer, make_superuser, register_api_key  # noqa: F401
