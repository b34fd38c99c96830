"""Signal names from signal methods, for the one SDK call that takes a name: signal-with-start.

`Client.start_workflow(start_signal=...)` accepts only a string; deriving it from the decorated
method keeps the call typed (a renamed handler fails here, at import of the caller's test, not at run time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow


def signal_name(handler: Callable[..., Any]) -> str:
    """The name `handler` (a `@workflow.signal` method) is registered under."""
    # The SDK resolves method references to names this same way (client.WorkflowHandle.signal).
    return workflow._SignalDefinition.must_name_from_fn_or_str(handler)
