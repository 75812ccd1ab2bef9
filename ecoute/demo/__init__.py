"""A synthetic but realistic telecom operator, so Écoute can be tried without real data.

``generate(out_dir)`` writes the operator's exports in the data contract (docs/demo.md lists
every effect planted in them); ``ecoute demo`` generates, loads and builds.
"""

from ecoute.demo.generate import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
