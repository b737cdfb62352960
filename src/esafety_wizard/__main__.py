"""The `esafety` command's entry point, and `python -m esafety_wizard`.

It imports nothing heavy itself, so that Ctrl-C while the CLI (typer, rich) is still being imported is caught
here and ends quietly with exit 130, like Ctrl-C at any later moment.
"""

import sys


def main() -> None:
    try:
        from .cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("\nCancelled.\n")
        except (OSError, ValueError, KeyboardInterrupt):
            pass
        sys.exit(130)


if __name__ == "__main__":
    main()
