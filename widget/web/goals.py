"""Step a petition's shown goal up a ladder once its count reaches the goal (as Proca does)."""

import itertools

STEPS = (1, 2, 5)  # 100, 200, 500, 1,000, 2,000, 5,000, 10,000, ...
FIRST_STEP = 100


def ladder():
    """Yield the ladder's steps in order, without end."""
    for scale in itertools.count():
        for step in STEPS:
            yield FIRST_STEP * step * 10**scale


def shown_goal(goal, count, steps=True):
    """Return the goal to show: the goal itself, or the first step above a count that passed it."""
    if not goal or not steps or count < goal:
        return goal
    return next(step for step in ladder() if step > count)
