"""Every sentence the Voice Core says, en-AU, short and identical for every tenant (only the business name varies)."""

from __future__ import annotations

QUESTIONS: dict[str, str] = {
    "name": "Can I grab your name, please?",
    "phone": "What's the best number to reach you on?",
    "email": "What's your email address?",
    "address": "What's the address, including the suburb and postcode?",
    "date_time": "What day and time would suit you?",
}
NOUNS: dict[str, str] = {
    "name": "name",
    "phone": "number",
    "email": "email address",
    "address": "address",
    "date_time": "day and time",
}
HINTS: dict[str, str] = {
    "phone": "Could you say the number one digit at a time, including the area code? You can also key it in.",
    "email": "Could you spell it out for me, like john dot smith at gmail dot com?",
    "address": "Could you give me the street number, street, suburb, state and postcode?",
    "date_time": "Could you tell me the day and a time, like tomorrow at 2 pm?",
    "name": "Could you tell me your first and last name?",
}
# Each kind's own hint for each way its answer can fail: a name capture never talks about digits.
ERROR_HINTS: dict[str, dict[str, str]] = {
    "phone": {
        "missing_area_code": "Could you say that again with the area code at the front?",
        "too_short": "I think I missed a few digits. Could you say the whole number again?",
        "too_long": "I think I got too many digits. Could you say the whole number again?",
        "invalid_number": "That doesn't look like a full number. Could you say the whole number again, digit by digit?",
    },
    "email": {
        "missing_at": "Could you say the whole address, like john dot smith at gmail dot com?",
        "missing_local_part": "And what comes before the at?",
        "missing_domain_suffix": "And what comes after the at, like gmail dot com?",
    },
    "address": {
        "missing_number": "What's the street number?",
        "missing_street_type": "Could you give me the street number and the street, like 15 Smith Street?",
        "missing_suburb": "And which suburb is that in, with the postcode?",
        "missing_postcode": "Could you give me the postcode as well?",
        "bad_postcode": "Could you give me the postcode again, like 2000?",
        "postcode_mismatch": "That postcode doesn't match the state. Could you give me the postcode again?",
    },
    "date_time": {
        "in_past": "That time has already gone. What day and time would suit you?",
        "too_far": "That's a bit far out. Could you pick a day in the next few months?",
        "missing_time": "And what time would suit you on that day?",
        "invalid_date": "I don't think that date exists. What day would suit you?",
        "invalid_time": "Could you give me the time again, like 2 pm or half past two?",
    },
    "name": {
        "too_long": "Could you tell me just your first and last name?",
    },
}


def greeting(business_name: str) -> str:
    """The opening line."""
    name = " ".join(business_name.split())
    return f"Thanks for calling {name}." if name else "Thanks for calling."


def question(kind: str) -> str:
    """The question that starts a capture."""
    return QUESTIONS.get(kind, "Could you tell me that, please?")


def readback(kind: str, spoken: str) -> str:
    """Read a candidate back for confirmation."""
    if kind == "phone":
        return f"I've got {spoken}. Is that right?"
    return f"Just to confirm, that's {spoken}. Is that right?"


def confirm_again(spoken: str) -> str:
    """When the answer to a read-back was neither yes nor no."""
    return f"Sorry, was that {spoken}? Just a yes or no is fine."


def ask_again(kind: str) -> str:
    """After a plain "no" to a read-back."""
    return f"Sorry about that. What's the {NOUNS.get(kind, 'detail')} again?"


# An answer that was understood but lacks a part: the caller is asked only for the rest.
_ASK_FOR_REST = {"missing_suburb", "missing_postcode", "missing_time", "missing_local_part", "missing_domain_suffix"}


def not_understood(kind: str, error: str | None) -> str:
    """When an answer could not be understood; the hint is the captured kind's own for what went wrong."""
    hint = ERROR_HINTS.get(kind, {}).get(error or "") or HINTS.get(kind, "Could you say that again?")
    if error in _ASK_FOR_REST and hint != HINTS.get(kind):
        return f"Thanks. {hint}"
    return f"Sorry, I didn't quite get that. {hint}"


def not_heard(kind: str) -> str:
    """An empty turn."""
    return f"Sorry, I didn't catch that. {question(kind)}"


def take_your_time() -> str:
    """The caller asked for a moment."""
    return "Sure, take your time."


def no_one_available() -> str:
    """The caller asked for a person but there is no one to transfer to."""
    return "I can't put you through right now, but I'll make sure someone calls you back."


def confirmed() -> str:
    """Acknowledgement of a confirmed detail."""
    return "Great, thanks."


def skipped() -> str:
    """A detail given up on (or declined) without escalation."""
    return "No worries, we'll leave that one for now."


def escalating() -> str:
    """Before a transfer to a person."""
    return "No worries, let me put you through to someone who can help."


def putting_through() -> str:
    """Before a transfer the objective graph routes to (an emergency, a dispatcher)."""
    return "Let me put you through to someone who can help with that now."


def summary(parts: list[tuple[str, str]]) -> str:
    """The final check of everything captured: [("name", "John Smith"), ("number", "oh four ...")]."""
    items = "; ".join(f"{noun}, {spoken}" for noun, spoken in parts)
    return f"So I've got: {items}. Is that all correct?"


def which_detail(nouns: list[str]) -> str:
    """After a "no" to the summary."""
    if len(nouns) > 1:
        options = ", ".join(nouns[:-1]) + f" or the {nouns[-1]}"
    else:
        options = nouns[0] if nouns else "detail"
    return f"No problem. Which one should I fix: the {options}?"


def closing() -> str:
    """The end of a completed call."""
    return "Thanks for that. Someone will be in touch with you shortly. Have a great day. Bye!"


def closing_without_confirmation() -> str:
    """The end of a call whose details were never confirmed."""
    return "No worries. Someone will give you a call back to sort out the details. Have a great day. Bye!"


def closing_nothing_captured() -> str:
    """The end of a call where no detail was captured."""
    return "Thanks for calling. Feel free to call back any time. Bye!"


def still_there(prompt: str) -> str:
    """A silence reprompt."""
    return f"Are you still there? {prompt}".strip()


def silence_close() -> str:
    """The polite close after repeated silence."""
    return "I can't seem to hear you, so I'll hang up now. Please call back any time. Bye!"


def transfer_failed() -> str:
    """The transfer did not connect; the call goes on."""
    return "Sorry, I couldn't put you through just now, but I can still take your details."


def transfer_failed_close() -> str:
    """The transfer did not connect and there is nothing left to ask."""
    return "Sorry, I couldn't put you through just now. Someone will call you back as soon as they can. Bye!"


def no_transfer_target() -> str:
    """Escalation when no one is available to take the call."""
    return "No worries, I'll get someone to call you back about that."


def silence_prompt_confirm(spoken: str) -> str:
    """A silence reprompt during a read-back."""
    return f"Was that {spoken}?"


# Objective graphs (docs/decisions/0010): the tenant's plain-word `prompt_topic` and option phrases fill these
# fixed sentences; nothing a tenant writes is ever said as a sentence of its own.


def _topic(topic: str | None) -> str:
    return " ".join((topic or "").split())


def choice_question(topic: str | None) -> str:
    """The question of a choice: "Can you tell me what you need help with?"."""
    said = _topic(topic)
    return f"Can you tell me {said}?" if said else "How can we help you today?"


def choice_not_heard(topic: str | None) -> str:
    """A choice turn with nothing in it ("um")."""
    return f"Sorry, I didn't catch that. {choice_question(topic)}"


def choice_ask_again(topic: str | None) -> str:
    """After a "no" to an option the caller mentioned earlier."""
    return f"Sorry about that. {choice_question(topic)}"


def choice_not_understood(phrases: list[str], catch_all: bool) -> str:
    """A choice answer that matched no option: offer the options as plain phrases."""
    offered = [*phrases, "something else"] if catch_all else phrases
    if not offered:
        return "Sorry, I didn't quite get that. Could you tell me in a few words?"
    listed = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + f" or {offered[-1]}"
    return f"Sorry, I didn't quite get that. Is it {listed}?"


def choice_readback(phrase: str) -> str:
    """A choice the caller mentioned before it was asked, checked when its turn comes."""
    return f"You mentioned {' '.join(phrase.split())}. Is that right?"


def choice_noted() -> str:
    """Acknowledgement of a choice."""
    return "Thanks."


def message_question(topic: str | None) -> str:
    """The question of a message: "What message would you like me to pass on to the reception team?"."""
    said = _topic(topic)
    return f"What message would you like me to pass on to {said}?" if said else (
        "What message would you like me to pass on?")


def message_taken() -> str:
    """A message was taken down."""
    return "Thanks, I've got that down."


def message_not_heard(topic: str | None) -> str:
    """A message turn with nothing in it."""
    return f"Sorry, I didn't catch that. {message_question(topic)}"


def noted_for_later(noun: str | None) -> str:
    """A detail said before it was asked (a number while the name is asked): kept, then the question again."""
    return f"Thanks, I've noted your {noun}." if noun else "Thanks, I've noted that."


def call_back_close(reason: str) -> str:
    """The walk promises a call back (nobody to transfer to, the business is closed, the transfer failed)."""
    if reason == "closed":
        return "We're closed at the moment, so someone will call you back when we open. Thanks for calling. Bye!"
    if reason == "transfer_failed":
        return transfer_failed_close()
    return "No worries, I'll get someone to call you back about that. Thanks for calling. Bye!"


def person_call_back_close() -> str:
    """The caller asked for a person again and no one can take the call."""
    return "No worries. I'll make sure someone calls you back as soon as they can. Thanks for calling. Bye!"


def detail_fixed() -> str:
    """After a detail given earlier was corrected, before going back to the question."""
    return "Thanks, I've fixed that."
