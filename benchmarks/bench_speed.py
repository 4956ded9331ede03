"""Training and inference speed of skae against a hand-written PyTorch loop.

The reference is the loop a user would write: one pre-made float32 tensor,
a ``randperm`` per epoch, slices of ``batch_size`` rows, the same module
(built by skae), the same optimizer, epochs and batch size. Runs alternate
(reference, skae, reference, skae, ...) in one process and medians over the
repeats are compared, so load on the shared machine hits both alike.

Inference is compared with the module's own forward pass over a pre-made
tensor in batches of 8192 rows under ``torch.inference_mode``.

Memory (``--memory``) runs each contender in a fresh subprocess and reads the
peak resident memory above what the process held once the data was made.

    python benchmarks/bench_speed.py            # 100,000 x 64, 3 epochs
    python benchmarks/bench_speed.py --quick    # 20,000 x 64, fewer repeats
    python benchmarks/bench_speed.py --memory --scaling --others
    python benchmarks/bench_speed.py --small     # 400 to 4,000 rows, 300 epochs each

``--small`` times fits on small tables, where an epoch is one to fifteen
steps and what skae does once per epoch (validation, keeping the best
weights, the history) weighs as much as the steps. The reference loop then
also validates every epoch and keeps a copy of the best weights, as a
hand-written loop with early stopping does; both train 300 epochs on the
same 90% of the rows.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from _reference import adamw, train_epoch

from skae import AutoencoderTransformer
from skae._engine.torch_utils import torch_threads
from skae._engine.modules import Autoencoder

HIDDEN, K, BATCH = (128, 32), 8, 256


def make_data(n_rows, n_features=64, seed=0):
    """Low-rank data with a curved part and noise, float32."""
    rng = np.random.RandomState(seed)
    latent = rng.randn(n_rows, K).astype(np.float32)
    mixing = rng.randn(K, n_features).astype(np.float32)
    X = latent @ mixing + np.tanh(latent[:, :1] ** 2) * mixing[1]
    return X + 0.1 * rng.randn(n_rows, n_features).astype(np.float32)


def skae_model(epochs, callbacks=None):
    return AutoencoderTransformer(
        K, hidden_layer_sizes=HIDDEN, max_epochs=epochs, batch_size=BATCH,
        early_stopping=False, device="cpu", random_state=0, callbacks=callbacks,
    )


def with_checkpoint(epochs):
    """skae with a skorch ``Checkpoint`` saving the best weights each epoch."""
    from skorch.callbacks import Checkpoint

    directory = tempfile.mkdtemp()
    return skae_model(epochs, [Checkpoint(monitor="train_loss_best", dirname=directory)])


def reference_fit(X, epochs, seed=0, save_to=None):
    """The hand-written loop: same module, optimizer and data layout as skae.

    With ``save_to`` (a folder), it saves the weights and the optimizer's
    state after every epoch, as a hand-written loop with checkpoints does.
    """
    torch.manual_seed(seed)
    module = Autoencoder(X.shape[1], K, HIDDEN, "relu")
    center, scale = X.mean(0), X.std(0)
    data = torch.from_numpy((X - center) / scale)
    opt = adamw(module)
    module.train()
    for _ in range(epochs):
        train_epoch(module, opt, data, BATCH)
        if save_to is not None:
            torch.save(module.state_dict(), f"{save_to}/params.pt")
            torch.save(opt.state_dict(), f"{save_to}/optimizer.pt")
    return module


def reference_forward(fn, A):
    with torch.inference_mode():
        return torch.cat([fn(A[s : s + 8192]) for s in range(0, len(A), 8192)])


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def interleaved(a, b, repeats):
    """Median times of ``a()`` and ``b()``, run alternately, and the median of
    the ratios of each pair (``b / a``): load that comes and goes on a shared
    machine then hits both runs of a pair alike."""
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(timed(a))
        times_b.append(timed(b))
    ratio = float(np.median(np.array(times_b) / np.array(times_a)))
    return float(np.median(times_a)), float(np.median(times_b)), ratio


def reference_fit_one_thread(X, epochs):
    with torch_threads(1):
        return reference_fit(X, epochs)


def speed(n_rows, epochs, repeats):
    X = make_data(n_rows)
    ref, ours, ratio = interleaved(lambda: reference_fit(X, epochs),
                                   lambda: skae_model(epochs).fit(X), repeats)
    print(f"| fit, {n_rows:,} rows, {epochs} epochs | {ref:.2f} | {ours:.2f} | {ratio:.2f} |")
    ref, ours, ratio = interleaved(lambda: reference_fit_one_thread(X, epochs),
                                   lambda: skae_model(epochs).fit(X), repeats)
    print(f"| fit, same, reference on 1 thread as skae | {ref:.2f} | {ours:.2f} "
          f"| {ratio:.2f} |", flush=True)
    directory = tempfile.mkdtemp()
    ref, ours, ratio = interleaved(lambda: reference_fit(X, epochs, save_to=directory),
                                   lambda: with_checkpoint(epochs).fit(X), repeats)
    print(f"| fit with a skorch `Checkpoint` added, reference saving its weights and "
          f"optimizer each epoch | {ref:.2f} | {ours:.2f} | {ratio:.2f} |", flush=True)

    model = skae_model(1).fit(X)
    module = model.module_
    module.eval()
    A = torch.from_numpy(model._scale(X))
    Z = torch.from_numpy(model.transform(X))
    pairs = [
        ("transform", lambda: reference_forward(module.encode, A), lambda: model.transform(X)),
        ("inverse_transform", lambda: reference_forward(module.decode, Z),
         lambda: model.inverse_transform(Z.numpy())),
        ("score_samples", lambda: reference_forward(lambda a: module(a)[0], A),
         lambda: model.score_samples(X)),
    ]
    for name, reference, ours_fn in pairs:
        ref, ours, ratio = interleaved(reference, ours_fn, max(repeats, 5))
        print(f"| {name}, {n_rows:,} rows | {ref:.3f} | {ours:.3f} | {ratio:.2f} |")


def reference_fit_validated(X, epochs, seed=0, n_components=K):
    """The hand-written loop with a validation split (the last 10% of the rows,
    as skae's split takes a random 10%): the validation loss after every
    epoch, and a copy of the weights whenever it is the best so far."""
    torch.manual_seed(seed)
    module = Autoencoder(X.shape[1], n_components, (128, 64), "relu")
    center, scale = X.mean(0), X.std(0)
    data = torch.from_numpy((X - center) / scale)
    n_valid = max(len(data) // 10, 50)
    train, valid = data[:-n_valid], data[-n_valid:]
    opt = adamw(module, lr=3e-3)
    best, best_state = float("inf"), None
    for _ in range(epochs):
        module.train()
        train_epoch(module, opt, train, BATCH)
        module.eval()
        with torch.no_grad():
            loss = torch.mean((module(valid)[0] - valid) ** 2).item()
        if loss < best:
            best, best_state = loss, {k: v.clone() for k, v in module.state_dict().items()}
    module.load_state_dict(best_state)
    return module


def small(epochs, repeats):
    """Default-sized networks on small tables, each against the validated loop."""
    for n_rows, n_features in ((400, 10), (1_500, 12), (4_000, 30)):
        X = make_data(n_rows, n_features)
        k = min(K, n_features // 2)
        model = AutoencoderTransformer(k, max_epochs=epochs, n_iter_no_change=epochs,
                                       random_state=0)
        ref, ours, ratio = interleaved(
            lambda X=X, k=k: reference_fit_validated(X, epochs, n_components=k),
            lambda X=X, model=model: model.fit(X), repeats)
        steps = -(-int(0.9 * n_rows) // BATCH)
        print(f"| fit, {n_rows:,} x {n_features}, {epochs} epochs of {steps} steps | {ref:.2f} "
              f"| {ours:.2f} | {ratio:.2f} |", flush=True)


def plain_skorch_fit(X, epochs):
    """A plain skorch NeuralNet (its default Dataset and DataLoader), same module."""
    from skorch import NeuralNet

    class Net(NeuralNet):
        def get_loss(self, y_pred, y_true, *args, **kwargs):
            return super().get_loss(y_pred[0], y_true, *args, **kwargs)

    torch.manual_seed(0)
    module = Autoencoder(X.shape[1], K, HIDDEN, "relu")
    data = (X - X.mean(0)) / X.std(0)
    Net(module, criterion=torch.nn.MSELoss, optimizer=torch.optim.AdamW, lr=1e-3,
        optimizer__fused=True, max_epochs=epochs, batch_size=BATCH, train_split=None,
        verbose=0).fit(data, data)


def pyod_fit(X, epochs):
    from pyod.models.auto_encoder import AutoEncoder

    AutoEncoder(hidden_neuron_list=[*HIDDEN, K], epoch_num=epochs, batch_size=BATCH,
                verbose=0).fit(X)


def others(n_rows, epochs, repeats):
    """Other ways to train, each against the reference loop."""
    X = make_data(n_rows)
    contenders = [("plain skorch NeuralNet", plain_skorch_fit)]
    try:
        import pyod  # noqa: F401

        contenders.append(("PyOD AutoEncoder", pyod_fit))
    except ImportError:
        print("(PyOD not installed: skipped)")
    for name, fit in contenders:
        ref, theirs, ratio = interleaved(lambda: reference_fit(X, epochs),
                                         lambda: fit(X, epochs), repeats)
        print(f"| fit with {name}, {n_rows:,} rows, {epochs} epochs | {ref:.2f} "
              f"| {theirs:.2f} | {ratio:.2f} |", flush=True)


def memory_child(which, n_rows, epochs):
    """Peak RSS above the data, in MiB, of one fit (run in a fresh process)."""
    X = make_data(n_rows)
    if which == "skae":
        skae_model(1).fit(X[:1000])  # warm up imports and allocators alike
    else:
        reference_fit(X[:1000], 1)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak-RSS counter
    base = _status("VmRSS")
    (skae_model(epochs).fit if which == "skae" else lambda X: reference_fit(X, epochs))(X)
    print(json.dumps({"peak_mib": (_status("VmHWM") - base) / 1024,
                      "data_mib": X.nbytes / 2**20}))


def _status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # KiB


def memory(n_rows, epochs, quiet=False):
    out = {}
    for which in ("reference", "skae"):
        cmd = [sys.executable, __file__, "--memory-child", which, "--rows", str(n_rows),
               "--epochs", str(epochs)]
        out[which] = json.loads(subprocess.check_output(cmd).decode().strip().splitlines()[-1])
    ref, ours = out["reference"]["peak_mib"], out["skae"]["peak_mib"]
    if not quiet:
        print(f"| peak memory above the data, {n_rows:,} rows (data "
              f"{out['skae']['data_mib']:.0f} MiB) | {ref:.0f} MiB | {ours:.0f} MiB "
              f"| {ours / ref:.2f} |")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--scaling", action="store_true", help="skae at 10k, 100k and 1M rows")
    parser.add_argument("--others", action="store_true",
                        help="also time a plain skorch NeuralNet and PyOD's AutoEncoder")
    parser.add_argument("--small", action="store_true",
                        help="only small tables, against a loop that validates every epoch")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--memory-child", choices=["reference", "skae"])
    args = parser.parse_args()
    rows = args.rows or (20_000 if args.quick else 100_000)
    if args.memory_child:
        return memory_child(args.memory_child, rows, args.epochs)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
          "times are medians in seconds, ratios medians of paired runs\n")
    print("| what | reference | skae | skae / reference |")
    print("|---|---|---|---|")
    if args.small:
        return small(300, args.repeats or 5)
    speed(rows, args.epochs, args.repeats or (3 if args.quick else 5))
    if args.others:
        print("\n| other contenders | reference | contender | contender / reference |")
        print("|---|---|---|---|")
        others(rows, args.epochs, args.repeats or (3 if args.quick else 5))
    if args.memory:
        memory(rows, args.epochs)
    if args.scaling:
        print("\n| rows | skae fit, 1 epoch (s) | ms per 1k rows | peak memory above "
              "the data (MiB) | data (MiB) |")
        print("|---|---|---|---|---|")
        for n in (10_000, 100_000, 1_000_000):
            X = make_data(n)
            t = float(np.median([timed(skae_model(1).fit, X) for _ in range(3)]))
            mem = memory(n, 1, quiet=True)["skae"]["peak_mib"] if args.memory else float("nan")
            print(f"| {n:,} | {t:.2f} | {1000 * t / (n / 1000):.2f} | {mem:.0f} "
                  f"| {X.nbytes / 2**20:.0f} |", flush=True)


if __name__ == "__main__":
    main()
