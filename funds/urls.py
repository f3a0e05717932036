from django.urls import path

from . import apis, views

api_urlpatterns = [
    path("fund-accounts/", apis.AccountListApi.as_view(), name="api-fund-accounts"),
    path("fund-accounts/proposal/", apis.AccountProposalApi.as_view(), name="api-fund-account-proposal"),
    path("fund-accounts/<int:pk>/", apis.AccountDetailApi.as_view(), name="api-fund-account"),
    path("expenditures/", apis.ExpenditureListApi.as_view(), name="api-expenditures"),
    path("expenditures/<int:pk>/", apis.ExpenditureDetailApi.as_view(), name="api-expenditure"),
    path("expenditures/<int:pk>/sign/", apis.ExpenditureSignApi.as_view(), name="api-expenditure-sign"),
    path("expenditures/<int:pk>/reject/", apis.ExpenditureRejectApi.as_view(), name="api-expenditure-reject"),
    path("expenditures/<int:pk>/receipts/", apis.ReceiptListApi.as_view(), name="api-expenditure-receipts"),
    path("expenditures/<int:pk>/receipts/<int:rid>/", apis.ReceiptFileApi.as_view(), name="api-expenditure-receipt"),
]

urlpatterns = [
    path("funds/", views.ledger_list, name="funds-ledger-list"),
    path("funds/accounts/<int:pk>/", views.ledger, name="funds-ledger"),
    path("funds/accounts/<int:pk>/export.xlsx", views.ledger_export, name="funds-ledger-export"),
    path("funds/sign/", views.sign_queue, name="funds-sign-queue"),
    path("funds/expenditures/<int:pk>/sign/", views.sign_in_place, name="funds-sign"),
    path("funds/expenditures/<int:pk>/reject/", views.reject_in_place, name="funds-reject"),
    path("funds/expenditures/<int:pk>/receipts/", views.receipt_upload, name="funds-receipt-upload"),
]
