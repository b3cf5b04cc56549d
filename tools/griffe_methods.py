"""Griffe extension: the declared methods of service namespaces documented as methods.

A family's methods are descriptors built at import time (``generate = Endpoint(...)``, see
``bisnap.services.method``); reading the source alone shows an assignment. This documents each
as a method with the signature and docstring it has at runtime (what ``help()`` shows).
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import griffe


def _text(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return re.sub(r"\b(?:[a-z_]+\.)+([A-Z]\w*)", r"\1", text)  # bare class names


def _function(name: str, method: Any, parent: griffe.Class) -> griffe.Function:
    signature: inspect.Signature = method.__signature__
    parameters = griffe.Parameters(
        *(
            griffe.Parameter(
                parameter.name,
                annotation=_text(parameter.annotation),
                kind=griffe.ParameterKind(parameter.kind.description),
                default=None if parameter.default is parameter.empty else repr(parameter.default),
            )
            for parameter in signature.parameters.values()
        )
    )
    function = griffe.Function(
        name, parameters=parameters, returns=_text(signature.return_annotation), parent=parent
    )
    function.docstring = griffe.Docstring(inspect.cleandoc(method.__doc__ or ""), parent=function)
    return function


class NamespaceMethods(griffe.Extension):
    """Replace each ``NamespaceMethod`` attribute of a ``bisnap.services`` class by a method."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        if not cls.path.startswith("bisnap.services."):
            return
        from bisnap.services.method import NamespaceMethod

        runtime = getattr(importlib.import_module(cls.module.path), cls.name, None)
        for name, value in vars(runtime or object).items():
            if isinstance(value, NamespaceMethod):
                cls.set_member(name, _function(name, value, cls))
