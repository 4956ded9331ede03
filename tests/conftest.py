import os

# scikit-learn runs its "array API dispatch with NumPy input" check only when
# SciPy's array API support is on; it must be set before SciPy is imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One torch thread per test worker: two workers on two cores, instead of
    # four threads spinning against each other.
    torch.set_num_threads(1)


@pytest.fixture
def two_threads():
    """Torch on 2 threads for the test (test workers run on 1)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    return X, y


@pytest.fixture
def curve():
    """Rows on a noisy 1-D parabola embedded in 5-D: curved, not linear."""
    rng = np.random.RandomState(0)
    t = rng.uniform(-2, 2, size=600)
    X = np.c_[t, t**2, np.sin(2 * t), t**3 / 4, np.cos(t)]
    return X + 0.02 * rng.randn(*X.shape)


@pytest.fixture(scope="session")
def digits_split(digits):
    return train_test_split(digits[0], random_state=0)
