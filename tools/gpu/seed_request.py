#!/usr/bin/env python3
"""The seed blog's request against a running server: a base64 JPEG and 图片中有什么?, whole and streamed
($SEED_TEMPERATURE overrides its temperature of 0.7).
Prints status, timings and the start of each answer; exits non-zero if either fails."""
import base64, io, json, os, sys, time, urllib.request

from PIL import Image

base, model = sys.argv[1], sys.argv[2]
img = Image.new("RGB", (448, 448))
img.putdata([((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256) for y in range(448) for x in range(448)])
buf = io.BytesIO()
img.save(buf, format="JPEG", quality=90)
url = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
body = {
    "model": model,
    "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": "图片中有什么?"}]},
    ],
    "temperature": float(os.environ.get("SEED_TEMPERATURE", "0.7")), "top_p": 0.8, "repetition_penalty": 1.05, "max_tokens": 1024,
}


def post(payload):
    req = urllib.request.Request(base + "/v1/chat/completions", json.dumps(payload).encode(), {"Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=300)


t0 = time.perf_counter()
with post(body) as r:
    answer = json.load(r)
dt = time.perf_counter() - t0
usage = answer["usage"]
print(f"non-streaming: HTTP 200 in {dt:.2f} s, usage {usage}, {usage['completion_tokens'] / dt:.0f} tok/s end to end, "
      f"finish {answer['choices'][0]['finish_reason']}")
print("  content:", repr(answer["choices"][0]["message"]["content"][:120]))

t0 = time.perf_counter()
first = None
chunks = 0
with post({**body, "stream": True, "stream_options": {"include_usage": True}}) as r:
    for line in r:
        line = line.decode().strip()
        if not line.startswith("data:") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[5:])
        for c in chunk["choices"]:
            if c["delta"].get("content") and first is None:
                first = time.perf_counter() - t0
        chunks += 1
        if chunk.get("usage"):
            usage = chunk["usage"]
dt = time.perf_counter() - t0
print(f"streaming: {chunks} chunks in {dt:.2f} s, time to first token {first:.3f} s, usage {usage}")
