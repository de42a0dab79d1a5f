"""How many examples a property test draws, by hypothesis profile.

`ci` (chosen when `CI` is set, as on the CI runner) is derandomized: the same examples every
run, so a red CI means a change broke something. `explore` draws fresh random examples,
`HYPOTHESIS_SCALE` times the CI budget (default 10): run it locally each session and pin every
failure it finds as an `@example`. `dev`, the default elsewhere, is random at the CI budget.
"""

from __future__ import annotations

import os

from hypothesis import settings

__all__ = ["PROFILE", "examples", "register_profiles"]

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")


def register_profiles() -> None:
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True, database=None)
    settings.register_profile("dev", deadline=None, print_blob=True)
    settings.register_profile("explore", deadline=None, print_blob=True)
    settings.load_profile(PROFILE)


def examples(ci_budget: int) -> int:
    """The test's fixed CI budget, scaled up when exploring."""
    if PROFILE == "explore":
        return ci_budget * int(os.environ.get("HYPOTHESIS_SCALE", "10"))
    return ci_budget
