from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, as an app only to load its Celery app (``kugelpos.celery``) when Django starts: shared
    tasks then use its configuration. Here rather than in ``apps.core``, which imports no project module."""

    name = "kugelpos"
    label = "kugelpos"
    verbose_name = "Kugelpos"

    def ready(self) -> None:
        import kugelpos.celery  # noqa: F401
