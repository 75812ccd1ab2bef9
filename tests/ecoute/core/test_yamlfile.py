from pathlib import Path

import pytest

from ecoute.core.yamlfile import YAMLError, read_yaml


def test_reads_a_document_and_an_empty_file_as_a_mapping(tmp_path: Path) -> None:
    doc = tmp_path / "suite.yaml"
    doc.write_text("suite: calls\nparams: {min: 0.5, names: [a, b]}\n", encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert read_yaml(doc) == {"suite": "calls", "params": {"min": 0.5, "names": ["a", "b"]}}
    assert read_yaml(empty) == {}


def test_a_python_tag_is_refused_not_run(tmp_path: Path) -> None:
    # Operator files are data: the safe loader must not build Python objects from them.
    doc = tmp_path / "evil.yaml"
    doc.write_text("x: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(YAMLError):
        read_yaml(doc)
