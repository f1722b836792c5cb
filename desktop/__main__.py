"""``python -m desktop`` and the ``paydesk`` command."""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # PDF workers in a frozen bundle
    from desktop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
