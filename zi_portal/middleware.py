"""Project-wide middleware."""

from django.conf import settings
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
