"""The chat's HTTP faces: ``POST /api/chat`` (JSON or SSE), the full page, article pages.

Thin: input is checked here, answers come from ``services.reply``.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import Any

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.text import CHINESE, ENGLISH, clean_message, is_chinese
from support_chat import ratelimit, selectors, services
from support_chat.models import Conversation


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _session_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return request.session.session_key or ""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _clean_message(raw: Any) -> str:
    if raw is None:
        raise BadInput("message", _("This field is required."))
    if not isinstance(raw, str):
        raise BadInput("message", _("Send the message as text."))
    text = clean_message(raw)
    if not text:
        raise BadInput("message", _("The message is empty."))
    limit = settings.SUPPORT_CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise BadInput(
            "message", _("The message is longer than %(limit)d characters.") % {"limit": limit}
        )
    return text


def _conversation(request: HttpRequest, raw: Any, language: str) -> Conversation:
    session_key = _session_key(request)
    if raw is None or raw == "":
        return services.start_conversation(
            user=request.user, session_key=session_key, language=language
        )
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise BadInput("conversation", _("Give a conversation id or null."))
    conversation = selectors.conversation_for(raw, user=request.user, session_key=session_key)
    if conversation is None:
        raise Http404("unknown conversation")
    return conversation


def _page_language(value: Any) -> str:
    code = value if isinstance(value, str) else translation.get_language()
    return CHINESE if is_chinese(code) else ENGLISH


def _payload(conversation: Conversation, answer: Any) -> dict[str, Any]:
    return {
        "conversation": conversation.pk,
        # Where GET /api/chat/updates starts: staff replies after this message are new.
        "last_message": selectors.last_message_id(conversation),
        "reply": answer.text,
        "intent": answer.intent,
        "citations": answer.citations,
        "actions": answer.actions,
        "handoff": answer.handoff,
        "degraded": answer.degraded,
        "source": answer.source,
    }


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _sse(conversation: Conversation, stream: Generator[str, None, Any]) -> Iterator[str]:
    """``delta`` events with the answer's text as it is written and checked, then one
    ``reply`` event with the whole answer (the JSON reply's content), then ``done``."""
    yield _event("start", {"conversation": conversation.pk})
    while True:
        try:
            piece = next(stream)
        except StopIteration as finished:
            answer = finished.value
            break
        yield _event("delta", {"text": piece})
    yield _event("reply", _payload(conversation, answer))
    yield _event("done", {"done": True})


@csrf_protect
@require_POST
def chat_api(request: HttpRequest) -> HttpResponse:
    """``POST /api/chat`` with ``{"message", "conversation": id or null}`` (JSON body).

    ``Accept: application/json`` gets one JSON reply; anything else an SSE stream of the
    same content: ``start``, ``delta`` events as the answer is written, one ``reply`` event
    with the JSON reply's content, then ``done``. Bad input is a 400 naming the field, an
    unknown or someone else's conversation a 404, too many messages a 429.
    """
    verdict = ratelimit.check(request)
    if not verdict.allowed:
        response = JsonResponse(
            {"error": _("Too many messages; wait a minute."), "retry_after": verdict.retry_after},
            status=429,
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return JsonResponse({"error": "Invalid JSON.", "field": "body"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "Send a JSON object.", "field": "body"}, status=400)
    language = _page_language(body.get("language"))
    try:
        message = _clean_message(body.get("message"))
        conversation = _conversation(request, body.get("conversation"), language)
    except BadInput as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=400)
    except Http404:
        return JsonResponse({"error": "Unknown conversation.", "field": "conversation"}, status=404)
    if "application/json" in request.headers.get("Accept", ""):
        answer = services.reply(
            conversation, message, user=request.user, session=request.session, language=language
        )
        return JsonResponse(
            _payload(conversation, answer), json_dumps_params={"ensure_ascii": False}
        )
    stream = services.reply_stream(conversation, message, user=request.user, language=language)
    response = StreamingHttpResponse(_sse(conversation, stream), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
def chat_updates(request: HttpRequest) -> HttpResponse:
    """``GET /api/chat/updates?conversation=ID&after=MESSAGE_ID``: the staff replies newer
    than ``after`` in one of the visitor's own conversations, and its status. The widget
    polls it while a conversation is with a person, so staff replies appear without a
    reload. Not counted against the message rate limit (it sends nothing)."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return JsonResponse({"error": "after must be a message id.", "field": "after"}, status=400)
    if not 0 <= after < 2**63:
        return JsonResponse({"error": "after must be a message id.", "field": "after"}, status=400)
    conversation = selectors.conversation_for(
        request.GET.get("conversation"),
        user=request.user,
        session_key=request.session.session_key or "",
    )
    if conversation is None:
        return JsonResponse({"error": "Unknown conversation.", "field": "conversation"}, status=404)
    messages = selectors.staff_messages_after(conversation, after)
    return JsonResponse(
        {
            "conversation": conversation.pk,
            "status": conversation.status,
            "messages": [
                {"id": m.pk, "role": m.role, "text": m.text, "created_at": m.created_at.isoformat()}
                for m in messages
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_protect
@require_http_methods(["GET", "POST"])
def support_page(request: HttpRequest) -> HttpResponse:
    """The full chat page; works without JavaScript (form POST, then the page again)."""
    language = _page_language(None)
    session_key = request.session.session_key or ""
    raw_id = request.POST.get("conversation") or request.GET.get("conversation")
    error, status, retry_after = "", 200, 0
    if request.method == "POST":
        verdict = ratelimit.check(request)
        if not verdict.allowed:
            error, status, retry_after = (
                _("Too many messages; wait a minute."),
                429,
                verdict.retry_after,
            )
        else:
            try:
                message = _clean_message(request.POST.get("message"))
                conversation = _conversation(request, raw_id, language)
            except BadInput as exc:
                error, status = exc.message, 400
            else:
                services.reply(
                    conversation,
                    message,
                    user=request.user,
                    session=request.session,
                    language=language,
                )
                url = reverse("support_chat:page")
                return HttpResponseRedirect(f"{url}?conversation={conversation.pk}#latest")
    if raw_id:
        conversation = selectors.conversation_for(
            raw_id, user=request.user, session_key=session_key
        )
        if conversation is None:
            raise Http404("unknown conversation")
    elif request.GET.get("new"):
        conversation = None  # "Start a new conversation": the next message opens one
    else:
        conversation = selectors.latest_conversation(user=request.user, session_key=session_key)
    context = {
        "conversation": conversation,
        "messages_list": selectors.transcript(conversation) if conversation else [],
        "error": error,
        "max_chars": settings.SUPPORT_CHAT_MAX_MESSAGE_CHARS,
    }
    response = render(request, "support_chat/page.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def article_page(request: HttpRequest, slug: str) -> HttpResponse:
    from support_chat import knowledge

    article = selectors.help_article(slug)
    if article is None:
        raise Http404("no such article")
    language = _page_language(None)
    title, body = knowledge.article_text(article, language)
    body = knowledge.render(body, knowledge.shop_facts(language))
    return render(request, "support_chat/article.html", {"title": title, "body": body})
