from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("leave-requests/", apis.LeaveRequestListApi.as_view(), name="api-leave-requests"),
    path("leave-requests/<int:pk>/", apis.LeaveRequestDetailApi.as_view(), name="api-leave-request"),
    path("leave-requests/<int:pk>/approve/", apis.ApproveApi.as_view(), name="api-leave-approve"),
    path("leave-requests/<int:pk>/reject/", apis.RejectApi.as_view(), name="api-leave-reject"),
    path("leave-requests/<int:pk>/cancel/", apis.CancelApi.as_view(), name="api-leave-cancel"),
    path("leave-requests/<int:pk>/return/", apis.ReturnApi.as_view(), name="api-leave-return"),
    path("leave-requests/<int:pk>/replacement/", apis.ReplacementApi.as_view(), name="api-leave-replacement"),
    path("leave-requests/<int:pk>/written-form/", apis.WrittenFormApi.as_view(), name="api-leave-written-form"),
]

urlpatterns = [
    path("leave/", views.leave_mine, name="leave-mine"),
    path("leave/new/", views.leave_new, name="leave-new"),
    path("leave/inbox/", views.leave_inbox, name="leave-inbox"),
    path("leave/<int:pk>/", views.leave_detail, name="leave-detail"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave-decide"),
    path("leave/cadres/<int:cadre_id>/", views.leave_cadre_history, name="leave-cadre-history"),
]
