"""
Filling missing pixels of digits
================================

20% of the pixels of scikit-learn's digits are removed at random; an
``AutoencoderImputer`` fitted on the incomplete rows fills them, beside
``KNNImputer`` ("KNN") and the column mean (``SimpleImputer``).
"""

# %%
# Remove 20% of the entries, fill them three ways
# -----------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.impute import KNNImputer, SimpleImputer

from skae import AutoencoderImputer

X = load_digits().data
missing = np.random.RandomState(0).rand(*X.shape) < 0.2
X_missing = np.where(missing, np.nan, X)

imputers = {
    "column mean": SimpleImputer(),
    "KNN": KNNImputer(),
    "autoencoder": AutoencoderImputer(random_state=0),
}
filled = {name: imputer.fit_transform(X_missing) for name, imputer in imputers.items()}
rmse = {name: np.sqrt(np.mean((X_filled - X)[missing] ** 2)) for name, X_filled in filled.items()}
for name, value in rmse.items():
    print(f"{name:>18}: RMSE on the missing entries {value:.2f}")

# %%
# Error per method, and the first digits filled by each
fig = plt.figure(figsize=(9, 4))
ax = fig.add_axes([0.14, 0.15, 0.24, 0.75])
ax.barh(list(rmse), list(rmse.values()), color=["tab:gray", "tab:blue", "tab:orange"])
ax.set_xlabel("RMSE on the missing entries")
rows = {"with holes": X_missing, **filled, "original": X}
grid = fig.add_gridspec(len(rows), 6, left=0.52, right=0.98, wspace=0.05, hspace=0.1)
cmap = plt.get_cmap("gray_r").with_extremes(bad="tab:red")
for r, (name, images) in enumerate(rows.items()):
    for c in range(6):
        axis = fig.add_subplot(grid[r, c])
        axis.imshow(images[c].reshape(8, 8), cmap=cmap, vmin=0, vmax=16)
        axis.set_xticks([]), axis.set_yticks([])
        if c == 0:
            axis.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=7)
plt.show()
