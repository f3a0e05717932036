from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("trips/", apis.TripApi.as_view(), name="api-trips"),
    path("subsidy-runs/", apis.RunListApi.as_view(), name="api-subsidy-runs"),
    path("subsidy-runs/<int:pk>/", apis.RunDetailApi.as_view(), name="api-subsidy-run"),
    path("subsidy-runs/<int:pk>/export/", apis.RunExportApi.as_view(), name="api-subsidy-run-export"),
    path("subsidy-statements/", apis.StatementListApi.as_view(), name="api-subsidy-statements"),
]

urlpatterns = [
    path("subsidies/runs/", views.run_list, name="subsidy-run-list"),
    path("subsidies/runs/<int:pk>/row/", views.run_row, name="subsidy-run-row"),
    path("subsidies/runs/<int:pk>/export/", views.run_export, name="subsidy-run-export"),
    path("subsidies/mine/", views.my_statements, name="subsidy-mine"),
]
