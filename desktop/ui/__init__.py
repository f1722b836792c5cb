"""The window: the only package that imports PySide6. It talks to ``desktop.services`` only."""
