#!/usr/bin/env bash
# Regenerates the Web UI screenshots the README shows (docs/ui-*.png) from real runs: Temporal's
# dev server with its Web UI, an in-process Tally worker, the scripted router, and headless
# Chromium driving the UI. It is the same check CI runs (WebUiIT), with its screenshots kept.
# Needs the temporal CLI, chromium and chromedriver: `bash .ci/install-tools.sh` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl client -am verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebUiIT \
  -Dtally.requireTools=true -Dtally.uiScreenshots="$PWD/docs"
ls -l docs/ui-*.png
