"""
The 2-D latent space of digits, next to PCA's
=============================================

Both reduce the 64 pixels of scikit-learn's digits to 2 numbers. PCA can only
project onto a plane; the autoencoder's code bends, so the ten digits overlap
less. Its loss curves show how training went and which weights were kept.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer
from skae.plotting import LatentSpaceDisplay, LossCurveDisplay

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
pca = PCA(n_components=2).fit(X)
ae = AutoencoderTransformer(n_components=2, random_state=0).fit(X)

fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
LatentSpaceDisplay.from_estimator(pca, X, y, ax=axes[0])
axes[0].set_title("PCA")
LatentSpaceDisplay.from_estimator(ae, X, y, ax=axes[1])
axes[1].set_title("AutoencoderTransformer")
LossCurveDisplay.from_estimator(ae, ax=axes[2])
fig.tight_layout()
plt.show()
