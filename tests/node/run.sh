#!/usr/bin/env bash
# Starts `qwenvl serve` on the tiny fixture on a free loopback port, runs the openai-client tests
# against it with node's test runner (chat.test.mjs: completions and streaming; structured.test.mjs: json_schema and
# forced tool calls), and stops the server whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tiny-server.sh"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

port=$(free_port)
start_tiny_server "$port"

QWENVL_BASE_URL="http://127.0.0.1:$port/v1" QWENVL_MODEL_NAME=qwenvl-tiny \
QWENVL_TEST_IMAGE="$fixtures/qwen2vl-tiny/images/photo_200x150.jpg" \
  node --test --test-reporter=spec
