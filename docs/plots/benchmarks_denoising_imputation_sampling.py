"""A figure of docs/benchmarks.md: Denoising, imputation, sampling."""

import matplotlib.pyplot as plt

tasks = ["denoising,\nGaussian", "denoising,\nmasking", "imputation"]
skae = [0.0149, 0.0122, 2.180]  # denoising: 2026-12-03 (seed 0); imputation: 2026-12-03
reference = [0.0189, 0.0398, 2.315]
names = ["tuned kernel PCA", "tuned kernel PCA", "KNNImputer"]
fig, ax = plt.subplots(figsize=(6, 2.8))
ratios = [s / r for s, r in zip(skae, reference)]
ax.barh(tasks[::-1], ratios[::-1], color="tab:orange")
ax.axvline(1.0, color="black", lw=1)
for y, (r, n) in enumerate(zip(ratios[::-1], names[::-1])):
    ax.text(r + 0.02, y, f"{r:.2f}x {n}", va="center", fontsize=8)
ax.set_xlim(0, 1.6)
ax.set_xlabel("skae's error / the reference's (seed 0)")
fig.tight_layout()
