"""Paydesk: a desktop application that gets small businesses paid."""

__version__ = "0.1.0"
