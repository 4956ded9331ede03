"""A figure of docs/benchmarks.md: Variants: sparse codes and the convolutional default,
before and after the defaults of 2026-12-03."""

import matplotlib.pyplot as plt

# Digits, n_components=32, seeds 0 to 2 on three splits (25% held out: the
# benchmark; 20% and 30%): (error ratio, inactive gain) against the unpenalised model.
before = [(1.44, 0.319), (1.29, 0.362), (1.40, 0.401), (1.24, 0.342), (1.21, 0.014),
          (1.27, 0.360), (1.501, 0.363), (1.23, 0.243), (1.33, 0.308)]
after = [(1.19, 0.482), (1.16, 0.598), (1.19, 0.545), (1.16, 0.491), (1.13, 0.542),
         (1.09, 0.503), (1.14, 0.581), (1.14, 0.500), (1.16, 0.534)]
# image_shape=(8, 8), k=8, the same splits and seeds: held-out error / PCA's.
mlp = [0.506, 0.498, 0.511, 0.466, 0.450, 0.472, 0.515, 0.516, 0.508]
channels_before = [0.489, 0.473, 0.486, 0.467, 0.460, 0.452, 0.493, 0.484, 0.504]
channels_now = [0.475, 0.462, 0.497, 0.465, 0.428, 0.460, 0.488, 0.471, 0.496]

fig, (ax, ax_conv) = plt.subplots(1, 2, figsize=(10, 3.4))
ax.fill_between([1.0, 1.5], 0.25, 0.65, color="tab:green", alpha=0.12, label="target")
for points, label, marker in [(before, "before (weight 0.15, decay 0.3)", "x"),
                              (after, "now (weight 0.3, decay 1.0)", "o")]:
    ax.plot(*zip(*points), marker, label=label)
ax.set(xlabel="held-out error / unpenalised model's", ylabel="inactive share gained",
       title="L1ActivityPenalty() on digits: 3 splits x 3 seeds")
ax.legend(loc="lower right", fontsize=8)

ax_conv.plot([0.42, 0.53], [0.42, 0.53], color="grey", lw=0.8, label="equal to the MLP")
ax_conv.plot(mlp, channels_before, "x", label="channels (128, 64), before")
ax_conv.plot(mlp, channels_now, "o", label='channels (64, 128), "auto" now')
ax_conv.set(xlabel="MLP: held-out error / PCA's", ylabel="convolutional: error / PCA's",
            title="image_shape=(8, 8), k = 8: 3 splits x 3 seeds")
ax_conv.legend(loc="upper left", fontsize=8)
fig.tight_layout()
