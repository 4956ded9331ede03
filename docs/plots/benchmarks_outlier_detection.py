"""A figure of docs/benchmarks.md: Outlier detection (22 ADBench sets, seeds 0-2)."""

import matplotlib.pyplot as plt
import numpy as np

sets = ["cover", "Hepatitis", "InternetAds", "Ionosphere", "ALOI", "letter", "20news bert",
        "20news roberta", "magic.gamma", "mammography", "mnist", "pendigits", "Pima",
        "satellite", "shuttle", "smtp", "Stamps", "thyroid", "vowels", "WBC", "campaign",
        "cardio"]
nan = np.nan
auc = {
    "skae": [0.858, 0.85, 0.752, 0.925, 0.537, 0.848, 0.692, 0.862, 0.769, 0.855, 0.836,
             0.824, 0.679, 0.721, 0.994, 0.947, 0.871, 0.988, 0.946, 0.981, 0.761, 0.913],
    "MCD": [0.681, 0.821, nan, 0.947, 0.52, 0.8, 0.737, 0.843, 0.697, 0.712, 0.826, 0.822,
            0.673, 0.802, 0.988, 0.966, 0.837, 0.991, 0.65, 0.993, 0.775, 0.842],
    "KNN": [0.817, 0.771, 0.601, 0.905, 0.659, 0.861, 0.683, 0.765, 0.81, 0.849, 0.847,
            0.765, 0.704, 0.678, 0.664, 0.97, 0.838, 0.97, 0.976, 0.984, 0.742, 0.729],
    "IsolationForest": [0.868, 0.729, 0.67, 0.824, 0.551, 0.609, 0.554, 0.697, 0.728,
                        0.864, 0.803, 0.957, 0.655, 0.698, 0.998, 0.936, 0.894, 0.985,
                        0.751, 0.993, 0.701, 0.932],
}
fig, ax = plt.subplots(figsize=(10, 3.6))
x = np.arange(len(sets))
for i, (name, values) in enumerate(auc.items()):
    ax.bar(x + (i - 1.5) * 0.2, values, width=0.2,
           label=f"{name} (mean {np.nanmean(values):.3f})")
ax.set_xticks(x, sets, rotation=40, ha="right", fontsize=8)
ax.set_ylim(0.4, 1.0)
ax.set_ylabel("test ROC-AUC")
ax.legend(fontsize=8, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
fig.tight_layout()
