"""Builds reference.safetensors and reference.json with the official
`safetensors` package (0.8.0) and numpy (2.x): an independent check of
io/safetensors.ts and io/float16.ts. Rerun with:  python3 make-reference.py
"""
import json
import struct

import numpy as np
from safetensors.numpy import save_file

rng = np.random.default_rng(7)

# float32 values whose float16 rounding is delicate, plus random ones over a wide range.
edge = [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 65504.0, 65519.0, 65519.996, 65520.0, 1e6, -1e6,
        2.0**-24, 2.0**-25, np.nextafter(np.float32(2.0**-25), np.float32(1)), 3 * 2.0**-26,
        5 * 2.0**-26, 2.0**-14, 2.0**-14 - 2.0**-24, 2.0**-14 - 2.0**-25, 2.0**-26, 1e-30, 1e-45,
        1 + 2.0**-11, 1 + 3 * 2.0**-11, 2048 + 1, 2048 + 3, float('inf'), float('-inf'), float('nan'),
        -2.0**-25, -(2.0**-24) * 1.5]
f16_in = np.array(edge, dtype=np.float32)
wide = (rng.standard_normal(2000) * np.exp(rng.uniform(-20, 12, 2000))).astype(np.float32)
f16_in = np.concatenate([f16_in, wide])
with np.errstate(over="ignore"):
    f16 = f16_in.astype(np.float16)

tensors = {
    "f32": np.array([[1.5, -2.25, 3.0e-5], [1e30, -0.0, 7.0]], dtype=np.float32),
    "f64": np.array([np.pi, -1e-300], dtype=np.float64),
    "f16": f16,
    "i64": np.array([-(2**40), 0, 2**53 - 1, -(2**63)], dtype=np.int64),
    "u64": np.array([2**64 - 1, 5], dtype=np.uint64),
    "i32": np.array([[-(2**31), -1], [0, 2**31 - 1]], dtype=np.int32),
    "u32": np.array([0, 4294967295], dtype=np.uint32),
    "i16": np.array([-32768, 32767, -2], dtype=np.int16),
    "u16": np.array([0, 65535, 300], dtype=np.uint16),
    "i8": np.array([-128, -1, 0, 127], dtype=np.int8),
    "u8": np.array([0, 1, 127, 128, 255], dtype=np.uint8),
    "bool": np.array([True, False, True], dtype=np.bool_),
    "scalar": np.array(3.25, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "weird name/with.dots \u00e9": np.arange(6, dtype=np.int32).reshape(3, 2, 1),
}
metadata = {"format": "np", "note": "unicode \u2713 text"}
save_file(tensors, "reference.safetensors", metadata=metadata)


def bits32(a):
    return [int(x) for x in np.asarray(a, dtype=np.float32).view(np.uint32)]


reference = {
    "metadata": metadata,
    "shapes": {k: list(v.shape) for k, v in tensors.items()},
    "dtypes": {"f32": "F32", "f64": "F64", "f16": "F16", "i64": "I64", "u64": "U64", "i32": "I32",
               "u32": "U32", "i16": "I16", "u16": "U16", "i8": "I8", "u8": "U8", "bool": "BOOL",
               "scalar": "F32", "empty": "F32", "weird name/with.dots \u00e9": "I32"},
    # Exact values: float32 as bit patterns, 64-bit integers as decimal strings.
    "f32_bits": bits32(tensors["f32"].ravel()),
    "f64": [float(x) for x in tensors["f64"]],
    "f16_input_f32_bits": bits32(f16_in),
    "f16_bits": [int(x) for x in f16.view(np.uint16)],
    "i64": [str(int(x)) for x in tensors["i64"]],
    "u64": [str(int(x)) for x in tensors["u64"]],
    "i32": [int(x) for x in tensors["i32"].ravel()],
    "u32": [int(x) for x in tensors["u32"]],
    "i16": [int(x) for x in tensors["i16"]],
    "u16": [int(x) for x in tensors["u16"]],
    "i8": [int(x) for x in tensors["i8"]],
    "u8": [int(x) for x in tensors["u8"]],
    "bool": [int(x) for x in tensors["bool"]],
    "weird": [int(x) for x in tensors["weird name/with.dots \u00e9"].ravel()],
}
with open("reference.json", "w", encoding="utf-8") as f:
    json.dump(reference, f, ensure_ascii=False)
    f.write("\n")

n = struct.unpack("<Q", open("reference.safetensors", "rb").read(8))[0]
print("header length", n, "file size", len(open("reference.safetensors", "rb").read()))

# A tiny checkpoint folder for loadCheckpoint (URL / path / fetch).
import os

os.makedirs("tiny-checkpoint", exist_ok=True)
tiny = {
    "embed.weight": (np.arange(12, dtype=np.float32).reshape(4, 3) - 5.5) / 4,
    "head.bias": np.array([0.5, -1.0, 2.0**-20, 65504], dtype=np.float16),
    "codes": np.array([[0, 1, 2, 3], [255, 128, 64, 7]], dtype=np.uint8),
}
save_file(tiny, "tiny-checkpoint/model.safetensors", metadata={"format": "np"})
with open("tiny-checkpoint/config.json", "w", encoding="utf-8") as f:
    json.dump({"vocabSize": 4, "width": 3, "name": "tiny"}, f, indent=2)
    f.write("\n")
