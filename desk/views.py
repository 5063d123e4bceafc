"""HTTP for the agent desk: the dashboard page and small JSON endpoints. Everything live goes
over the staff websocket (desk.consumers); these are the request/response actions."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from desk import conversations as desk_conversations
from desk import reports as desk_reports
from desk import selectors, services
from orders import services as order_services
from orders.errors import OrderPolicyError

ERROR_STATUS = {"forbidden": 403, "not_found": 404, "not_verified": 409, "not_active": 409}

View = Callable[..., HttpResponse]


def _desk_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and selectors.user_role(user) is not None else None


def desk_api(view: View) -> View:
    """JSON endpoints: 403 for anyone but agents and supervisors (no login redirect)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _desk_user(request) is None:
            return JsonResponse({"error": "forbidden", "message": _("agents only")}, status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(error: services.DeskError) -> JsonResponse:
    return JsonResponse(
        {"error": error.code, "message": error.message}, status=ERROR_STATUS.get(error.code, 400)
    )


@staff_member_required
def index(request: HttpRequest) -> HttpResponse:
    """The dashboard (templates/desk/index.html, static/desk/)."""
    if _desk_user(request) is None:
        return HttpResponse(_("The desk is for agents and supervisors."), status=403)
    # The Content-Security-Policy comes from servicedesk.csp's middleware.
    supervisor = selectors.user_role(request.user) == "supervisor"
    return render(request, "desk/index.html", {"is_supervisor": supervisor})


@require_GET
@desk_api
def agents(request: HttpRequest) -> HttpResponse:
    """Agents and supervisors with presence and load (the transfer menu)."""
    return JsonResponse({"agents": selectors.agents_payload()})


@require_GET
@desk_api
def canned(request: HttpRequest) -> HttpResponse:
    """Active canned responses; `?conversation=<id>` fills their placeholders for that chat."""
    user = _desk_user(request)
    conversation = selectors.conversation_get(conversation_id=request.GET.get("conversation", ""))
    if conversation is not None and user is not None:
        if not selectors.may_open(user=user, conversation=conversation):
            return JsonResponse({"error": "forbidden"}, status=403)
        return JsonResponse(
            {"canned": selectors.canned_list(conversation=conversation, agent=user)}
        )
    return JsonResponse({"canned": selectors.canned_raw_list()})


@require_GET
@desk_api
def tickets(request: HttpRequest) -> HttpResponse:
    """Messages left while the desk was closed: the open ones, newest first, then the last few
    answered (desk.selectors.ticket_list)."""
    return JsonResponse(selectors.ticket_list())


@require_POST
@desk_api
def ticket_answer(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """`{"text"}`: emailed to the address the customer left."""
    user = _desk_user(request)
    assert user is not None
    try:
        ticket = services.offline_ticket_answer(
            ticket_id=ticket_id, user=user, text=_body(request).get("text")
        )
    except services.DeskError as error:
        return _error(error)
    return JsonResponse(
        {
            "ok": True,
            "id": ticket.pk,
            "status": ticket.status,
            "ticket": selectors.ticket_payload(ticket),
        }
    )


ORDER_ACTIONS = ("cancel", "swap", "address", "return")
# The reason stored on an order an agent cancels, which the customer's order page shows
# (`{% translate order.cancel_reason %}`, so translated). The reason the agent types is for the
# team ("suspected fraud"): it goes in the audit trail, never to the customer.
AGENT_CANCEL_REASON = gettext_noop("Cancelled by our team at the customer's request")


@require_POST
@desk_api
def order_action(
    request: HttpRequest, conversation_id: uuid.UUID, number: str, action: str
) -> HttpResponse:
    """An order action from the chat's sidebar, through the orders services as the agent, limited
    to the chat's verified customer. Bodies: cancel `{reason}`; swap `{order_item_id,
    variant_id}`; address `{address: {full_name, line1, line2, city, region, postal_code,
    country, phone}}`; return `{lines: [{order_item_id, quantity, exchange_variant_id?}], reason,
    kind?, refund_method?, reason_detail?}`."""
    if action not in ORDER_ACTIONS:
        return JsonResponse({"error": "not_found", "message": _("unknown action")}, status=404)
    user = _desk_user(request)
    assert user is not None
    body = _body(request)
    try:
        actor = services.order_actor(conversation_id=conversation_id, user=user)
        message, code, values = _run_order_action(
            action=action, number=number, body=body, actor=actor
        )
        services.order_action_announce(
            conversation_id=conversation_id, user=user, code=code, number=number, **values
        )
    except services.DeskError as error:
        return _error(error)
    except OrderPolicyError as error:
        return JsonResponse({"error": error.code, "message": error.message}, status=400)
    except (KeyError, TypeError, ValueError):
        return JsonResponse(
            {"error": "bad_request", "message": _("bad %(action)s request") % {"action": action}},
            status=400,
        )
    return JsonResponse(
        {
            "ok": True,
            "message": message,
            "sidebar": selectors.customer_sidebar(actor.on_behalf_of),
        }
    )


def _run_order_action(
    *, action: str, number: str, body: dict[str, Any], actor: Any
) -> tuple[str, str, dict[str, str]]:
    """Run one sidebar action: (the agent's confirmation, the customer's notice code, its
    values)."""
    if action == "cancel":
        reason = body.get("reason")
        told = reason.strip()[:300] if isinstance(reason, str) else ""
        if not told:
            raise TypeError  # the form asks for it
        order = order_services.order_cancel(
            order_number=number, reason=AGENT_CANCEL_REASON, actor=actor
        )
        order_services.audit_record(
            actor=actor,
            subject_type="order",
            subject_id=order.number,
            action="order.cancel_reason",
            field="cancel_reason",
            to_value=AGENT_CANCEL_REASON,
            note=told,
            order=order,
        )
        return (_("Order %(number)s is cancelled.") % {"number": order.number}, "order_cancel", {})
    if action == "swap":
        item = order_services.order_swap_variant(
            order_number=number,
            order_item_id=int(body["order_item_id"]),
            new_variant_id=int(body["variant_id"]),
            actor=actor,
        )
        values = {"product": item.product_name, "variant": item.variant_label}
        return _("%(product)s is now %(variant)s.") % values, "order_swap", values
    if action == "address":
        address = body["address"]
        if not isinstance(address, dict):
            raise TypeError
        fields = order_services.AddressInput.__annotations__
        cleaned = {k: str(v) for k, v in address.items() if k in fields and isinstance(v, str)}
        order = order_services.order_change_shipping_address(
            order_number=number,
            address=cast(order_services.AddressInput, cleaned),
            actor=actor,
        )
        told = _("Order %(number)s will ship to the new address.") % {"number": order.number}
        return told, "order_address", {}
    if action == "return":
        lines = [
            order_services.ReturnLine(
                order_item_id=int(line["order_item_id"]),
                quantity=int(line["quantity"]),
                exchange_variant_id=(
                    int(line["exchange_variant_id"]) if line.get("exchange_variant_id") else None
                ),
            )
            for line in body["lines"]
        ]
        rma = order_services.return_request_create(
            order_number=number,
            lines=lines,
            reason=str(body["reason"]),
            actor=actor,
            kind=str(body.get("kind", "return")),
            refund_method=str(body.get("refund_method", "original")),
            reason_detail=str(body.get("reason_detail", ""))[:500],
        )
        return (
            _("Return %(rma)s is open.") % {"rma": rma.rma_number},
            "order_return",
            {"rma": rma.rma_number},
        )
    raise ValueError(action)


@require_GET
@staff_member_required
def reports(request: HttpRequest) -> HttpResponse:
    """The reports page for supervisors and admins (desk.reports): figures, charts and tables
    over a date range; `?csv=<table>` downloads one table."""
    if selectors.user_role(request.user) != "supervisor":
        return HttpResponse(_("Reports are for supervisors and admins."), status=403)
    try:
        start, end = desk_reports.date_range(request.GET.get("start"), request.GET.get("end"))
    except desk_reports.RangeError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    report = desk_reports.report(start=start, end=end)
    wanted = request.GET.get("csv")
    if wanted:
        keys = {t.key for t in report.tables} | {"knowledge_gaps"}
        if wanted not in keys:
            return HttpResponse(_("No such table."), status=404, content_type="text/plain")
        return _csv(report, wanted)
    return render(
        request,
        "desk/reports.html",
        {"report": report, "csv_keys": [t.key for t in report.tables]},
    )


def _csv(report: desk_reports.Report, key: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{key}-{report.start.isoformat()}-{report.end.isoformat()}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Chinese comments)
    writer = csv.writer(response)
    if key == "knowledge_gaps":
        writer.writerow([_("Questions"), _("Examples")])
        for gap in report.gaps:
            writer.writerow([gap["count"], " | ".join(gap["examples"])])
        return response
    table = report.table(key)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(desk_conversations.csv_row(row))
    return response
