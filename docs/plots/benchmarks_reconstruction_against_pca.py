"""A figure of docs/benchmarks.md: Reconstruction against PCA."""

import matplotlib.pyplot as plt
import numpy as np

sets = ["digits", "Ionosphere", "letter", "Pima", "satellite", "thyroid", "vowels", "WBC",
        "cardio"]
ratio = {  # held-out MSE of the autoencoder / PCA's, k = 2, 8, 16 (None: k >= features)
    2: [0.607, 0.872, 0.666, 0.662, 0.548, 0.408, 0.461, 0.988, 0.437],
    8: [0.498, 1.000, 0.454, None, 0.725, None, 0.420, 0.816, 0.236],
    16: [0.554, 1.000, 0.515, None, 0.875, None, None, None, 0.206],
}
fig, ax = plt.subplots(figsize=(8, 3.4))
x = np.arange(len(sets))
for i, (k, values) in enumerate(ratio.items()):
    v = np.array([np.nan if r is None else r for r in values])
    ax.bar(x + (i - 1) * 0.27, v, width=0.27, label=f"k = {k}")
ax.axhline(1.0, color="black", lw=1)
ax.set_xticks(x, sets, rotation=30, ha="right")
ax.set_ylabel("held-out MSE: autoencoder / PCA")
ax.set_ylim(0, 1.25)
ax.legend(ncols=3, fontsize=8, loc="upper center")
fig.tight_layout()
