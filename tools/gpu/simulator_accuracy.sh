#!/usr/bin/env bash
# On the GPU machine with .gpu/ carried (.gpu/app.tar.xz: a published App/QwenVL.App.csproj): profiles the 2B shapes with
# qwenvl bench profile, runs two workloads through qwenvl serve with qwenvl bench serve and the same workloads through
# qwenvl simulate with that profile, and prints simulated / real for TTFT p50, TPOT p50 and output throughput.
set -u
cd "$(dirname "$0")/.."
export OUT=${OUT:-/tmp/out}
L=/tmp/logs; mkdir -p $L
mkdir -p .gpu/app && tar -C .gpu/app -xJf .gpu/app.tar.xz
[ -f /tmp/q2b/config.json ] || python3 .gpu/make_reference.py --size 2b --out /tmp/q2b --no-reference > $L/mk.log 2>&1
Q="bash .gpu/run.sh .gpu/app/QwenVL.App.dll"
t0=$SECONDS
timeout 360 $Q bench profile --model /tmp/q2b --out $OUT/profile.json --max-model-len 8192 > $L/profile.txt 2>&1; echo "profile rc=$? $((SECONDS-t0)) s"; tail -40 $L/profile.txt
$Q serve /tmp/q2b --host 127.0.0.1 --port 8000 --max-model-len 8192 > $L/serve.log 2>&1 & server=$!
for _ in $(seq 1 600); do curl -fs http://127.0.0.1:8000/health > /dev/null 2>&1 && break; sleep 0.1; done
timeout 60 $Q bench serve --url http://127.0.0.1:8000 --workload text --input-len 64 --num-prompts 32 --request-rate inf --output-len 16 > /dev/null 2>&1
timeout 120 $Q bench serve --url http://127.0.0.1:8000 --workload text --input-len 300 --num-prompts 400 --request-rate 20 --output-len 128 --seed 1 --json $OUT/real-text.json > $L/real-text.txt 2>&1; echo "real text rc=$?"
timeout 120 $Q bench serve --url http://127.0.0.1:8000 --workload image --num-prompts 240 --request-rate 16 --output-len 128 --seed 1 --json $OUT/real-image.json > $L/real-image.txt 2>&1; echo "real image rc=$?"
# The same two runs again, other arrivals: how far the real figures move between runs.
timeout 120 $Q bench serve --url http://127.0.0.1:8000 --workload text --input-len 300 --num-prompts 400 --request-rate 20 --output-len 128 --seed 2 --json $OUT/real-text-2.json > /dev/null 2>&1
timeout 120 $Q bench serve --url http://127.0.0.1:8000 --workload image --num-prompts 240 --request-rate 16 --output-len 128 --seed 2 --json $OUT/real-image-2.json > /dev/null 2>&1
kill $server; wait $server 2>/dev/null
python3 - <<'PY'
import json,os
o=os.environ['OUT']
t=json.load(open(o+'/real-text.json')); i=json.load(open(o+'/real-image.json'))
pt=round(t['total_input_tokens']/t['completed']); 
json.dump({"requests":400,"rate":20,"seed":7,"prompt_tokens":{"min":pt,"max":pt},"output_tokens":{"min":128,"max":128}},open(o+'/w-text.json','w'))
json.dump({"requests":240,"rate":16,"seed":7,"prompt_tokens":{"min":16,"max":16},"output_tokens":{"min":128,"max":128},"image_fraction":1,"image_size":448},open(o+'/w-image.json','w'))
print("text prompt tokens", pt, "image prompt tokens", round(i['total_input_tokens']/i['completed']))
PY
for w in text image; do
  timeout 200 $Q simulate --profile $OUT/profile.json --workload $OUT/w-$w.json --model /tmp/q2b --max-model-len 8192 --json $OUT/sim-$w.json > $L/sim-$w.txt 2>&1; echo "sim $w rc=$?"; tail -4 $L/sim-$w.txt
done
python3 - <<'PY'
import json,os
o=os.environ['OUT']
for w in ('text','image'):
  r=json.load(open(f"{o}/real-{w}.json")); s=json.load(open(f"{o}/sim-{w}.json"))
  for k in ('median_ttft_ms','median_tpot_ms','output_throughput'):
    r2=json.load(open(f"{o}/real-{w}-2.json"))[k]
    print(f"{w:6s} {k:18s} real {r[k]:9.2f} (again {r2:9.2f}) sim {s[k]:9.2f} sim/real {s[k]/r[k]:.3f} (again {s[k]/r2:.3f})")
PY
cp $L/profile.txt $L/sim-text.txt $OUT/ 2>/dev/null
