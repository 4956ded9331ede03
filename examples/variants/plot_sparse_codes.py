"""
Sparse codes with an L1 activity penalty
========================================

``penalty=L1ActivityPenalty()`` makes each row's code concentrate on a few
units: the others sit near zero. Here an autoencoder with 32 code units is
trained on digits with and without the penalty, and we count, per row, the
units whose magnitude is at most 5% of that row's largest.
"""

# %%
# Train with and without the penalty
# ----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer
from skae.penalties import L1ActivityPenalty

X = load_digits().data
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
models = {
    "no penalty": AutoencoderTransformer(n_components=32, random_state=0),
    "L1ActivityPenalty()": AutoencoderTransformer(
        n_components=32, penalty=L1ActivityPenalty(), random_state=0
    ),
}
codes = {}
for name, model in models.items():
    codes[name] = model.fit(X_train).transform(X_test)
    error = np.mean((model.inverse_transform(codes[name]) - X_test) ** 2)
    magnitude = np.abs(codes[name])
    inactive = np.mean(magnitude <= 0.05 * magnitude.max(axis=1, keepdims=True))
    print(f"{name}: inactive share {inactive:.2f}, held-out error {error:.3f}")

# %%
# The codes of the first 40 test digits
# -------------------------------------
# Each column is one row's code, scaled by its largest magnitude.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (name, Z) in zip(axes, codes.items()):
    shown = np.abs(Z[:40]) / np.abs(Z[:40]).max(axis=1, keepdims=True)
    ax.imshow(shown.T, cmap="Greys", aspect="auto", vmin=0, vmax=1)
    ax.set(title=name, xlabel="test digit", ylabel="code unit")
fig.tight_layout()
plt.show()
