"""What the chat answers: the intent routed to a tool, an article or a template.

An answer that states facts (an article's sentences, an order's status, a product's
attributes) carries them in ``facts`` and its retrieved or templated text in ``text``; the
generator then phrases the facts (``support_chat.phrasing``) and ``text`` is what is shown
when it cannot. Fixed answers (a handoff, a refusal, a clarifying question) are templates by
design. Templates are gettext strings, so a reply is written in the shopper's language;
numbers stay digits in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from common.text import CHINESE, ENGLISH, has_han, is_chinese
from support_chat import knowledge, tools
from support_chat.grounding import sentences
from support_chat.models import Intent

HANDOFF_WORDS = re.compile(
    r"\b(talk|speak|chat)\s+(to|with)\s+(a\s+)?(real\s+)?(person|human|agent|someone|staff)\b"
    r"|\b(human|real person|live agent|representative)\b|人工|真人|转客服|找客服",
    re.IGNORECASE,
)
YES = re.compile(r"^\s*(yes|y|yeah|yep|sure|ok|okay|confirm|是|是的|好|好的|确认|对)\W*$", re.I)
NO = re.compile(r"^\s*(no|n|nope|cancel|不|不用了?|不要了?|取消|算了)\W*$", re.IGNORECASE)

# Intents whose answers have nothing to do with an order: a message holding an order number
# that the classifier put here is asked about the order instead.
ORDERLESS_INTENTS = {Intent.SMALL_TALK, Intent.OUT_OF_SCOPE}

INTENT_TOPICS = {
    Intent.RETURN_REFUND: ["returns", "warranty"],
    Intent.SHIPPING: ["shipping"],
    Intent.PAYMENT: ["payment"],
}


@dataclass
class Reply:
    text: str
    intent: str
    citations: list[dict[str, str]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    handoff: bool = False
    degraded: bool = False
    # Set by the dialogue for services to store: a step awaiting yes/no, or {} to clear it.
    pending: dict[str, Any] | None = None
    # What the generator may phrase ("text" is then the retrieved text, shown if it cannot),
    # and a templated sentence that follows the phrased part (an offer to start a return).
    facts: list[str] | None = None
    # How many neighbouring facts may support one generated sentence (0: all of them; see
    # support_chat.grounding).
    fact_window: int = 1
    # The first generated sentence must say what the fact nearest the question says.
    lead_with_nearest: bool = False
    suffix: str = ""
    # "generated", "passage" (retrieved or tool text) or "template" (a fixed answer).
    source: str = "template"

    @property
    def full_text(self) -> str:
        return f"{self.text}\n\n{self.suffix}" if self.suffix else self.text


def reply_language(text: str, page_language: str) -> str:
    """Chinese when the message holds Han characters, English when it holds Latin letters,
    else the page's language."""
    if has_han(text):
        return CHINESE
    if re.search(r"[A-Za-z]", text):
        return ENGLISH
    return CHINESE if is_chinese(page_language) else ENGLISH


def wants_person(text: str) -> bool:
    return HANDOFF_WORDS.search(text) is not None


def confirmation(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else."""
    if YES.match(text):
        return True
    if NO.match(text):
        return False
    return None


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def handoff_reply(intent: str = Intent.HUMAN_AGENT) -> Reply:
    return Reply(
        text=_(
            "I have passed this conversation to our customer service team. A member of staff "
            "will reply here; you can keep writing in the meantime."
        ),
        intent=intent,
        handoff=True,
    )


def waiting_for_staff_reply() -> Reply:
    return Reply(
        text=_("Thank you, your message was added. A member of staff will reply here."),
        intent=Intent.HUMAN_AGENT,
        handoff=True,
    )


def message_limit_reply(limit: int) -> Reply:
    """The answer once a conversation has used its messages: a person or a new conversation."""
    return Reply(
        text=_(
            "This conversation has reached its limit of %(limit)d messages. Start a new "
            "conversation, or ask for a person and a member of staff will reply here."
        )
        % {"limit": limit},
        intent="",
        actions=[
            {"type": "handoff", "label": _("Talk to a person")},
            {"type": "new_conversation", "label": _("Start a new conversation")},
        ],
    )


def _sentences(parts: list[str]) -> str:
    """Sentences joined as the active language writes them: Chinese puts no space after 。"""
    return ("" if is_chinese(translation.get_language()) else " ").join(parts)


def _order_sentence(info: tools.OrderInfo) -> str:
    sentences = [
        _("Order %(number)s is %(status)s (placed %(placed)s).")
        % {"number": info.number, "status": info.status_label, "placed": _date(info.placed_at)}
    ]
    if info.delivered_at:
        sentences.append(_("Delivered on %(date)s.") % {"date": _date(info.delivered_at)})
    elif info.shipped_at:
        sentences.append(
            _("Shipped on %(date)s with %(method)s.")
            % {"date": _date(info.shipped_at), "method": info.shipping_method}
        )
        if info.tracking_number:
            sentences.append(
                _("Tracking number: %(tracking)s.") % {"tracking": info.tracking_number}
            )
    return _sentences(sentences)


def _order_link(info: tools.OrderInfo) -> dict[str, str]:
    return {"title": _("Order %(number)s") % {"number": info.number}, "url": info.url}


def order_status(text: str, *, user: Any) -> Reply:
    number, email = tools.order_number_in(text), tools.email_in(text)
    signed_in = user is not None and user.is_authenticated
    if number:
        info = tools.find_order(number=number, user=user, email=email)
        if info is not None:
            return Reply(
                text=_order_sentence(info),
                intent=Intent.ORDER_STATUS,
                citations=[_order_link(info)],
                actions=[{"type": "link", "label": _("View the order"), "url": info.url}],
                facts=[_order_sentence(info)],
            )
        if not signed_in and not email:
            return Reply(
                text=_(
                    "To look up an order without signing in, send its order number together "
                    "with the email address used for the order."
                ),
                intent=Intent.ORDER_STATUS,
            )
        return Reply(
            text=_(
                "I could not find order %(number)s for you. Check the number, or sign in "
                "with the account that placed it."
            )
            % {"number": number},
            intent=Intent.ORDER_STATUS,
        )
    if not signed_in:
        return Reply(
            text=_(
                "Please sign in to see your orders, or send the order number together with "
                "the email address used for the order."
            ),
            intent=Intent.ORDER_STATUS,
        )
    orders = tools.recent_orders(user=user)
    if not orders:
        return Reply(text=_("You have no orders yet."), intent=Intent.ORDER_STATUS)
    # One fact per order: its sentences belong together, another order's do not.
    facts = [_order_sentence(info) for info in orders]
    return Reply(
        text=_sentences(facts),
        intent=Intent.ORDER_STATUS,
        citations=[_order_link(info) for info in orders],
        facts=facts,
    )


def _return_offer(text: str, *, user: Any) -> tuple[str, dict[str, Any]] | None:
    """A sentence offering to start a return, and the pending step, for an own order."""
    if user is None or not user.is_authenticated:
        return None
    number = tools.order_number_in(text)
    if number:
        info = tools.find_order(number=number, user=user)
        candidates = [info] if info is not None else []
    else:
        candidates = tools.returnable_orders(user=user)
    if not candidates:
        return None
    info = candidates[0]
    if not info.returnable:
        return (
            _("Order %(number)s cannot be returned: it is %(status)s.")
            % {"number": info.number, "status": info.status_label}
            if info.return_deadline is None
            else _("The return window for order %(number)s closed on %(date)s.")
            % {"number": info.number, "date": _date(info.return_deadline)},
            {},
        )
    sentence = _(
        "Order %(number)s can be returned until %(date)s. Shall I start a return for it? "
        "Reply yes to confirm or no to cancel."
    ) % {"number": info.number, "date": _date(info.return_deadline)}
    return sentence, {"action": "start_return", "order": info.number}


def article_answer(text: str, intent: str, *, language: str, user: Any) -> Reply:
    passages = knowledge.retrieve(
        text, language=language, topics=INTENT_TOPICS.get(intent), limit=2
    )
    if not passages:
        return Reply(
            text=_("I have no help article on that yet. Would you like to talk to a person?"),
            intent=intent,
            actions=[{"type": "handoff", "label": _("Talk to a person")}],
        )
    # A second article of the same topic often holds the other half of the answer (the
    # returns policy and the refunds article); both are shown and cited.
    passages = [p for p in passages if p.topic == passages[0].topic]
    reply = Reply(
        text="\n\n".join(passage.text for passage in passages),
        intent=intent,
        citations=[knowledge.citation(passage) for passage in passages],
        facts=[sentence for passage in passages for sentence in sentences(passage.text)],
        fact_window=2,
        lead_with_nearest=True,
    )
    if intent == Intent.RETURN_REFUND:
        offer = _return_offer(text, user=user)
        if offer is not None:
            sentence, pending = offer
            reply.suffix = sentence
            if pending:
                reply.pending = pending
                reply.actions.append(
                    {"type": "confirm", "action": "start_return", "order": pending["order"]}
                )
    return reply


def product_answer(text: str, intent: str, *, language: str) -> Reply:
    """Products the catalog search finds; a product question is answered from the first
    one's catalog facts (attributes, highlights, description), the others listed."""
    from search.selectors import SearchParams, search_catalog

    with translation.override(language):
        result = search_catalog(SearchParams(query=text, page_size=3), card_source="chat")
    cards = result.cards[:3]
    if not cards:
        return Reply(
            text=_("I found no products matching that. Try other words, or browse the catalog."),
            intent=intent,
        )
    chinese = is_chinese(language)
    lines = [
        f"{card.title}（{card.price}）" if chinese else f"{card.title} ({card.price})"
        for card in cards
    ]
    listing = Reply(
        text=_("These products match:")
        + ("" if chinese else " ")
        + ("；" if chinese else "; ").join(lines),
        intent=intent,
        citations=[{"title": card.title, "url": card.url} for card in cards],
        source="passage",
    )
    if intent != Intent.PRODUCT_QUESTION:
        return listing
    product = tools.product_facts(cards[0].slug)
    if product is None:
        return listing
    return Reply(
        # Shown when the generator cannot answer: the product's first facts, as the
        # catalog states them (its name and price, stock and attributes).
        text=_sentences(product.facts[:6]),
        intent=intent,
        citations=[{"title": product.title, "url": product.url}],
        facts=product.facts,
        fact_window=0,
        source="passage",
    )


def route(text: str, prediction: Any, *, language: str, user: Any) -> Reply:
    """The reply to one message, given the classifier's prediction (a template or a tool)."""
    answer = _route(text, prediction, language=language, user=user)
    # Nothing could be classified (the embedder is down): whatever is said is a guess.
    answer.degraded = answer.degraded or bool(prediction.unavailable)
    return answer


def _route(text: str, prediction: Any, *, language: str, user: Any) -> Reply:
    label = prediction.label
    unsure = prediction.out_of_scope or prediction.clarify or not label
    if tools.order_number_in(text) and (unsure or label in ORDERLESS_INTENTS):
        # An order number says the message is about an order, whatever the classifier made of
        # the words around it ("T-000801?" alone, "the thing I ordered, T-000801").
        return order_status(text, user=user)
    if prediction.out_of_scope or label == Intent.OUT_OF_SCOPE:
        # Real out-of-scope traffic is mostly about the shop after all ("cannot add to cart"),
        # so the refusal offers a person rather than ending the conversation.
        return Reply(
            text=_(
                "Sorry, I can only help with this shop: orders, returns, shipping, payment "
                "and products. If your question is about the shop, a person from our team "
                "can take it."
            ),
            intent=Intent.OUT_OF_SCOPE,
            actions=[{"type": "handoff", "label": _("Talk to a person")}],
        )
    if not label or prediction.clarify:
        return Reply(
            text=_(
                "I am not sure I understood. Is your question about an order, a return, "
                "shipping, payment or a product?"
            ),
            intent="",
            actions=[{"type": "clarify"}],
        )
    if label == Intent.HUMAN_AGENT:
        return handoff_reply()
    if label == Intent.ORDER_STATUS:
        return order_status(text, user=user)
    if label in INTENT_TOPICS:
        return article_answer(text, label, language=language, user=user)
    if label in (Intent.PRODUCT_SEARCH, Intent.PRODUCT_QUESTION):
        return product_answer(text, label, language=language)
    if label == Intent.COMPLAINT:
        return Reply(
            text=_(
                "I am sorry to hear that. I can pass this conversation to our team so that a "
                "person can help."
            ),
            intent=label,
            actions=[{"type": "handoff", "label": _("Talk to a person")}],
        )
    return Reply(
        text=_("Hello! I can help with your orders, returns, shipping, payment and our products."),
        intent=Intent.SMALL_TALK,
    )
