"""A figure of docs/benchmarks.md: Mixed-type tables."""

import matplotlib.pyplot as plt
import numpy as np

ratio = {  # numeric MSE / PCA's at k = 2, 4, 8, mean over seeds 0-2
    "CPS1985": [0.826, 0.396, 0.05], "DoctorVisits": [0.594, 0.309, 0.002],
    "HealthInsurance": [0.554, 0.002, 0.012], "CreditCard": [0.736, 0.601, 0.169],
    "Wages": [0.56, 0.184, 0.003], "MedExp": [0.664, 0.439, 0.144],
    "Benefits": [0.705, 0.477, 0.952], "SLID": [0.523, 0.009, None],
    "lending_club": [0.958, 0.872, 0.532], "hotel_rates": [0.641, 0.481, 0.222],
    "births14": [0.961, 0.959, 0.328], "Gestation": [1.003, 0.966, 0.912]}
error = {  # categorical error, (PCA, skae), k = 2, 4, 8
    "CPS1985": [[0.31, 0.315], [0.204, 0.213], [0.077, 0.058]],
    "DoctorVisits": [[0.206, 0.098], [0.176, 0.062], [0.041, 0.001]],
    "HealthInsurance": [[0.277, 0.278], [0.193, 0.086], [0.091, 0.011]],
    "CreditCard": [[0.166, 0.007], [0.149, 0.01], [0.134, 0.065]],
    "Wages": [[0.192, 0.114], [0.185, 0.101], [0.035, 0.002]],
    "MedExp": [[0.26, 0.185], [0.232, 0.083], [0.209, 0.099]],
    "Benefits": [[0.296, 0.285], [0.236, 0.195], [0.141, 0.143]],
    "SLID": [[0.296, 0.203], [0.096, 0.0], None],
    "lending_club": [[0.399, 0.306], [0.374, 0.199], [0.347, 0.199]],
    "hotel_rates": [[0.387, 0.183], [0.365, 0.064], [0.349, 0.046]],
    "births14": [[0.161, 0.137], [0.161, 0.152], [0.032, 0.021]],
    "Gestation": [[0.484, 0.481], [0.375, 0.374], [0.317, 0.32]]}
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
