"""
A DataFrame with categorical, string and boolean columns, as it comes
=====================================================================

skae's estimators take the table a data scientist has: numbers, pandas
``category`` columns, strings, booleans and pandas' nullable dtypes, in any
order. Categorical columns enter the network one-hot and are rebuilt by a
softmax per column, so the reconstruction, the imputed values and the
explanations are in the table's own terms: levels, not one-hot floats.

The data: a synthetic customer table in which the plan, the region and the
churn flag follow from the customer's age, income and tenure.
"""

# %%
# A customer table
# ----------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

rng = np.random.RandomState(0)
n = 2000
wealth, loyalty = rng.randn(n), rng.randn(n)
plan = np.select([wealth > 0.8, wealth > -0.4], ["premium", "standard"], "basic")
customers = pd.DataFrame({
    "age": (40 + 10 * wealth + 5 * rng.randn(n)).round(),
    "income": np.exp(10.5 + 0.4 * wealth + 0.1 * rng.randn(n)).round(-2),
    "tenure": pd.array(np.clip(np.round(5 + 3 * loyalty), 0, None).astype(int), dtype="Int64"),
    "plan": pd.Categorical(plan, categories=["basic", "standard", "premium"]),
    "region": np.where(loyalty + 0.5 * rng.randn(n) > 0, "north", "south"),
    "churned": loyalty + 0.3 * rng.randn(n) < -1,
})
print(customers.dtypes)

# %%
# Reduce it, and rebuild it in its own dtypes
# -------------------------------------------
# ``AutoencoderTransformer`` fits the DataFrame directly; ``inverse_transform``
# returns a DataFrame with the same columns and dtypes, each categorical
# entry the most likely level.
from skae import AutoencoderTransformer

train, test = customers.iloc[:1500], customers.iloc[1500:]
ae = AutoencoderTransformer(n_components=2, random_state=0).fit(train)
codes = ae.transform(test)
rebuilt = ae.inverse_transform(codes)
print(rebuilt.dtypes.equals(test.dtypes))
for column in ["plan", "region", "churned"]:
    print(f"{column}: {np.mean(rebuilt[column].to_numpy() == test[column].to_numpy()):.0%} "
          "rebuilt right from 2 numbers per row")

# %%
# Fill missing levels and numbers
# -------------------------------
# ``AutoencoderImputer`` accepts NaN, None and ``pd.NA`` in any column and
# fills a missing category with its most likely level given the rest of the
# row. Here a fifth of the cells are hidden.
from skae import AutoencoderImputer

hidden = rng.rand(*customers.shape) < 0.2
masked = customers.astype({"churned": object})
for j, column in enumerate(customers.columns):
    values = masked[column].copy()
    values[hidden[:, j]] = None
    masked[column] = values
filled = AutoencoderImputer(random_state=0).fit_transform(masked)

accuracy = {}
for column in ["plan", "region", "churned"]:
    rows = hidden[:, customers.columns.get_loc(column)]
    truth = customers[column].to_numpy()[rows]
    accuracy[column] = (
        np.mean(truth == customers[column].mode()[0]),
        np.mean(filled[column].to_numpy()[rows] == truth),
    )
    print(f"{column}: most frequent level {accuracy[column][0]:.0%}, "
          f"skae {accuracy[column][1]:.0%} of hidden cells right")

# %%
# Explain unusual rows by column name
# -----------------------------------
# Ten customers get a plan that contradicts their age and income. The
# detector scores them as unusual, and ``top_features`` names the column.
from skae import AutoencoderOutlierDetector

odd = customers.copy()
rows = np.flatnonzero(customers["plan"] != "standard")[:10]
odd.loc[rows, "plan"] = np.where(customers["plan"][rows] == "premium", "basic", "premium")
detector = AutoencoderOutlierDetector(random_state=0).fit(customers.drop(index=rows))
scores = -detector.score_samples(odd)
print(detector.top_features(odd.iloc[rows], n_features=2))

fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for level, colour in zip(["basic", "standard", "premium"], ["C0", "C1", "C2"]):
    mask = test["plan"].to_numpy() == level
    axes[0].scatter(codes[mask, 0], codes[mask, 1], s=6, color=colour, label=level)
axes[0].set(title="Codes of held-out customers, by plan", xlabel="code 1", ylabel="code 2")
axes[0].legend(markerscale=3, loc="upper right", fontsize=8)
x = np.arange(len(accuracy))
axes[1].bar(x - 0.2, [a[0] for a in accuracy.values()], 0.4, label="most frequent level")
axes[1].bar(x + 0.2, [a[1] for a in accuracy.values()], 0.4, label="AutoencoderImputer")
axes[1].set(xticks=x, xticklabels=list(accuracy), ylim=(0, 1),
            title="Hidden levels filled right")
axes[1].legend(loc="lower right")
bins = np.geomspace(scores.min(), scores.max(), 60)
axes[2].hist(np.delete(scores, rows), bins=bins, color="grey", label="other rows")
for row in rows:
    axes[2].axvline(scores[row], color="crimson", lw=1)
axes[2].set(xscale="log", title="Outlyingness; red: contradicting plans",
            xlabel="minus score_samples")
fig.tight_layout()
plt.show()
