"""Subscriptions: plans over time (terms), their billing periods and proration. Pure Python."""

from desktop.domain.subscriptions.model import (
    PlanLine,
    Settle,
    Subscription,
    SubscriptionId,
    SubscriptionState,
    Term,
    Timing,
    validate_subscription,
)
from desktop.domain.subscriptions.periods import Piece, add_months, due_pieces, period_containing
from desktop.domain.subscriptions.proration import charge_lines, credit_lines, piece_lines, prorate

__all__ = [
    "Piece", "PlanLine", "Settle", "Subscription", "SubscriptionId", "SubscriptionState", "Term", "Timing", "add_months",
    "charge_lines", "credit_lines", "due_pieces", "period_containing", "piece_lines", "prorate", "validate_subscription",
]
