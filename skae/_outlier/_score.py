"""The outlier detector's score: three parts, each split by column.

``OutlierScore`` fits on arrays (each row's column terms from the
autoencoder, its code, and its scaled values), so it can be read and tested
without training a network. A row's outlyingness is the sum of three parts,
each divided by its typical value on the training rows so that none
dominates:

- reconstruction: each column's term (squared standardised residual, or
  surprise of a categorical level) divided by the column's typical term,
  plus the robust Mahalanobis distance of the row's code from the training
  codes (the SPE and Hotelling's T² of principal-component monitoring);
- mahalanobis: the robust Mahalanobis distance of the row over all numeric
  columns, from the bulk of the training rows;
- neighbors: the mean squared distance to the nearest training rows.
"""

import numpy as np

from ._distances import NearestRows, RobustMahalanobis, robust_precision, typical

#: The parts of the outlyingness (the detector's ``score_parts``).
SCORE_PARTS = ("reconstruction", "mahalanobis", "neighbors")

#: A categorical column's typical surprise (minus the log-probability the
#: model gives the row's level) is floored at this many nats, about that of
#: a level given probability 0.99: a column the network always rebuilds
#: exactly does not turn every small doubt into a large score.
MIN_TYPICAL_SURPRISE = 0.01

#: The median of a chi-squared variable with one degree of freedom: a
#: numeric column's typical squared standardised residual, for Gaussian ones.
CHI2_1_MEDIAN = 0.455


def _mahalanobis(centred, precision):
    return np.einsum("ij,jk,ik->i", centred, precision, centred)


class OutlierScore:
    """The outlyingness of rows, from their terms, codes and scaled values.

    Parameters
    ----------
    parts : tuple of str
        The parts added up, of ``SCORE_PARTS``.
    conditional : bool
        Whether each column's term was computed with the column hidden
        (the detector's ``mask_rate``): terms then count in units of their
        mean, and the code adds no term.
    columns : NumericColumns or TableColumns
        The column map of the rows: which columns are numeric, and which
        network entries each original column has.
    """

    def __init__(self, parts, conditional, columns):
        self.parts = tuple(parts)
        self.conditional = conditional
        self.columns = columns

    def fit(self, terms, codes, scaled, rng):
        """Fit on the training rows' column ``terms`` (n_rows, n_columns),
        ``codes`` (n_rows, n_components) and ``scaled`` values (n_rows,
        n_entries); ``rng`` samples the nearest rows' reference."""
        self.residual_scale_ = self._residual_scale(terms)
        self.code_center_ = np.median(codes, axis=0)
        self.code_precision_ = robust_precision(codes - self.code_center_)
        scales = {"reconstruction": typical(
            (terms / self.residual_scale_**2).sum(axis=1) + self.code_terms(codes)
        )}
        self.mahalanobis_ = self.neighbors_ = None
        entries = self.columns.numeric_entries
        if "mahalanobis" in self.parts and len(entries):
            self.mahalanobis_ = RobustMahalanobis().fit(scaled[:, entries])
            # On a mixed table it sees the numeric columns only: its say is
            # their share of the columns.
            share = float(np.mean(self.columns.numeric))
            scales["mahalanobis"] = typical(self.mahalanobis_.distances(scaled[:, entries])) / share
        if "neighbors" in self.parts:
            self.neighbors_ = NearestRows().fit(scaled, rng)
            reference = self.neighbors_.reference
            scales["neighbors"] = typical(self.neighbors_.distances(reference, exclude_self=True))
        self.part_scales_ = {part: scales[part] for part in self.parts if part in scales}
        return self

    def _residual_scale(self, terms):
        """Each column's typical term, robustly: a column the network rebuilds
        closely stands out when a row departs from it. With ``conditional``
        terms, each column's mean, so that the terms add up to a
        pseudo-likelihood of the row."""
        numeric = self.columns.numeric
        if self.conditional:
            spread = np.sqrt(terms[:, numeric].mean(axis=0))
        else:
            spread = np.sqrt(np.median(terms[:, numeric], axis=0) / CHI2_1_MEDIAN)
        floor = 1e-3 * max(float(np.sqrt(np.mean(spread**2))) if len(spread) else 1.0, 1e-12)
        scale = np.empty(terms.shape[1])
        scale[numeric] = np.maximum(spread, floor)
        # A categorical column's typical surprise: its mean over the rows.
        scale[~numeric] = np.sqrt(np.maximum(terms[:, ~numeric].mean(axis=0),
                                             MIN_TYPICAL_SURPRISE))
        return scale

    @property
    def needs_rows(self):
        """Whether ``parts`` reads the rows' scaled values."""
        return self.mahalanobis_ is not None or self.neighbors_ is not None

    def code_terms(self, codes):
        """The Mahalanobis distance of each row's code from the training
        codes; 0 for ``conditional`` terms, where each column is scored given
        the others instead."""
        if self.conditional:
            return np.zeros(len(codes))
        return _mahalanobis(codes - self.code_center_, self.code_precision_)

    def _mahalanobis_terms(self, scaled):
        """The Mahalanobis part's terms for every network entry (0 off the
        numeric ones)."""
        entries = self.columns.numeric_entries
        if len(entries) == scaled.shape[1]:
            return self.mahalanobis_.terms(scaled)
        out = np.zeros(scaled.shape)
        out[:, entries] = self.mahalanobis_.terms(scaled[:, entries])
        return out

    def score_parts(self, terms, codes, scaled=None, by_column=True):
        """Per-column terms and the code term of each row's outlyingness.

        The mahalanobis and neighbors parts split into per-column terms, so
        a row's outlyingness is the total of its per-column terms and its
        code term. With ``by_column=False`` the first array holds each row's
        total over the columns instead (the same sum, without the split).
        ``scaled`` is only read when ``needs_rows``.
        """
        scales = self.part_scales_
        columns = np.zeros(terms.shape if by_column else len(terms))
        code_term = np.zeros(len(terms))
        if "reconstruction" in scales:
            normalised = terms / self.residual_scale_**2
            part = normalised if by_column else normalised.sum(axis=1)
            columns += part / scales["reconstruction"]
            code_term = self.code_terms(codes) / scales["reconstruction"]
        if self.mahalanobis_ is not None:
            part = (self.columns.by_column(self._mahalanobis_terms(scaled)) if by_column
                    else self.mahalanobis_.distances(scaled[:, self.columns.numeric_entries]))
            columns += part / scales["mahalanobis"]
        if self.neighbors_ is not None:
            part = (self.columns.by_column(self.neighbors_.terms(scaled)) if by_column
                    else self.neighbors_.distances(scaled))
            columns += part / scales["neighbors"]
        return columns, code_term

    def outlyingness(self, terms, codes, scaled=None):
        """Each row's outlyingness: the sum of its parts."""
        totals, code_term = self.score_parts(terms, codes, scaled, by_column=False)
        return totals + code_term
