"""backup-s3: backups in an S3 bucket, or any server speaking the S3 protocol (BACKUP_S3_ENDPOINT).

botocore is the client: it is already this project's optional dependency for text2vec-aws (SigV4), it speaks
S3 completely (multipart uploads, path-style addressing for MinIO-like servers, the AWS credential chain) and it
is synchronous, which suits the backup worker thread. boto3 would add only a resource layer over it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vectordb.backup.backends import Location
from vectordb.backup.filesystem import DESCRIPTOR
from vectordb.config import ConfigError

DEFAULT_ENDPOINT = "s3.amazonaws.com"
PART_BYTES = 64 << 20  # multipart upload above this (S3 takes at most 5 GiB in one PUT)
_CHUNK = 1 << 20


def _first(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        if env.get(name):
            return env[name]
    return None


class S3Backend:
    name = "backup-s3"

    def __init__(self, client: Any, bucket: str, path: str, endpoint: str) -> None:
        self.client, self.bucket, self.path, self.endpoint = client, bucket, path.strip("/"), endpoint

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> S3Backend:
        bucket = (env.get("BACKUP_S3_BUCKET") or "").strip()
        if not bucket:
            raise ConfigError("backup init: 'BACKUP_S3_BUCKET' must be set")
        try:
            import botocore.session
            from botocore.config import Config
        except ImportError as exc:
            raise ConfigError("backup-s3 needs botocore: pip install 'vectordb[aws]'") from exc
        endpoint = (env.get("BACKUP_S3_ENDPOINT") or "").strip() or DEFAULT_ENDPOINT
        use_ssl = (env.get("BACKUP_S3_USE_SSL") or "").strip().lower() != "false"  # on unless "false", as Weaviate
        session = botocore.session.Session()
        client = session.create_client(
            "s3",
            region_name=_first(env, "AWS_REGION", "AWS_DEFAULT_REGION") or "us-east-1",
            endpoint_url=f"{'https' if use_ssl else 'http'}://{endpoint}",
            aws_access_key_id=_first(env, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
            aws_secret_access_key=_first(env, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
            aws_session_token=_first(env, "AWS_SESSION_TOKEN"),
            config=Config(
                s3={"addressing_style": "auto" if endpoint == DEFAULT_ENDPOINT else "path"},
                retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=120,
            ),
        )
        return cls(client, bucket, env.get("BACKUP_S3_PATH") or "", endpoint)

    def _where(self, backup_id: str, key: str, where: Location) -> tuple[str, str]:
        parts = [part for part in ((where.path or self.path).strip("/"), backup_id, key) if part]
        return where.bucket or self.bucket, "/".join(parts)

    def home(self, backup_id: str, where: Location) -> str:
        bucket, key = self._where(backup_id, "", where)
        return f"s3://{bucket}/{key}"

    def read(self, backup_id: str, key: str, where: Location) -> bytes | None:
        bucket, name = self._where(backup_id, key, where)
        try:
            answer = self.client.get_object(Bucket=bucket, Key=name)
        except self.client.exceptions.NoSuchKey:
            return None
        with answer["Body"] as body:
            return body.read()

    def write(self, backup_id: str, key: str, data: bytes, where: Location) -> None:
        bucket, name = self._where(backup_id, key, where)
        self.client.put_object(Bucket=bucket, Key=name, Body=data)

    def upload(self, backup_id: str, key: str, source: Path, where: Location) -> None:
        bucket, name = self._where(backup_id, key, where)
        if source.stat().st_size <= PART_BYTES:
            with open(source, "rb") as f:
                self.client.put_object(Bucket=bucket, Key=name, Body=f)
            return
        upload_id = self.client.create_multipart_upload(Bucket=bucket, Key=name)["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            with open(source, "rb") as f:
                while chunk := f.read(PART_BYTES):
                    number = len(parts) + 1
                    answer = self.client.upload_part(Bucket=bucket, Key=name, UploadId=upload_id,
                                                     PartNumber=number, Body=chunk)
                    parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            self.client.complete_multipart_upload(Bucket=bucket, Key=name, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=bucket, Key=name, UploadId=upload_id)
            raise

    def download(self, backup_id: str, key: str, target: Path, where: Location) -> None:
        bucket, name = self._where(backup_id, key, where)
        answer = self.client.get_object(Bucket=bucket, Key=name)
        with answer["Body"] as body, open(target, "wb") as f:
            while chunk := body.read(_CHUNK):
                f.write(chunk)

    def delete(self, backup_id: str, key: str, where: Location) -> None:
        bucket, name = self._where(backup_id, key, where)
        self.client.delete_object(Bucket=bucket, Key=name)

    def backup_ids(self) -> list[str]:
        prefix = f"{self.path}/" if self.path else ""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                rest = item["Key"][len(prefix):].split("/")
                if len(rest) == 2 and rest[1] == DESCRIPTOR:
                    found.append(rest[0])
        return sorted(found)

    def meta(self) -> dict[str, str]:
        return {"endpoint": self.endpoint, "bucketName": self.bucket, "rootName": self.path}
