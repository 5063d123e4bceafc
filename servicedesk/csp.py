"""Content-Security-Policy for every page we render, without 'unsafe-inline'.

The storefront, the chat widget and the agent desk keep all script and style in static files and
pass configuration through data- attributes (or `json_script`, whose type="application/json"
block is data, not script), so a strict policy costs nothing and stops an injected `<script>` or
`style=` from running. The Django admin still ships inline scripts and styles in some of its
templates, so its pages are left out rather than broken."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # ws: and wss: because a relative websocket URL is not covered by 'self' in every browser.
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
EXEMPT_PREFIXES = ("/admin/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(EXEMPT_PREFIXES) or "Content-Security-Policy" in response:
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = POLICY
        return response
