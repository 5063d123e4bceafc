"""`POST /chat/session/`: a websocket token for the visitor's conversation (docs/protocol.md §1).
`POST /chat/offline/`: a message left while no agent is available (docs/desk.md)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from chatbot import selectors, services, staff
from chatbot.origins import origin_allowed
from chatbot.tokens import resume_token, ws_token, ws_token_check
from orders.models import Customer


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Vary"] = "Origin"
    return response


def _widget_post(
    request: HttpRequest,
) -> tuple[str, dict[str, Any], HttpResponse | None]:
    """The checks every widget endpoint makes: (origin, JSON body, None), or a refusal to return
    (a foreign origin, the CORS preflight, another method, a body that isn't a JSON object)."""
    origin = request.headers.get("Origin", "")
    if origin and not origin_allowed(origin):
        return origin, {}, JsonResponse({"error": "origin_not_allowed"}, status=403)
    if request.method == "OPTIONS":
        return origin, {}, _cors(HttpResponse(status=204), origin)
    if request.method != "POST":
        return origin, {}, _cors(JsonResponse({"error": "method_not_allowed"}, status=405), origin)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return origin, {}, _cors(JsonResponse({"error": "bad_json"}, status=400), origin)
    return origin, body, None


# Exempt from CSRF because the widget may be embedded on another allowed origin; the Origin check
# below does the same job, and the endpoint only hands out tokens for the caller's own session.
@csrf_exempt
def chat_session(request: HttpRequest) -> HttpResponse:
    origin, body, refusal = _widget_post(request)
    if refusal is not None:
        return refusal
    resume = body.get("resume") if isinstance(body.get("resume"), str) else None
    page = body.get("page") if isinstance(body.get("page"), str) else ""
    lang = body.get("lang") if body.get("lang") in ("en", "zh-Hans") else "en"
    customer: Customer | None = (
        getattr(request.user, "customer", None) if request.user.is_authenticated else None
    )
    conversation = services.conversation_start_or_resume(
        customer=customer, resume=resume, page=page or "", language=str(lang)
    )
    grant = services.conversation_grant(conversation)
    return _cors(
        JsonResponse(
            {
                "token": ws_token(grant),
                "resume": resume_token(grant),
                "conversation": str(conversation.pk),
                "customer": {"name": customer.first_name} if customer else None,
            }
        ),
        origin,
    )


@csrf_exempt  # as chat_session: the Origin check and the chat token do CSRF's job
def chat_offline(request: HttpRequest) -> HttpResponse:
    """`{"token", "email", "text"}` with the chat's websocket token: the message becomes a
    `desk.OfflineTicket`, answered by email."""
    origin, body, refusal = _widget_post(request)
    if refusal is not None:
        return refusal
    token = body.get("token")
    grant = ws_token_check(token) if isinstance(token, str) else None
    conversation = selectors.conversation_for_grant(grant) if grant is not None else None
    if conversation is None:
        return _cors(JsonResponse({"error": "bad_token"}, status=403), origin)
    try:
        ticket = staff.side().offline_message(
            conversation_id=conversation.pk, email=body.get("email"), text=body.get("text")
        )
    except staff.Refused as error:
        return _cors(
            JsonResponse({"error": error.code, "message": error.message}, status=400), origin
        )
    return _cors(JsonResponse({"ticket": ticket}, status=201), origin)
