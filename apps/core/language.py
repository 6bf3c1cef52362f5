"""The back office's language (issue #21): Japanese or English, one at a time.

``user_language_set`` remembers a user's choice (``User.language``, which ``apps.core.middleware.LocaleMiddleware``
applies on every later request of that user, in any browser); ``language_switch_view`` is the header's switch (a
CSRF-protected POST): it sets the user's language when someone is signed in, and the language cookie in any case
(so the sign-in page, before anyone is signed in, speaks it too). The API never translates.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from .errors import KugelposError, message_for

# ``User.language``'s label and help (apps.account.models), kept here so this app's catalogue translates them.
LANGUAGE_FIELD_LABEL = gettext_lazy("language")
LANGUAGE_FIELD_HELP = gettext_lazy("The back office's language for this user; empty: the browser's language.")


class UnknownLanguageError(ValueError):
    def __init__(self, language: str) -> None:
        super().__init__(f"Unknown language: {language!r}")
        self.language = language


def language_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def user_language_set(*, user, language: str) -> None:
    """Remember ``language`` (one of ``LANGUAGES``, or ``""`` for the browser's) as ``user``'s back-office
    language. Anything else raises ``UnknownLanguageError`` and changes nothing."""
    if language and language not in language_codes():
        raise UnknownLanguageError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def is_japanese() -> bool:
    return (get_language() or "").startswith("ja")


def error_for_page(exc: KugelposError) -> str:
    """A service's refusal as a back-office page shows it, in the page's language. An English page shows the
    service's own message (the API's, specific); a Japanese page shows Kugelpos' Japanese text for the error code,
    followed by that specific message when it says more (services word their details in English, as the API)."""
    if not is_japanese():
        return exc.message
    japanese = message_for(exc.error_code, "ja")
    if not exc.message or exc.message == message_for(exc.error_code, "en"):
        return japanese
    return f"{japanese}（{exc.message}）"


def _next_url(request: HttpRequest) -> str:
    """Back to the page the switch was on (same host only), else the back office's home."""
    wanted = request.POST.get("next") or request.headers.get("referer") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


@require_POST
@csrf_protect
def language_switch_view(request: HttpRequest) -> HttpResponse:
    """``POST language=ja|en [next=<url>]``: switch the back office's language and go back to the page."""
    language = (request.POST.get("language") or "").strip()
    if language not in language_codes():
        return HttpResponseBadRequest(
            _("Unknown language %(language)s: choose one of %(choices)s.")
            % {"language": repr(language[:20]), "choices": ", ".join(language_codes())},
            content_type="text/plain; charset=utf-8",
        )
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(_next_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, path="/", samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE, httponly=True,
    )
    return response
