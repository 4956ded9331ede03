"""
Inpainting digits: filling a missing block
==========================================

A ``DenoisingAutoencoder`` trained with ``BlockMasking`` noise sees digits
with a random 3x3 to 4x4 block removed and learns to rebuild the whole
digit; on test digits with a block removed, ``inverse_transform(transform())``
fills the hole. ``KNNImputer``, given the same holes as missing values, is
the reference.
"""

# %%
# Digits with a hole
# ------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.impute import KNNImputer
from sklearn.model_selection import train_test_split

from skae import DenoisingAutoencoder
from skae.noise import BlockMasking

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
rng = np.random.RandomState(0)
hole = np.zeros((len(X_test), 8, 8), dtype=bool)
for row in hole:
    h, w = rng.randint(3, 5, size=2)
    i, j = rng.randint(0, 9 - h), rng.randint(0, 9 - w)
    row[i : i + h, j : j + w] = True
hole = hole.reshape(len(X_test), 64)

# %%
# Train on clean digits, fill the holes
# -------------------------------------
# The removed pixels are set to ``fill`` in training; the test holes are
# filled the same way before ``transform``.
fill = 0.5
dae = DenoisingAutoencoder(
    n_components=16, noise=BlockMasking(block_size=(3, 4), fill=fill), random_state=0
).fit(X_train)
filled_dae = dae.inverse_transform(dae.transform(np.where(hole, fill, X_test)))
filled_knn = KNNImputer().fit(X_train).transform(np.where(hole, np.nan, X_test))
for name, filled in [("DenoisingAutoencoder", filled_dae), ("KNNImputer", filled_knn)]:
    print(f"{name:>20}: MSE on the missing pixels {np.mean((filled - X_test)[hole] ** 2):.4f}")

# %%
# The first test digits: with the hole, filled by each method, and the truth.
rows = {
    "with hole": np.where(hole, np.nan, X_test),
    "KNNImputer": np.where(hole, filled_knn, X_test),
    "autoencoder": np.where(hole, filled_dae, X_test),
    "original": X_test,
}
cmap = plt.get_cmap("gray_r").with_extremes(bad="tab:red")
fig, axes = plt.subplots(len(rows), 8, figsize=(8, 4.6))
for ax_row, (name, images) in zip(axes, rows.items()):
    for ax, image in zip(ax_row, images):
        ax.imshow(image.reshape(8, 8), cmap=cmap, vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
    ax_row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.tight_layout()
plt.show()
