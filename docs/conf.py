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
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.examples", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/**/*.py", "auto_examples/**/*.ipynb",
                    "auto_examples/*.zip", "auto_examples/**/*.zip"]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]

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

html_theme = "alabaster"
html_static_path = []


def _write_api_page():
    """docs/api.rst, generated from ``skae.__all__``: classes, then each module's."""
    lines = ["API reference", "=============", "", "Generated from ``skae.__all__``.", "",
             "Estimators", "----------", "", ".. currentmodule:: skae", "",
             ".. autosummary::", "   :toctree: generated/", ""]
    lines += [f"   {name}" for name in skae.__all__ if isinstance(getattr(skae, name), type)]
    lines.append("")
    for name in skae.__all__:
        module = getattr(skae, name)
        if hasattr(module, "__all__") and not isinstance(module, type):
            title = f"``skae.{name}``"
            summary = module.__doc__.strip().splitlines()[0]
            lines += [title, "-" * len(title), "", summary, "",
                      f".. currentmodule:: skae.{name}", "", ".. autosummary::",
                      "   :toctree: generated/", ""]
            lines += [f"   {member}" for member in module.__all__] + [""]
    (HERE / "api.rst").write_text("\n".join(lines))


# Written when the configuration loads, before autosummary looks for its entries.
_write_api_page()
