from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("assessment-periods/", apis.PeriodListApi.as_view(), name="api-assessment-periods"),
    path("assessment-periods/<int:pk>/", apis.PeriodDetailApi.as_view(), name="api-assessment-period"),
    path("assessment-periods/<int:pk>/publish/", apis.PublishApi.as_view(), name="api-assessment-period-publish"),
    path("assessment-periods/<int:pk>/export/", apis.ExportApi.as_view(), name="api-assessment-period-export"),
    path("assessments/", apis.AssessmentListApi.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", apis.AssessmentDetailApi.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/self-summary/", apis.SelfSummaryApi.as_view(), name="api-assessment-self-summary"),
    path("assessments/<int:pk>/opinion/", apis.OpinionApi.as_view(), name="api-assessment-opinion"),
    path("assessments/<int:pk>/score/", apis.ScoreApi.as_view(), name="api-assessment-score"),
    path("assessments/<int:pk>/poll/", apis.PollApi.as_view(), name="api-assessment-poll"),
    path("assessments/<int:pk>/grade/", apis.GradeApi.as_view(), name="api-assessment-grade"),
]

urlpatterns = [
    path("assessment/", views.period_list_page, name="assessment-periods"),
    path("assessment/periods/<int:pk>/", views.grading_page, name="assessment-grading"),
    path("assessment/periods/<int:pk>/publish/", views.publish_page, name="assessment-publish"),
    path("assessment/periods/<int:pk>/export/", views.export_page, name="assessment-export"),
    path("assessment/<int:pk>/", views.assessment_page, name="assessment-detail"),
    path("assessment/<int:pk>/grade/", views.grade_cell, name="assessment-grade-cell"),
    path("assessment/<int:pk>/opinion/", views.opinion_page, name="assessment-opinion"),
    path("assessment/mine/", views.mine_page, name="assessment-mine"),
    path("assessment/opinions/", views.opinion_list_page, name="assessment-opinions"),
]
