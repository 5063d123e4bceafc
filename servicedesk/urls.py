from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

admin.site.site_header = _("servicedesk staff console")
admin.site.site_title = "servicedesk"
admin.site.index_title = _("Shop administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("chat/", include("chatbot.urls")),
    path("desk/", include("desk.urls")),
    # The desk's UI strings (locale/*/LC_MESSAGES/djangojs.po) in the request's language, as
    # gettext()/interpolate() for static/desk/desk.js: a plain script, allowed by the CSP's
    # script-src 'self'. Only the project's own catalogue (LOCALE_PATHS), not the admin's.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["desk", "chatbot"]),
        name="javascript-catalog",
    ),
    path("", include("orders.urls")),
]
