"""Serving a stored object that the caller has already authorized: one function for evidence
versions, export files and logos alike (DESIGN.md §5, "downloads are one function").

Local storage streams the file; S3 storage answers with a short-lived signed URL carrying the
same disposition and type. PDF and images may open inline; anything else is an attachment and
sandboxed, so an uploaded HTML or SVG can never run in the portal's origin.
"""

from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect

JENIS_PRATINJAU = ("application/pdf", "image/jpeg", "image/png")


def sajikan(kunci, *, nama, mime, inline=None):
    """The response serving storage object ``kunci`` as ``nama`` (``inline`` defaults to
    PDF/JPEG/PNG only)."""
    if inline is None:
        inline = mime in JENIS_PRATINJAU
    disposisi = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(nama)}"
    if hasattr(default_storage, "bucket_name"):
        url = default_storage.url(
            kunci,
            parameters={"ResponseContentDisposition": disposisi, "ResponseContentType": mime},
        )
        return HttpResponseRedirect(url)
    respons = FileResponse(
        default_storage.open(kunci, "rb"),
        as_attachment=not inline,
        filename=nama,
        content_type=mime,
    )
    if mime == "application/pdf":
        # Chromium does not show a PDF in a sandboxed document, so PDFs (content-checked,
        # served as application/pdf with nosniff) open in its viewer, framed by the portal
        # itself only (the review queue's preview); everything else is sandboxed and unframed.
        respons["Content-Security-Policy"] = "frame-ancestors 'self'"
        respons["X-Frame-Options"] = "SAMEORIGIN"
    else:
        respons["Content-Security-Policy"] = "sandbox"
    respons["Cache-Control"] = "private, no-store"
    return respons
