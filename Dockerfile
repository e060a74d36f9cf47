# Production-like image for web (gunicorn), Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DATA_DIR=/data
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 postgresql-client \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal \
    && install -d -o portal -g portal /data

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=portal:portal . .
# Static files are collected at build time into /app/staticfiles (STATIC_ROOT does not follow
# DATA_DIR, which is the /data volume at run time); whitenoise serves them. The build needs a
# throwaway key only, and a throwaway DATA_DIR so that nothing root-owned lands in /data.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATA_DIR=/app/var \
    python manage.py collectstatic --noinput \
    && rm -rf /app/var

USER portal
EXPOSE 8000
# gthread workers keep serving while a slow client uploads a large file; uploads are
# streamed to disk, so memory stays flat (see bench/results/unggah_memori.json).
CMD ["gunicorn", "zi_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--worker-class", "gthread", "--threads", "4", "--timeout", "300", "--access-logfile", "-"]
