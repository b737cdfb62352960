#!/usr/bin/env bash
# The programs the tests use to look at the outputs as a person would: Chromium prints the reports and the
# checklist to PDF, poppler-utils reads the PDF back, LibreOffice opens the letters as Word users see them, and jq
# runs the one command of the docs that uses it (tests/test_docs.py follows every command the docs show).
# Installed from Debian's packages when they are missing and this machine can (root, or sudo without a
# password); otherwise the tests that need them are skipped, each saying what to install.
set -uo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
{ command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; } || need+=(libreoffice-writer-nogui)
command -v jq >/dev/null 2>&1 || need+=(jq)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "test-tools: ${need[*]} not installed and no root here: the tests that need them will be skipped." >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-tools: no apt-get here: install ${need[*]} yourself, or the tests that need them are skipped." >&2
    exit 0
fi
echo "test-tools: installing ${need[*]} (Debian's packages) for the printing and letter tests..." >&2
log=$(mktemp)
if "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >"$log" 2>&1 \
    || { "${as_root[@]}" apt-get update -qq >>"$log" 2>&1 \
        && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${need[@]}" >>"$log" 2>&1; }; then
    echo "test-tools: installed." >&2
else
    echo "test-tools: installing ${need[*]} failed (see below): the tests that need them will be skipped." >&2
    tail -n 5 "$log" >&2
fi
rm -f "$log"
exit 0
