#!/usr/bin/env bash
# Drives the server's web pages in Debian's headless Chromium: installs the `chromium` package when it is missing
# (CI runs as root on a fresh Debian 12), starts `qwenvl serve` on the tiny fixture twice on free loopback ports
# (one plain, one with --api-key), runs the *.test.mjs files here with node's test runner, and stops the servers
# whatever happens. Screenshots land in tests/browser/screenshots/; QWENVL_UPDATE_DOCS_IMAGES=1 also copies them
# to docs/images/ for the README.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tiny-server.sh"

chromium_bin=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium_bin" ]; then
  echo "installing Debian's chromium package" >&2
  sudo=; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-wqy-microhei >/dev/null
  chromium_bin=$(command -v chromium)
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

port=$(free_port)
keyed_port=$(free_port)
api_key="sk-browser-test-$RANDOM"
start_tiny_server "$port" --kv-cache-memory 256MiB
start_tiny_server "$keyed_port" --kv-cache-memory 256MiB --api-key "$api_key"

# One test at a time: they share the servers, and the stop test reads the server-wide running count.
CHROMIUM="$chromium_bin" QWENVL_FIXTURE_DIR="$fixtures/qwen2vl-tiny" QWENVL_MODEL_NAME=qwenvl-tiny \
QWENVL_WEB_URL="http://127.0.0.1:$port" QWENVL_KEYED_WEB_URL="http://127.0.0.1:$keyed_port" QWENVL_KEYED_API_KEY="$api_key" \
  node --test --test-concurrency=1 --test-reporter=spec
