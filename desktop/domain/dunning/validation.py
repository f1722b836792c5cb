"""Checks of a procedure before it is saved, with messages at the field at fault."""

from __future__ import annotations

from desktop.domain.dunning.model import Procedure


def procedure_problems(procedure: Procedure) -> dict[str, str]:
    """Field -> what is wrong; empty when the procedure can be saved. Levels are keyed ``levels[n].field``."""
    problems: dict[str, str] = {}
    if not procedure.name.strip():
        problems["name"] = "Enter a name."
    if procedure.minimum_amount < 0:
        problems["minimum_amount"] = "The minimum amount can't be negative."
    if procedure.handover_days < 0:
        problems["handover_days"] = "Enter 0 or more days."
    if not procedure.levels:
        problems["levels"] = "Add at least one level."
    previous = None
    for n, level in enumerate(procedure.levels):
        key = f"levels[{n}]"
        if not level.name.strip():
            problems[f"{key}.name"] = "Enter a name."
        if not level.template.strip():
            problems[f"{key}.template"] = "Choose a template."
        if level.fee < 0:
            problems[f"{key}.fee"] = "The fee can't be negative."
        if level.interest_rate < 0 or level.interest_rate > 100:
            problems[f"{key}.interest_rate"] = "Enter a yearly rate between 0 and 100 %."
        if previous is not None and level.day_offset <= previous:
            problems[f"{key}.day_offset"] = "Each level must come at least one day after the one before."
        if level.final and n != len(procedure.levels) - 1:
            problems[f"{key}.final"] = "Only the last level can be the final notice."
        previous = level.day_offset
    return problems
