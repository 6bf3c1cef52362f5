"""Kugelpos-compatible POS backend (Django project package).

The Celery app (``kugelpos.celery``) is loaded by ``kugelpos.apps.ProjectConfig`` when Django starts, not here:
importing it here would set ``DJANGO_SETTINGS_MODULE`` for every process that merely imports this package (``python -m
kugelpos.embedded`` passes its environment on to the test run, which must keep its own settings module).
"""
