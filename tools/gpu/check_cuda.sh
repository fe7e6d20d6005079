#!/usr/bin/env bash
# On the GPU machine, from the repository root with .gpu/ carried (made by tools/gpu/pack_checks.sh on the development
# machine): every correctness check of the CUDA executor, one after the other, then one PASS/FAIL line per check.
#   tiny fixture (made here by make_reference.py, with transformers' float32 reference):
#     parity       last logits and greedy tokens against HF, a mixed batch against alone and the CPU executor
#     batch --cpu  8 requests batched against each alone and against the CPU executor alone (margin rule)
#     sampling     the device sampler against the host Sampler (needs no model)
#     prefill-attention  tensor-core paged prefill attention vs float64 and the CUDA-core kernel, timings (no model)
#     decode-attention   tensor-core split-K decode attention vs float64 and the CUDA-core kernel, timings (no model)
#   Qwen2-VL-2B shapes with random weights (make_reference.py --size 2b, HF's bf16 reference by hf_reference_2b.py):
#     parity2b     prompt ids, last-logit cosine and the first 8 greedy tokens (margin rule) against HF
#     batch        8 requests batched against each alone (margin rule)
# Usage: bash tools/gpu/check_cuda.sh [CHECKS_DIR]
#   CHECKS_DIR: a published tests/QwenVL.Cuda.ExecutorCheck folder; default: .gpu/checks.tar.xz unpacked to /tmp.
# Logs go to $OUT (or /tmp/check-cuda). Exits 0 when every check passed, 1 when any failed, 2 when it cannot start.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/check-cuda}
tiny=${TINY_DIR:-/tmp/tiny}
q2b=${Q2B_DIR:-/tmp/q2b}
ref2b=${REF2B_DIR:-/tmp/ref2b}
mkdir -p "$out"

for f in .gpu/run.sh .gpu/make_reference.py tools/gpu/hf_reference_2b.py; do
  [ -f "$f" ] || { echo "check_cuda: cannot start: $f is missing (run tools/gpu/pack_checks.sh on the development machine, carry .gpu)"; exit 2; }
done
if [ $# -gt 0 ]; then
  app=$1
else
  [ -f .gpu/checks.tar.xz ] || { echo "check_cuda: cannot start: no .gpu/checks.tar.xz and no CHECKS_DIR given (tools/gpu/pack_checks.sh makes it)"; exit 2; }
  rm -rf /tmp/qwenvl-checks && mkdir -p /tmp/qwenvl-checks
  tar -C /tmp/qwenvl-checks -xJf .gpu/checks.tar.xz || { echo "check_cuda: cannot start: .gpu/checks.tar.xz did not unpack"; exit 2; }
  app=/tmp/qwenvl-checks/checks
fi
dll=$app/QwenVL.Cuda.ExecutorCheck.dll
[ -f "$dll" ] || { echo "check_cuda: cannot start: $dll not found"; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/device: /'

names=()
verdicts=()
reasons=()
record() { names+=("$1"); verdicts+=("$2"); reasons+=("${3:-}"); }

# prepare LOG LIMIT COMMAND...: a step that makes inputs; its output goes to $out/LOG.log, its tail here.
prepare() {
  local log=$1 limit=$2
  shift 2
  echo "=== $log: $*"
  local start=$SECONDS
  timeout "$limit" "$@" > "$out/$log.log" 2>&1
  local rc=$?
  tail -n 3 "$out/$log.log"
  echo "--- $log: exit $rc after $((SECONDS - start)) s"
  return $rc
}

# check NAME LOG LIMIT ARGS...: one ExecutorCheck run, its whole output shown here and kept in $out/LOG.log.
check() {
  local name=$1 log=$2 limit=$3
  shift 3
  echo "=== $name: ExecutorCheck $*"
  local start=$SECONDS
  timeout "$limit" bash .gpu/run.sh "$dll" "$@" 2>&1 | tee "$out/$log.log"
  local rc=${PIPESTATUS[0]}
  echo "--- $name: exit $rc after $((SECONDS - start)) s"
  if [ "$rc" -eq 0 ]; then record "$name" PASS
  elif [ "$rc" -eq 124 ]; then record "$name" FAIL "timed out after $limit s, see $out/$log.log"
  else record "$name" FAIL "exit $rc, see $out/$log.log"; fi
}

rm -rf "$tiny"
if prepare make_tiny 600 python3 .gpu/make_reference.py --size tiny --out "$tiny"; then
  check "parity (tiny)" parity_tiny 300 parity --model "$tiny"
  check "batch --cpu (tiny)" batch_tiny 300 batch --model "$tiny" --cpu
  check "graphs (tiny)" graphs_tiny 300 graphs --model "$tiny"
else
  record "parity (tiny)" FAIL "not run: make_reference.py --size tiny failed, see $out/make_tiny.log"
  record "batch --cpu (tiny)" FAIL "not run: make_reference.py --size tiny failed, see $out/make_tiny.log"
  record "graphs (tiny)" FAIL "not run: make_reference.py --size tiny failed, see $out/make_tiny.log"
fi
check "sampling" sampling 300 sampling
check "prefill attention" prefill_attention 300 prefill-attention
check "decode attention" decode_attention 300 decode-attention

rm -rf "$q2b" "$ref2b"
if prepare make_2b 600 python3 .gpu/make_reference.py --size 2b --out "$q2b" --no-reference; then
  if prepare hf_reference_2b 600 python3 tools/gpu/hf_reference_2b.py "$q2b" "$ref2b"; then
    check "parity2b (2B)" parity2b 300 parity2b --model "$q2b" --reference "$ref2b"
  else
    record "parity2b (2B)" FAIL "not run: hf_reference_2b.py failed, see $out/hf_reference_2b.log"
  fi
  check "batch (2B)" batch_2b 300 batch --model "$q2b"
  check "graphs (2B)" graphs_2b 300 graphs --model "$q2b"
else
  record "parity2b (2B)" FAIL "not run: make_reference.py --size 2b failed, see $out/make_2b.log"
  record "batch (2B)" FAIL "not run: make_reference.py --size 2b failed, see $out/make_2b.log"
  record "graphs (2B)" FAIL "not run: make_reference.py --size 2b failed, see $out/make_2b.log"
fi

failed=0
echo "=== check_cuda summary"
for i in "${!names[@]}"; do
  echo "${verdicts[$i]}  ${names[$i]}${reasons[$i]:+  (${reasons[$i]})}"
  [ "${verdicts[$i]}" = PASS ] || failed=$((failed + 1))
done
if [ "$failed" -eq 0 ]; then
  echo "check_cuda: PASS (${#names[@]} of ${#names[@]} checks)"
  exit 0
fi
echo "check_cuda: FAIL ($failed of ${#names[@]} checks failed)"
exit 1
