"""
Outliers in a polars table, and the columns that explain them
=============================================================

skae's estimators take a polars DataFrame as they take a pandas one:
numeric, string, ``Categorical``, ``Enum`` and ``Boolean`` columns, with the
same results as the same table in pandas. What they return as a table
(explanations, reconstructions, filled values) comes back as a polars frame
in the table's own dtypes.

The data: scikit-learn's wine table written to a CSV file and read back with
polars, the cultivar as a categorical column. Three rows are altered: one
wine gets another cultivar's label, one an alcohol content far off its
cultivar's, one a colour intensity of ten times its own.
"""

# %%
# Read the table with polars
# --------------------------
import pathlib
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import polars as pl
from sklearn.datasets import load_wine

wine = load_wine(as_frame=True)
table = wine.frame.drop(columns="target")
table["cultivar"] = np.asarray(wine.target_names)[wine.target]
path = pathlib.Path(tempfile.mkdtemp()) / "wine.csv"
table.to_csv(path, index=False)

wines = pl.read_csv(path).with_columns(pl.col("cultivar").cast(pl.Categorical))
row = pl.int_range(pl.len())
wines = wines.with_columns(
    pl.when(row == 10).then(pl.lit("class_2")).otherwise(pl.col("cultivar"))
    .cast(pl.Categorical).alias("cultivar"),
    pl.when(row == 60).then(pl.col("alcohol") + 4).otherwise(pl.col("alcohol")).alias("alcohol"),
    pl.when(row == 150).then(pl.col("color_intensity") * 10)
    .otherwise(pl.col("color_intensity")).alias("color_intensity"),
)
print(wines.schema)

# %%
# Flag outliers and name the columns behind them
# ----------------------------------------------
# The detector scores each column given the rest of the row (a table with a
# categorical column trains with hidden entries), so a wine labelled with
# the wrong cultivar is flagged by its ``cultivar`` entry.
from skae import AutoencoderOutlierDetector

detector = AutoencoderOutlierDetector(contamination=0.03, random_state=0).fit(wines)
flagged = wines.with_row_index("row").filter(pl.Series(detector.predict(wines) == -1))
top = detector.top_features(flagged.drop("row"), n_features=2)
print(pl.concat([flagged.select("row"), top], how="horizontal"))

# %%
# Each flagged row's outlyingness, column by column
# -------------------------------------------------
# ``feature_contributions`` returns a polars frame with the table's columns.
contributions = detector.feature_contributions(flagged.drop("row"))
fig, ax = plt.subplots(figsize=(8, 3.5))
image = ax.imshow(contributions.to_numpy(), aspect="auto", cmap="Reds")
ax.set_xticks(range(len(contributions.columns)), contributions.columns, rotation=60,
              ha="right", fontsize=8)
ax.set_yticks(range(len(flagged)), [f"row {r}" for r in flagged["row"]])
ax.set_title("What makes each flagged wine stand out")
fig.colorbar(image, ax=ax, label="contribution")
fig.tight_layout()
plt.show()
