"""``python -m cardwriter``: the same as the ``cardwriter`` command."""

from cardwriter.cli import main

raise SystemExit(main())
