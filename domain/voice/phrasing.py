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
ERROR_HINTS: dict[str, str] = {
    "missing_area_code": "Could you say that again with the area code at the front?",
    "too_short": "I think I missed a few digits. Could you say the whole number again?",
    "too_long": "I think I got too many digits. Could you say the whole number again?",
    "in_past": "That time has already gone. What day and time would suit you?",
    "too_far": "That's a bit far out. Could you pick a day in the next few months?",
    "postcode_mismatch": "That postcode doesn't match the state. Could you give me the postcode again?",
    "missing_postcode": "Could you give me the postcode as well?",
    "missing_time": "And what time would suit you on that day?",
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


def not_understood(kind: str, error: str | None) -> str:
    """When an answer could not be understood; the hint depends on what went wrong."""
    hint = ERROR_HINTS.get(error or "", HINTS.get(kind, "Could you say that again?"))
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
