"""Tidemark's lake from Python: every pipeline's tables by name, read with delta-rs (no JVM) or PySpark.

Install from a checkout: ``pip install ./python`` (``pip install './python[spark]'`` adds PySpark
and delta-spark). The notebooks start with ``import tidemark_lake as lake``.

Pipelines are found in the lake itself: Tidemark records each pipeline it streams, backfills or
resets in a file of its own, ``LAKE/_tidemark/pipelines/<name>.json`` (table path, quarantine
path, output mode, keys, window), so ``lake.read("orders")`` works for any pipeline written to the
lake, with no configuration files and no JDK. The folder is listed with pyarrow, on a local disk
and on S3 alike. Lakes written before that layout have one file for all pipelines,
``LAKE/_tidemark/pipelines.json``; it is still read, for pipelines without a file of their own.

Environment variables (all optional):
  TIDEMARK_LAKE     lake root: a local path, file:/..., or s3a://bucket/prefix
                    (default: target/tidemark-lake of the checkout, what `scripts/tidemark demo` writes)
  TIDEMARK_HOME     the Tidemark checkout (default: found from the working folder or this file);
                    relative lake paths and the PySpark jars (core/target/classpath.txt) are taken from it
  TIDEMARK_FIGURES  folder the notebooks save their PNG figures to (default: target/notebook-figures)
  AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
                    used when the lake is on S3 (MinIO or AWS); never printed
  TIDEMARK_SPARK_MASTER, TIDEMARK_SPARK_DRIVER_MEMORY
                    local Spark settings (default local[2] and 2g)
  TIDEMARK_SPARK_DRIVER_JAVA_OPTIONS
                    more JVM options for the PySpark driver (scripts/notebook-test gives its short
                    sessions the C1 compiler only and the serial collector)
"""

from __future__ import annotations

import os
from datetime import timezone
from pathlib import Path
from urllib.parse import urlparse



def _find_checkout() -> Path:
    """TIDEMARK_HOME, else the first folder holding pom.xml and conf/ from the working folder or
    this file upwards (an editable install or a run from the checkout), else the working folder."""
    if os.environ.get("TIDEMARK_HOME", "").strip():
        return Path(os.environ["TIDEMARK_HOME"]).resolve()
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "pom.xml").is_file() and (folder / "conf").is_dir():
                return folder
    return Path.cwd().resolve()


REPO_ROOT = _find_checkout()
NOTEBOOK_DIR = REPO_ROOT / "notebooks"

METRICS_TABLE = "_metrics/streaming"
# The manifest Tidemark writes into the lake (dev.tidemark.run.LakeManifest): one file per pipeline,
# MANIFEST_DIR/<name>.json, {"version": 1, "pipeline": {...}}; lakes written before that layout have
# one file for all, LEGACY_MANIFEST, {"version": 1, "pipelines": {name: {...}}}.
MANIFEST_DIR = "_tidemark/pipelines"
LEGACY_MANIFEST = "_tidemark/pipelines.json"

# Jars PySpark does not bundle, taken from the pipeline's own Maven classpath (core/target/classpath.txt,
# written by the build) so that notebooks read the lake with exactly the Delta the pipeline writes
# it with. Matched as Maven repository paths (group/artifact/).
DELTA_JARS = (
    "io/delta/",
    "io/unitycatalog/",
    "javax/annotation/javax.annotation-api/",
    "com/fasterxml/jackson/datatype/jackson-datatype-jdk8/",
)
S3A_JARS = ("org/apache/hadoop/hadoop-aws/", "software/amazon/", "org/wildfly/openssl/")


# --------------------------------------------------------------------------------------------
# Where things are
# --------------------------------------------------------------------------------------------
def lake_root() -> str:
    """The lake root without a trailing slash: an absolute local path, or s3a://bucket/prefix."""
    raw = os.environ.get("TIDEMARK_LAKE", "").strip() or str(REPO_ROOT / "target" / "tidemark-lake")
    parsed = urlparse(raw)
    if parsed.scheme in ("s3a", "s3"):
        return "s3a://" + parsed.netloc + parsed.path.rstrip("/")
    if parsed.scheme == "file":
        raw = parsed.path
    elif parsed.scheme not in ("",) and len(parsed.scheme) > 1:
        raise ValueError(f"TIDEMARK_LAKE: unsupported scheme {parsed.scheme!r} (use a path, file:/ or s3a://)")
    path = Path(raw)
    if not path.is_absolute():
        # Relative paths are relative to the checkout, like the CLI's.
        path = REPO_ROOT / path
    return str(path.resolve())


def is_s3() -> bool:
    return lake_root().startswith("s3a://")


def pipelines() -> dict[str, dict]:
    """Every pipeline the lake has, by name, from the lake's manifest: the files
    _tidemark/pipelines/<name>.json, and for pipelines without one the old single file
    _tidemark/pipelines.json. Each entry gives the gold table name and path, quarantine path,
    output mode, keys, topics and window. Empty when nothing has been streamed or backfilled into
    the lake yet."""
    from pyarrow import fs

    filesystem_, base = filesystem()
    found = dict(_read_json(filesystem_, base + "/" + LEGACY_MANIFEST).get("pipelines", {}))
    selector = fs.FileSelector(base + "/" + MANIFEST_DIR, allow_not_found=True)
    for info in sorted(filesystem_.get_file_info(selector), key=lambda i: i.base_name):
        name = info.base_name
        # Files only: no folder, and no temporary file of a writer (".tmp-...").
        if info.type == fs.FileType.File and name.endswith(".json") and not name.startswith("."):
            entry = _read_json(filesystem_, info.path).get("pipeline")
            if isinstance(entry, dict):
                found[name[: -len(".json")]] = entry
    return dict(sorted(found.items()))


def _read_json(filesystem_, location: str) -> dict:
    """The JSON object in a file of the lake; empty if there is no such file."""
    import json

    try:
        with filesystem_.open_input_stream(location) as f:
            document = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as e:  # pyarrow's S3 filesystem reports a missing key as OSError
        if "not found" in str(e).lower() or "does not exist" in str(e).lower():
            return {}
        raise
    return document if isinstance(document, dict) else {}


def pipeline(name: str) -> dict:
    """One pipeline's manifest entry; KeyError naming the pipelines the lake has."""
    known = pipelines()
    if name not in known:
        raise KeyError(f"no pipeline {name!r} in the lake {lake_root()} (its {MANIFEST_DIR}/ lists {sorted(known)})")
    return known[name]


def _relative(name: str) -> str:
    known = pipelines()
    return (known[name]["path"] if name in known else name).strip("/")


def table_path(name: str) -> str:
    """Path of a table for Spark: a pipeline name (card-velocity, any pipeline in the lake's
    manifest) or a path under the lake root (gold/card_velocity, _metrics/streaming)."""
    return lake_root() + "/" + _relative(name)


def quarantine_path(name: str) -> str:
    """Quarantine table of a pipeline (from the lake's manifest) for Spark."""
    return lake_root() + "/" + pipeline(name)["quarantine"].strip("/")


def rust_uri(path: str) -> str:
    """The same location as delta-rs / pyarrow name it (s3:// instead of s3a://)."""
    return "s3://" + path[len("s3a://"):] if path.startswith("s3a://") else path


def describe() -> str:
    """One line saying where the lake is (no secrets)."""
    where = lake_root()
    if is_s3():
        where += f" (endpoint {os.environ.get('AWS_ENDPOINT_URL', 'AWS default')})"
    return f"lake: {where}"


# --------------------------------------------------------------------------------------------
# delta-rs / pyarrow (no JVM)
# --------------------------------------------------------------------------------------------
def storage_options() -> dict[str, str]:
    """deltalake storage options for the lake: empty for local lakes, S3 settings from AWS_*."""
    if not is_s3():
        return {}
    opts = {"AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_SESSION_TOKEN"):
        if os.environ.get(key):
            opts[key] = os.environ[key]
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        opts["AWS_ENDPOINT_URL"] = endpoint
        opts["AWS_VIRTUAL_HOSTED_STYLE_REQUEST"] = "false"  # MinIO-style path access
        if endpoint.startswith("http://"):
            opts["AWS_ALLOW_HTTP"] = "true"
    opts.setdefault("AWS_REGION", "us-east-1")
    return opts


def delta_table(name: str, version: int | None = None):
    """A deltalake.DeltaTable for a pipeline name or a path under the lake root."""
    from deltalake import DeltaTable

    return DeltaTable(rust_uri(table_path(name)), version=version, storage_options=storage_options())


def quarantine_table(pipeline: str):
    from deltalake import DeltaTable

    return DeltaTable(rust_uri(quarantine_path(pipeline)), storage_options=storage_options())


def optional_delta_table(name: str):
    """Like delta_table, but None when there is no Delta table there (e.g. _metrics/streaming)."""
    from deltalake import DeltaTable

    uri = rust_uri(table_path(name))
    try:
        if not DeltaTable.is_deltatable(uri, storage_options=storage_options()):
            return None
        return DeltaTable(uri, storage_options=storage_options())
    except Exception:  # missing bucket/prefix, unreachable store: treat as absent
        return None


def read(name: str, engine: str = "deltalake", version: int | None = None):
    """A pipeline's gold table (or a table path under the lake root) as a pandas DataFrame read by
    delta-rs (engine="deltalake": no JVM), or as a PySpark DataFrame (engine="spark", the session
    of spark_session())."""
    if engine == "deltalake":
        return delta_table(name, version=version).to_pandas()
    if engine == "spark":
        reader = spark_session().read.format("delta")
        if version is not None:
            reader = reader.option("versionAsOf", version)
        return reader.load(table_path(name))
    raise ValueError(f"engine {engine!r}: use 'deltalake' or 'spark'")


def filesystem(s3: bool | None = None):
    """(pyarrow FileSystem, base path) for reading plain files of the lake, e.g. checkpoints.

    s3=True gives the S3 filesystem of AWS_* even when the lake root is local (for uploads)."""
    from pyarrow import fs

    root = lake_root()
    if not (is_s3() if s3 is None else s3):
        return fs.LocalFileSystem(), root
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    kwargs = {"region": os.environ.get("AWS_REGION", "us-east-1")}
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        kwargs["access_key"] = os.environ["AWS_ACCESS_KEY_ID"]
        kwargs["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    if endpoint:
        parsed = urlparse(endpoint)
        kwargs["endpoint_override"] = parsed.netloc
        kwargs["scheme"] = parsed.scheme or "https"
        kwargs["force_virtual_addressing"] = False
    return fs.S3FileSystem(**kwargs), root[len("s3a://"):] if is_s3() else ""


# --------------------------------------------------------------------------------------------
# PySpark
# --------------------------------------------------------------------------------------------
def spark_session(app_name: str = "tidemark-notebook"):
    """A local SparkSession with Delta Lake, UTC session time and few shuffle partitions.

    Delta (and hadoop-aws for s3a:// lakes) comes from the pipeline's Maven classpath, see
    spark_jars(); nothing is downloaded when the session starts.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    scratch = REPO_ROOT / "target" / "notebook-spark"
    scratch.mkdir(parents=True, exist_ok=True)
    builder = (
        SparkSession.builder.appName(app_name)
        .master(os.environ.get("TIDEMARK_SPARK_MASTER", "local[2]"))
        .config("spark.driver.memory", os.environ.get("TIDEMARK_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.jars", ",".join(spark_jars()))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", " ".join(_java_options()))
        .config("spark.sql.debug.maxToStringFields", "200")
        # Small lakes, two cores: few partitions, also for Delta's log replay (default 50).
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if is_s3():
        builder = builder.config("spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        builder = builder.config("spark.hadoop.fs.s3a.path.style.access", "true")
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            builder = builder.config("spark.hadoop.fs.s3a.endpoint", endpoint)
            builder = builder.config(
                "spark.hadoop.fs.s3a.connection.ssl.enabled", str(endpoint.startswith("https://")).lower()
            )
        if os.environ.get("AWS_REGION"):
            builder = builder.config("spark.hadoop.fs.s3a.endpoint.region", os.environ["AWS_REGION"])
        if os.environ.get("AWS_ACCESS_KEY_ID"):
            builder = builder.config("spark.hadoop.fs.s3a.access.key", os.environ["AWS_ACCESS_KEY_ID"])
            builder = builder.config("spark.hadoop.fs.s3a.secret.key", os.environ.get("AWS_SECRET_ACCESS_KEY", ""))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _java_options() -> list[str]:
    options = ["-Duser.timezone=UTC", *os.environ.get("TIDEMARK_SPARK_DRIVER_JAVA_OPTIONS", "").split()]
    log_config = REPO_ROOT / "conf" / "log4j2.properties"  # the CLI's: WARN and up, one line each
    if log_config.is_file():
        options.append(f"-Dlog4j2.configurationFile={log_config.as_uri()}")
    return options


def spark_jars() -> list[str]:
    """The Delta jars (plus the s3a ones for an S3 lake) from the pipeline's Maven classpath.

    Read from core/target/classpath.txt, which every build of the project writes, else from the copy
    that scripts/notebook-test keeps in the venv (<venv>/tidemark-classpath.txt, survives mvn clean).
    """
    import sys

    candidates = [REPO_ROOT / "core" / "target" / "classpath.txt", Path(sys.prefix) / "tidemark-classpath.txt"]
    source = next((c for c in candidates if c.is_file()), None)
    if source is None:
        raise FileNotFoundError(
            "no Maven classpath for Delta: build the project once (scripts/tidemark --help or "
            "scripts/notebook-test --setup-only) so that core/target/classpath.txt exists"
        )
    wanted = DELTA_JARS + (S3A_JARS if is_s3() else ())
    jars = [
        entry
        for entry in source.read_text().strip().split(os.pathsep)
        if entry.endswith(".jar") and any(f"/{prefix}" in entry.replace(os.sep, "/") for prefix in wanted)
    ]
    missing = [j for j in jars if not Path(j).is_file()]
    if not any("/delta-spark_" in j for j in jars) or missing:
        raise FileNotFoundError(f"{source}: Delta jars missing or not downloaded: {missing or 'delta-spark'}")
    return jars


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def figure_dir() -> Path:
    raw = os.environ.get("TIDEMARK_FIGURES", "").strip()
    path = Path(raw) if raw else REPO_ROOT / "target" / "notebook-figures"
    if not path.is_absolute():
        path = REPO_ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def time_axis(ax, label: str) -> None:
    """Concise UTC date/time ticks on the x axis of ax, labelled '<label> (UTC)'."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=timezone.utc)
    # Ticks always read as clock times (never a bare "35" for seconds); the offset shows the date.
    formatter = mdates.ConciseDateFormatter(
        locator,
        tz=timezone.utc,
        formats=["%Y", "%b", "%d", "%H:%M", "%H:%M", "%H:%M:%S"],
        zero_formats=["", "%Y", "%b", "%b-%d", "%H:%M", "%H:%M:%S"],
    )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlabel(f"{label} (UTC)")


def save_figure(fig, name: str) -> Path:
    """Saves a matplotlib figure as <figure_dir>/<name>.png and checks that a file came out."""
    target = figure_dir() / (name if name.endswith(".png") else name + ".png")
    fig.savefig(target, dpi=110, bbox_inches="tight")
    assert target.stat().st_size > 5_000, f"{target} looks empty"
    print(f"saved {target}")
    return target
