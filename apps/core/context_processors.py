"""Template context: the tenant whose pages are shown (its name appears on every back-office page)."""


def tenant(request):
    current = getattr(request, "tenant", None)
    return {"current_tenant": current}
