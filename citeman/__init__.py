"""citeman: a quote-and-citation manager.

The Python API mirrors the ``cite`` command::

    from citeman import Library
    lib = Library.discover()            # or Library.open("path/to/folder")
    quote = lib.add_quote("…", source="kotkin2014", locator="p. 45")
    hits = lib.find("riddle")
    print(lib.render([quote.id], style="chicago").as_text())
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # not typing's: importing typing costs every `cite` 8 ms
if TYPE_CHECKING:
    from citeman.library import Library

__all__ = ["Library", "__version__"]


def __getattr__(name: str) -> object:
    # Lazy, so that `cite --version` and `import citeman` stay fast.
    if name == "Library":
        from citeman.library import Library

        return Library
    raise AttributeError(name)
