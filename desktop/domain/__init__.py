"""The domain: money, invoices, customers, numbering, references. Pure Python: no Qt, no SQL."""
