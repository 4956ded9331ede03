"""
Colorizing image patches
========================

8x8 patches are cut from scikit-image's colour photos; an
``EncoderDecoderRegressor`` learns to predict a patch's RGB values (192
numbers) from its grey values (64). It trains on patches of some photos and
is tested on another photo, against ``Ridge`` and predicting grey.
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


def patches(image, size=8):
    image = image[..., :3] / 255.0
    image = transform.rescale(image, 128 / max(image.shape[:2]), channel_axis=2)
    h, w, _ = image.shape
    cut = np.stack([image[i : i + size, j : j + size]
                    for i in range(0, h - size + 1, size) for j in range(0, w - size + 1, size)])
    grey = (cut @ GREY).reshape(len(cut), -1)
    return grey, cut.transpose(0, 3, 1, 2).reshape(len(cut), -1), (h // size, w // size)


train = [patches(getattr(data, name)()) for name in ("astronaut", "coffee", "rocket")]
X_train, Y_train = np.vstack([t[0] for t in train]), np.vstack([t[1] for t in train])
X_test, Y_test, grid = patches(data.chelsea())

# %%
# Fit and compare on the unseen photo
# -----------------------------------
# ``image_shape=(8, 8)`` and ``output_shape=(3, 8, 8)`` make the encoder
# convolve the grey patch and the decoder end in an RGB patch.
model = EncoderDecoderRegressor(
    n_components=32, image_shape=(8, 8), output_shape=(3, 8, 8),
    hidden_layer_sizes=(16, 32), random_state=0,
).fit(X_train, Y_train)
predictions = {
    "grey": np.repeat(X_test[:, None], 3, axis=1).reshape(len(X_test), -1),
    "Ridge": Ridge().fit(X_train, Y_train).predict(X_test),
    "EncoderDecoderRegressor": model.predict(X_test),
}
for name, Y_hat in predictions.items():
    print(f"{name:>24}: test MSE {np.mean((Y_hat - Y_test) ** 2):.4f}")

# %%
# The test photo rebuilt from its patches.


def mosaic(rows):
    tiles = np.clip(rows, 0, 1).reshape(*grid, 3, 8, 8)
    return tiles.transpose(0, 3, 1, 4, 2).reshape(grid[0] * 8, grid[1] * 8, 3)


shown = {**predictions, "original": Y_test}
fig, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 3))
for ax, (name, rows) in zip(axes, shown.items()):
    ax.imshow(mosaic(rows))
    ax.set_title(name, fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()
