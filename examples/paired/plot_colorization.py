"""
Colorizing image patches
========================

8x8 patches are cut from four of scikit-image's colour photos; an
``EncoderDecoderRegressor`` learns to predict a patch's RGB values (192
numbers) from its grey values (64). It trains on the patches of the left
half of each photo and predicts the right half, against ``Ridge`` and
predicting grey.
"""

# %%
# Grey patches in, colour patches out
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from skimage import data, transform
from sklearn.linear_model import Ridge

from skae import EncoderDecoderRegressor

GREY = np.array([0.2125, 0.7154, 0.0721])
SIZE = 8


def halves(image, side=160):
    """Grey and RGB patches of the left and of the right half of a photo."""
    image = image[..., :3] / 255.0
    image = transform.rescale(image, side / max(image.shape[:2]), channel_axis=2)
    h, w = (s // SIZE * SIZE for s in image.shape[:2])
    tiles = image[:h, :w].reshape(h // SIZE, SIZE, w // SIZE, SIZE, 3).transpose(0, 2, 1, 3, 4)
    left, right = tiles[:, : tiles.shape[1] // 2], tiles[:, tiles.shape[1] // 2 :]
    return [((t @ GREY).reshape(-1, SIZE * SIZE), t.transpose(0, 1, 4, 2, 3).reshape(
        -1, 3 * SIZE * SIZE), t.shape[:2]) for t in (left, right)]


photos = [halves(getattr(data, name)()) for name in ("astronaut", "coffee", "chelsea", "rocket")]
X_train = np.vstack([left[0] for left, _ in photos])
Y_train = np.vstack([left[1] for left, _ in photos])
X_test = np.vstack([right[0] for _, right in photos])
Y_test = np.vstack([right[1] for _, right in photos])

# %%
# Fit and compare on the right halves
# -----------------------------------
model = EncoderDecoderRegressor(n_components=32, random_state=0).fit(X_train, Y_train)
predictions = {
    "grey": np.repeat(X_test[:, None], 3, axis=1).reshape(len(X_test), -1),
    "Ridge": Ridge().fit(X_train, Y_train).predict(X_test),
    "EncoderDecoderRegressor": model.predict(X_test),
}
for name, Y_hat in predictions.items():
    print(f"{name:>24}: test MSE {np.mean((Y_hat - Y_test) ** 2):.4f}")

# %%
# The right half of the coffee photo, rebuilt from each method's patches.
start = len(photos[0][1][0])
grid = photos[1][1][2]


def mosaic(rows):
    tiles = np.clip(rows[start : start + grid[0] * grid[1]], 0, 1)
    tiles = tiles.reshape(*grid, 3, SIZE, SIZE).transpose(0, 3, 1, 4, 2)
    return tiles.reshape(grid[0] * SIZE, grid[1] * SIZE, 3)


shown = {**predictions, "original": Y_test}
fig, axes = plt.subplots(1, len(shown), figsize=(2.6 * len(shown), 3))
for ax, (name, rows) in zip(axes, shown.items()):
    ax.imshow(mosaic(rows))
    ax.set_title(name, fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()
