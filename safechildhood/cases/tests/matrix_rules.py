"""Authorization rules of the risk-group routes, one module per part, merged for the matrix."""

import importlib


def rules(R, roles) -> dict:
    merged = {}
    for part in ("triage", "cases", "day", "field", "referrals"):
        try:
            module = importlib.import_module(f"safechildhood.cases.tests.matrix_rules_{part}")
        except ModuleNotFoundError:
            continue
        merged.update(module.rules(R, roles))
    return merged
