"""Logging filters that keep personal data out of logs."""

from __future__ import annotations

import logging
import re

# "?…" up to the next space: the query string inside a request line "GET /path?q=… HTTP/1.1".
QUERY_STRING = re.compile(r"\?\S*")


class StripQueryString(logging.Filter):
    """Removes query strings from request lines logged by ``runserver`` (``django.server``).

    Its records are ``'"%s" %s %s'`` with the request line first; query strings carry what
    shoppers search for. Other records pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (QUERY_STRING.sub("", record.args[0]), *record.args[1:])
        return True
