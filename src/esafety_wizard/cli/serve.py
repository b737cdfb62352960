"""esafety serve: the guide and the incident log in the browser, on this computer only."""

from typing import Annotated

import typer

from .common import FlowchartOpt, HomeOpt, NoColorOpt, ProcedureOpt, boundary, err, home_of


def serve(
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on (default: a free one).")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Loopback address to listen on; any other is refused.")
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Only print the address; do not open a browser.")
    ] = False,
    home: HomeOpt = None,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Open the guide and the incident log in your browser, served by this computer to this computer only.

    It prints the address to open (with a key only you have) and how to stop. Everything is kept in the same
    private folder as on the command line.

    Example: esafety serve
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile.in_use import procedure
        from ..web.server import listen
        from ..web.server import serve as run

        procedure(flowchart, home, procedure_)  # a procedure that cannot be used is said now, not on the page
        sock = listen(host, port)
        e = err(no_color)

        def ready(address: str) -> None:
            e.print(f"Serving the guide on this computer only. Open:\n\n  {address}\n")
            e.print("Keep this window open while you use it. To stop, press Ctrl-C here.")
            if not no_browser:
                import webbrowser

                webbrowser.open(address)

        try:
            run(home, flowchart, procedure_, sock, ready)  # until Ctrl-C (waitress ends its loop on it)
        except KeyboardInterrupt:
            pass
        e.print("\nStopped. Everything you saved is kept.")
