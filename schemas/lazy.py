"""A package's exported names, loaded on first use (PEP 562), so that a command that needs
one module of a package does not load the rest at every start (issue 16, start-up)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, home: dict[str, str], namespace: MutableMapping[str, Any]
) -> Callable[[str], Any]:
    """The module-level `__getattr__` of `package`: a name of `home` (name → the module that
    defines it) is imported when first asked for and kept in `namespace` (the package's
    globals()), so the next use is a plain lookup; any other name raises AttributeError, as
    a module does.

        __getattr__ = lazy_exports(__name__, {"Notice": "schemas.notice"}, globals())
    """

    def __getattr__(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home[name]), name)
        namespace[name] = value
        return value

    return __getattr__
