"""A figure of docs/benchmarks.md: Reconstruction against PCA (54 cells, seed 0)."""

import matplotlib.pyplot as plt
import numpy as np

sets = ['digits', 'cover', 'Hepatitis', 'InternetAds', 'Ionosphere', 'ALOI', 'letter',
        '20news bert', '20news roberta', 'magic.gamma', 'mammography', 'mnist', 'pendigits',
        'Pima', 'satellite', 'shuttle', 'smtp', 'Stamps', 'thyroid', 'vowels', 'WBC',
        'campaign', 'cardio']
# Held-out MSE of the autoencoder / PCA's (None: k >= the number of columns), with the
# defaults of 2026-12-02 (wide tables rebuilt as principal coordinates; campaign as of
# 2026-12-03, with the weights from its constant training column held) and, before them, a
# constant step size of 1e-3.
ratio = {
    2: [0.565, 0.477, 1.0, 0.647, 0.872, 0.401, 0.637, 0.903, 0.935, 0.462, 0.111, 0.542,
        0.261, 0.675, 0.515, 0.624, 0.092, 0.587, 0.351, 0.448, 0.983, 0.615, 0.405],
    8: [0.466, 0.004, 1.0, 0.426, 1.0, 0.031, 0.442, 0.886, 1.0, 0.185, None, 0.294, 0.143,
        None, 0.714, 0.054, None, 0.139, None, 0.374, 0.822, 0.153, 0.217],
    16: [0.549, None, 1.0, 0.445, 1.0, 0.016, 0.519, 1.0, 1.0, None, None, 0.252, None, None,
         0.885, None, None, None, None, None, None, 0.050, 0.177],
}
before = {
    2: [0.609, 0.501, 1.0, 0.699, 0.872, 0.444, 0.677, 0.88, 0.928, 0.496, 0.141, 0.568, 0.277,
        0.655, 0.541, 0.94, 0.086, 0.613, 0.359, 0.471, 0.99, 0.681, 0.387],
    8: [0.492, 0.006, 1.0, 0.459, 1.0, 0.038, 0.443, 0.854, 1.0, 0.2, None, 0.324, 0.159, None,
        0.722, 0.074, None, 0.144, None, 0.405, 0.806, 0.277, 0.232],
    16: [0.554, None, 1.0, 0.483, 1.0, 0.02, 0.529, 1.0, 1.0, None, None, 0.289, None, None,
         0.868, None, None, None, None, None, None, 0.095, 0.205],
}
fig, ax = plt.subplots(figsize=(10, 3.6))
x = np.arange(len(sets))
for i, k in enumerate(ratio):
    offset = x + (i - 1) * 0.27
    now = np.array([np.nan if r is None else r for r in ratio[k]])
    old = np.array([np.nan if r is None else r for r in before[k]])
    ax.bar(offset, now, width=0.27, label=f"k = {k}")
    ax.plot(offset, old, "_", color="black", ms=7, label="before" if i == 0 else None)
ax.axhline(1.0, color="black", lw=1)
ax.set_xticks(x, sets, rotation=40, ha="right", fontsize=8)
ax.set_ylabel("held-out MSE: autoencoder / PCA")
ax.set_ylim(0, 1.2)
ax.legend(ncols=4, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
fig.tight_layout()
