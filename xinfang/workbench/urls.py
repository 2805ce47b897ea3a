"""The staff workbench, included at /workbench/ with the namespace ``workbench``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.workbench.views import auth, bulk, desk, inbox, ledger, paperwork, petition, register, twofactor, units

app_name = "workbench"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", inbox.inbox, name="inbox"),
    path("bulk/", bulk.bulk_action, name="bulk"),
    path("views/", inbox.view_save, name="view_save"),
    path("views/<int:pk>/rename/", inbox.view_rename, name="view_rename"),
    path("views/<int:pk>/delete/", inbox.view_delete, name="view_delete"),
    path("desk/", desk.leader_desk, name="desk"),
    path("ledger/export/", ledger.inbox_export, name="ledger_export"),
    path("ledger/export/<str:source>/", ledger.desk_export, name="ledger_desk_export"),
    path("ledger/import/", ledger.ledger_import_page, name="ledger_import"),
    path("ledger/import/template/", ledger.ledger_template, name="ledger_template"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("2fa/", twofactor.overview, name="twofactor"),
    path("2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path("2fa/verify/", twofactor.verify, name="twofactor_verify"),
    path("2fa/disable/", twofactor.disable, name="twofactor_disable"),
    path("register/", register.register, name="register"),
    path("register/hint/", register.register_hint, name="register_hint"),
    path("register/petitioner-row/", register.petitioner_row, name="petitioner_row"),
    path("register/previous/", register.register_previous, name="register_previous"),
    path("register/accused/", register.register_accused, name="register_accused"),
    path("register/area/", register.register_area, name="register_area"),
    path("register/category/", register.register_category, name="register_category"),
    path("units/", units.unit_search, name="unit_search"),
    path("p/<str:key>/", petition.petition_detail, name="petition"),
    path("p/<str:key>/act/<str:action>/", petition.act, name="act"),
    path("p/<str:key>/receipt/", paperwork.receipt, name="receipt"),
    path("p/<str:key>/print/", paperwork.case_file, name="case_file"),
    path("p/<str:key>/attachments/<int:attachment_id>/", petition.attachment, name="attachment"),
    path("p/<str:key>/documents/<int:document_id>/", petition.document, name="document"),
]
