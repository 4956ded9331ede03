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
# ``ReconstructionErrorDisplay`` shows every row's outlyingness (minus
# ``score_samples``) with the threshold that ``contamination`` set; the
# tampered rows are marked.
from skae.plotting import ReconstructionErrorDisplay

display = ReconstructionErrorDisplay.from_estimator(detector, df)
outlyingness = -detector.score_samples(df.iloc[tampered])
display.ax_.plot(outlyingness, np.full(len(tampered), 1), "v", color="crimson",
                 label="tampered rows")
display.ax_.legend()
display.figure_.set_size_inches(6, 3)
display.figure_.tight_layout()
plt.show()
