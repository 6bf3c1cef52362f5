#!/usr/bin/env bash
# Debian's Chromium for the browser tests (and a Japanese font, so receipts in the screenshots are legible),
# installed with apt-get when missing. Playwright's own browser download is not used. Exits non-zero, saying
# why, when Chromium is missing and cannot be installed.
set -uo pipefail
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
FONT=fonts-ipafont-gothic

need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
dpkg -s "$FONT" >/dev/null 2>&1 || need+=("$FONT")
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "e2e: cannot install ${need[*]}: not root and no password-less sudo" >&2
    [ -x "$CHROMIUM" ]; exit
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "e2e: cannot install ${need[*]}: no apt-get on this machine" >&2
    [ -x "$CHROMIUM" ]; exit
fi

log="$(mktemp)"
echo "e2e: installing ${need[*]} with apt-get ..."
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q "${need[@]}"; } >"$log" 2>&1; then
    # the font is a nicety: try Chromium alone before giving up
    if [ ! -x "$CHROMIUM" ]; then
        "${SUDO[@]}" apt-get install -y -q chromium >>"$log" 2>&1
    fi
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "e2e: Chromium could not be installed (apt-get install chromium failed); last lines:" >&2
    tail -n 15 "$log" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"
echo "e2e: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
