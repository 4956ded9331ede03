"""Training on data larger than one wants in memory: time and peak memory.

Rows are read from a memory-mapped ``.npy`` file of float32 (made once, in
chunks, under ``--dir``) and trained on chunk by chunk with ``partial_fit``
(one epoch per chunk), or through ``dask_ml.wrappers.Incremental`` over a
dask array of the same file. The reference is the loop a user would write
over the same chunks: the same module and optimizer, scaling from the first
chunk, a ``randperm`` per chunk and slices, on one thread as skae trains
this network.

Each run is a fresh process. Memory is sampled every 10 ms from
``/proc/self/status``: ``RssAnon`` is the process's own memory, what stays
flat; ``RssFile`` is the file's pages mapped in, page cache that the kernel
reclaims under pressure.

    python benchmarks/bench_scale.py                         # 1M, 3M, 10M rows
    python benchmarks/bench_scale.py --rows 1000000 --dask   # quick, with dask
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

N_FEATURES, K, CHUNK, BATCH = 32, 8, 100_000, 256


def make_file(path, n_rows, seed=0):
    """Low-rank data with a curved part and noise, written chunk by chunk."""
    rng = np.random.RandomState(seed)
    mixing = rng.randn(K, N_FEATURES).astype(np.float32)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32,
                                    shape=(n_rows, N_FEATURES))
    for start in range(0, n_rows, 1_000_000):
        n = min(1_000_000, n_rows - start)
        latent = rng.randn(n, K).astype(np.float32)
        X = latent @ mixing + np.tanh(latent[:, :1] ** 2) * mixing[1]
        out[start : start + n] = X + 0.1 * rng.randn(n, N_FEATURES).astype(np.float32)
    out.flush()
    del out


def _status():
    values = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "RssFile", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # MiB
    return values


class PeakMemory:
    """Peak ``RssAnon`` and ``RssFile`` of this process, sampled in a thread."""

    def __enter__(self):
        self.base = _status()
        self.peak = dict(self.base)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            for key, value in _status().items():
                self.peak[key] = max(self.peak[key], value)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def skae_stream(X):
    from skae import AutoencoderTransformer

    ae = AutoencoderTransformer(K, batch_size=BATCH, device="cpu", random_state=0)
    for start in range(0, len(X), CHUNK):
        ae.partial_fit(X[start : start + CHUNK])
    return ae


def read_rows(path, start, stop):
    """Rows ``start:stop`` of a ``.npy`` file, read through a memory map."""
    return np.load(path, mmap_mode="r")[start:stop]


def dask_rows(path, n_rows, chunk=CHUNK):
    """A dask array of the file's first ``n_rows``, one read task per block.

    Not ``da.from_array(memmap)``: dask 2026.8 copies an array that has a
    ``copy`` method into memory first, so the whole file would be read.
    """
    import dask
    import dask.array as da

    parts = []
    for start in range(0, n_rows, chunk):
        stop = min(start + chunk, n_rows)
        task = dask.delayed(read_rows)(path, start, stop)
        parts.append(da.from_delayed(task, (stop - start, N_FEATURES), dtype=np.float32))
    return da.concatenate(parts)


def skae_dask(X):
    import dask
    from dask_ml.wrappers import Incremental

    from skae import AutoencoderTransformer

    blocks = dask_rows(X.filename, len(X))
    model = Incremental(AutoencoderTransformer(K, batch_size=BATCH, device="cpu",
                                               random_state=0), shuffle_blocks=False)
    # The synchronous scheduler: one block in memory at a time.
    with dask.config.set(scheduler="synchronous"):
        model.fit(blocks)
    return model.estimator_


def reference_stream(X):
    """The hand-written loop over the same chunks, skae's module, one thread."""
    import torch
    from _reference import adamw, train_epoch

    from skae._engine.modules import Autoencoder

    torch.set_num_threads(1)
    torch.manual_seed(0)
    module = Autoencoder(N_FEATURES, K, (128, 64), "relu")
    opt = adamw(module)
    first = np.asarray(X[:CHUNK], dtype=np.float64)
    center, scale = first.mean(0), first.std(0)
    module.train()
    for start in range(0, len(X), CHUNK):
        data = torch.from_numpy(((X[start : start + CHUNK] - center) / scale).astype(np.float32))
        train_epoch(module, opt, data, BATCH)
    return module


RUNS = {"skae": skae_stream, "skae-dask": skae_dask, "reference": reference_stream}


def child(which, path, n_rows):
    import torch  # noqa: F401  (imports before the baseline)

    import skae  # noqa: F401

    if which == "skae-dask":
        import dask_ml.wrappers  # noqa: F401
    X = np.load(path, mmap_mode="r")[:n_rows]
    with PeakMemory() as memory:
        start = time.perf_counter()
        RUNS[which](X)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "seconds": seconds,
        "anon_mib": memory.peak["RssAnon"] - memory.base["RssAnon"],
        "file_mib": memory.peak["RssFile"] - memory.base["RssFile"],
        "data_mib": n_rows * N_FEATURES * 4 / 2**20,
    }))


def run(which, path, n_rows):
    cmd = [sys.executable, __file__, "--child", which, "--file", path, "--rows", str(n_rows)]
    return json.loads(subprocess.check_output(cmd).decode().strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+",
                        default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--dask", action="store_true", help="also Incremental over dask")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--child")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.file, args.rows[0])

    path = os.path.join(args.dir, f"skae_bench_{max(args.rows)}x{N_FEATURES}.npy")
    if not os.path.exists(path):
        make_file(path, max(args.rows))
    print("| rows | what | time (s) | skae / reference | peak RssAnon above start (MiB) "
          "| peak RssFile (MiB) | data (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for n_rows in args.rows:
        whats = ["reference", "skae"] + (["skae-dask"] if args.dask else [])
        results = {w: run(w, path, n_rows) for w in whats}
        ref = results["reference"]["seconds"]
        for what, r in results.items():
            ratio = "" if what == "reference" else f"{r['seconds'] / ref:.2f}"
            print(f"| {n_rows:,} | {what} | {r['seconds']:.1f} | {ratio} | {r['anon_mib']:.0f} "
                  f"| {r['file_mib']:.0f} | {r['data_mib']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
