"""Who sent a request: automated clients and requests another site made a browser send.

Analytics that other visitors see (popular searches) must count people who chose to do
something on this shop. Two kinds of request do not:

- automated clients (crawlers, headless browsers, ``curl``, scripts), told apart by a few
  markers in their User-Agent (``BOT_USER_AGENT_MARKERS``). A User-Agent is easy to fake, so
  this only keeps honest robots out; the distinct-visitor threshold does the rest;
- cross-site requests: a page elsewhere can make every browser that opens it load
  ``/search/?q=…`` (an image, a hidden frame), each with its visitor's own session. Browsers
  say so in ``Sec-Fetch-Site``; older ones are judged by a ``Referer`` from another host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

DEFAULT_BOT_USER_AGENT_MARKERS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "headless",
    "phantomjs",
    "selenium",
    "puppeteer",
    "playwright",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "scrapy",
)


def bot_user_agent_markers() -> tuple[str, ...]:
    """settings.BOT_USER_AGENT_MARKERS, lower case (substrings of a User-Agent)."""
    markers = getattr(settings, "BOT_USER_AGENT_MARKERS", None)
    if markers is None:
        markers = DEFAULT_BOT_USER_AGENT_MARKERS
    return tuple(marker.lower() for marker in markers if marker)


def is_automated_client(request: HttpRequest) -> bool:
    """Whether the User-Agent names a robot or script, or is missing (browsers always send one)."""
    user_agent = request.headers.get("User-Agent", "").lower()
    if not user_agent.strip():
        return True
    return any(marker in user_agent for marker in bot_user_agent_markers())


def is_cross_site(request: HttpRequest) -> bool:
    """Whether another site made the browser send this request.

    ``Sec-Fetch-Site: cross-site`` says so; without that header, a ``Referer`` naming another
    host does. A request with neither (typed address, bookmark, privacy settings) is not.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site:
        return fetch_site == "cross-site"
    referer = request.headers.get("Referer", "")
    if not referer:
        return False
    referer_host = (urlsplit(referer).hostname or "").lower()
    own_host = (urlsplit(f"//{request.get_host()}").hostname or "").lower()
    return referer_host != own_host


def counts_as_visitor_choice(request: HttpRequest) -> bool:
    """Whether the request may count towards what other visitors are shown as popular."""
    return not is_automated_client(request) and not is_cross_site(request)
