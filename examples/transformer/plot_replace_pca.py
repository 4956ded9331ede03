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

from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

for reducer in (PCA(n_components=4), AutoencoderTransformer(n_components=4, random_state=0)):
    pipe = make_pipeline(StandardScaler(), reducer, LogisticRegression(max_iter=1000))
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    print(f"{type(reducer).__name__:<24} accuracy {pipe.score(X_test, y_test):.3f} "
          f"({time.perf_counter() - start:.1f} s)")

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
