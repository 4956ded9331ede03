"""
Scoring a DataFrame for outliers, and the columns that drove each one
=====================================================================

``AutoencoderOutlierDetector`` follows scikit-learn's outlier conventions:
``score_samples`` is higher for more normal rows, ``decision_function`` is
negative for outliers and ``predict`` returns -1 for them. It also says which
columns made a row stand out.

The data: scikit-learn's breast-cancer measurements, raw (columns in very
different units), with a few rows tampered with in a single column each.
"""

# %%
# Fit on the DataFrame as it is
# -----------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from skae import AutoencoderOutlierDetector

df = load_breast_cancer(as_frame=True).data
rng = np.random.RandomState(0)
tampered = rng.choice(len(df), size=6, replace=False)
columns = rng.choice(df.columns, size=6)
df = df.copy()
for row, column in zip(tampered, columns):
    # An implausible value: the column's median plus six standard deviations.
    df.loc[df.index[row], column] = df[column].median() + 6 * df[column].std()

detector = AutoencoderOutlierDetector(contamination=0.02, random_state=0).fit(df)
flagged = df.index[detector.predict(df) == -1]
print(f"{len(flagged)} rows flagged; tampered rows among them: "
      f"{np.isin(df.index[tampered], flagged).sum()} of {len(tampered)}")

# %%
# Which columns drove them
# ------------------------
# ``top_features`` names the columns contributing most to each row's score;
# ``feature_contributions`` gives every column's share, as a DataFrame with
# the input's index and column names.
top = detector.top_features(df.loc[flagged], n_features=2)
top["tampered column"] = [
    columns[list(df.index[tampered]).index(i)] if i in df.index[tampered] else "-"
    for i in flagged
]
print(top)

# %%
# The scores, and the threshold
# -----------------------------
scores = detector.decision_function(df)
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(scores, bins=60, color="0.6")
ax.axvline(0, color="crimson", label="threshold (decision_function = 0)")
ax.plot(scores[tampered], np.zeros(len(tampered)), "v", color="crimson", label="tampered rows")
ax.set_xlabel("decision_function (negative: outlier)")
ax.set_ylabel("rows")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
