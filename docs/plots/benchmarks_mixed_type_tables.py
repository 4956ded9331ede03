"""A figure of docs/benchmarks.md: Mixed-type tables."""

import matplotlib.pyplot as plt
import numpy as np

ratio = {  # numeric MSE / PCA's at k = 2, 4, 8, mean over seeds 0-2 (2026-12-03)
    "CPS1985": [0.829, 0.213, 0.082], "DoctorVisits": [0.562, 0.300, 0.000],
    "HealthInsurance": [0.817, 0.000, 0.019], "CreditCard": [0.728, 0.580, 0.164],
    "Wages": [0.470, 0.181, 0.000], "MedExp": [0.628, 0.368, 0.133],
    "Benefits": [0.698, 0.471, 0.445], "SLID": [0.513, 0.000, None],
    "lending_club": [0.909, 0.771, 0.542], "hotel_rates": [0.595, 0.433, 0.197],
    "births14": [0.965, 0.959, 0.458], "Gestation": [1.006, 0.969, 0.913]}
error = {  # categorical error, (PCA, skae), k = 2, 4, 8
    "CPS1985": [[0.310, 0.315], [0.204, 0.216], [0.077, 0.054]],
    "DoctorVisits": [[0.206, 0.092], [0.176, 0.057], [0.041, 0.000]],
    "HealthInsurance": [[0.277, 0.277], [0.193, 0.064], [0.091, 0.007]],
    "CreditCard": [[0.166, 0.006], [0.149, 0.012], [0.134, 0.041]],
    "Wages": [[0.192, 0.104], [0.185, 0.092], [0.035, 0.001]],
    "MedExp": [[0.260, 0.182], [0.232, 0.071], [0.209, 0.073]],
    "Benefits": [[0.296, 0.284], [0.236, 0.191], [0.141, 0.125]],
    "SLID": [[0.296, 0.197], [0.096, 0.000], None],
    "lending_club": [[0.399, 0.217], [0.374, 0.165], [0.347, 0.191]],
    "hotel_rates": [[0.387, 0.172], [0.365, 0.058], [0.349, 0.044]],
    "births14": [[0.161, 0.138], [0.161, 0.151], [0.032, 0.021]],
    "Gestation": [[0.484, 0.478], [0.375, 0.374], [0.317, 0.319]]}
names = list(ratio)
y = np.arange(len(names))
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
for i, (k, colour) in enumerate(zip([2, 4, 8], ["tab:blue", "tab:orange", "tab:green"])):
    r = [np.nan if ratio[n][i] is None else ratio[n][i] for n in names]
    left.barh(y + (i - 1) * 0.27, r, 0.27, color=colour, label=f"k = {k}")
    pca = np.array([np.nan if error[n][i] is None else error[n][i][0] for n in names])
    ae = np.array([np.nan if error[n][i] is None else error[n][i][1] for n in names])
    right.barh(y + (i - 1) * 0.27, ae - pca, 0.27, color=colour)
left.axvline(1.0, color="black", lw=1)
left.set(yticks=y, yticklabels=names, xlabel="numeric MSE / PCA's (below 1: better)")
left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
right.axvline(0.0, color="black", lw=1)
right.set(xlabel="categorical error minus PCA's (below 0: better)")
left.invert_yaxis()
fig.tight_layout()
