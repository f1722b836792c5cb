"""The knobs of matching: when Paydesk books on its own, and what it tolerates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class MatchSettings:
    auto_threshold: int = 80
    """A suggestion books itself only with at least this many points ..."""
    margin: int = 20
    """... and at least this many points more than the next suggestion."""
    write_off_tolerance: Decimal = Decimal("1.00")
    """A payment this much (in the payment currency) below the open amount may be written off."""
    max_combination: int = 5
    """Most invoices one payment is matched to by amount alone (sums of 2 to this many)."""
    review_threshold: int = 30
    """Below this the best suggestion is too weak: the transaction is unmatched, not for review."""
    name_threshold: float = 0.6
    """How alike (0-1) a payer's name and a customer name must be to count as a signal."""
    max_sum_invoices: int = 20
    """Of a customer's open invoices, the oldest this many are tried for sums."""
    max_amount_hits: int = 5
    """An amount shared by more open invoices than this tells nothing on its own."""
