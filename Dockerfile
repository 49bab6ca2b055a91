# One image for all five Claimline services; the command picks the service:
#   docker run IMAGE serve claims --host 0.0.0.0 --port 8002
ARG PYTHON_IMAGE=python:3.11-slim

# --- build: a virtualenv holding the dependencies, then the package ----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, from pyproject.toml alone: this layer is reused until
# pyproject.toml changes, however often the sources do.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p.get('dependencies', [])))" > /tmp/requirements.txt \
 && if [ -s /tmp/requirements.txt ]; then pip install -r /tmp/requirements.txt; fi

# Then the package itself (.dockerignore keeps tests, caches and deploy files out).
COPY . .
RUN pip install --no-deps . \
 && claimline --help > /dev/null

# --- runtime: the virtualenv on a clean slim image, as a non-root user -------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CLAIMLINE_DATA_DIR=/var/lib/claimline/data \
    CLAIMLINE_API_KEYS_FILE=/var/lib/claimline/keys/keys.json
# /var/lib/claimline/keys is where compose mounts the keys volume shared by the
# services; creating it here makes a new named volume owned by this user.
RUN groupadd --system --gid 10001 claimline \
 && useradd --system --uid 10001 --gid claimline --home-dir /var/lib/claimline \
        --shell /usr/sbin/nologin claimline \
 && mkdir -p /var/lib/claimline/data /var/lib/claimline/keys \
 && chown -R claimline:claimline /var/lib/claimline
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /var/lib/claimline
# intake 8001, claims 8002, certification 8003, assessment 8004, notify 8005
EXPOSE 8001-8005
ENTRYPOINT ["claimline"]
CMD ["serve", "intake", "--host", "0.0.0.0", "--port", "8001"]
