#!/usr/bin/env bash
# On the GPU machine, carrying .gpu (with compare.tar.xz from tools/gpu/pack_compare.sh): qwenvl bench --workload all
# of the old and the new build on the 2B shapes, alternating old, new, old, new so that drift of the machine falls on
# both, beside hf_baseline.py in the same call; then the new build's CUDA checks (tools/gpu/check_cuda.sh) unless
# SKIP_CHECKS=1. Results in $OUT: bench-{old,new}-{1,2}.json, hf.json, the checks' logs.
# Usage: bash tools/gpu/compare_builds.sh
set -u
cd "$(dirname "$0")/../.."
export OUT=${OUT:-/tmp/out}
mkdir -p "$OUT" /tmp/compare
tar -C /tmp/compare -xJf .gpu/compare.tar.xz || { echo "compare_builds: .gpu/compare.tar.xz did not unpack"; exit 2; }
app() { ls /tmp/compare/"$1"/app/QwenVL.App.dll /tmp/compare/"$1"/app/QwenVL.Http.dll 2>/dev/null | head -n 1; }
echo "old $(cat /tmp/compare/old/commit) ($(basename "$(app old)")), new $(cat /tmp/compare/new/commit) ($(basename "$(app new)"))"
[ -f /tmp/q2b/config.json ] || python3 .gpu/make_reference.py --size 2b --out /tmp/q2b --no-reference > "$OUT/make_2b.log" 2>&1
for round in 1 2; do
  for build in old new; do
    timeout 240 bash .gpu/run.sh "$(app $build)" bench --model /tmp/q2b --workload all --json "$OUT/bench-$build-$round.json" \
      > "$OUT/bench-$build-$round.log" 2>&1
    echo "bench $build round $round: exit $?"
  done
done
timeout 300 python3 .gpu/hf_baseline.py --model /tmp/q2b --json "$OUT/hf.json" > "$OUT/hf.log" 2>&1; echo "hf_baseline: exit $?"
python3 - <<'PY'
import json, os
out = os.environ["OUT"]
def load(name):
    try: return json.load(open(os.path.join(out, name)))
    except Exception as e: return {"error": str(e)}
runs = {f"{b}-{r}": load(f"bench-{b}-{r}.json") for r in (1, 2) for b in ("old", "new")}
def figures(run, prefix=""):
    flat = {}
    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items(): walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, (int, float)) and not isinstance(node, bool): flat[path] = node
    walk(run, prefix)
    return flat
keys = sorted(set().union(*(figures(r).keys() for r in runs.values())))
keys = [k for k in keys if any(w in k for w in ("tok", "ttft", "seconds", "ms"))]
print(f"{'figure':60} " + " ".join(f"{n:>12}" for n in runs))
for k in keys:
    print(f"{k:60} " + " ".join(f"{figures(r).get(k, float('nan')):12.4g}" for r in runs.values()))
PY
if [ "${SKIP_CHECKS:-0}" != 1 ]; then
  OUT="$OUT/checks" bash tools/gpu/check_cuda.sh /tmp/compare/new/checks | tail -n 16
fi
