"""Personal data kept out of support chat's logs.

A shopper's message may hold an email, a phone number, an address or an order number. The
chat's own log lines carry ids and labels, never message text; :class:`RedactPersonalData`
is the second line of defence for text the chat does not choose, such as a backend's error
message that quotes its input. It is attached to the ``support_chat`` logger at startup.
"""

from __future__ import annotations

import logging

from support_chat.tools import ORDER_NUMBER

ORDER = "[ORDER]"


def redact(text: str) -> str:
    """``text`` with emails, phones, addresses and order numbers replaced by placeholders."""
    # Imported here: llm_services.training imports ModelVersion, so not before apps load.
    from llm_services.training import PIIScrubber

    return ORDER_NUMBER.sub(ORDER, PIIScrubber().scrub(text))


class RedactPersonalData(logging.Filter):
    """Rewrites a record's message (and its traceback text) with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is redacted too.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
