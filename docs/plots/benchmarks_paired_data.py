"""A figure of docs/benchmarks.md: Paired data: super-resolution, colorization, inpainting."""

import matplotlib.pyplot as plt
import numpy as np

tasks = ["super-resolution", "super-resolution,\n50/50 split", "colorization,\nother photos",
         "colorization,\nother halves", "inpainting"]
ratios = [[0.818, 0.695, 0.740], [0.711, 0.710, 0.741], [1.063, 0.999, 1.029],
          [1.097, 1.015, 1.233], [1.073, 1.038, 1.099]]
fig, ax = plt.subplots(figsize=(6.5, 3))
for y, values in enumerate(ratios[::-1]):
    ax.plot(values, [y] * 3, "o", color="tab:blue")
    ax.plot([np.median(values)], [y], "|", color="black", ms=14)
ax.set_yticks(range(len(tasks)), tasks[::-1])
ax.axvline(1.0, color="black", lw=1)
ax.set_xlabel("test MSE: skae / the best baseline (seeds 0, 1, 2)")
fig.tight_layout()
