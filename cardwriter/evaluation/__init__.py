"""Reports and benchmarks of the product: not part of the app.

The diversity report (``cardwriter diversity``: load paragraphs, run the presets,
score, render, plot) and the generation bench (``cardwriter bench generation``)
measure what the services and the engine do. Only the command line imports this
package (an import-linter contract in pyproject.toml says so), so the app never
loads it, and matplotlib, which only ``diversity_plot`` uses, is an optional extra:
``pip install -e '.[eval]'``.
"""
