#!/usr/bin/env bash
# Installs headless Chromium for xtask/tests/serve_browser.rs; run by that test when
# chromium is missing and it runs as root. Idempotent and non-interactive.
set -euo pipefail
# (fonts-liberation is only a Recommends, but without a font the pages render as boxes).
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    # Another apt/dpkg process (an unattended upgrade, a parallel test) may hold
    # the dpkg lock: wait up to 5 minutes for it instead of failing at once.
    LOCK=(-o DPkg::Lock::Timeout=300)
    $SUDO apt-get "${LOCK[@]}" update -qq
    $SUDO apt-get "${LOCK[@]}" install -y -qq --no-install-recommends chromium fonts-liberation
fi
