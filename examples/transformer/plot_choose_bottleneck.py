"""
Choosing the bottleneck from one fit: ordered codes and a scree plot
====================================================================

A PCA user picks ``n_components`` from ``explained_variance_ratio_``. An
autoencoder's code units usually have no order, so that takes one fit per
size. With ``ordered=True`` the code is trained by nested dropout: at each
step every row keeps a random prefix of its code, so the leading units carry
the most, as principal components do. One fit then gives the whole curve, and
``truncate(j)`` keeps the first ``j`` units without refitting.
"""

# %%
# One ordered fit of width 16 on digits
# -------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer
from skae.plotting import ExplainedVarianceDisplay

X, _ = load_digits(return_X_y=True)
X_train, X_test = train_test_split(X, test_size=0.2, random_state=0)
ae = AutoencoderTransformer(16, ordered=True, random_state=0).fit(X_train)

display = ExplainedVarianceDisplay.from_estimator(ae, X_train, threshold=0.8)
display.ax_.set_title("cumulative explained variance of the code's first units")

# %%
# Every prefix of the code against PCA with as many components
# ------------------------------------------------------------
# Held-out reconstruction error of ``ae.truncate(j)`` and of ``PCA(j)``.
def heldout_mse(model):
    return np.mean((X_test - model.inverse_transform(model.transform(X_test))) ** 2)


sizes = np.arange(1, 17)
ours = [heldout_mse(ae.truncate(j)) for j in sizes]
pca = [heldout_mse(PCA(j).fit(X_train)) for j in sizes]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(sizes, pca, marker="s", label="PCA(j)")
ax.plot(sizes, ours, marker="o", label="ordered autoencoder, first j units")
ax.set_xlabel("code size j")
ax.set_ylabel("held-out mean squared error")
ax.legend()
fig.tight_layout()

# %%
# Let the share choose the size, as with PCA
# ------------------------------------------
# ``n_components=0.8`` trains an ordered code as wide as PCA needs for 80% of
# the variance and keeps its shortest prefix that reaches 80% on the
# validation rows.
chosen = AutoencoderTransformer(0.8, random_state=0).fit(X_train)
share = 1 - heldout_mse(chosen) / np.mean((X_test - X_test.mean(0)) ** 2)
print(f"PCA needs {PCA(0.8).fit(X_train).n_components_} components for 80%; the "
      f"autoencoder {chosen.n_components_} units (held-out share {share:.3f})")
plt.show()
