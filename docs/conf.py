"""Sphinx configuration: numpydoc docstrings, a gallery from examples/, Markdown pages."""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import skae  # noqa: E402

project = "skae"
author = "the skae developers"
copyright = "2026, the skae developers"
version = release = skae.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.examples", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/**/*.py", "auto_examples/**/*.ipynb",
                    "auto_examples/*.zip", "auto_examples/**/*.zip"]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]
if os.environ.get("SKAE_DOCS_FAST"):
    # The gallery's examples do not run, so the pages' figures from it are missing.
    suppress_warnings.append("image.not_readable")

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parse "ndarray of shape (n_features_in_,)" as a type, not as reST with a link.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
# numpydoc's default aliases point into Python's and NumPy's inventories, which an
# offline build cannot reach: refer to the names plainly instead.
from numpydoc.xref import DEFAULT_LINKS  # noqa: E402

numpydoc_xref_aliases = {name: f":obj:`{name}`" for name in DEFAULT_LINKS}

intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    # SKAE_DOCS_FAST=1 skips running the examples (a quick check of the pages).
    "plot_gallery": "False" if os.environ.get("SKAE_DOCS_FAST") else "True",
}

html_theme = "pydata_sphinx_theme"
html_title = "skae"
html_theme_options = {
    "logo": {"text": "skae"},
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "benchmarks": [], "design_notes": []}
html_static_path = []
# Figures drawn by ``plot::`` directives in the pages: one PNG each, no links to code.
plot_formats = [("png", 100)]
plot_html_show_source_link = False
plot_html_show_formats = False
plot_include_source = False


#: The API page's sections: a title, a line, and the names of ``skae.__all__``.
API_SECTIONS = [
    ("Estimators", "The models: each one is fitted, used and saved like scikit-learn's.",
     "skae", lambda obj: isinstance(obj, type)),
    ("Noise", "Corruptions for ``DenoisingAutoencoder(noise=...)``.", "skae.noise", None),
    ("Penalties", "Terms added to the training loss (``penalty=...``).", "skae.penalties", None),
    ("Plotting: Displays", "Displays in scikit-learn's style: ``from_estimator(...)``, then ``plot``.",
     "skae.plotting", None),
]


def _write_api_page():
    """docs/api.rst, generated from ``skae.__all__`` and the modules' ``__all__``."""
    lines = ["API reference", "=============", ""]
    for title, summary, module_name, keep in API_SECTIONS:
        if module_name == "skae":
            names = [n for n in skae.__all__ if keep(getattr(skae, n))]
        else:
            names = list(getattr(skae, module_name.split(".")[1]).__all__)
        lines += [title, "-" * len(title), "", summary, "", f".. currentmodule:: {module_name}",
                  "", ".. autosummary::", "   :toctree: generated/", ""]
        lines += [f"   {name}" for name in names] + [""]
    (HERE / "api.rst").write_text("\n".join(lines))


# Written when the configuration loads, before autosummary looks for its entries.
_write_api_page()
