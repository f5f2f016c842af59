"""Pages of the anonymous trust box for children (public, no login) and the centre's inbox and
the schools' posters (staff, under ``inbox/`` and ``posters/``)."""

from django.urls import path

from safechildhood.trustbox.views import inbox, posters, public

app_name = "trustbox"

urlpatterns = [
    path("", public.write, name="write"),
    path("answer/", public.read, name="read"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.message_detail, name="message-detail"),
    path("inbox/<int:pk>/reply/", inbox.message_reply, name="message-reply"),
    path("inbox/<int:pk>/priority/", inbox.message_priority, name="message-priority"),
    path("inbox/<int:pk>/close/", inbox.message_close, name="message-close"),
    path("inbox/<int:pk>/concern/", inbox.message_convert, name="message-convert"),
    path("posters/", posters.poster_list, name="poster-list"),
    path("posters/<int:pk>/poster.pdf", posters.poster_pdf_view, name="poster-pdf"),
]
