from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("reports/monthly/", apis.MonthlyApi.as_view(), name="api-reports-monthly"),
    path("reports/monthly/<int:pk>/export/", apis.MonthlyExportApi.as_view(), name="api-reports-monthly-export"),
]

urlpatterns = [
    path("dashboard/", views.dashboard, name="reports-dashboard"),
    path("dashboard/print/", views.dashboard_print, name="reports-dashboard-print"),
    path("dashboard/generate/", views.report_generate, name="reports-generate"),
    path("dashboard/quarterly/", views.quarterly, name="reports-quarterly"),
    path("reports/<int:pk>/export/", views.report_export, name="reports-export"),
]
