#!/usr/bin/env python3
"""What transformers computes in bf16 on the GPU from a 2B-shaped checkpoint (make_reference.py --size 2b),
for one text chat and one image chat, in make_reference.py's reference format:

  python3 hf_reference_2b.py MODEL_DIR OUT_DIR

OUT_DIR gets reference.json (chats: name, messages, images, prompt_text, input_ids, greedy_tokens (12, with
min_new_tokens so EOS cannot end them), greedy_top2_margins, greedy_text, last_top5), reference.safetensors
(`<case>.last_logits`, float32) and images/ (the deterministic 448x448 PNG the image chat uses).
The model runs in bfloat16 on cuda with sdpa attention.
"""
import inspect, json, os, sys, time

import torch
from safetensors.torch import save_file

IMAGE_PAD = 151655
NEW_TOKENS = 12


def synthetic_image(w, h, seed):
    """make_reference.py's picture: gradients, stripes, seeded noise and a disc outline."""
    from PIL import Image, ImageDraw
    g = torch.Generator().manual_seed(seed)
    ys = torch.arange(h).float()[:, None].expand(h, w)
    xs = torch.arange(w).float()[None, :].expand(h, w)
    r = (xs * 255 / max(w - 1, 1))
    gch = (ys * 255 / max(h - 1, 1))
    b = 127 + 120 * torch.sin((xs + ys) / 7.0)
    arr = torch.stack([r, gch, b], -1)
    arr = arr + torch.randint(-12, 13, arr.shape, generator=g).float()
    arr = arr.clamp(0, 255).to(torch.uint8).numpy()
    img = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(img)
    d.ellipse([w // 4, h // 4, 3 * w // 4, 3 * h // 4], outline=(250, 20, 20), width=3)
    return img


def main(model_dir, out):
    from PIL import Image
    from transformers import AutoImageProcessor, AutoTokenizer, Qwen2VLForConditionalGeneration
    images_dir = os.path.join(out, "images")
    os.makedirs(images_dir, exist_ok=True)
    image_name = "seed_448x448.png"
    synthetic_image(448, 448, 11).save(os.path.join(images_dir, image_name))

    tok = AutoTokenizer.from_pretrained(model_dir)
    proc = AutoImageProcessor.from_pretrained(model_dir, use_fast=False)
    t0 = time.time()
    model, info = Qwen2VLForConditionalGeneration.from_pretrained(
        model_dir, dtype=torch.bfloat16, attn_implementation="sdpa", device_map="cuda", output_loading_info=True)
    bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if bad:
        print("LOADING PROBLEM", bad)
        sys.exit(3)
    model.eval()
    print(f"loaded {model_dir} in bf16 on {torch.cuda.get_device_name()} in {time.time() - t0:.1f}s", flush=True)

    cases = [
        ("text_hello", [{"role": "user", "content": "Hello, who are you?"}], []),
        ("image_448_question", [{"role": "user", "content": [
            {"type": "image"}, {"type": "text", "text": "图片中有什么?"}]}], [image_name]),
    ]
    import transformers
    meta = {"transformers": transformers.__version__, "torch": torch.__version__, "dtype": "bfloat16",
            "attn_implementation": "sdpa", "device": torch.cuda.get_device_name(), "chats": []}
    tensors = {}
    for name, messages, img_names in cases:
        text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = tok(text, add_special_tokens=False)["input_ids"]
        entry = {"name": name, "messages": messages, "images": img_names, "prompt_text": text}
        kw = {}
        if img_names:
            pil = [Image.open(os.path.join(images_dir, n)).convert("RGB") for n in img_names]
            pr = proc(images=pil, return_tensors="pt")
            grid = pr["image_grid_thw"]
            entry["image_grid_thw"] = grid.tolist()
            counts = [int(t * h * w // 4) for t, h, w in grid.tolist()]
            exp, k = [], 0
            for t in ids:
                if t == IMAGE_PAD:
                    exp.extend([IMAGE_PAD] * counts[k]); k += 1
                else:
                    exp.append(t)
            ids = exp
            kw.update(pixel_values=pr["pixel_values"].to("cuda", torch.bfloat16), image_grid_thw=grid.to("cuda"))
        input_ids = torch.tensor([ids], device="cuda")
        entry["input_ids"] = ids
        kw.update(input_ids=input_ids, attention_mask=torch.ones_like(input_ids))
        if "mm_token_type_ids" in inspect.signature(model.forward).parameters:
            tt = torch.zeros_like(input_ids)
            tt[input_ids == IMAGE_PAD] = 1
            kw["mm_token_type_ids"] = tt
        with torch.no_grad():
            logits = model(**kw).logits[0, -1].float()
            tensors[f"{name}.last_logits"] = logits.cpu().contiguous()
            gen = model.generate(**kw, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False,
                                 output_scores=True, return_dict_in_generate=True)
        new = gen.sequences[0, input_ids.shape[1]:].tolist()
        margins = []
        for sc in gen.scores:
            top = torch.topk(sc[0].float(), 2).values
            margins.append(float(top[0] - top[1]))
        entry["greedy_tokens"] = new
        entry["greedy_top2_margins"] = margins
        entry["greedy_text"] = tok.decode(new)
        top = torch.topk(logits, 5)
        entry["last_top5"] = {"ids": top.indices.tolist(), "logits": top.values.tolist()}
        meta["chats"].append(entry)
        print(f"case {name}: {len(ids)} tokens, |last logits| max {logits.abs().max():.3f}, greedy {new}, "
              f"margins {[round(m, 3) for m in margins]}", flush=True)
    save_file(tensors, os.path.join(out, "reference.safetensors"))
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
