"""
When some outliers are known: labels in the score, a tuned threshold
====================================================================

A fraud or quality team always has a few confirmed cases. Passed as ``y``
(1 for a known outlier, 0 for every other row), they are kept out of what
``AutoencoderOutlierDetector`` learns as normal, and a classifier of them is
blended into its score, more strongly the more there are.
``TunedOutlierDetector`` then sets the threshold on labelled rows, as
scikit-learn's ``TunedThresholdClassifierCV`` does for classifiers.

The data: scikit-learn's breast cancer table, the benign tumours as the
normal rows and a twentieth as many malignant ones as the outliers.
"""

# %%
# A table with a few confirmed outliers
# -------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import train_test_split

cancer = load_breast_cancer(as_frame=True)
rng = np.random.RandomState(0)
benign = np.flatnonzero(cancer.target == 1)
malignant = rng.choice(np.flatnonzero(cancer.target == 0), len(benign) // 10, replace=False)
rows = np.r_[benign, malignant]
X, outlier = cancer.data.iloc[rows], np.r_[np.zeros(len(benign)), np.ones(len(malignant))]
X_train, X_test, o_train, o_test = train_test_split(
    X, outlier, test_size=0.3, stratify=outlier, random_state=0)
# A reviewed sample, labelled in both classes, is kept for the threshold.
X_train, X_review, o_train, o_review = train_test_split(
    X_train, o_train, test_size=0.3, stratify=o_train, random_state=0)
# Five of the training outliers are confirmed; every other row is unlabelled.
y = np.zeros(len(X_train), int)
y[rng.choice(np.flatnonzero(o_train), 5, replace=False)] = 1
print(f"{len(X_train)} training rows, {int(o_train.sum())} outliers, {y.sum()} of them known")

# %%
# The ranking with and without them
# ---------------------------------
from skae import AutoencoderOutlierDetector

without = AutoencoderOutlierDetector(random_state=0).fit(X_train)
with_labels = AutoencoderOutlierDetector(random_state=0).fit(X_train, y)
for name, detector in [("without labels", without), ("with 5 labels", with_labels)]:
    ap = average_precision_score(o_test, -detector.score_samples(X_test))
    print(f"{name}: average precision {ap:.3f}")

# %%
# A threshold tuned on labelled rows
# ----------------------------------
# The threshold needs rows labelled in both classes: the reviewed sample sets
# it for the fitted detector, for the best F1 on that sample (a smoothed
# estimate of it, since the sample holds only a few outliers).
from sklearn.metrics import precision_score, recall_score

from skae import TunedOutlierDetector

tuned = TunedOutlierDetector(with_labels, scoring="f1", cv="prefit", refit=False)
tuned.fit(X_review, o_review.astype(int))
print(f"{int(o_review.sum())} outliers among {len(X_review)} reviewed rows")
flagged = tuned.predict(X_test) == -1
default = with_labels.predict(X_test) == -1
for name, pick in [("tuned threshold", flagged), ('contamination="auto"', default)]:
    print(f"{name}: precision {precision_score(o_test, pick):.2f}, "
          f"recall {recall_score(o_test, pick):.2f}")

# %%
# Precision and recall along the ranking
# --------------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
for name, detector in [("without labels", without), ("with 5 labels", with_labels)]:
    precision, recall, _ = precision_recall_curve(o_test, -detector.score_samples(X_test))
    ax.plot(recall, precision, label=name)
ax.plot(recall_score(o_test, flagged), precision_score(o_test, flagged), "o", color="crimson",
        label="tuned threshold")
ax.set_xlabel("recall")
ax.set_ylabel("precision")
ax.set_title("Malignant tumours among benign ones")
ax.legend()
fig.tight_layout()
plt.show()
