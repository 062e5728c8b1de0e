"""Login hooks: higher apps register what follows a visitor to their account at login.

The shop cannot import the apps above it, so they register a callable from their
``AppConfig.ready()``::

    register_login_hook(attach_my_rows)

and the login and signup views call every hook with the session key from before login
(``login()`` rotates it) and the user's id.
"""

from __future__ import annotations

from collections.abc import Callable

LoginHook = Callable[..., object]
_hooks: list[LoginHook] = []


def register_login_hook(hook: LoginHook) -> None:
    """Call ``hook(session_key=..., user_id=...)`` after each login (registered once)."""
    if hook not in _hooks:
        _hooks.append(hook)


def run_login_hooks(*, session_key: str, user_id: int) -> None:
    if not session_key:
        return
    for hook in _hooks:
        hook(session_key=session_key, user_id=user_id)
