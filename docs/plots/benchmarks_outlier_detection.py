"""A figure of docs/benchmarks.md: Outlier detection."""

import matplotlib.pyplot as plt
import numpy as np

sets = ["Ionosphere", "letter", "Pima", "satellite", "thyroid", "vowels", "WBC", "cardio"]
auc = {
    "skae": [0.938, 0.841, 0.654, 0.722, 0.987, 0.914, 0.974, 0.930],
    "IsolationForest": [0.824, 0.609, 0.655, 0.698, 0.985, 0.751, 0.993, 0.932],
    "PyOD AutoEncoder": [0.864, 0.798, 0.637, 0.634, 0.943, 0.931, 0.981, 0.783],
}
fig, ax = plt.subplots(figsize=(8, 3.4))
x = np.arange(len(sets))
for i, (name, values) in enumerate(auc.items()):
    ax.bar(x + (i - 1) * 0.27, values, width=0.27,
           label=f"{name} (mean {np.mean(values):.3f})")
ax.set_xticks(x, sets, rotation=30, ha="right")
ax.set_ylim(0.5, 1.0)
ax.set_ylabel("test ROC-AUC")
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
