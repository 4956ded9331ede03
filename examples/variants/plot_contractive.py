"""
A contractive autoencoder: codes that ignore small changes
==========================================================

``penalty=ContractivePenalty()`` (Rifai et al., 2011) penalises the
encoder's Jacobian: how much the code moves when the input moves a little.
We compare how far the codes of digits move under small Gaussian noise,
relative to how far apart the codes of different digits are, with and
without the penalty.
"""

# %%
# Train with and without the penalty
# ----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer
from skae.penalties import ContractivePenalty

X = load_digits().data
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
noise = 0.5 * np.random.RandomState(0).randn(*X_test.shape)
models = {
    "no penalty": AutoencoderTransformer(n_components=8, random_state=0),
    "ContractivePenalty()": AutoencoderTransformer(
        n_components=8, penalty=ContractivePenalty(), random_state=0
    ),
}
sensitivity = {}
for name, model in models.items():
    Z = model.fit(X_train).transform(X_test)
    moved = np.linalg.norm(model.transform(X_test + noise) - Z, axis=1)
    spread = np.sqrt(np.sum(np.var(Z, axis=0)))
    sensitivity[name] = moved / spread
    error = np.mean((model.inverse_transform(Z) - X_test) ** 2)
    print(f"{name}: code shift / code spread {np.median(sensitivity[name]):.3f}, "
          f"held-out error {error:.3f}")

# %%
# How far each digit's code moves under the noise
# -----------------------------------------------
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.hist(list(sensitivity.values()), bins=30, label=list(sensitivity))
ax.set(xlabel="code shift under noise / spread of the codes", ylabel="test digits")
ax.legend()
fig.tight_layout()
plt.show()
