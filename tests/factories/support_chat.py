import factory

from support_chat.models import Conversation, Message


class ConversationFactory(factory.django.DjangoModelFactory):
    """A visitor's open chat, in English."""

    class Meta:
        model = Conversation

    session_key = factory.Sequence(lambda n: f"chat-{n:032d}"[-32:])
    language = "en"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = Message.Role.CUSTOMER
    text = "Where is my order?"
