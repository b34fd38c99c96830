"""Which hints become a pocketsphinx grammar, and what that grammar allows."""

from __future__ import annotations

from tests.helpers.voice_speech_eval import CAPTURE_NAME_HINTS, CAPTURE_PHONE_HINTS, PHONE_HINTS
from voice_runtime.stt.grammar import GrammarPlan, hint_phrases, plan_grammar

DICTIONARY = set(CAPTURE_PHONE_HINTS + CAPTURE_NAME_HINTS) | {"it's", "monday", "tomorrow", "at", "pm", "street"}
DICTIONARY |= {"that's", "not", "quite", "is", "right", "wrong", "correct"}


def known(word: str) -> bool:
    return word in DICTIONARY or word in {"that", "mobile"}


def test_phrases_are_normalised_deduplicated_and_filtered_by_the_dictionary() -> None:
    assert hint_phrases(["Zero", "zero", "  Double ", "xylophonic", "That's right!", ""], known) == [
        "zero",
        "double",
        "that's right",
    ]


def test_a_number_vocabulary_puts_carriers_first_and_numbers_after() -> None:
    plan = plan_grammar(CAPTURE_PHONE_HINTS, ["it's", "no"], known)
    assert plan is not None
    assert set(plan.items) == {*PHONE_HINTS, "o", "nought", "treble", "plus", "sixty", "hundred"}
    assert {"yes", "no", "okay", "mobile", "number", "that's right", "it's"} <= set(plan.leads)
    assert not set(plan.items) & set(plan.leads)
    grammar = plan.jsgf()
    assert "public <utterance> = ( <lead> )+ ( <item> )* | ( <item> )+ ;" in grammar
    assert "( that's right )" in grammar


def test_open_vocabularies_get_no_grammar() -> None:
    assert plan_grammar(CAPTURE_NAME_HINTS, ["yes"], known) is None  # a spelling alphabet: names, emails
    assert plan_grammar(["one", "two", "street", "yes"], ["yes"], known) is None  # addresses
    assert plan_grammar([], ["yes"], known) is None
    assert plan_grammar(["xylophonic"], ["yes"], known) is None  # nothing the recogniser knows


def test_other_closed_sets_are_a_loop_led_by_carriers() -> None:
    plan = plan_grammar(["yes", "no", "that's right", "not quite"], ["it's", "yes"], known)
    assert plan == GrammarPlan(items=("yes", "no", "that's right", "not quite"), leads=("it's",))
    dates = plan_grammar(["monday", "tomorrow", "at", "one", "two", "three", "pm"], [], known)
    assert dates is not None and dates.leads == () and "monday" in dates.items  # any order
    assert "public <utterance> = ( <item> )+ ;" in dates.jsgf()


def test_search_names_are_stable_and_distinct() -> None:
    a = GrammarPlan(("one", "two"), ("yes",))
    assert a.key == GrammarPlan(("two", "one"), ("yes",)).key
    assert a.key != GrammarPlan(("one", "two"), ()).key
    assert a.key.startswith("hints_")


def test_the_email_hints_keep_pocketsphinx_on_its_language_model() -> None:
    from domain.voice.hints import stt_hints

    # Whatever words the dictionary knows, the spelling alphabet in the hints marks the answer open.
    assert plan_grammar(stt_hints("email"), ["it's"], lambda word: True) is None
