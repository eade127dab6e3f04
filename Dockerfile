# CCHC Bot image: `docker build -t cchc-bot .`, then (see docs/VAN_HANH.md, "Chạy bằng Docker"):
#   docker run --rm -v cchc-data:/data --env-file /etc/cchc-bot/env cchc-bot init
#   docker run -d --name cchc-bot --restart unless-stopped \
#       -v cchc-data:/data --env-file /etc/cchc-bot/env cchc-bot
# Every `cchc-bot` command works the same way: `docker run ... cchc-bot doctor`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# tzdata: CCHC_TIMEZONE (Asia/Ho_Chi_Minh) needs the zone database.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cchc \
    && useradd --system --uid 10001 --gid cchc --home-dir /data --shell /usr/sbin/nologin cchc

WORKDIR /opt/cchc-bot
COPY pyproject.toml README.md bot.py ./
COPY cchc_bot ./cchc_bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY db ./db
RUN pip install . && rm -rf build *.egg-info

# Everything the bot writes lives in the volume: the SQLite file and the files folder.
RUN mkdir -p /data && chown cchc:cchc /data
VOLUME /data
WORKDIR /data
ENV CCHC_DATABASE_URL=sqlite+aiosqlite:////data/cchc.db \
    CCHC_FILES_DIR=/data/files \
    CCHC_LOG_FORMAT=json

USER cchc
# Only used in webhook mode: `run --webhook-url https://... --listen 0.0.0.0 --port 8443`.
EXPOSE 8443
# `docker stop` sends SIGTERM: the bot stops the scheduler and finishes the update in hand.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cchc-bot"]
CMD ["run"]
