"""Authorization rules of the screening routes, one module per part, merged for the matrix."""

import importlib


def rules(R, roles) -> dict:
    merged = {}
    for part in ("answering", "instruments", "campaigns", "alerts", "transfers"):
        try:
            module = importlib.import_module(f"safechildhood.screening.tests.matrix_rules_{part}")
        except ModuleNotFoundError:
            continue
        merged.update(module.rules(R, roles))
    return merged
