"""The torch and skorch engine inside skae's estimators.

Nothing here imports scikit-learn (``tests/test_engine.py`` checks it): the
estimators above it translate scikit-learn's conventions into these parts.

- ``layers``: the encoder and the decoder that mirrors it (dense or
  convolutional, tied weights);
- ``modules``: the autoencoder and variational modules (linear path,
  nested dropout, missing inputs);
- ``losses``: reconstruction losses (weighted squared error, binary and
  per-block cross-entropy);
- ``net``: the skorch ``NeuralNet`` subclasses that train them;
- ``callbacks``: best weights, divergence guard, learning-rate schedule,
  progress bar, the bridge to scikit-learn's callbacks;
- ``data``: rows as one tensor, batches, splits, masking of entries;
- ``inference``: batched, padded forward passes;
- ``persistence``: a fitted net's state as numpy arrays;
- ``torch_utils``: devices, dtypes, thread settings and per-fit generators.
"""
