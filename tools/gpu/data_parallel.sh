#!/usr/bin/env bash
# On a GPU machine with two GPUs, from the repository root with .gpu/ carried (.gpu/app.tar.xz: a published
# App/QwenVL.App.csproj; ../shared/gpu/prepare.sh makes the rest): one worker alone on GPU 0, then a frontend (no
# weights) and two workers, one per GPU, joined through Akka.Cluster on loopback; against each the same loads of
# batch_text-shaped requests (qwenvl bench serve --workload text), after an unmeasured warm-up. Prints the output
# throughputs and their ratio; the JSON of each load lands in $OUT.
set -u
cd "$(dirname "$0")/.."
export OUT=${OUT:-/tmp/out}
L=/tmp/logs; mkdir -p $L
nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader
mkdir -p .gpu/app && tar -C .gpu/app -xJf .gpu/app.tar.xz
python3 .gpu/make_reference.py --size 2b --out /tmp/q2b --no-reference > $L/mk.log 2>&1 || { echo "make_reference failed"; tail $L/mk.log; exit 1; }
Q="bash .gpu/run.sh .gpu/app/QwenVL.App.dll"
wait_url() { for _ in $(seq 1 600); do curl -fs "$1" > /dev/null 2>&1 && return 0; sleep 0.1; done; echo "timeout waiting for $1"; return 1; }
loads() {  # loads URL TAG (after a warm-up load that is not measured: first-use costs of each process)
  timeout 100 $Q bench serve --url $1 --workload text --input-len 400 --num-prompts 32 --request-rate inf --output-len 16 --seed 2 > $L/$2-warm.txt 2>&1
  for n in 64 512; do
    timeout 200 $Q bench serve --url $1 --workload text --input-len 400 --num-prompts $n --request-rate inf --output-len 128 --seed 1 --json $OUT/$2-$n.json > $L/$2-$n.txt 2>&1
    echo "$2 n=$n rc=$?: $(grep -E 'Output token throughput|Successful|Failed' $L/$2-$n.txt | tr -s ' ' | tr '\n' ';')"
  done
}
CUDA_VISIBLE_DEVICES=0 $Q serve /tmp/q2b --host 127.0.0.1 --port 8100 --max-model-len 4096 > $L/alone.log 2>&1 & alone=$!
wait_url http://127.0.0.1:8100/health && loads http://127.0.0.1:8100 one
kill $alone; wait $alone 2>/dev/null
SEED=akka.tcp://qwenvl@127.0.0.1:2551
$Q serve /tmp/q2b --host 127.0.0.1 --port 8000 --max-model-len 4096 --cluster-host 127.0.0.1 --cluster-port 2551 --seed-nodes $SEED --role frontend > $L/fe.log 2>&1 & fe=$!
CUDA_VISIBLE_DEVICES=0 $Q serve /tmp/q2b --host 127.0.0.1 --port 8101 --max-model-len 4096 --cluster-host 127.0.0.1 --cluster-port 2552 --seed-nodes $SEED > $L/w0.log 2>&1 & w0=$!
CUDA_VISIBLE_DEVICES=1 $Q serve /tmp/q2b --host 127.0.0.1 --port 8102 --max-model-len 4096 --cluster-host 127.0.0.1 --cluster-port 2553 --seed-nodes $SEED > $L/w1.log 2>&1 & w1=$!
wait_url http://127.0.0.1:8101/health; wait_url http://127.0.0.1:8102/health
for _ in $(seq 1 100); do [ "$(curl -fs http://127.0.0.1:8000/v1/cluster | python3 -c 'import json,sys; print(sum(m["serving"] for m in json.load(sys.stdin)["members"]))' 2>/dev/null)" = 2 ] && break; sleep 0.2; done
curl -fs http://127.0.0.1:8000/v1/cluster > $OUT/cluster-before.json; echo "serving replicas: $(python3 -c 'import json; print(sum(m["serving"] for m in json.load(open("'$OUT'/cluster-before.json"))["members"]))')"
loads http://127.0.0.1:8000 two
curl -fs http://127.0.0.1:8000/v1/cluster > $OUT/cluster-after.json
python3 -c '
import json; d=json.load(open("'$OUT'/cluster-after.json"))
for m in d["members"]:
  print(m["address"], m["roles"], m["status"], (m.get("load") or {}).get("served"), (m.get("load") or {}).get("generation_tokens"))'
curl -fs http://127.0.0.1:8000/metrics | grep -E "^qwenvl:replica_requests_routed|^vllm:generation_tokens_total" 
kill $fe $w0 $w1; wait 2>/dev/null
grep -iE "error|exception" $L/fe.log | head -5
python3 - <<'PY'
import json,os
o=os.environ['OUT']
for n in (64,512):
  a=json.load(open(f"{o}/one-{n}.json")); b=json.load(open(f"{o}/two-{n}.json"))
  ka=[k for k in a if 'output' in k and 'throughput' in k][0]
  print(f"n={n}: one worker {a[ka]:.0f} tok/s, frontend + two workers {b[ka]:.0f} tok/s, ratio {b[ka]/a[ka]:.2f}")
PY
