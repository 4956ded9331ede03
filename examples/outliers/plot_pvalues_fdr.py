"""
Outliers with a stated error rate: conformal p-values and the false discovery rate
==================================================================================

A threshold on an outlier score is usually a guess at the contamination rate.
``AutoencoderOutlierDetector`` can instead give each row a conformal p-value:
with ``calibration_fraction`` a share of the training rows is held out of
everything the model learns, and a row's p-value is the share of those
calibration rows at least as outlying as it. For a new row drawn like the clean
training rows, ``P(p <= a) <= a`` for every ``a``. Flagging a batch with the
Benjamini-Hochberg procedure at level ``q`` (``threshold="fdr"``) then keeps
the expected share of inliers among the flagged rows at most ``q``.

The data: scikit-learn's breast-cancer measurements. The benign tumours are the
"normal" rows; a batch of new rows mixes held-out benign tumours with a few
malignant ones.
"""

# %%
# Fit on benign rows, hold some out for calibration
# -------------------------------------------------
# The smallest p-value ``n`` calibration rows can give is ``1 / (n + 1)``, so
# a small table needs a large calibration share: here 40% of 285 rows.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from skae import AutoencoderOutlierDetector

data = load_breast_cancer(as_frame=True)
df, malignant = data.data, data.target == 0
benign_train, benign_new = train_test_split(df[~malignant], test_size=0.2, random_state=0)
batch = np.r_[benign_new.index, df[malignant].sample(20, random_state=0).index]
new_rows = df.loc[batch]
is_outlier = malignant[batch].to_numpy()

detector = AutoencoderOutlierDetector(
    calibration_fraction=0.4, threshold="fdr", alpha=0.1, random_state=0
).fit(benign_train)
pvalues = detector.score_pvalues(new_rows)
flagged = detector.predict(new_rows) == -1
print(f"{len(detector.calibration_scores_)} calibration rows; "
      f"{flagged.sum()} of {len(new_rows)} new rows flagged at FDR 0.1, "
      f"{(flagged & is_outlier).sum()} of them malignant "
      f"(false discovery proportion {(flagged & ~is_outlier).sum() / max(flagged.sum(), 1):.2f}); "
      f"{(flagged & is_outlier).sum()} of {is_outlier.sum()} malignant rows found")

# %%
# The false discovery rate is an average over batches: one batch's proportion
# of inliers among its flagged rows may be above ``alpha``, their mean is not.

# %%
# The p-values of the batch, sorted, against the Benjamini-Hochberg line
# ----------------------------------------------------------------------
# Benjamini-Hochberg flags the rows up to the last sorted p-value below the
# line ``q k / m``. Benign rows' p-values spread evenly over (0, 1]; the
# malignant rows sit at the bottom.
order = np.argsort(pvalues)
rank = np.arange(1, len(pvalues) + 1)
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.scatter(rank, pvalues[order], c=np.where(is_outlier[order], "tab:red", "tab:blue"), s=14)
ax.plot(rank, 0.1 * rank / len(rank), color="black", lw=1, label="q k / m, q = 0.1")
ax.scatter([], [], c="tab:red", s=14, label="malignant (outlier)")
ax.scatter([], [], c="tab:blue", s=14, label="benign (inlier)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("rank k of the p-value in the batch")
ax.set_ylabel("conformal p-value")
ax.set_title(f"{flagged.sum()} rows flagged at FDR 0.1")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# The p-values of fresh inliers are uniform
# -----------------------------------------
# The guarantee in a picture: over the held-out benign rows, the share with
# p <= a stays at or below a for every a.
p_inliers = np.sort(pvalues[~is_outlier])
fig, ax = plt.subplots(figsize=(4.5, 4))
ax.step(p_inliers, np.arange(1, len(p_inliers) + 1) / len(p_inliers), where="post",
        label="benign rows of the batch")
ax.plot([0, 1], [0, 1], color="black", lw=1, label="P(p <= a) = a")
ax.set_xlabel("a")
ax.set_ylabel("share of benign rows with p <= a")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
