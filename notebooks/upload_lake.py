"""Copies a local lake into an S3-compatible store through the S3 API, for the notebook tests.

Used by scripts/notebook-test to run the notebooks against an s3a:// lake on S3Proxy:
  python notebooks/upload_lake.py LOCAL_LAKE BUCKET/PREFIX

Objects are written with real PUTs (so the store keeps their ETags, which s3a checks on read);
copying files into the store's folder behind its back does not give a usable lake. The endpoint
and credentials come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the same
variables tidemark_lake.py reads; nothing secret is printed.
"""

from __future__ import annotations

import sys
import time

import tidemark_lake


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, destination = sys.argv[1], sys.argv[2].strip("/")
    from pyarrow import fs

    s3, _ = tidemark_lake.filesystem(s3=True)
    started = time.monotonic()
    fs.copy_files(source, destination, source_filesystem=fs.LocalFileSystem(), destination_filesystem=s3)
    files = [
        info
        for info in s3.get_file_info(fs.FileSelector(destination, recursive=True))
        if info.type == fs.FileType.File
    ]
    if not files:
        print(f"upload_lake: nothing arrived under {destination}", file=sys.stderr)
        return 1
    size = sum(f.size for f in files)
    print(f"upload_lake: {len(files)} files, {size / 1e6:.1f} MB to {destination} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
