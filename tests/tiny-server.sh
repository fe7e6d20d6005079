# Sourced by the test scripts that need `qwenvl serve` on the tiny fixture (tests/node/run.sh, tests/browser/run.sh):
# the built app and fixture paths, free loopback ports, and servers started in the background that are stopped
# when the sourcing script exits, whatever happens.
tests_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$tests_root/.." && pwd)
config=${CONFIG:-Release}
fixtures=${QWENVL_FIXTURES:-$root/../shared/fixtures}
app="$root/App/bin/$config/net10.0/QwenVL.App.dll"
[ -f "$app" ] || { echo "build first: $app is missing" >&2; exit 1; }

server_pids=()
server_logs=()
stop_servers() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "${server_logs[@]}"
}
trap stop_servers EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_tiny_server PORT [serve flags...]: serves the fixture as qwenvl-tiny on 127.0.0.1:PORT and waits until
# /health answers (up to a minute); a server that exits or stays unhealthy fails the script with its log.
start_tiny_server() {
  local port=$1 log pid
  shift
  log=$(mktemp)
  dotnet "$app" serve --model "$fixtures/qwen2vl-tiny" --served-model-name qwenvl-tiny --host 127.0.0.1 --port "$port" "$@" >"$log" 2>&1 &
  pid=$!
  server_pids+=("$pid")
  server_logs+=("$log")
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "the server on :$port exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the server on :$port did not become healthy:" >&2; cat "$log" >&2; exit 1
}
