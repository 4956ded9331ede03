"""A figure of docs/benchmarks.md: Mixed-type tables."""

import matplotlib.pyplot as plt
import numpy as np

ratio = {  # numeric MSE / PCA's at k = 2, 4, 8, ratio of the means over seeds 0-2 (2026-12-06)
    "CPS1985": [0.801, 0.213, 0.072], "DoctorVisits": [0.552, 0.299, 0.000],
    "HealthInsurance": [0.817, 0.000, 0.010], "CreditCard": [0.739, 0.564, 0.162],
    "Wages": [0.477, 0.180, 0.000], "MedExp": [0.627, 0.369, 0.136],
    "Benefits": [0.700, 0.470, 0.450], "SLID": [0.518, 0.000, None],
    "lending_club": [0.910, 0.770, 0.537], "hotel_rates": [0.589, 0.431, 0.197],
    "births14": [0.966, 0.959, 0.478], "Gestation": [1.006, 0.969, 0.913]}
error = {  # categorical error, (PCA, skae), k = 2, 4, 8
    "CPS1985": [[0.310, 0.314], [0.204, 0.224], [0.077, 0.057]],
    "DoctorVisits": [[0.206, 0.090], [0.176, 0.056], [0.041, 0.000]],
    "HealthInsurance": [[0.277, 0.277], [0.193, 0.068], [0.091, 0.007]],
    "CreditCard": [[0.166, 0.007], [0.149, 0.010], [0.134, 0.040]],
    "Wages": [[0.192, 0.103], [0.185, 0.091], [0.035, 0.001]],
    "MedExp": [[0.260, 0.182], [0.232, 0.071], [0.209, 0.073]],
    "Benefits": [[0.296, 0.283], [0.236, 0.192], [0.141, 0.125]],
    "SLID": [[0.296, 0.195], [0.096, 0.000], None],
    "lending_club": [[0.399, 0.216], [0.374, 0.166], [0.347, 0.192]],
    "hotel_rates": [[0.387, 0.169], [0.365, 0.056], [0.349, 0.044]],
    "births14": [[0.161, 0.136], [0.161, 0.151], [0.032, 0.021]],
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
