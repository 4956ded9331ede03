"""
Super-resolution of digits
==========================

Each 8x8 digit is average-pooled to 4x4 (16 numbers); an
``EncoderDecoderRegressor`` learns to predict the 64 pixels of the original
from them. It is compared with bicubic upsampling, ``Ridge`` and an
``MLPRegressor`` on held-out digits.
"""

# %%
# Low-resolution inputs, high-resolution targets
# ----------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor

from skae import EncoderDecoderRegressor

Y = load_digits().data / 16.0
X = Y.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(len(Y), 16)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.25, random_state=0)

# %%
# Fit, predict, compare
# ---------------------
# ``image_shape`` and ``output_shape`` would make both sides convolutional;
# the default fully connected network does as well on images this small.
model = EncoderDecoderRegressor(random_state=0).fit(X_train, Y_train)
predictions = {
    "bicubic": np.stack([ndimage.zoom(x.reshape(4, 4), 2, order=3) for x in X_test])
    .reshape(len(X_test), 64),
    "Ridge": Ridge().fit(X_train, Y_train).predict(X_test),
    "MLPRegressor": MLPRegressor(hidden_layer_sizes=(256, 128), early_stopping=True, max_iter=500,
                                 random_state=0).fit(X_train, Y_train).predict(X_test),
    "EncoderDecoderRegressor": model.predict(X_test),
}
for name, Y_hat in predictions.items():
    print(f"{name:>24}: test MSE {np.mean((Y_hat - Y_test) ** 2):.4f}")

# %%
# The first test digits: input, each method's output, and the truth.
rows = {"input (4x4)": X_test, **predictions, "original": Y_test}
fig, axes = plt.subplots(len(rows), 8, figsize=(8, 1.1 * len(rows)))
for ax_row, (name, images) in zip(axes, rows.items()):
    side = int(np.sqrt(images.shape[1]))
    for ax, image in zip(ax_row, images):
        ax.imshow(image.reshape(side, side), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
    ax_row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.tight_layout()
plt.show()
