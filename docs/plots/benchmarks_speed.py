"""A figure of docs/benchmarks.md: Speed."""

import matplotlib.pyplot as plt

rows = [1, 3, 10]
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
left.plot(rows, [122, 366, 1221], "k--", label="the data")
left.plot(rows, [178, 178, 179], "o-", label="reference loop")
left.plot(rows, [102, 105, 105], "o-", label="skae partial_fit")
left.plot(rows, [109, 107, 109], "o-", label="skae through dask")
left.set_xlabel("rows (millions)")
left.set_ylabel("peak memory above start (MiB)")
left.legend(fontsize=7)
right.plot(rows, [8.9, 26.6, 83.7], "o-", label="reference loop")
right.plot(rows, [9.1, 30.0, 89.4], "o-", label="skae partial_fit")
right.plot(rows, [12.5, 25.5, 85.1], "o-", label="skae through dask")
right.set_xlabel("rows (millions)")
right.set_ylabel("time of one pass (s)")
right.legend(fontsize=7)
fig.tight_layout()
