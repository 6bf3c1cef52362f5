"""Back-office pages of the stock app (issue #22), served by the stock admins (``admin.py``): receiving a
delivery, adjusting stock, a stocktake's count sheet, one item's movements. Thin adapters: parse the form, call one
command of ``actions`` (which checks permission and store and moves stock through the API's service), render."""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.account.access import store_scope, visible_store_codes
from apps.core.admin import SafeCSV, plain_number, quantity
from apps.core.errors import KugelposError
from apps.core.formats import app_zone

from . import actions, selectors
from .calculations import QuantityError, parse_quantity
from .forms import (
    AdjustForm,
    CountImportForm,
    LineFormSet,
    MovementFilterForm,
    ReceiveForm,
    StocktakeCreateForm,
)
from .models import AdjustmentReason, Stock, Stocktake

MAX_CSV_BYTES = 1_000_000
MOVEMENTS_PER_PAGE = 100


def _require_perm(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("You may not do this (permission %(permission)s).") % {"permission": permission})


def store_codes_for(user) -> list[str]:
    """The stores offered in the user's store pickers: theirs, or (a superuser) every store with stock."""
    scope = store_scope(user)
    codes = selectors.stock_store_codes() if scope is None else sorted(scope)
    return visible_store_codes(user, codes)


def _context(model_admin, request: HttpRequest, title: str, **extra) -> dict:
    return {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.model._meta,
            "app_label": "stock", "store_codes": store_codes_for(request.user), **extra}


def _initial_store(request: HttpRequest) -> dict:
    codes = store_codes_for(request.user)
    wanted = request.GET.get("store_code")
    if wanted in codes:
        return {"store_code": wanted}
    return {"store_code": codes[0]} if len(codes) == 1 else {}


def _chosen_lines(formset) -> list[actions.Line]:
    return [actions.Line(form.cleaned_data["item_code"], form.cleaned_data["quantity"])
            for form in formset if form.cleaned_data and not form.is_blank]


def _stock_list_url(store_code: str) -> str:
    return reverse("admin:stock_stock_changelist") + f"?store_code={store_code}"


def _movements_page(model_admin, request: HttpRequest, *, form_class, title: str, permission: str, run, done,
                    template: str, **extra) -> HttpResponse:
    """Receive and adjust: a header form and item lines, posted through one command; the command's errors on the
    form, nothing written."""
    _require_perm(request, permission)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, user=request.user, initial=_initial_store(request))
    lines = LineFormSet(data, prefix="lines")
    if data is not None and form.is_valid() & lines.is_valid():
        chosen = _chosen_lines(lines)
        try:
            updates = run(form.cleaned_data, chosen)
        except ValidationError as exc:
            form.add_error(None, exc)
        except KugelposError as exc:  # a quantity out of range (StockQuantityRangeError): rolled back
            form.add_error(None, str(exc))
        else:
            messages.success(request, done(form.cleaned_data, updates))
            return redirect(_stock_list_url(form.cleaned_data["store_code"]))
    context = _context(model_admin, request, title, form=form, lines=lines, items=selectors.item_choices(), **extra)
    return TemplateResponse(request, template, context, status=400 if data is not None else 200)


def receive_view(request: HttpRequest, model_admin) -> HttpResponse:
    def run(data, lines):
        return actions.stock_receive(tenant_id=request.tenant.tenant_id, store_code=data["store_code"],
                                     supplier_reference=data["supplier_reference"], lines=lines, user=request.user)

    def done(data, updates):
        return _("Delivery %(reference)s received in store %(store)s: %(count)d items.") % {
            "reference": data["supplier_reference"], "store": data["store_code"], "count": len(updates)}

    return _movements_page(model_admin, request, form_class=ReceiveForm, title=_("Receive goods"),
                           permission=actions.RECEIVE, run=run, done=done, template="admin/stock/receive.html")


def adjust_view(request: HttpRequest, model_admin) -> HttpResponse:
    def run(data, lines):
        return actions.stock_adjust(tenant_id=request.tenant.tenant_id, store_code=data["store_code"],
                                    reason=data["reason"], lines=lines, user=request.user,
                                    reference=data["reference"], comment=data["comment"])

    def done(data, updates):
        return _("Stock of store %(store)s adjusted (%(reason)s): %(count)d items.") % {
            "store": data["store_code"], "reason": AdjustmentReason(data["reason"]).label, "count": len(updates)}

    return _movements_page(model_admin, request, form_class=AdjustForm, title=_("Adjust stock"),
                           permission=actions.ADJUST, run=run, done=done, template="admin/stock/adjust.html")


# --- movements of one item ----------------------------------------------------------------------------------
def movements_view(request: HttpRequest, model_admin, object_id: str) -> HttpResponse:
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    stock = model_admin.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
    if stock is None:  # unknown, or a store the user does not work in
        raise Http404(_("No such stock row."))
    form = MovementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.stock_movements(store_code=stock.store_code, item_code=stock.item_code,
                                     update_type=filters.get("type") or None, date_from=filters.get("date_from"),
                                     date_to=filters.get("date_to"))
    if request.GET.get("format") == "csv":
        return _movements_csv(stock, rows)
    page = Paginator(rows, MOVEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = _context(model_admin, request, _("Movements of %(item)s") % {"item": stock.item_code}, stock=stock,
                       item_name=selectors.item_names(item_codes=[stock.item_code]).get(stock.item_code, ""),
                       form=form, page=page, query=query.urlencode())
    with timezone.override(app_zone()):
        return TemplateResponse(request, "admin/stock/movements.html", context).render()


def _movements_csv(stock: Stock, rows) -> HttpResponse:
    dataset = tablib.Dataset(headers=["timestamp", "store_code", "item_code", "update_type", "quantity_change",
                                      "before_quantity", "after_quantity", "reference_id", "operator_id", "note"])
    zone = app_zone()
    for row in rows.iterator():
        dataset.append([row.timestamp.astimezone(zone).isoformat(), row.store_code, row.item_code, row.update_type,
                        quantity(row.quantity_change).replace(",", ""), quantity(row.before_quantity).replace(",", ""),
                        quantity(row.after_quantity).replace(",", ""), row.reference_id or "", row.operator_id or "",
                        row.note or ""])
    response = HttpResponse(SafeCSV().export_data(dataset), content_type="text/csv; charset=utf-8")
    name = f"movements-{stock.store_code}-{stock.item_code}.csv".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- stocktakes ---------------------------------------------------------------------------------------------
def stocktake_create_view(request: HttpRequest, model_admin) -> HttpResponse:
    _require_perm(request, actions.COUNT)
    data = request.POST if request.method == "POST" else None
    form = StocktakeCreateForm(data, user=request.user, categories=selectors.category_choices(),
                               initial=_initial_store(request))
    if data is not None and form.is_valid():
        try:
            sheet = actions.stocktake_create(tenant_id=request.tenant.tenant_id,
                                             store_code=form.cleaned_data["store_code"],
                                             category_code=form.cleaned_data["category_code"], user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Count sheet %(id)s created: enter the counts.") % {"id": sheet.pk})
            return redirect(reverse("admin:stock_stocktake_change", args=[sheet.pk]))
    context = _context(model_admin, request, _("New stocktake"), form=form)
    return TemplateResponse(request, "admin/stock/stocktake_create.html", context,
                            status=400 if data is not None else 200)


def _typed_counts(request: HttpRequest, sheet: Stocktake) -> tuple[dict, list[str]]:
    """The counts typed on the grid (``count_<line id>``), as ``{item_code: Decimal | None}``, and the bad ones."""
    counts, errors = {}, []
    for line in sheet.lines.all():
        name = f"count_{line.pk}"
        if name not in request.POST:
            continue
        text = request.POST[name].strip()
        if not text:
            counts[line.item_code] = None
            continue
        try:
            counts[line.item_code] = parse_quantity(text, allow_negative=False)
        except QuantityError as exc:
            errors.append(_("Item %(code)s: %(error)s") % {"code": line.item_code, "error": exc})
    return counts, errors


def stocktake_sheet_view(request: HttpRequest, model_admin, object_id: str) -> HttpResponse:
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    sheet = model_admin.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
    if sheet is None:
        raise Http404(_("No such stocktake."))
    errors: list[str] = []
    import_form = CountImportForm()
    may_count = request.user.has_perm(actions.COUNT)
    if request.method == "POST":
        _require_perm(request, actions.COUNT)
        step = request.POST.get("step")
        try:
            if step == "import":
                import_form = CountImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    upload = import_form.cleaned_data["file"]
                    if upload.size > MAX_CSV_BYTES:
                        raise ValidationError(_("The file is too large (at most 1 MB)."))
                    try:
                        text = upload.read().decode("utf-8-sig")
                    except UnicodeDecodeError:
                        raise ValidationError(_("The file is not UTF-8 text.")) from None
                    count = actions.stocktake_import_counts(stocktake_id=sheet.pk, csv_text=text, user=request.user)
                    messages.success(request, _("%(count)d counts imported.") % {"count": count})
                    return redirect(request.path)
                errors.extend(message for field in import_form.errors.values() for message in field)
            elif step in ("save", "confirm"):
                counts, errors = _typed_counts(request, sheet)
                if not errors:
                    if counts:
                        actions.stocktake_set_counts(stocktake_id=sheet.pk, counts=counts, user=request.user)
                    if step == "confirm":
                        updates = actions.stocktake_confirm(stocktake_id=sheet.pk, user=request.user)
                        messages.success(request, _("Stocktake confirmed: %(count)d adjustments posted.")
                                         % {"count": len(updates)})
                    else:
                        messages.success(request, _("Counts saved."))
                    return redirect(request.path)
            else:
                errors.append(_("Unknown step."))
        except ValidationError as exc:
            errors.extend(exc.messages)
        except KugelposError as exc:
            errors.append(str(exc))
        sheet.refresh_from_db()
    lines = list(sheet.lines.all())
    typed = {key[6:]: value for key, value in request.POST.items() if key.startswith("count_")} if errors else {}
    for line in lines:  # what the grid shows: as typed after an error, else the saved count
        saved = "" if line.counted_quantity is None else plain_number(line.counted_quantity)
        line.shown = typed.get(str(line.pk), saved)
    counted = [line for line in lines if line.counted_quantity is not None]
    differing = [line for line in counted if line.difference]
    context = _context(
        model_admin, request, _("Stocktake #%(id)s") % {"id": sheet.pk}, sheet=sheet, lines=lines,
        editable=sheet.is_draft and may_count, errors=errors, import_form=import_form,
        counted_count=len(counted), differing_count=len(differing),
        category_name=dict(selectors.category_choices()).get(sheet.category_code, ""),
    )
    with timezone.override(app_zone()):
        response = TemplateResponse(request, "admin/stock/stocktake_sheet.html", context,
                                    status=400 if errors else 200)
        return response.render()
