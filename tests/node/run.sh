#!/usr/bin/env bash
# Starts `qwenvl serve` on the tiny fixture on a free loopback port, runs the openai-client tests
# against it with node's test runner, and stops the server whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=${CONFIG:-Release}
fixtures=${QWENVL_FIXTURES:-$root/../shared/fixtures}
app="$root/Http/bin/$config/net10.0/QwenVL.Http.dll"
[ -f "$app" ] || { echo "build first: $app is missing" >&2; exit 1; }

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
dotnet "$app" serve --model "$fixtures/qwen2vl-tiny" --served-model-name qwenvl-tiny --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "the server exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "the server did not become healthy:" >&2; cat "$log" >&2; exit 1; }

QWENVL_BASE_URL="http://127.0.0.1:$port/v1" QWENVL_MODEL_NAME=qwenvl-tiny \
QWENVL_TEST_IMAGE="$fixtures/qwen2vl-tiny/images/photo_200x150.jpg" \
  node --test --test-reporter=spec
