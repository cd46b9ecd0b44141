"""Backup artifacts: a tar archive holding the environment's content as JSON.

The name ends in .tar.zst like the real storage path, but the archive is not compressed (stdlib only).
"""

import hashlib
import io
import json
import os
import tarfile

MEMBER = "environment.json"


def backup_path(data_dir: str, environment_id: str, backup_id: str) -> str:
    return os.path.join(data_dir, "artifacts", "backups", environment_id, f"{backup_id}.tar.zst")


def storage_path(environment_id: str, backup_id: str) -> str:
    return f"s3://pressluft/backups/{environment_id}/{backup_id}.tar.zst"


def write(path: str, snapshot: dict):
    """Writes the archive atomically; returns (checksum, size_bytes) of the file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(snapshot, indent=2, sort_keys=True).encode()
    info = tarfile.TarInfo(MEMBER)
    info.size = len(data)
    info.mtime = 0
    temporary = path + ".tmp"
    with tarfile.open(temporary, "w") as archive:
        archive.addfile(info, io.BytesIO(data))
    os.replace(temporary, path)
    return checksum(path), os.path.getsize(path)


def read(path: str) -> dict:
    with tarfile.open(path, "r") as archive:
        member = archive.extractfile(MEMBER)
        return json.loads(member.read())


def checksum(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()
