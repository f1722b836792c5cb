"""Persistence: the only package that imports SQLAlchemy. Functions take a connection and speak
in domain types; services own the transactions."""
