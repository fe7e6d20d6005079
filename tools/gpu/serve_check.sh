#!/usr/bin/env bash
# On the GPU machine, from the repository root with .gpu/ prepared (../shared/gpu/prepare.sh App/QwenVL.App.csproj):
# builds a checkpoint with Qwen2-VL-2B's shapes (random weights), serves it with `qwenvl serve` on the
# GPU and sends the seed request (system prompt, a base64 JPEG, 图片中有什么?) non-streaming and streaming.
# Logs and answers go to $OUT (or /tmp/serve-check).
set -uo pipefail
out=${OUT:-/tmp/serve-check}
mkdir -p "$out"
model=${MODEL_DIR:-/tmp/q2b}
[ -f "$model/config.json" ] || python3 .gpu/make_reference.py --size 2b --out "$model" --no-reference > "$out/make_reference.log" 2>&1
port=8000
bash .gpu/run.sh .gpu/app/QwenVL.App.dll serve "$model" --host 127.0.0.1 --port $port --max-model-len 8192 "$@" > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "server exited"; tail -40 "$out/serve.log"; exit 1; }
  sleep 0.5
done
python3 tools/gpu/seed_request.py "http://127.0.0.1:$port" "$model" | tee "$out/seed.txt"
status=${PIPESTATUS[0]}
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^vllm:(generation_tokens_total|prompt_tokens_total|kv_cache_usage_perc)' | tee -a "$out/seed.txt"
grep -E 'KV cache|Model loading|startup complete|Engine 000' "$out/serve.log" | head -20
exit $status
