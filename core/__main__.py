"""``python -m core`` is the ``tessera`` command."""

from core.cli import main

main()
