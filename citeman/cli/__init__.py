"""The ``cite`` command: one module per command group, each a thin layer over citeman.Library."""
