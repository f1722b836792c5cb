"""Talking to systems outside Paydesk: the SMTP server and payment providers' HTTP APIs.

Beside ``importers``/``documents``/``store`` in the layers: it may import only ``domain``."""
