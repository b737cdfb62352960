"""esafety serve as a person starts it: a real server on this computer only, stopped with Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

ESAFETY = str(Path(sys.executable).with_name("esafety"))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "localhost", "example.org", "::"])
def test_an_address_that_is_not_loopback_is_refused(host):
    r = CliRunner().invoke(app, ["serve", "--host", host, "--no-browser"])
    assert r.exit_code == 1 and "not this computer's own (loopback) address" in r.output
    assert "Traceback" not in r.output


def _start(tmp_path, *args):
    env = {**os.environ, "ESAFETY_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "200"}
    p = subprocess.Popen([ESAFETY, "serve", "--no-browser", *args], stderr=subprocess.PIPE, text=True, env=env)
    said, started = "", time.monotonic()
    while "/open/" not in said:
        line = p.stderr.readline()
        assert line, said
        said += line
    return p, re.search(r"http://\S+/open/\S+", said).group(0), time.monotonic() - started


def test_it_serves_with_its_key_stops_on_ctrl_c_and_keeps_what_was_saved(tmp_path):
    p, address, took = _start(tmp_path)
    try:
        assert took < 10  # the target (1.5 s) is measured by benchmarks/case_file_scale.py, not here
        base = address.split("/open/")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/")  # no cookie
        assert refused.value.code == 403
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(address).read().decode()  # the first address sets the cookie, then the start page
        assert "What to do when a member of staff is abused online" in page
    finally:
        p.send_signal(signal.SIGINT)
        rest = p.communicate(timeout=10)[1]
    assert p.returncode == 0 and "Stopped" in rest and "Traceback" not in rest


def test_a_port_in_use_is_a_message(tmp_path):
    p, address, _ = _start(tmp_path)
    try:
        port = address.split(":")[2].split("/")[0]
        r = CliRunner().invoke(app, ["serve", "--port", port, "--no-browser"])
        assert r.exit_code == 1 and "Choose another with --port" in r.output
    finally:
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=10)
