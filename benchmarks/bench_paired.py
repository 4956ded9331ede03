"""Paired data: super-resolution, colorization and inpainting.

- Super-resolution: scikit-learn's digits scaled to [0, 1], average-pooled
  2x2 to 4x4 (16 inputs) -> the 8x8 image (64 outputs), 75/25 split.
  ``EncoderDecoderRegressor`` against ``Ridge``, ``KNeighborsRegressor``,
  ``MLPRegressor(hidden_layer_sizes=(256, 128), early_stopping=True)`` and
  bicubic upsampling (``scipy.ndimage.zoom(order=3)``). ``superres-split``:
  the same with a 50/50 split (half the training rows).
- Colorization: 8x8 patches of scikit-image's colour photos, grey patch in
  (64) -> RGB patch out (192); trained on the patches of some photos, tested
  on the others (``colorization``), or trained on the left half of every
  photo and tested on the right halves (``colorization-halves``). The same
  baselines, and predicting grey.
- Inpainting: digits in [0, 1] with one random block of 3x3 to 4x4 pixels
  removed per test row; ``DenoisingAutoencoder(n_components=16,
  noise=BlockMasking(fill=0.5))`` trained on clean rows fills it (holes set
  to 0.5 as in training) through ``inverse_transform(transform())``,
  against ``KNNImputer`` and ``IterativeImputer`` fitted on the same rows.
  The score is the MSE over the removed pixels.

Scores are test MSE, with the ratio to the best baseline, over seeds.

    python benchmarks/bench_paired.py [--seeds 0 1 2] [--task superres ...]
"""

import argparse
import ast
import time

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.neural_network import MLPRegressor

from skae import DenoisingAutoencoder, EncoderDecoderRegressor
from skae.noise import BlockMasking

PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry",
          "hubble_deep_field", "coins", "retina", "colorwheel", "cat"]


def mse(a, b):
    return float(np.mean((np.asarray(a) - np.asarray(b)) ** 2))


def baselines(seed):
    return {
        "Ridge": Ridge(alpha=1.0),
        "KNN": KNeighborsRegressor(n_neighbors=5),
        "MLP": MLPRegressor(hidden_layer_sizes=(256, 128), early_stopping=True,
                            max_iter=500, random_state=seed),
    }


def digits01():
    X, _ = load_digits(return_X_y=True)
    return X / 16.0


def pool(images, factor=2):
    n, h, w = images.shape
    return images.reshape(n, h // factor, factor, w // factor, factor).mean(axis=(2, 4))


def superres_data(seed, test_size=0.25):
    X = digits01()
    small = pool(X.reshape(-1, 8, 8)).reshape(len(X), 16)
    return train_test_split(small, X, test_size=test_size, random_state=seed)


def bicubic(small):
    images = small.reshape(-1, 4, 4)
    return np.stack([ndimage.zoom(im, 2, order=3) for im in images]).reshape(len(small), 64)


def photo_patches(name, size=8, stride=8, max_patches=3000, seed=0, keep_position=False):
    from skimage import data, transform

    image = getattr(data, name)()
    if image.ndim != 3 or image.shape[2] < 3:
        return None
    image = image[..., :3].astype(np.float64) / 255.0
    # Photos of very different sizes: bring each to at most 256 px per side.
    scale = 256 / max(image.shape[:2])
    if scale < 1:
        image = transform.rescale(image, scale, channel_axis=2, anti_aliasing=True)
    h, w, _ = image.shape
    corners = [(i, j) for i in range(0, h - size + 1, stride)
               for j in range(0, w - size + 1, stride)]
    patches = np.stack([image[i : i + size, j : j + size] for i, j in corners])
    rng = np.random.RandomState(seed)
    if max_patches is not None and len(patches) > max_patches:
        patches = patches[rng.choice(len(patches), max_patches, replace=False)]
    grey = patches @ np.array([0.2125, 0.7154, 0.0721])
    # RGB as channels first, flattened: (3, size, size) per row.
    colour = patches.transpose(0, 3, 1, 2).reshape(len(patches), -1)
    if keep_position:
        left = np.array([j + size <= w // 2 for _, j in corners])
        keep = left | np.array([j >= w // 2 for _, j in corners])
        return grey.reshape(len(patches), -1)[keep], colour[keep], left[keep]
    return grey.reshape(len(patches), -1), colour


def colorization_halves_data(seed):
    """Left halves of every photo to train on, right halves to test on."""
    parts = {"train": ([], []), "test": ([], [])}
    for name in PHOTOS:
        s = photo_patches(name, seed=seed, max_patches=None, keep_position=True)
        if s is None:
            continue
        grey, colour, left = s
        for key, rows in (("train", left), ("test", ~left)):
            parts[key][0].append(grey[rows])
            parts[key][1].append(colour[rows])
    X_train, Y_train = (np.vstack(p) for p in parts["train"])
    X_test, Y_test = (np.vstack(p) for p in parts["test"])
    return X_train, X_test, Y_train, Y_test


def colorization_data(seed):
    sets = [(name, photo_patches(name, seed=seed)) for name in PHOTOS]
    sets = [(name, s) for name, s in sets if s is not None]
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(sets))
    test = set(order[: max(2, len(sets) // 3)])
    parts = {True: [], False: []}
    for i, (_, s) in enumerate(sets):
        parts[i in test].append(s)
    X_train = np.vstack([g for g, _ in parts[False]])
    Y_train = np.vstack([c for _, c in parts[False]])
    X_test = np.vstack([g for g, _ in parts[True]])
    Y_test = np.vstack([c for _, c in parts[True]])
    return X_train, X_test, Y_train, Y_test


def run_regression(task, seed, params):
    if task.startswith("superres"):
        test_size = 0.25 if task == "superres" else 0.5
        X_train, X_test, Y_train, Y_test = superres_data(seed, test_size)
        extra = {"bicubic": mse(bicubic(X_test), Y_test)}
    else:
        load = colorization_data if task == "colorization" else colorization_halves_data
        X_train, X_test, Y_train, Y_test = load(seed)
        grey = np.repeat(X_test.reshape(-1, 1, 64), 3, axis=1).reshape(len(X_test), -1)
        extra = {"grey": mse(grey, Y_test)}
    scores = dict(extra)
    times = {}
    for name, model in baselines(seed).items():
        t = time.perf_counter()
        model.fit(X_train, Y_train)
        times[name] = time.perf_counter() - t
        scores[name] = mse(model.predict(X_test), Y_test)
    t = time.perf_counter()
    model = EncoderDecoderRegressor(random_state=seed, **params).fit(X_train, Y_train)
    times["skae"] = time.perf_counter() - t
    scores["skae"] = mse(model.predict(X_test), Y_test)
    return scores, times


def inpainting_data(seed):
    X = digits01()
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=seed)
    rng = np.random.RandomState(seed)
    mask = np.zeros((len(X_test), 8, 8), dtype=bool)
    for row in mask:
        h, w = rng.randint(3, 5, size=2)
        i, j = rng.randint(0, 8 - h + 1), rng.randint(0, 8 - w + 1)
        row[i : i + h, j : j + w] = True
    return X_train, X_test, mask.reshape(len(X_test), 64)


def run_inpainting(seed, params):
    X_train, X_test, mask = inpainting_data(seed)
    missing = np.where(mask, np.nan, X_test)
    scores, times = {}, {}
    for name, imputer in {
        "KNNImputer": KNNImputer(),
        "IterativeImputer": IterativeImputer(max_iter=10, random_state=seed),
    }.items():
        t = time.perf_counter()
        imputer.fit(X_train)
        times[name] = time.perf_counter() - t
        scores[name] = mse(imputer.transform(missing)[mask], X_test[mask])
    t = time.perf_counter()
    params = {"n_components": 16, **params}
    dae = DenoisingAutoencoder(noise=BlockMasking(fill=0.5), random_state=seed, **params)
    dae.fit(X_train)
    times["skae"] = time.perf_counter() - t
    filled = dae.inverse_transform(dae.transform(np.where(mask, 0.5, X_test)))
    scores["skae"] = mse(filled[mask], X_test[mask])
    return scores, times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--task", nargs="+", default=[
        "superres", "superres-split", "colorization", "colorization-halves", "inpainting"])
    parser.add_argument("--params", default="{}", help="skae parameters, as a Python dict")
    args = parser.parse_args()
    params = ast.literal_eval(args.params)
    for task in args.task:
        rows = []
        for seed in args.seeds:
            if task == "inpainting":
                scores, times = run_inpainting(seed, params)
                reference = ["KNNImputer", "IterativeImputer"]
            else:
                scores, times = run_regression(task, seed, params)
                reference = ["Ridge", "KNN", "MLP"] + (["bicubic"] if task.startswith("superres") else [])
            best = min(reference, key=scores.get)
            rows.append((seed, scores, times, best))
            ratio = scores["skae"] / scores[best]
            print(f"{task} seed {seed}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items())
                  + f" | skae / {best} = {ratio:.3f} | fit s: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in times.items()), flush=True)
        ratios = [s["skae"] / s[b] for _, s, _, b in rows]
        print(f"{task}: median ratio to the best baseline {np.median(ratios):.3f} "
              f"(max {max(ratios):.3f})", flush=True)


if __name__ == "__main__":
    main()
