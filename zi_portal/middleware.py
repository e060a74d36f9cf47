"""Project-wide middleware."""

import time

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BahasaMiddleware(LocaleMiddleware):
    """Indonesian first: English only when the user picked it (language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    PCs in Indonesia run English-language browsers; the portal must still open in Bahasa
    Indonesia for them.
    """

    def process_request(self, request):
        bahasa = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if bahasa not in dict(settings.LANGUAGES):
            bahasa = settings.LANGUAGE_CODE
        translation.activate(bahasa)
        request.LANGUAGE_CODE = translation.get_language()


class KompresHalamanMiddleware(GZipMiddleware):
    """gzip for pages and JSON only. Evidence downloads (files, streamed) keep their length and
    byte ranges. Django's GZipMiddleware pads compressed responses randomly (BREACH mitigation)
    and the CSRF token in a page is masked per request, so compressing pages is safe."""

    JENIS = ("text/html", "application/json")

    def process_response(self, request, response):
        jenis = response.get("Content-Type", "").split(";")[0].strip()
        if response.streaming or jenis not in self.JENIS:
            return response
        return super().process_response(request, response)


SESI_SEGAR = "_segar"


def tandai_sesi_segar(sender, request, user, **kwargs):
    """user_logged_in: a new session starts fresh (no extra save on the next request)."""
    if hasattr(request, "session"):
        request.session[SESI_SEGAR] = int(time.time())


class SesiMenganggurMiddleware:
    """Idle timeout without a database write on every request: the session's expiry
    (SESSION_COOKIE_AGE, from SESI_MENGANGGUR_JAM) is pushed forward at most every
    SEGARKAN_DETIK seconds of activity. A session idle for longer than the age expires."""

    SEGARKAN_DETIK = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sesi = getattr(request, "session", None)
        # Only a session this request already loaded (a signed-in user's): never a query more.
        if sesi is not None and sesi.session_key and hasattr(sesi, "_session_cache"):
            sekarang = int(time.time())
            if sekarang - sesi.get(SESI_SEGAR, 0) >= self.SEGARKAN_DETIK:
                sesi[SESI_SEGAR] = sekarang  # modified: SessionMiddleware saves it, new expiry
        return response
