"""What the runtime does with a dialogue's steps (as `DialogueProcessor` acts on them): what it says, the
transfers it asks for and its hangup. After a hangup or during a transfer a step says and does nothing, until a
failed transfer hands the call back to the dialogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.voice.dialogue import DialogueStep
from domain.voice.dialogue.replay import DialogueInput, TransferFailedInput


@dataclass
class Acted:
    """The replay's actions: said text, transfers by input index, the input the dialogue hung up after."""

    says: list[str] = field(default_factory=list)
    transfers: list[tuple[int, str]] = field(default_factory=list)
    hangup_at: int | None = None


def acted(steps: Sequence[DialogueStep], inputs: Sequence[DialogueInput]) -> Acted:
    """The actions of a replayed dialogue (`steps[0]` is the start, `steps[k]` follows `inputs[k - 1]`)."""
    done, closed = Acted(), False
    for k, step in enumerate(steps):
        if k > 0 and isinstance(inputs[k - 1], TransferFailedInput):
            closed = False
        if closed:
            continue
        if step.say:
            done.says.append(step.say)
        if step.action == "speak_and_hangup":
            closed, done.hangup_at = True, k
        elif step.action == "transfer" and step.transfer_to:
            closed = True
            done.transfers.append((k, step.transfer_to))
    return done
