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
        _cancelled()
    except Exception as e:
        # Python itself can turn a Ctrl-C into another error: one that lands while a class is being made during
        # an import ('Error calling __set_name__', seen in the platform module) becomes a RuntimeError caused by
        # the KeyboardInterrupt. It is still a Ctrl-C.
        if _from_ctrl_c(e):
            _cancelled()
        raise


def _from_ctrl_c(e: BaseException | None) -> bool:
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


def _cancelled() -> None:
    try:
        sys.stderr.write("\nCancelled.\n")
    except (OSError, ValueError, KeyboardInterrupt):
        pass
    sys.exit(130)


if __name__ == "__main__":
    main()
