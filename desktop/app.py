"""The composition root: settings -> database -> services -> window. The only module that knows
every layer; the command line and the window both start here."""

from __future__ import annotations

import logging
import logging.handlers
from datetime import date
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from desktop.services.paydesk import Paydesk

APP_NAME = "Paydesk"


def default_db_path() -> Path:
    """The database lives in the user's data folder, never beside the program (upgrades keep it)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "paydesk.sqlite"


def open_paydesk(path: Path | None, today: date | None = None) -> Paydesk:
    """Open Paydesk on ``path`` (the default database when None); ``today`` pins the date (demo data)."""
    return Paydesk.open(path or default_db_path(), date.today if today is None else lambda: today)


def setup_logging() -> Path | None:
    """Log to a rotating file in the user's log folder; never secrets, never customer data dumps."""
    folder = Path(user_log_dir(APP_NAME, appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "paydesk.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    return folder / "paydesk.log"


def run_gui(db_path: Path | None) -> int:
    """Open the window on ``db_path`` (the default database when None)."""
    from desktop.services.demo import create_demo
    from desktop.ui.application import run

    log_file = setup_logging()
    return run(db_path or default_db_path(), opener=open_paydesk, create_demo=create_demo, log_file=log_file)
