"""
Denoising digits: PCA against a denoising autoencoder
=====================================================

A ``DenoisingAutoencoder`` is trained on clean digits only, corrupting each
training batch itself; at test time it receives digits with 30% of their
pixels masked or with Gaussian noise and returns its reconstruction. PCA,
fitted on the same clean digits at the same ``n_components``, does the same
by projecting onto its subspace.
"""

# %%
# Train both on clean digits
# --------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import DenoisingAutoencoder

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
rng = np.random.RandomState(0)
noisy = {
    "masking": X_test * (rng.rand(*X_test.shape) >= 0.3),
    "gaussian": np.clip(X_test + 0.25 * rng.randn(*X_test.shape), 0, 1),
}

pca = PCA(n_components=32).fit(X_train)
daes = {
    name: DenoisingAutoencoder(n_components=32, noise=name, random_state=0).fit(X_train)
    for name in noisy
}


def reconstruct(model, X):
    return model.inverse_transform(model.transform(X))


# %%
# Errors against the clean test digits
# ------------------------------------
for name, X_noisy in noisy.items():
    errors = {
        "noisy input": np.mean((X_noisy - X_test) ** 2),
        "PCA": np.mean((reconstruct(pca, X_noisy) - X_test) ** 2),
        "DAE": np.mean((reconstruct(daes[name], X_noisy) - X_test) ** 2),
    }
    print(name, ", ".join(f"{k}: {v:.4f}" for k, v in errors.items()))

# %%
# Side by side
# ------------
# Rows: clean, noisy, PCA's output, the DAE's output; for each noise.
shown = np.arange(8)
fig, axes = plt.subplots(8, len(shown), figsize=(len(shown) * 0.9, 8 * 0.95))
row = 0
for name, X_noisy in noisy.items():
    images = [
        ("clean", X_test),
        (f"{name}", X_noisy),
        ("PCA", reconstruct(pca, X_noisy)),
        ("DAE", reconstruct(daes[name], X_noisy)),
    ]
    for label, images_row in images:
        for col, i in enumerate(shown):
            ax = axes[row, col]
            ax.imshow(images_row[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label, rotation=0, ha="right", va="center")
        row += 1
fig.suptitle("Denoising with PCA and a denoising autoencoder (n_components=32)")
fig.tight_layout()
plt.show()
