#!/usr/bin/env python3
"""Pillow's figure for the receipt benchmark (`bench/src/bin/receipt.rs` runs this).

Fully decodes a JPEG file and makes the same thumbnail as `files::inspect` (longest side
512 px, JPEG quality 80, written to memory), timed per iteration:

    Image.open(bytes) -> convert('RGB') (a full decode: no draft mode) -> thumbnail((512, 512))
    -> save as JPEG to memory

The file is read into memory once, as the Rust side gets its bytes. Pillow is installed with
pip when missing. Prints one JSON object on its last line:
{"pillow": "...", "libjpeg_turbo": "...", "ms": [per-iteration milliseconds]}.

    python3 bench/pillow_receipt.py FILE [--iterations N] [--warmup N] [--size 512]
"""
import argparse
import io
import json
import subprocess
import sys
import time


def pillow():
    try:
        from PIL import Image  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "pillow"],
            check=True,
            stdout=sys.stderr,
        )
    import PIL
    from PIL import Image, features

    return PIL.__version__, Image, features


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args()

    version, Image, features = pillow()
    with open(args.file, "rb") as f:
        data = f.read()

    def once():
        with Image.open(io.BytesIO(data)) as im:
            # convert() loads (decodes) the whole image at full size first; no draft().
            rgb = im.convert("RGB")
        rgb.thumbnail((args.size, args.size))
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=80)
        return rgb.size, len(out.getvalue())

    size, thumb_bytes = once()
    for _ in range(args.warmup):
        once()
    times = []
    for _ in range(args.iterations):
        t = time.perf_counter()
        once()
        times.append((time.perf_counter() - t) * 1000.0)
    print(
        json.dumps(
            {
                "pillow": version,
                "libjpeg_turbo": features.version("libjpeg_turbo") or "",
                "thumbnail": list(size),
                "thumbnail_bytes": thumb_bytes,
                "ms": times,
            }
        )
    )


if __name__ == "__main__":
    main()
