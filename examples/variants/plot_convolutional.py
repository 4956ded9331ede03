"""
A convolutional autoencoder on flat image rows
==============================================

``load_digits`` gives each 8x8 image as a row of 64 numbers. With
``image_shape=(8, 8)`` the autoencoder reshapes each row into an image and
encodes it with strided convolutions (``hidden_layer_sizes`` gives their
channels; by default (64, 128), growing as the feature maps shrink), while
``X`` stays a 2-D array that flows through a ``Pipeline``.
"""

# %%
# A fully connected and a convolutional autoencoder
# -------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer

X = load_digits().data
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
models = {
    "PCA": PCA(n_components=8),
    "MLP": AutoencoderTransformer(n_components=8, random_state=0),
    "convolutional": AutoencoderTransformer(
        n_components=8, image_shape=(8, 8), random_state=0
    ),
}
reconstructions = {}
for name, model in models.items():
    reconstructions[name] = model.fit(X_train).inverse_transform(model.transform(X_test))
    error = np.mean((reconstructions[name] - X_test) ** 2)
    print(f"{name}: held-out error {error:.2f}")

# %%
# Reconstructions of eight test digits
# ------------------------------------
fig, axes = plt.subplots(4, 8, figsize=(7.5, 4))
for row, (name, images) in enumerate([("original", X_test), *reconstructions.items()]):
    for col in range(8):
        axes[row, col].imshow(images[col].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        axes[row, col].set_xticks([])
        axes[row, col].set_yticks([])
    axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.tight_layout()
plt.show()
