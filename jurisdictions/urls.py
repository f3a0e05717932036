from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("auth/token/", apis.TokenView.as_view(), name="api-token"),
    path("auth/sign-out-everywhere/", apis.SignOutEverywhereApi.as_view(), name="api-sign-out-everywhere"),
    path("jurisdictions/", apis.JurisdictionListApi.as_view(), name="api-jurisdictions"),
    path("jurisdictions/<slug:code>/policy/", apis.PolicyApi.as_view(), name="api-policy"),
    path("jurisdictions/<slug:code>/policy/export/", apis.PolicyExportApi.as_view(), name="api-policy-export"),
    path("jurisdictions/<slug:code>/policy/import/", apis.PolicyImportApi.as_view(), name="api-policy-import"),
    path("org-units/", apis.OrgUnitApi.as_view(), name="api-org-units"),
    path("dispatch-units/", apis.DispatchUnitApi.as_view(), name="api-dispatch-units"),
    path("users/", apis.UserApi.as_view(), name="api-users"),
    path("role-grants/", apis.RoleGrantApi.as_view(), name="api-role-grants"),
    path("audit-events/", apis.AuditEventListApi.as_view(), name="api-audit-events"),
    path("calendar/", apis.CalendarApi.as_view(), name="api-calendar"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.sign_out_everywhere_view, name="logout-everywhere"),
    path("notifications/", views.notifications, name="notifications"),
    path("policy/<slug:code>/", views.policy_page, name="policy-page"),
    path("policy/<slug:code>/versions/", views.policy_version_add_page, name="policy-version-add"),
    path("policy/<slug:code>/import/", views.policy_import_page, name="policy-import"),
    path("policy/<slug:code>/export/", views.policy_export_page, name="policy-export"),
    path("jurisdictions/new/", views.jurisdiction_create_page, name="jurisdiction-create"),
    path("audit/", views.audit_page, name="audit-page"),
]
