from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("cadres/", apis.CadreListApi.as_view(), name="api-cadres"),
    path("cadres/import/", apis.CadreImportApi.as_view(), name="api-cadres-import"),
    path("cadres/<int:pk>/", apis.CadreDetailApi.as_view(), name="api-cadre"),
    path("teams/", apis.TeamListApi.as_view(), name="api-teams"),
    path("teams/<int:pk>/", apis.TeamDetailApi.as_view(), name="api-team"),
    path("teams/<int:pk>/members/", apis.TeamMembersApi.as_view(), name="api-team-members"),
    path("memberships/<int:pk>/end/", apis.MembershipEndApi.as_view(), name="api-membership-end"),
    path("memberships/<int:pk>/handover/", apis.MembershipHandoverApi.as_view(), name="api-membership-handover"),
    path("memberships/<int:pk>/grounds/", apis.CadreGroundsApi.as_view(), name="api-membership-grounds"),
    path("personnel-cases/", apis.PersonnelCaseListApi.as_view(), name="api-personnel-cases"),
    path("personnel-cases/grounds/", apis.PersonnelCaseGroundsApi.as_view(), name="api-personnel-case-grounds"),
    path("personnel-cases/<int:pk>/", apis.PersonnelCaseDetailApi.as_view(), name="api-personnel-case"),
    path("personnel-cases/<int:pk>/approve/", apis.PersonnelCaseApproveApi.as_view(), name="api-personnel-case-approve"),
    path("personnel-cases/<int:pk>/reject/", apis.PersonnelCaseRejectApi.as_view(), name="api-personnel-case-reject"),
    path("personnel-cases/<int:pk>/successor/", apis.PersonnelCaseSuccessorApi.as_view(),
         name="api-personnel-case-successor"),
    path("cadres/<int:pk>/warnings/", apis.CadreWarningApi.as_view(), name="api-cadre-warnings"),
]

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/members/new/", views.member_new, name="member-new"),
    path("memberships/<int:pk>/end/", views.member_end, name="member-end"),
    path("memberships/<int:pk>/handover/", views.member_handover, name="member-handover"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("cadres/new/", views.cadre_new, name="cadre-new"),
    path("cadres/import/", views.cadre_import, name="cadre-import"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre-detail"),
    path("personnel-cases/", views.case_list, name="case-list"),
    path("personnel-cases/new/", views.case_new, name="case-new"),
    path("personnel-cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("personnel-cases/<int:pk>/notice/", views.case_notice, name="case-notice"),
]
