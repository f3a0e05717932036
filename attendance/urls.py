from django.urls import path

from . import apis, duties_apis, duties_views, views

api_urlpatterns = [
    path("attendance/", apis.RecordApi.as_view(), name="api-attendance"),
    path("attendance/check-in/", apis.CheckInApi.as_view(), name="api-attendance-check-in"),
    path("attendance/monthly/", apis.MonthlyApi.as_view(), name="api-attendance-monthly"),
    path("attendance/monthly/township/", apis.TownshipMonthlyApi.as_view(), name="api-attendance-monthly-township"),
    path("attendance/daily-counts/", apis.DailyCountsApi.as_view(), name="api-attendance-daily-counts"),
    path("inspections/log/", apis.InspectionLogApi.as_view(), name="api-inspection-log"),
    path("attendance-sheets/", apis.SheetApi.as_view(), name="api-attendance-sheets"),
    path("attendance-sheets/<int:pk>/", apis.SheetDetailApi.as_view(), name="api-attendance-sheet"),
    path("attendance-sheets/<int:pk>/review/", apis.SheetReviewApi.as_view(), name="api-attendance-sheet-review"),
    path("inspections/", apis.InspectionApi.as_view(), name="api-inspections"),
    path("cadres/<int:pk>/flags/", apis.CadreFlagsApi.as_view(), name="api-cadre-flags"),
    path("whereabouts/", apis.WhereaboutsApi.as_view(), name="api-whereabouts"),
    path("diaries/", apis.DiaryApi.as_view(), name="api-diaries"),
    path("diaries/<int:pk>/photo/", apis.DiaryPhotoApi.as_view(), name="api-diary-photo"),
    # duties (issue 13)
    path("duty-records/", duties_apis.DutyRecordApi.as_view(), name="api-duty-records"),
    path("monitored-households/", duties_apis.HouseholdApi.as_view(), name="api-monitored-households"),
    path("duties/mine/", duties_apis.MyDutiesApi.as_view(), name="api-duties-mine"),
    path("reports/overdue/", duties_apis.OverdueApi.as_view(), name="api-reports-overdue"),
]

urlpatterns = [
    path("attendance/check-in/", views.check_in_page, name="attendance-check-in"),
    path("attendance/sheet/", views.sheet_page, name="attendance-sheet"),
    path("attendance/sheet/cell/", views.sheet_cell, name="attendance-sheet-cell"),
    path("attendance/sheet/confirm/", views.sheet_confirm_page, name="attendance-sheet-confirm"),
    path("attendance/sheet/review/", views.sheet_review_page, name="attendance-sheet-review"),
    path("attendance/sheet/fill/", views.sheet_fill_page, name="attendance-sheet-fill"),
    path("attendance/sheet/print/", views.sheet_print, name="attendance-sheet-print"),
    path("whereabouts/<int:village_id>/", views.whereabouts_page, name="whereabouts-village"),
    path("whereabouts/b/<str:token>/", views.whereabouts_public, name="whereabouts-public"),
    path("diaries/", views.diary_page, name="diary-page"),
    path("inspections/", views.inspection_page, name="inspection-page"),
    # duties (issue 13)
    path("duties/", duties_views.duties_page, name="duties-page"),
    path("duties/overdue/", duties_views.overdue_panel, name="duties-overdue-panel"),
    path("duties/records/<int:pk>/file/", duties_views.duty_record_file, name="duty-record-file"),
]
