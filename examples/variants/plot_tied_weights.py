"""
Tied weights: half the weights, nearly the same fit
===================================================

With ``tied_weights=True`` the decoder has no weight matrices of its own: it
applies the transposes of the encoder's, in reverse order. The model has
half the weights; here we compare its reconstruction of held-out digits
with the untied default and with PCA, and show that the linear tied
autoencoder finds PCA's components.
"""

# %%
# Untied, tied and PCA
# --------------------
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
    "untied": AutoencoderTransformer(n_components=8, random_state=0),
    "tied": AutoencoderTransformer(n_components=8, tied_weights=True, random_state=0),
}
for name, model in models.items():
    model.fit(X_train)
    error = np.mean((model.inverse_transform(model.transform(X_test)) - X_test) ** 2)
    n_weights = (
        sum(p.numel() for p in model.module_.parameters() if p.dim() > 1)
        if name != "PCA" else model.components_.size
    )
    print(f"{name}: held-out error {error:.2f}, {n_weights} weights")

# %%
# The linear tied autoencoder learns PCA's components
# ---------------------------------------------------
# From a random start, its encoder's rows span PCA's subspace.
linear = AutoencoderTransformer(
    n_components=4, hidden_layer_sizes=(), tied_weights=True, init="random",
    learning_rate=1e-2, random_state=0,
).fit(X_train)
weights = linear.module_.encoder.layers[0].weight.detach().numpy()
fig, axes = plt.subplots(2, 4, figsize=(7, 3.8))
for i in range(4):
    axes[0, i].imshow(models["PCA"].components_[i].reshape(8, 8), cmap="RdBu")
    axes[1, i].imshow(weights[i].reshape(8, 8), cmap="RdBu")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("PCA")
axes[1, 0].set_ylabel("tied AE")
fig.suptitle("PCA's components and the tied linear encoder's rows (same span)")
fig.tight_layout()
plt.show()
