"""
Generating digits, and walking between two of them
==================================================

A ``VariationalAutoencoder`` learns codes with a standard normal prior, so
decoding codes drawn from that prior gives new rows, and decoding the points
on a line between two codes morphs one row into the other.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from skae import VariationalAutoencoder

X, y = load_digits(return_X_y=True)
vae = VariationalAutoencoder(n_components=2, random_state=0).fit(X)

# %%
# New digits: codes drawn from the prior, decoded
# ------------------------------------------------
samples = vae.sample(40, random_state=0)
fig, axes = plt.subplots(4, 10, figsize=(8, 3.4))
for image, ax in zip(samples, axes.ravel()):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_axis_off()
fig.suptitle("Digits drawn from a VariationalAutoencoder (n_components=2)")
plt.show()

# %%
# From a 0 to a 6: decode a line between their codes
# ---------------------------------------------------
start, end = vae.transform(X[[np.flatnonzero(y == 0)[0], np.flatnonzero(y == 6)[0]]])
path = vae.inverse_transform(np.linspace(start, end, 10))
fig, axes = plt.subplots(1, 10, figsize=(8, 1.1))
for image, ax in zip(path, axes):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_axis_off()
plt.show()
