# paxscreen image: the worker, the producers and the CLI (docker-compose.yml runs it).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY paxscreen ./paxscreen
COPY producers ./producers
COPY matchers ./matchers
COPY streams ./streams
RUN pip install .
RUN useradd --system --home /app paxscreen && mkdir -p /app/.paxscreen && chown paxscreen /app/.paxscreen
USER paxscreen
ENTRYPOINT ["paxscreen"]
CMD ["worker"]
