"""Use cases. Each public method that changes data is one transaction (one user action)."""
