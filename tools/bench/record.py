#!/usr/bin/env python3
"""Records one device run in Bench/results/ and rebuilds Bench/RESULTS.md from every recorded run.

  python3 tools/bench/record.py --ours OURS.json --hf HF.json --name WHAT [--serve SERVE.json] [--note TEXT] [--commit SHA]

OURS.json is `qwenvl bench --workload all --json` output, HF.json is ../shared/gpu/hf_baseline.py's from the same
device run, SERVE.json is `qwenvl bench serve --json` output against `qwenvl serve` in that run. The run is written
to Bench/results/<date>-<device>-bench-all-<WHAT>.json (and -bench-serve-<WHAT>.json), WHAT a few words, dashed,
for what the run measured (e.g. tensor-core-decode-attention); each file carries the device name, the commit and the
command. --commit corrects a commit the app could not know (a build from an uncommitted tree).
"""
import argparse, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "Bench", "results")
WORKLOADS = ["single_image", "batch_image", "batch_text"]


def device_tag(name):
    m = re.search(r"(H100|H200|A100|L40S|L4)", name or "")
    return m.group(1).lower() if m else re.sub(r"[^a-z0-9]+", "-", (name or "cpu").lower()).strip("-")


def record(args):
    ours = json.load(open(args.ours))
    hf = json.load(open(args.hf))
    if args.commit:
        ours["commit"] = args.commit
    date = ours["date"][:10]
    tag = device_tag(ours.get("gpu") or ours.get("device_name"))
    run = {"device": ours.get("gpu") or ours.get("device_name"), "commit": ours["commit"], "command": ours["command"],
           "hf_command": "python3 ../shared/gpu/hf_baseline.py --model DIR --json HF.json (same device run)",
           "note": args.note or "", "ours": ours, "hf_baseline": hf}
    os.makedirs(RESULTS, exist_ok=True)
    what = re.sub(r"[^a-z0-9]+", "-", args.name.lower()).strip("-")
    base = os.path.join(RESULTS, f"{date}-{tag}-bench-all-{what}")
    path = base + ".json"
    n = 2
    while os.path.exists(path):
        path = f"{base}-{n}.json"
        n += 1
    json.dump(run, open(path, "w"), indent=1, ensure_ascii=False)
    print("wrote", os.path.relpath(path, ROOT))
    if args.serve:
        serve = json.load(open(args.serve))
        # per-request lists (every inter-token gap) would make the history megabytes a run; the summary stays
        serve = {k: v for k, v in serve.items() if not isinstance(v, list) or k == "errors"}
        serve_run = {"device": run["device"], "commit": run["commit"], "date": ours["date"], "command": args.serve_command, "note": args.note or "",
                     "result": serve}
        spath = path[:-len(".json")].replace("-bench-all-", "-bench-serve-", 1) + ".json"
        json.dump(serve_run, open(spath, "w"), indent=1, ensure_ascii=False)
        print("wrote", os.path.relpath(spath, ROOT))


def json_cell(ours):
    """batch_json against our own batch_text of the same run (Hugging Face has no constrained workload), with the
    host's mask cost per token; empty for runs from before the workload existed."""
    j, t = ours.get("batch_json"), ours.get("batch_text")
    if not j or not t:
        return ""
    cell = (f"{j['output_tok_per_s']:,.0f} ({j['output_tok_per_s'] / t['output_tok_per_s']:.2f}× text); "
            f"mask {j['mask_us_p50']:.0f} / {j['mask_us_p99']:.0f} µs")
    sj, st = ours.get("single_json"), ours.get("single_text")
    if sj and st:
        cell += f"; single stream {sj['decode_tok_per_s_per_seq'] / st['decode_tok_per_s_per_seq']:.2f}× text"
    return cell


def table():
    rows, serve_rows, dp_rows, sim_rows = [], [], [], []
    runs = [(name, json.load(open(os.path.join(RESULTS, name)))) for name in os.listdir(RESULTS) if name.endswith(".json")]
    runs.sort(key=lambda r: ((r[1].get("ours") or {}).get("date") or r[1].get("date") or "", r[0]))
    for name, run in runs:
        if "ours" in run:
            o, h = run["ours"], run["hf_baseline"]
            cells = [name, run["device"], run["commit"][:7]]
            for w in WORKLOADS:
                a, b = o[w], h[w]
                cells.append(f"{a['output_tok_per_s']:,.0f} / {b['output_tok_per_s']:,.1f} (×{a['output_tok_per_s'] / b['output_tok_per_s']:.1f})")
            cells.append(json_cell(o))
            a = o["single_image"]
            cells.append(f"{a['decode_tok_per_s_per_seq']:.0f} / {h['single_image']['decode_tok_per_s_per_seq']:.1f}")
            cells.append(f"{a['ttft_s'] * 1000:.0f} / {h['single_image']['ttft_s'] * 1000:.0f}")
            floor = h.get("decode_floor_ms_per_step")
            cells.append(f"{1000 / a['decode_tok_per_s_per_seq'] / floor:.2f}×" if floor else "")
            cells.append(f"{o['peak_mem_GiB']:.2f} / {h['peak_mem_GiB']:.2f}")
            rows.append(cells)
        elif "profile" in run and "rows" in run:
            for r in run["rows"]:
                again = f"{r['real_again']:,.2f} ({r['ratio_again']:.2f})" if "real_again" in r else ""
                sim_rows.append([name, run["commit"][:7], r["workload"], r["metric"], f"{r['real']:,.2f}", f"{r['simulated']:,.2f}", f"{r['ratio']:.2f}", again])
        elif "ratios" in run:
            for n in (64, 512):
                one, two = run["runs"][f"one-{n}"], run["runs"][f"two-{n}"]
                dp_rows.append([name, run["device"], run["commit"][:7], f"{n}", f"{one['output_throughput']:,.0f}", f"{two['output_throughput']:,.0f}",
                                f"{two['output_throughput'] / one['output_throughput']:.2f}×"])
        elif "result" in run:
            r = run["result"]
            serve_rows.append([name, run["device"], run["commit"][:7], f"{r.get('request_rate', '')}", f"{r['completed']}",
                               f"{r['p50_ttft_ms']:.1f} / {r['p99_ttft_ms']:.1f}", f"{r['p50_tpot_ms']:.2f} / {r['p99_tpot_ms']:.2f}",
                               f"{r['p50_e2el_ms']:.0f} / {r['p99_e2el_ms']:.0f}", f"{r['output_throughput']:,.0f}"])
    out = ["# Benchmark history", "",
           "Each row is one device run: `qwenvl bench --workload all` and `../shared/gpu/hf_baseline.py` (Hugging Face",
           "transformers, eager, bf16, sdpa) on the same GPU in the same call, 2B shapes with random weights",
           "(`make_reference.py --size 2b`). Throughputs are output tokens/s, ours / Hugging Face's. The floor ratio is",
           "our single-stream decode step against `decode_floor_ms_per_step` (LLM weight bytes / measured copy bandwidth).",
           "The JSON files beside this one hold every field, the commit and the command. Written by `tools/bench/record.py`.", "",
           "| run | device | commit | single_image | batch_image (32) | batch_text (64) | batch_json (64), ours only | decode tok/s/seq (single) | TTFT ms (single) | step / floor | peak GiB |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(c) + " |" for c in rows]
    if serve_rows:
        out += ["", "`qwenvl bench serve` against `qwenvl serve` (image requests: one 448×448 image, 128 output tokens each):", "",
                "| run | device | commit | rate (req/s) | requests | TTFT p50 / p99 ms | TPOT p50 / p99 ms | E2E p50 / p99 ms | output tok/s |",
                "|---|---|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c) + " |" for c in serve_rows]
    if dp_rows:
        out += ["", "Data parallelism: `qwenvl bench serve --workload text --input-len 400 --output-len 128 --request-rate inf` against one",
                "worker alone and against a frontend with two workers, one per GPU (the note in each file says why 64 requests scale less):", "",
                "| run | device | commit | requests | one worker tok/s | frontend + two workers tok/s | ratio |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c) + " |" for c in dp_rows]
    if sim_rows:
        out += ["", "Simulator accuracy: `qwenvl simulate` with a profile from `qwenvl bench profile` against `qwenvl bench serve` on the real",
                "server, same device and call (the target is within 10%; each file's note says what its run showed). \"again\": a second",
                "real run with other arrivals on the same server, and simulated / that run.", "",
                "| run | commit | workload | metric | real | simulated | simulated / real | real again (simulated / it) |",
                "|---|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c) + " |" for c in sim_rows]
    open(os.path.join(ROOT, "Bench", "RESULTS.md"), "w").write("\n".join(out) + "\n")
    print("wrote Bench/RESULTS.md")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours")
    ap.add_argument("--hf")
    ap.add_argument("--serve")
    ap.add_argument("--serve-command", default="")
    ap.add_argument("--name", help="what the run measured, a few words: part of the file names")
    ap.add_argument("--note")
    ap.add_argument("--commit")
    a = ap.parse_args()
    if a.ours and a.hf:
        if not a.name:
            ap.error("--name is needed with --ours and --hf: the result files are named for what the run measured")
        record(a)
    table()
