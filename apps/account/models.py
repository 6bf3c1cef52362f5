"""Users of one tenant (spec/10 §4). They live in the tenant's schema; store managers sign in to the admin."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.language import LANGUAGE_FIELD_HELP, LANGUAGE_FIELD_LABEL


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str, **extra) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str, **extra) -> User:
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_staff", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """``password`` holds the bcrypt hash (Kugelpos ``hashed_password``); ``last_login`` is null until a login."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    tenant_id = models.CharField(_("tenant id"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May sign in to the back office (store managers). Superusers always may."),
    )
    stores = ArrayField(
        models.CharField(max_length=50),
        verbose_name=_("stores"),
        default=list,
        blank=True,
        help_text=_(
            "Store codes this user works in: the back office shows and acts on these stores only. "
            "A superuser works in every store."
        ),
    )
    # The back office's language of this user (issue #21), set by the header's switch; empty: the browser's.
    language = models.CharField(
        LANGUAGE_FIELD_LABEL, max_length=10, blank=True, default="", choices=settings.LANGUAGES,
        help_text=LANGUAGE_FIELD_HELP,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username
