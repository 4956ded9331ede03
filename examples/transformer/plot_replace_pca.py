"""
Replacing PCA in a classification pipeline
==========================================

``AutoencoderTransformer`` has PCA's API, so swapping it into an existing
pipeline is a one-word change, and grid-searching its bottleneck size is one
line. Here both reduce scikit-learn's digits to a few dimensions before a
logistic regression.
"""

# %%
# The pipeline with PCA, then with the autoencoder
# ------------------------------------------------
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

sizes = [2, 3, 4]
accuracy = {"PCA": [], "AutoencoderTransformer": []}
for k in sizes:
    for reducer in (PCA(n_components=k), AutoencoderTransformer(n_components=k, random_state=0)):
        pipe = make_pipeline(StandardScaler(), reducer, LogisticRegression(max_iter=1000))
        start = time.perf_counter()
        pipe.fit(X_train, y_train)
        name = type(reducer).__name__
        accuracy[name].append(pipe.score(X_test, y_test))
        print(f"k={k} {name:<24} accuracy {accuracy[name][-1]:.3f} "
              f"({time.perf_counter() - start:.1f} s)")

# %%
# With few dimensions the nonlinear code keeps more of what separates the digits.
fig, ax = plt.subplots(figsize=(5, 3.5))
for name, values in accuracy.items():
    ax.plot(sizes, values, marker="o", label=name)
ax.set_xticks(sizes)
ax.set_xlabel("n_components")
ax.set_ylabel("test accuracy of the pipeline")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# Choosing the bottleneck size without a scorer
# ---------------------------------------------
# ``score`` is minus the mean reconstruction error, so ``GridSearchCV`` picks
# the size that reconstructs held-out folds best, as it does for PCA.
search = GridSearchCV(
    AutoencoderTransformer(max_epochs=30, random_state=0), {"n_components": [2, 4, 8]}, cv=3
)
search.fit(X_train)
print("best n_components:", search.best_params_["n_components"])
for k, score in zip(search.cv_results_["param_n_components"],
                    search.cv_results_["mean_test_score"]):
    print(f"  n_components={k}: held-out reconstruction error {-score:.2f}")
