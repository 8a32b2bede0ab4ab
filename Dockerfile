# The portal app (gunicorn) and the development mail/SMS sink, for docker-compose.yml.
FROM python:3.11-slim
WORKDIR /srv/portal
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml ./
COPY app/ app/
COPY scripts/ scripts/
COPY bench/ bench/
COPY migrations/ migrations/
COPY alembic.ini realm-export.json gunicorn.conf.py ./
RUN pip install --no-cache-dir ".[postgres]" && useradd --system portal && mkdir -p instance && chown portal instance
USER portal
EXPOSE 5000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=3)"
CMD ["gunicorn", "--workers", "2", "--threads", "4", "--bind", "0.0.0.0:5000", "app.wsgi:app"]
