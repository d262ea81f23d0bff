"""tidemark_lake's reading of the lake's manifest, without a JVM: the per-pipeline files
_tidemark/pipelines/<name>.json listed on a local disk (always) and on S3 (when
TIDEMARK_TEST_S3_LAKE names an s3a:// prefix, with AWS_* for its store: scripts/notebook-test sets
both for its S3Proxy pass), and the old single file _tidemark/pipelines.json of lakes written
before that layout.

  python -m unittest discover -s python/tests -v
"""

from __future__ import annotations

import json
import os
import tempfile
import unittest
import uuid

import tidemark_lake as lake

PAYMENTS = {"table": "payments_5m", "path": "gold/payments_5m", "quarantine": "quarantine/payments", "mode": "update"}
ORDERS = {"table": "orders", "path": "gold/orders", "quarantine": "quarantine/orders", "mode": "update"}


class ManifestCases:
    """The cases, on the lake root that setUp puts into TIDEMARK_LAKE."""

    root: str

    def setUp(self):
        self._saved = os.environ.get("TIDEMARK_LAKE")
        os.environ["TIDEMARK_LAKE"] = self.root

    def tearDown(self):
        if self._saved is None:
            os.environ.pop("TIDEMARK_LAKE", None)
        else:
            os.environ["TIDEMARK_LAKE"] = self._saved

    def write(self, relative: str, document) -> None:
        filesystem, base = lake.filesystem()
        location = base + "/" + relative
        filesystem.create_dir(location.rsplit("/", 1)[0], recursive=True)
        with filesystem.open_output_stream(location) as f:
            f.write((document if isinstance(document, str) else json.dumps(document)).encode("utf-8"))

    def test_an_empty_lake_lists_no_pipeline(self):
        self.assertEqual({}, lake.pipelines())
        with self.assertRaisesRegex(KeyError, r"no pipeline 'payments' .*_tidemark/pipelines/ lists \[\]"):
            lake.pipeline("payments")

    def test_every_pipelines_own_file_is_listed(self):
        self.write("_tidemark/pipelines/payments.json", {"version": 1, "pipeline": PAYMENTS})
        self.write("_tidemark/pipelines/orders.json", {"version": 1, "pipeline": ORDERS})
        # A writer's temporary file and files that are not JSON are not pipelines.
        self.write("_tidemark/pipelines/.tmp-0f3a-clicks.json", {"version": 1, "pipeline": ORDERS})
        self.write("_tidemark/pipelines/notes.txt", "not a pipeline")

        self.assertEqual({"orders": ORDERS, "payments": PAYMENTS}, lake.pipelines())
        self.assertEqual(["orders", "payments"], list(lake.pipelines()))
        self.assertEqual(lake.lake_root() + "/gold/payments_5m", lake.table_path("payments"))
        self.assertEqual(lake.lake_root() + "/quarantine/orders", lake.quarantine_path("orders"))

    def test_the_old_single_file_is_read_for_pipelines_without_their_own(self):
        stale = dict(PAYMENTS, path="gold/old")
        self.write("_tidemark/pipelines.json", {"version": 1, "pipelines": {"orders": ORDERS, "payments": stale}})
        self.assertEqual({"orders": ORDERS, "payments": stale}, lake.pipelines(), "the old file alone")

        self.write("_tidemark/pipelines/payments.json", {"version": 1, "pipeline": PAYMENTS})

        self.assertEqual({"orders": ORDERS, "payments": PAYMENTS}, lake.pipelines())


class LocalManifestTest(ManifestCases, unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.root = os.path.join(self._dir.name, "lake")
        os.makedirs(self.root)
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self._dir.cleanup()


@unittest.skipUnless(os.environ.get("TIDEMARK_TEST_S3_LAKE"), "TIDEMARK_TEST_S3_LAKE not set")
class S3ManifestTest(ManifestCases, unittest.TestCase):
    def setUp(self):
        # A fresh prefix per test; the bucket must exist.
        self.root = os.environ["TIDEMARK_TEST_S3_LAKE"].rstrip("/") + "/" + uuid.uuid4().hex[:8]
        super().setUp()
        self.assertTrue(lake.is_s3(), lake.lake_root())


if __name__ == "__main__":
    unittest.main()
