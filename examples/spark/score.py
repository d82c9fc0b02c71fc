"""Batch inference with inlay on Spark: pyspark.ml.functions.predict_batch_udf over a DataFrame, checked row by row.

For each of three Keras models of tests/fixtures (saved by real Keras), this script

1. makes a DataFrame of --rows rows: the fixture's own input rows first (the rows Keras's reference outputs
   were recorded for), then seeded random rows;
2. scores it on Spark with ``predict_batch_udf``: one inlay model per executor Python worker, loaded once,
   with as many inlay threads as the task has cores (``spark.task.cpus``);
3. scores the same rows in this (driver) process with one ``inlay`` model, the "single-process predict";
4. checks EVERY row of every output: Spark against single-process (bit-identical expected; see
   ``predict_like_spark``), and the fixture rows against Keras's recorded outputs;
5. checks from the workers' load log that each worker process loaded each model once, on task-sized threads.

It exits 1 on any mismatch (and prints which model, output and row). Run it with examples/spark/run.sh, or:

    INLAY_LIBRARY=build/release/libinlay.so PYTHONPATH=bindings/python \\
        build/spark-venv/bin/python examples/spark/score.py --fixtures tests/fixtures

The models: a tabular MLP (20 scalar FloatType columns combined with ``array()``), the MNIST convnet (one
flattened 784-float column reshaped to (28, 28, 1) by ``input_tensor_shapes``) and a model with two tensor
inputs and three outputs (a Spark struct of three float arrays).
"""

from __future__ import annotations

import argparse
import glob
import inspect
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np


@dataclass
class Case:
    """One model to score and how its inputs are laid out as Spark columns."""

    fixture: str  # directory under tests/fixtures/models
    # "scalars": each feature of the single (None, n) input is its own FloatType column, combined with array();
    # "tensors": each model input is one flattened array<float> column, reshaped by input_tensor_shapes.
    layout: str
    input_shapes: List[Tuple[int, ...]] = field(default_factory=list)  # filled from the model
    output_names: List[str] = field(default_factory=list)  # the Keras output layer names (struct fields)


CASES = [
    Case("dense_bn_dropout", "scalars"),  # Dense/BatchNormalization/Dropout, (None, 20) -> (None, 3)
    Case("mnist_cnn_functional", "tensors"),  # Conv2D/MaxPooling2D/Flatten/Dense, (None, 28, 28, 1) -> (None, 10)
    Case("multi_io_image_and_vector", "tensors"),  # (None, 8, 8, 1) + (None, 3) -> (None, 1), (None, 3), (None, 4)
]

# Spark against single-process: same library, weights, batches and thread count (predict_like_spark), so the
# rows are expected bit-identical (and are: the script prints how many); the bound is the 1e-6, far
# below any mix-up of rows, shapes or dtypes.
SPARK_ATOL = SPARK_RTOL = 1e-6
# Against Keras (TensorFlow kernels): the project's tolerance for every Keras fixture (README, "Precision").
KERAS_ATOL = KERAS_RTOL = 1e-5


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fixtures", default=os.environ.get("INLAY_FIXTURES", "tests/fixtures"),
                   help="the repository's tests/fixtures directory")
    p.add_argument("--rows", type=int, default=4096, help="rows per model")
    p.add_argument("--master", default="local[2]", help="Spark master (local[N]: N task slots)")
    p.add_argument("--partitions", type=int, default=4, help="DataFrame partitions = Spark tasks per model")
    p.add_argument("--batch-size", type=int, default=256, help="predict_batch_udf batch_size (rows per inlay predict)")
    p.add_argument("--task-cpus", type=int, default=1, help="spark.task.cpus: inlay threads per task")
    p.add_argument("--inlay-threads", type=int, default=0,
                   help="threads per predict in the workers; 0 (the right choice): spark.task.cpus. Only to measure "
                        "what oversubscribing the executor's cores costs")
    p.add_argument("--models", default=",".join(c.fixture for c in CASES),
                   help="comma-separated subset of: " + ", ".join(c.fixture for c in CASES))
    p.add_argument("--seed", type=int, default=20)
    return p.parse_args()


# --------------------------------------------------------------------------------------------------------------
# Executor side. Everything below runs in Spark's Python workers; it only needs `import inlay` to work there.
# --------------------------------------------------------------------------------------------------------------

def make_predict_fn_factory(model_path: str, n_inputs: int, output_names: Sequence[str], load_log_dir: str,
                            threads_override: int = 0) -> Callable[[], Callable[..., object]]:
    """Returns predict_batch_udf's make_predict_fn for one model file.

    pyspark calls make_predict_fn in a worker only when its ModelCache (pyspark/ml/model_cache.py, keyed by a
    uuid made per predict_batch_udf call, 3 entries per worker process) has no entry yet, so with Python worker
    reuse (spark.python.worker.reuse, on by default) a model is loaded once per worker process and reused by
    every later task and batch there (pyspark/ml/functions.py, predict_batch_udf's inner ``predict``).
    """

    def make_predict_fn() -> Callable[..., object]:
        import inlay  # in the worker: the system libinlay (.deb / wheel) or INLAY_LIBRARY
        from pyspark import TaskContext

        model = inlay.load_model(model_path)
        # Threads per predict = the cores this task was granted (spark.task.cpus): N task slots on an executor
        # then run N x task.cpus threads, never more than its cores. inlay's default would follow the workers'
        # OMP_NUM_THREADS, which current Spark sets to spark.task.cpus (SPARK-42613) but older Spark set to the
        # executor's cores (N-fold oversubscription), and a user may override; setting it here always holds.
        threads = threads_override or TaskContext.get().cpus()
        model.set_num_threads(threads)
        log_load(load_log_dir, model_path, model.num_threads)

        def predict(*inputs: np.ndarray) -> object:
            # Spark hands float32 for array<float> columns; inlay never converts dtypes, so make sure.
            xs = [np.ascontiguousarray(x, dtype=np.float32) for x in inputs]
            outputs = model.predict(xs if n_inputs > 1 else xs[0])
            if len(output_names) == 1:
                return outputs  # (batch, n) -> ArrayType(FloatType())
            return dict(zip(output_names, outputs))  # -> StructType of ArrayType(FloatType()) fields

        # predict_batch_udf counts the predict function's parameters (inspect.signature) to decide how many
        # columns to pass as separate inputs; give the *inputs function one named parameter per model input.
        predict.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(f"x{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(n_inputs)])
        return predict

    return make_predict_fn


def log_load(load_log_dir: str, model_path: str, threads: int) -> None:
    """Records one model load: a file named after the worker's pid, holding the model and its threads."""
    name = f"{os.getpid()}-{uuid.uuid4().hex}"
    with open(os.path.join(load_log_dir, name), "w") as f:
        f.write(f"{os.getpid()}\t{model_path}\t{threads}\t{os.environ.get('OMP_NUM_THREADS', '')}\n")


# --------------------------------------------------------------------------------------------------------------
# Driver side.
# --------------------------------------------------------------------------------------------------------------

def make_inputs(case: Case, fixture_dir: str, rows: int, rng: np.random.Generator) -> List[np.ndarray]:
    """The fixture's recorded input rows first, then uniform [0, 1) float32 rows up to `rows`."""
    recorded = [np.load(p) for p in sorted(glob.glob(os.path.join(fixture_dir, "predict", "input_*.npy")))]
    inputs = []
    for i, shape in enumerate(case.input_shapes):
        fill = rng.random((rows - len(recorded[i]),) + shape, dtype=np.float32)
        inputs.append(np.concatenate([recorded[i].astype(np.float32), fill]))
    return inputs


def to_spark(spark, case: Case, inputs: List[np.ndarray]):
    """A DataFrame with an `id` column and the inputs laid out as case.layout says; returns it and the columns
    to pass to the UDF."""
    import pandas as pd
    from pyspark.sql import functions as F

    rows = len(inputs[0])
    data: Dict[str, object] = {"id": np.arange(rows, dtype=np.int64)}
    if case.layout == "scalars":
        features = [f"f{j}" for j in range(inputs[0].shape[1])]
        for j, name in enumerate(features):
            data[name] = inputs[0][:, j]
        udf_columns = [F.array(*features)]  # one (batch, 20) tensor, as pyspark's docs advise for tabular data
    else:
        names = [f"x{i}" for i in range(len(inputs))]
        for name, x in zip(names, inputs):
            data[name] = list(x.reshape(rows, -1))  # Spark tensor columns are flattened 1-D arrays
        udf_columns = [F.col(n) for n in names]
    # Arrow turns float32 ndarrays into FloatType / array<float>. createDataFrame cuts the pandas frame into
    # spark.default.parallelism partitions of consecutive rows; the reference reads the actual layout back
    # (spark_partition_id) rather than relying on it.
    df = spark.createDataFrame(pd.DataFrame(data))
    return df, udf_columns


def score_on_spark(spark, case: Case, model_path: str, inputs: List[np.ndarray], args, load_log_dir: str):
    """Scores every row with predict_batch_udf. Returns the outputs in row order, the row ids of each partition
    in the order the UDF saw them, and the seconds the scoring took."""
    from pyspark.ml.functions import predict_batch_udf
    from pyspark.sql.functions import spark_partition_id
    from pyspark.sql.types import ArrayType, FloatType, StructField, StructType

    df, udf_columns = to_spark(spark, case, inputs)
    df = df.cache()
    df.count()  # materialize the input so the timing below is the scoring, not the pandas -> Spark transfer
    if len(case.output_names) == 1:
        return_type = ArrayType(FloatType())
    else:
        return_type = StructType([StructField(n, ArrayType(FloatType())) for n in case.output_names])
    udf = predict_batch_udf(
        make_predict_fn_factory(model_path, len(inputs), case.output_names, load_log_dir, args.inlay_threads),
        return_type=return_type,
        batch_size=args.batch_size,
        # Tensor columns (array() of scalars too) reach predict flattened; these shapes (no batch dimension)
        # reshape them back, per input.
        input_tensor_shapes=[list(s) for s in case.input_shapes],
    )
    start = time.perf_counter()
    scored = df.select("id", spark_partition_id().alias("partition"), udf(*udf_columns).alias("pred")).toPandas()
    seconds = time.perf_counter() - start
    df.unpersist()

    # Collected in partition order, each partition's rows in the order its task (and so the UDF) read them.
    ids, partition = scored["id"].to_numpy(), scored["partition"].to_numpy()
    partitions = [ids[partition == p] for p in dict.fromkeys(partition)]
    if not np.array_equal(np.sort(ids), np.arange(len(inputs[0]))):
        raise SystemExit(f"FAIL {case.fixture}: Spark returned {len(ids)} rows, not each of the {len(inputs[0])} ids")
    scored = scored.sort_values("id")
    if len(case.output_names) == 1:
        outputs = [np.stack(scored["pred"].to_numpy())]
    else:  # a struct comes back as a Row / dict per row
        outputs = [np.stack([row[n] for row in scored["pred"]]) for n in case.output_names]
    return [o.astype(np.float32) for o in outputs], partitions, seconds


def predict_like_spark(model, inputs: List[np.ndarray], partitions: List[np.ndarray], batch_size: int):
    """The single-process predict over the batches Spark ran: each partition's rows cut into batch_size slices.

    Why not one predict over all rows: inlay (oneDNN) picks kernels and blockings by the batch's shape and the
    thread count, so a row computed in a batch of 256 on one thread and in a batch of 4,096 or of 1, or on two
    threads, may differ in the last float32 bits (up to 1.1e-6 on this convnet's softmax outputs; see
    examples/spark/README.md). Over the same batches on the same number of threads the results must be
    bit-identical; any difference is then a Spark-side mix-up (rows, shapes, dtypes)."""
    outputs: List[List[np.ndarray]] = []
    order = []
    for rows in partitions:
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            out = model.predict([x[batch] for x in inputs] if len(inputs) > 1 else inputs[0][batch])
            outputs.append(out if isinstance(out, list) else [out])
            order.append(batch)
    inverse = np.argsort(np.concatenate(order))  # back to row (id) order
    return [np.concatenate([o[i] for o in outputs])[inverse] for i in range(len(outputs[0]))]


def compare(what: str, got: np.ndarray, want: np.ndarray, atol: float, rtol: float) -> Tuple[bool, int, float]:
    """Checks got against want element-wise (|d| <= atol + rtol |want|); prints the first bad rows.
    Returns (ok, rows bit-identical, max |d|)."""
    if got.shape != want.shape:
        print(f"FAIL {what}: shape {got.shape}, expected {want.shape}")
        return False, 0, float("inf")
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    bad = diff > atol + rtol * np.abs(want.astype(np.float64))
    bad_rows = np.flatnonzero(bad.reshape(len(got), -1).any(axis=1))
    for r in bad_rows[:5]:
        print(f"FAIL {what}: row {r} max |d| = {diff[r].max():.3g}: got {got[r].ravel()[:6]}, want {want[r].ravel()[:6]}")
    identical = int((got == want).reshape(len(got), -1).all(axis=1).sum())
    return len(bad_rows) == 0, identical, float(diff.max())


def check_loads(load_log_dir: str, model_paths: Sequence[str], threads_expected: int) -> bool:
    """Each worker process loaded each model at most once, and every load used the expected threads."""
    loads = []
    for name in os.listdir(load_log_dir):
        with open(os.path.join(load_log_dir, name)) as f:
            pid, path, threads, omp = f.read().rstrip("\n").split("\t")
            loads.append((int(pid), path, int(threads), omp))
    ok = True
    pids = sorted({pid for pid, _, _, _ in loads})
    for path in model_paths:
        per_pid = [pid for pid, p, _, _ in loads if p == path]
        print(f"    {os.path.basename(os.path.dirname(path))}: {len(per_pid)} loads in {len(set(per_pid))} "
              f"worker processes")
        if len(per_pid) != len(set(per_pid)) or not per_pid:
            print(f"FAIL {path}: a worker loaded it more than once (or none did): pids {sorted(per_pid)}")
            ok = False
    threads = sorted({t for _, _, t, _ in loads})
    omp = sorted({o for _, _, _, o in loads})
    print(f"  workers: pids {pids}, inlay threads per predict {threads}, OMP_NUM_THREADS there {omp}")
    if threads != [threads_expected]:
        print(f"FAIL: workers ran {threads} threads per predict, expected {threads_expected}")
        ok = False
    return ok


def main() -> int:
    args = parse_args()
    import inlay  # the driver's single-process reference uses the same binding and library
    from pyspark.sql import SparkSession

    print(f"inlay {inlay.__version__} from {inlay.library_path}")
    fixtures = os.path.abspath(args.fixtures)
    load_log_dir = tempfile.mkdtemp(prefix="inlay-spark-loads-")
    # The workers' Python: this one (the venv with pyspark, pandas, pyarrow), not the first python3 on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(args.master).appName("inlay-predict-batch-udf")
             .config("spark.task.cpus", str(args.task_cpus))
             # How many partitions createDataFrame makes of a local (pandas) frame: more tasks than task slots,
             # so each worker runs several tasks and the once-per-worker model load is put to the test.
             .config("spark.default.parallelism", str(args.partitions))
             .config("spark.python.worker.reuse", "true")  # the default; the once-per-worker load relies on it
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             # Rows per Arrow record batch, both when createDataFrame slices the pandas frame into partitions
             # and when a partition is handed to the pandas UDF; predict_batch_udf cuts each into batch_size rows.
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(max(1, args.rows // args.partitions)))
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"Spark {spark.version}, master {args.master}, spark.task.cpus {args.task_cpus}, "
          f"{args.partitions} partitions, batch_size {args.batch_size}, {args.rows} rows per model")

    rng = np.random.default_rng(args.seed)
    ok = True
    model_paths = []
    spark_rows = spark_seconds = local_seconds = 0.0
    cases = [c for c in CASES if c.fixture in args.models.split(",")]
    if not cases:
        raise SystemExit(f"--models {args.models}: none of {[c.fixture for c in CASES]}")
    for case in cases:
        fixture_dir = os.path.join(fixtures, "models", case.fixture)
        model_path = os.path.join(fixture_dir, "model.keras")
        model_paths.append(model_path)
        local = inlay.load_model(model_path)
        case.input_shapes = [tuple(t.shape[1:]) for t in local.inputs]
        case.output_names = [t.layer.name for t in local.outputs]
        inputs = make_inputs(case, fixture_dir, args.rows, rng)

        # Throughput of the single-process predict: one predict(batch_size=...) call over all rows, on every core
        # this process may use (inlay's default), after a warm-up call (plans are built on first use).
        x_all = inputs if len(inputs) > 1 else inputs[0]
        local.predict([x[:args.batch_size] for x in inputs] if len(inputs) > 1 else x_all[:args.batch_size])
        start = time.perf_counter()
        whole = local.predict(x_all, batch_size=args.batch_size)
        local_s = time.perf_counter() - start
        whole = whole if isinstance(whole, list) else [whole]
        local_threads = local.num_threads

        got, partitions, spark_s = score_on_spark(spark, case, model_path, inputs, args, load_log_dir)
        # The reference for every row: the same batches on the same number of threads as Spark's tasks.
        local.set_num_threads(args.task_cpus)
        want = predict_like_spark(local, inputs, partitions, args.batch_size)
        spark_rows += args.rows
        spark_seconds += spark_s
        local_seconds += local_s
        print(f"  {case.fixture}: inputs {case.input_shapes} -> outputs {case.output_names}")
        print(f"    Spark {spark_s:.2f} s ({args.rows / spark_s:,.0f} rows/s, {len(partitions)} tasks of "
              f"{sorted({len(p) for p in partitions})} rows); single process {local_s:.3f} s "
              f"({args.rows / local_s:,.0f} rows/s, {local_threads} threads)")

        keras = [np.load(p) for p in sorted(glob.glob(os.path.join(fixture_dir, "predict", "output_*.npy")))]
        for i, name in enumerate(case.output_names):
            good, identical, worst = compare(f"{case.fixture} output {name} Spark vs single-process",
                                             got[i], want[i], SPARK_ATOL, SPARK_RTOL)
            print(f"    {name}: {len(got[i])} rows vs single-process (same batches): {identical} bit-identical, "
                  f"max |d| {worst:.3g}; vs the timed predict({local_threads} threads): max |d| "
                  f"{float(np.abs(got[i] - whole[i]).max()):.3g}")
            ok &= good
            n = len(keras[i])
            good, _, worst = compare(f"{case.fixture} output {name} Spark vs Keras", got[i][:n], keras[i],
                                     KERAS_ATOL, KERAS_RTOL)
            print(f"    {name}: {n} rows vs Keras's recorded outputs: max |d| {worst:.3g}")
            ok &= good
        local.close()

    print("  model loads (pyspark ModelCache: once per Python worker):")
    ok &= check_loads(load_log_dir, model_paths, args.inlay_threads or args.task_cpus)
    shutil.rmtree(load_log_dir)
    spark.stop()
    print(f"  total: {int(spark_rows)} rows scored on Spark in {spark_seconds:.2f} s "
          f"({spark_rows / spark_seconds:,.0f} rows/s), single process {local_seconds:.2f} s")
    print("OK: every Spark prediction matches" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
