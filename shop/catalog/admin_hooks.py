"""Extension points of the product admin, for the apps above the shop.

The catalog knows nothing of the apps that work on its products. An app that wants its own
batch actions on the product list, or its own buttons on the product change form, registers
them here from its own ``admin.py``::

    from shop.catalog.admin_hooks import product_admin_extensions

    @admin.action(description=_("Do something"), permissions=["change"])
    def do_something(modeladmin, request, queryset): ...

    product_admin_extensions.add_action(do_something)
    product_admin_extensions.add_object_tools("admin/myapp/product_object_tools.html")

``admin.ProductAdmin`` reads the registry whenever it builds its actions or renders its change
form, so the order in which the admin site imports the apps' ``admin.py`` modules does not
matter. Registering the same action or template again replaces it (module reloads are harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

# An admin action: ``func(modeladmin, request, queryset)``, usually decorated with
# ``@admin.action(description=..., permissions=[...])``. Its ``__name__`` is the action's name
# in the changelist's POST data, so it must be unique on the product admin.
AdminAction = Callable[..., Any]


class Renderable(Protocol):
    def render(self, context: Any) -> Any: ...


@dataclass
class ProductAdminExtensions:
    """What other apps add to the product admin."""

    # action name -> action, in registration order (the order of the changelist's dropdown)
    actions: dict[str, AdminAction] = field(default_factory=dict)
    # Templates included in the change form's ``object-tools-items`` block, before the
    # admin's own "History" link. Each renders ``<li>`` items and sees the change form's
    # context (``original`` is the product; it is None on the add form).
    object_tools: list[str | Renderable] = field(default_factory=list)

    def add_action(self, action: AdminAction) -> AdminAction:
        """Add a batch action to the product changelist; returns it (usable as a decorator)."""
        self.actions[action.__name__] = action
        return action

    def add_object_tools(self, template: str | Renderable) -> None:
        """Include ``template`` (a template name or a compiled template) in the change form's
        object tools."""
        if template not in self.object_tools:
            self.object_tools.append(template)


product_admin_extensions = ProductAdminExtensions()
