"""The README says what a fresh machine gets: every Debian package `make system-deps` may
install is named there, and the example data's folder is where the tests look for it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_debian_package_the_makefile_installs_is_in_the_readme():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nsystem-deps:", 1)[1].split("\n\n", 1)[0]
    packages = set(re.findall(r'missing="\$\$missing ([a-z0-9.+-]+)"', recipe))
    assert packages >= {"chromium", "poppler-utils", "default-jre-headless", "fonts-dejavu-core"}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {p for p in packages if f"`{p}`" not in readme} == set()


def test_the_readme_lists_the_example_data_sets_where_the_tests_read_them():
    from tests.conftest import EXTERNAL

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "../shared/data/external/" in readme and "parent" in readme
    assert REPO.parent / "shared" / "data" / "external" == EXTERNAL
    section = readme.split("## The example data sets", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.M))
    assert len(listed) >= 8
    if EXTERNAL.is_dir():  # each one listed is there, with its SOURCE.md, and none is left out
        present = {p.parent.name for p in EXTERNAL.glob("*/SOURCE.md")}
        assert listed == present
