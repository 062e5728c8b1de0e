"""What a check found, said in the language of whoever reads it.

A finding is ``{"check", "severity", "part", "message", "text", "span", "i18n"}``
(:mod:`copywriting.checks`). A draft's checks are made once, by a worker, and read later by
merchants in English or Chinese, so a finding keeps its message as a template and parameters
(``i18n``) and :func:`describe` renders it in the active language when it is shown;
``message`` holds the English text for logs, reports and the API. A parameter that is itself
a message (a word such as "colour", a source such as "one of the prompt's examples") is
rendered the same way; a list is quoted words, joined as the language joins them; the rest
(quoted text, numbers) is shown as written.

Templates are marked with ``gettext_noop`` so that ``makemessages`` collects them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.translation import gettext, gettext_noop

ERROR, WARNING = "error", "warning"
Message = dict[str, Any]
# Where copy came from, for the near-duplicate and copying findings: (name, text).
Source = tuple["str | Message", str]

# Names of the checks and of the generated parts, as a merchant reads them.
CHECK_NAMES = {
    "facts": gettext_noop("facts"),
    "facts_removed": gettext_noop("removed: facts"),
    "unsupported": gettext_noop("not backed"),
    "unsupported_removed": gettext_noop("removed: not backed"),
    "banned": gettext_noop("banned claim"),
    "length": gettext_noop("length"),
    "near_duplicate": gettext_noop("near duplicate"),
    "copying": gettext_noop("copying"),
    "bias": gettext_noop("bias"),
    "injection": gettext_noop("injection"),
    "repetition": gettext_noop("repetition"),
    "padding": gettext_noop("padding"),
    "name": gettext_noop("another product's name"),
    "name_fixed": gettext_noop("renamed"),
    "input": gettext_noop("input"),
    "output": gettext_noop("output"),
}
PART_NAMES = {
    "description": gettext_noop("description"),
    "highlights": gettext_noop("highlights"),
    "seo_title": gettext_noop("SEO title"),
    "meta_description": gettext_noop("meta description"),
    "email_subject": gettext_noop("email subject line"),
    "email_preview": gettext_noop("email preview text"),
    "social_post": gettext_noop("social post"),
    "banner_slogan": gettext_noop("banner slogan"),
}
# The kinds of fact the vocabulary holds (copywriting.vocabulary.Term.kind).
FACT_KIND_NAMES = {
    "color": gettext_noop("colour"),
    "material": gettext_noop("material"),
    "size": gettext_noop("size"),
    "gender": gettext_noop("gender"),
}
# Why a claim is banned (the keys of COPYWRITING["BANNED_CLAIMS"]; others show as written).
REASON_NAMES = {
    "superlative": gettext_noop("superlative"),
    "medical": gettext_noop("medical"),
    "competitor": gettext_noop("competitor"),
}
# Other kinds are attribute codes of the catalog's features ("waterproof").
FEATURE = gettext_noop("feature")


def message(template: str, **params: Any) -> Message:
    """A message to render later; ``template`` uses ``{name}`` fields for ``params``."""
    return {"template": template, "params": params}


EXAMPLE_SOURCE = message(gettext_noop("one of the prompt's examples"))


def finding(
    check: str,
    msg: Message,
    *,
    part: str = "",
    text: str = "",
    span: Sequence[int] | None = None,
    severity: str = ERROR,
) -> dict[str, Any]:
    return {
        "check": check,
        "severity": severity,
        "part": part,
        "message": english(msg),
        "i18n": msg,
        "text": text,
        "span": list(span) if span is not None else None,
    }


def word(name: str, names: dict[str, str], default: str | None = None) -> Message:
    """A word from one of the tables above (``default``, else itself, where it is not)."""
    return message(names.get(name, default or name))


# Between quoted words of a list parameter ("“hello”, “name”"; Chinese: "“你好”、“名字”").
QUOTED_LIST_SEPARATOR = gettext_noop("”, “")


def render(msg: Message, translate: Callable[[str], str] = gettext) -> str:
    params = {key: _param(value, translate) for key, value in msg.get("params", {}).items()}
    return translate(msg["template"]).format(**params)


def _param(value: Any, translate: Callable[[str], str]) -> Any:
    if _is_message(value):
        return render(value, translate)
    if isinstance(value, list):  # quoted words: the template holds the outer quotes
        return translate(QUOTED_LIST_SEPARATOR).join(map(str, value))
    return value


def english(msg: Message) -> str:
    return render(msg, translate=str)


def plain(value: str | Message) -> str:
    """A parameter as English text (a source's name may be a message or a string)."""
    return english(value) if _is_message(value) else str(value)


def _is_message(value: Any) -> bool:
    return isinstance(value, dict) and "template" in value


def describe(finding: dict[str, Any]) -> str:
    """The finding's message in the active language (findings stored before messages were
    kept as templates show their English text)."""
    msg = finding.get("i18n")
    return render(msg) if _is_message(msg) else str(finding.get("message", ""))


def check_name(check: str) -> str:
    """A check's name in the active language."""
    return gettext(CHECK_NAMES[check]) if check in CHECK_NAMES else check


def shown(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``findings`` as a page shows them: message, check and part in the active language."""
    return [
        {
            **finding,
            "message": describe(finding),
            "check_name": check_name(finding.get("check", "")),
            "part_name": gettext(PART_NAMES[finding["part"]])
            if finding.get("part") in PART_NAMES
            else finding.get("part", ""),
        }
        for finding in findings
    ]
