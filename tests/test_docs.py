"""The documentation's pages: each user-guide page opens with code and shows a figure,
every gallery example draws one, and no heading speaks of issues."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
USER_GUIDE = sorted((DOCS / "user_guide").glob("*.md"))
PAGES = sorted(DOCS.glob("*.md")) + sorted(DOCS.glob("*.rst")) + USER_GUIDE
EXAMPLES = sorted((ROOT / "examples").glob("*/plot_*.py"))
FIGURE = re.compile(r"^(```\{(image|figure|plot)\}|\.\. (image|figure|plot)::)", re.M)


def headings(text, suffix):
    if suffix == ".md":
        return re.findall(r"^#+ (.*)$", re.sub(r"```.*?```", "", text, flags=re.S), re.M)
    # reStructuredText: a line underlined by a row of one punctuation character.
    return [title for title, rule in re.findall(r"^(\S.*)\n([=\-~^\"]{3,})$", text, re.M)
            if len(rule) >= len(title)]


def test_there_are_pages_and_examples():
    assert len(USER_GUIDE) >= 8 and len(EXAMPLES) >= 10


@pytest.mark.parametrize("page", USER_GUIDE, ids=lambda p: p.stem)
def test_user_guide_page_opens_with_code_and_shows_a_figure(page):
    text = page.read_text()
    first_section = re.split(r"^## ", text, maxsplit=1, flags=re.M)[0]
    assert "```python" in first_section, f"{page.name}: no code before its first section"
    assert FIGURE.search(text), f"{page.name}: no figure"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_heading_speaks_of_issues(page):
    for title in headings(page.read_text(), page.suffix):
        assert not re.search(r"\bissues?\b", title, re.I), f"{page.name}: {title!r}"


def test_landing_page_has_code_and_a_figure():
    text = (DOCS / "index.rst").read_text()
    assert ".. code-block:: python" in text and ".. figure::" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_gallery_example_draws_a_figure(example):
    text = example.read_text()
    assert "plt.show()" in text or "Display.from_estimator" in text, example.name
    title = text.split('"""')[1].strip().splitlines()
    assert len(title[1]) == len(title[0]) and set(title[1]) == {"="}, "title underline"


@pytest.mark.parametrize("page", sorted(DOCS.glob("**/*.md")), ids=lambda p: p.name)
def test_markdown_pages_name_their_plot_files(page):
    # Each MyST eval-rst block restarts the plot directive's counter, so two
    # inline plots on one page would write (and show) the same image: a page
    # with several figures draws them from files under docs/plots/.
    text = page.read_text()
    inline = re.findall(r"^\.\. plot::\s*$", text, flags=re.M)
    assert len(inline) <= 1, f"{page.name} has {len(inline)} inline plots"
    for name in re.findall(r"^\.\. plot:: (\S+)", text, flags=re.M):
        assert (page.parent / name).is_file(), name
