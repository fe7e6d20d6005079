#!/usr/bin/env bash
# Drives the server's web pages in Debian's headless Chromium: installs the `chromium` package when it is missing
# (CI runs as root on a fresh Debian 12), starts `qwenvl serve` on the tiny fixture twice on free loopback ports
# (one plain, one with --api-key), runs the *.test.mjs files here with node's test runner, and stops the servers
# whatever happens. Screenshots land in tests/browser/screenshots/; QWENVL_UPDATE_DOCS_IMAGES=1 also copies them
# to docs/images/ for the README.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=${CONFIG:-Release}
fixtures=${QWENVL_FIXTURES:-$root/../shared/fixtures}
app="$root/Http/bin/$config/net10.0/QwenVL.Http.dll"
[ -f "$app" ] || { echo "build first: $app is missing" >&2; exit 1; }

chromium_bin=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium_bin" ]; then
  echo "installing Debian's chromium package" >&2
  sudo=; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  chromium_bin=$(command -v chromium)
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
servers=()
logs=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "${logs[@]}"
}
trap cleanup EXIT

# start_server PORT [serve flags...]: the tiny fixture on 127.0.0.1:PORT, in the background.
start_server() {
  local port=$1 log
  shift
  log=$(mktemp)
  logs+=("$log")
  dotnet "$app" serve --model "$fixtures/qwen2vl-tiny" --served-model-name qwenvl-tiny --host 127.0.0.1 --port "$port" \
    --kv-cache-memory 256MiB "$@" >"$log" 2>&1 &
  servers+=($!)
}

wait_healthy() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "the server on :$port exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the server on :$port did not become healthy:" >&2; cat "$log" >&2; exit 1
}

port=$(free_port)
keyed_port=$(free_port)
api_key="sk-browser-test-$RANDOM"
start_server "$port"
start_server "$keyed_port" --api-key "$api_key"
wait_healthy "$port" "${servers[0]}" "${logs[0]}"
wait_healthy "$keyed_port" "${servers[1]}" "${logs[1]}"

# One test at a time: they share the servers, and the stop test reads the server-wide running count.
CHROMIUM="$chromium_bin" QWENVL_FIXTURE_DIR="$fixtures/qwen2vl-tiny" QWENVL_MODEL_NAME=qwenvl-tiny \
QWENVL_WEB_URL="http://127.0.0.1:$port" QWENVL_KEYED_WEB_URL="http://127.0.0.1:$keyed_port" QWENVL_KEYED_API_KEY="$api_key" \
  node --test --test-concurrency=1 --test-reporter=spec
