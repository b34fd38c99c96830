"""The stress harness's callers, drawn with a seed: each persona's ground truth for one call on a graph.

Values come from the speech corpus's lists (common Australian names, real suburbs and postcodes, mobile and
landline numbers, e-mail providers) in natural phrasing, drawn with `random.Random(seed)`, so a seed names a call:
the same seed gives the same caller, words and values. The option a caller wants at each choice follows one of the
graph's covering paths for its business state (seed 0: the longest, so the first call of a persona asks the most);
the words that ask for it are checked against the Voice Core's own option matching.
"""

from __future__ import annotations

import random
from datetime import datetime

from domain.objectives import Node, ObjectiveGraph, covering_paths, match_option
from domain.onboarding.smoke import option_phrase
from domain.stress.personas import CallerPlan, Detail, Persona
from voice_runtime.testing import speech_corpus as corpus
from voice_runtime.testing.speech_corpus import Utterance

CAPTURE_KINDS = ("name", "phone", "email", "address", "date_time")


def wanted_options(graph: ObjectiveGraph, business_open: bool, seed: int) -> dict[str, str]:
    """The option at each choice: the choices of a covering path with every objective answered (by seed)."""
    paths = [p for p in covering_paths(graph).paths if p.business_open == business_open
             and not any(o.kind in ("failed", "declined") for o in p.outcomes)]
    paths.sort(key=lambda p: -len(p.outcomes))
    chosen = {o.objective: o.value for o in paths[seed % len(paths)].outcomes if o.kind == "chosen"} if paths else {}
    return {n.id: chosen.get(n.id) or n.options[0].name for n in graph.nodes if n.type == "choice"}


def _words(node: Node, option: str, rng: random.Random) -> str:
    phrase = option_phrase(node, option)
    said = rng.choice(corpus.CHOICE_LEADS).format(phrase)
    return said if match_option(node, said) == option else phrase


def _slip(first: Utterance, rng: random.Random) -> tuple[str, str, str]:
    """(line, value, fix): the number with its last digit wrong, and the correction of it."""
    local = "0" + first.truth[3:]
    wrong = local[:-1] + rng.choice([d for d in "0123456789" if d != local[-1]])
    line = f"It's {' '.join(corpus.say_digits(wrong, rng))}."
    return line, "+61" + wrong[1:], f"No, the last digit is {corpus.SPELLED_DIGIT[local[-1]]}."


def _name_slip(first: Utterance, rng: random.Random) -> tuple[str, str, str]:
    given, surname = first.truth.split(" ", 1)
    other = rng.choice([s for s in corpus.LAST if s != surname])
    return (f"My name's {given} {other}.", f"{given} {other}",
            f"No, my surname is {surname}, {corpus.spelled(surname)}.")


def _detail(kind: str, persona: Persona, rng: random.Random, now: datetime) -> Detail:
    said = corpus.answer(kind, rng, now)
    extra: dict[str, str | None] = {}
    if persona is Persona.CONFUSED:
        other = next(u for u in iter(lambda: corpus.answer(kind, rng, now), None) if u.truth != said.truth)
        extra["wrong"] = other.text
    if persona is Persona.CORRECTOR and kind in ("phone", "name"):
        line, value, fix = (_slip if kind == "phone" else _name_slip)(said, rng)
        extra.update(slip=line, slip_value=value, fix=fix)
    if persona is Persona.SPELLER and kind == "email":
        local, domain = said.truth.split("@", 1)
        extra["spelled"] = f"It's {corpus.spelled(local)} at {' dot '.join(domain.split('.'))}."
    if kind == "phone":
        extra["keys"] = "0" + said.truth[3:]
    return Detail(kind=kind, text=said.text, said=said.value_words, truth=said.truth, **extra)


def _lines(persona: Persona, rng: random.Random) -> tuple[str, ...]:
    if persona is Persona.HOSTILE:
        return tuple(rng.sample(corpus.HOSTILE, 4))
    if persona is Persona.CONFUSED:
        return tuple(rng.sample(corpus.REPEAT, 3))
    if persona is Persona.ASKS_FOR_PERSON:
        return (rng.choice(corpus.PERSON),)
    return ()


def draw_plan(persona: Persona, graph: ObjectiveGraph, *, business_open: bool, seed: int,
              now: datetime) -> CallerPlan:
    """The caller for one stress call: `now` is the call's wall time in the business's timezone (dates are read
    against it by the Voice Core, so the caller's "tomorrow" must be drawn against it too).
    """
    rng = random.Random(f"{persona.value}:{seed}:{business_open}")
    kinds = [n.capture for n in graph.nodes if n.capture in CAPTURE_KINDS]
    details = {kind: _detail(kind, persona, rng, now) for kind in dict.fromkeys(kinds) if kind is not None}
    if any(n.type == "message" for n in graph.nodes):
        text = rng.choice(corpus.MESSAGES)
        details["message"] = Detail(kind="message", text=text, said=text, truth=text)
    if persona is Persona.CORRECTOR and "phone" in details and "name" in details:
        details["name"] = details["name"].model_copy(update={"slip": None, "slip_value": None, "fix": None})
    options = wanted_options(graph, business_open, seed)
    words = {n.id: _words(n, options[n.id], rng) for n in graph.nodes if n.type == "choice"}
    yes = rng.choice([y for y in corpus.YES if y not in ("Correct.", "Yes please.")])
    return CallerPlan(persona=persona, business_open=business_open, seed=seed, details=details, options=options,
                      words=words, lines=_lines(persona, rng), yes=yes, no=rng.choice(corpus.NO))
