"""``ecoute sources``: the platform source packs `ecoute load --source NAME` can read."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("sources")(sources)


def sources() -> None:
    """List the source packs (etl/sources/): each platform's export, the entities it feeds and
    where in the load folder it looks. Each pack's README says how to export and what is read."""
    from ecoute.etl.mapping import load_mapping, pack_names, pack_path

    for name in pack_names():
        path = pack_path(name)
        assert path is not None  # listed from the folder itself
        mapping = load_mapping(path)
        description = _description(path)
        typer.echo(f"{name}\n  {description}")
        for entity, em in mapping.entities.items():
            globs = em.path if isinstance(em.path, tuple) else (em.path or f"{entity}.*",)
            typer.echo(f"  {entity:<13} ← {', '.join(globs)}")
        typer.echo(f"  docs: {path.parent / 'README.md'}\n")
    typer.echo("load one: ecoute load DIR --source NAME [--mapping yours.yaml]")


def _description(path) -> str:  # noqa: ANN001 - a Path
    from ecoute.core.yamlfile import read_yaml  # only when listing: yaml stays out of start-up

    doc = read_yaml(path)
    return str(doc.get("description", ""))
