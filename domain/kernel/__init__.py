"""The Revenue OS kernel (contract revenue_os_v1.1): pure models and one pure cycle function."""

from domain.kernel.inputs import KernelInput
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import Action, DataQualityAction, KernelError, KernelOutput, KernelResult

__all__ = ["Action", "DataQualityAction", "KernelError", "KernelInput", "KernelOutput", "KernelResult", "run_cycle"]
