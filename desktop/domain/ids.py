"""Distinct id types, so that an invoice id is never passed where a customer id is meant."""

from typing import NewType

CustomerId = NewType("CustomerId", int)
InvoiceId = NewType("InvoiceId", int)
PaymentId = NewType("PaymentId", int)
