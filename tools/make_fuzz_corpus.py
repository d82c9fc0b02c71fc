#!/usr/bin/python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) and dictionaries (fuzz/dict/) from the test fixtures.

    /usr/bin/python3 tools/make_fuzz_corpus.py [--check]

Deterministic: the same fixtures give the same files, named by a hash of their content (deduplicated).
Existing seeds of a target are replaced. With --check nothing is written; the exit status says whether the
committed files are what the fixtures give. Only the standard library is used.

What each target gets (see fuzz/README.md):
  input_kwargs      every Input()/InputLayer kwargs object of input_cases.json, and type_spec= forms
  spec_from_json    every spec of spec_cases.json (kind form, tf.keras serialized forms, results)
  model_from_json   per layer class and format (Keras 3 config.json, tf.keras tf_keras.json, tfjs
                    model.json) the smallest fixture model that has it, plus a few whole small models
  model_load_keras  the smallest .keras files as they are, and split into the harness's structured form
                    (config.json, metadata.json, model.weights.h5 separated by the part separator)
  model_load_tfjs   model.json + shards of the smallest tfjs fixtures (float32, uint8, uint16, float16)
  predict           one well-formed input per model of fuzz_predict.cpp (its model list is read from there)
"""
import argparse
import hashlib
import json
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
MODELS = os.path.join(FIXTURES, "models")
FUZZ = os.path.join(ROOT, "fuzz")
SEPARATOR = b"\n@@inlay-part@@\n"  # fuzz/fuzz_common.hpp kPartSeparator


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def load(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return json.load(f)


def model_names():
    return sorted(d for d in os.listdir(MODELS) if os.path.isdir(os.path.join(MODELS, d)))


def keras_members(name):
    with zipfile.ZipFile(os.path.join(MODELS, name, "model.keras")) as z:
        return {n: z.read(n) for n in z.namelist()}


def read(path):
    with open(path, "rb") as f:
        return f.read()


def layer_classes(config):
    layers = config.get("config", {}).get("layers", [])
    return {layer.get("class_name") for layer in layers if isinstance(layer, dict)}


# ------------------------------------------------------------------------------------------------
# Seeds per target


def seeds_input_kwargs():
    out = [b"{}", b""]
    for case in load("input_cases.json")["cases"]:
        for step in case["steps"]:
            out.append(compact(step.get("kwargs", {})))
    specs = load("spec_cases.json")
    for case in specs["construct"][:12]:
        out.append(compact({"type_spec": case["args"]}))
    for case in specs["keras_serialized"]:
        out.append(compact({"type_spec": case["tf_keras_json"], "name": "x"}))
    return out


def seeds_spec_from_json():
    specs = load("spec_cases.json")
    out = []
    for case in specs["construct"]:
        out.append(compact(case["args"]))
        if case["result"].get("ok"):
            out.append(compact(case["result"]["spec"]))
    for case in specs["pairs"]:
        out += [compact(case["a"]), compact(case["b"])]
    for case in specs["keras_serialized"]:
        out += [compact(case["spec"]), compact(case["tf_keras_json"])]
    return out


def model_texts(name):
    """(format, bytes) of a fixture model's JSON forms."""
    members = keras_members(name)
    texts = [("keras3", compact(json.loads(members["config.json"])))]
    tf_keras = os.path.join(MODELS, name, "tf_keras.json")
    if os.path.exists(tf_keras):
        texts.append(("tf_keras", compact(json.loads(read(tf_keras)))))
    tfjs = os.path.join(MODELS, name, "tfjs", "model.json")
    if os.path.exists(tfjs):
        texts.append(("tfjs", compact(json.loads(read(tfjs)))))
    return texts


def seeds_model_from_json():
    # Greedy cover: for every (format, layer class) the smallest text that has it.
    best = {}
    for name in model_names():
        for fmt, text in model_texts(name):
            doc = json.loads(text)
            config = doc.get("modelTopology", {}).get("model_config", doc) if fmt == "tfjs" else doc
            for cls in layer_classes(config) | {config.get("class_name")}:
                key = (fmt, cls)
                if key not in best or len(text) < len(best[key]):
                    best[key] = text
    out = list(best.values())
    # Models of several inputs/outputs, shared layers and a bare Keras file config.
    for name in ("multi_input_multi_output", "shared_dense_reused_in_chain", "siamese_shared_cnn"):
        out += [text for _, text in model_texts(name)]
    out.append(compact({"model_config": json.loads(keras_members("logistic_regression")["config.json"])}))
    # Quantized layers (their policies, quantization_config, int4 blocks, float8 scales).
    for name in QUANTIZED_SEEDS:
        out.append(compact(json.loads(quantized_members(name)["config.json"])))
    return out


QUANTIZED = os.path.join(FIXTURES, "quantized")
# One quantized model per mode and class (tests/fixtures/quantized/, tools/fixtures/gen_quantized_fixtures.py).
QUANTIZED_SEEDS = ("mlp_int8", "mlp_int4_block8", "mlp_float8", "text_int4", "transformer_int8",
                   "keras-3.12/mlp_int4")


def quantized_members(name):
    with zipfile.ZipFile(os.path.join(QUANTIZED, name, "model.keras")) as z:
        return {n: z.read(n) for n in z.namelist()}


def smallest(names, size_of, n):
    return sorted(names, key=lambda name: (size_of(name), name))[:n]


def seeds_model_load_keras():
    names = smallest(model_names(), lambda n: os.path.getsize(os.path.join(MODELS, n, "model.keras")), 3)
    out = [read(os.path.join(MODELS, n, "model.keras")) for n in names]
    for n in names + ["conv_bn_relu"]:
        m = keras_members(n)
        out.append(SEPARATOR.join([m["config.json"], m["metadata.json"], m["model.weights.h5"]]))
    for n in ("mlp_int8", "text_int4", "transformer_int4_block8"):
        m = quantized_members(n)
        out.append(SEPARATOR.join([m["config.json"], m["metadata.json"], m["model.weights.h5"]]))
    return out


def tfjs_seed(directory):
    model_json = read(os.path.join(directory, "model.json"))
    parts = [model_json]
    for group in json.loads(model_json).get("weightsManifest", []):
        for path in group["paths"]:
            parts.append(read(os.path.join(directory, path)))
    return SEPARATOR.join(parts)


def seeds_model_load_tfjs():
    def shard_bytes(name):
        d = os.path.join(MODELS, name, "tfjs")
        return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))

    # Models the tfjs converter cannot write (a nested model) have no tfjs folder.
    with_tfjs = [n for n in model_names() if os.path.isdir(os.path.join(MODELS, n, "tfjs"))]
    names = smallest(with_tfjs, shard_bytes, 5)
    out = [tfjs_seed(os.path.join(MODELS, n, "tfjs")) for n in names]
    for variant in ("tfjs", "tfjs_uint8", "tfjs_uint16", "tfjs_float16"):
        out.append(tfjs_seed(os.path.join(MODELS, "logistic_regression", variant)))
    out.append(tfjs_seed(os.path.join(MODELS, "conv_bn_relu", "tfjs_uint8")))
    return out


def predict_models():
    with open(os.path.join(FUZZ, "fuzz_predict.cpp"), encoding="utf-8") as f:
        source = f.read()
    lists = []
    for array in ("kFixed", "kVariable"):
        body = re.search(array + r"\[\] = \{(.*?)\};", source, re.S).group(1)
        lists.append(re.findall(r'"([^"]+)"', body))
    return lists


def seeds_predict():
    fixed, variable = predict_models()
    out = []
    for index, name in enumerate(fixed + variable):
        config = json.loads(keras_members(name)["config.json"])
        inputs = [layer["config"]["batch_shape"] for layer in config["config"]["layers"]
                  if layer["class_name"] == "InputLayer"]
        # byte 0: model; byte 1: flags (counts right, NULL outputs, no prepare); per input: mode 0x11
        # (float32, the model's rank, dense) and one 0x00 byte per dim (the model's dim, None -> 1); then data.
        seed = bytes([index, 0x09])
        for shape in inputs:
            seed += bytes([0x11]) + bytes(len(shape))
        seed += bytes(range(1, 65))  # small, varied values (as float32 bit patterns: tiny denormals and more)
        out.append(seed)
        # The same with a batch of 3, pre-allocated outputs and prepare first.
        seed = bytes([index, 0xC9])
        for shape in inputs:
            seed += bytes([0x11, 0x20]) + bytes(len(shape) - 1)
        seed += bytes(64)
        out.append(seed)
    return out


TARGETS = {
    "input_kwargs": seeds_input_kwargs,
    "spec_from_json": seeds_spec_from_json,
    "model_from_json": seeds_model_from_json,
    "model_load_keras": seeds_model_load_keras,
    "model_load_tfjs": seeds_model_load_tfjs,
    "predict": seeds_predict,
}

# ------------------------------------------------------------------------------------------------
# Dictionaries


def dict_line(token):
    data = token.encode("utf-8") if isinstance(token, str) else token
    escaped = "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else
                      ("\\" + chr(b) if b in b'"\\' else "\\x%02X" % b) for b in data)
    return '"%s"' % escaped


JSON_TOKENS = ["{", "}", "[", "]", ",", ":", "null", "true", "false", "0", "-1", "1", "-0", "1e400", "-1e400",
               "1.5", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
               "18446744073709551616", "4294967296", "2147483648", "\"\"", "\"\\u0000\"", "\\ud800", "[[[[[[[[",
               "{\"\":{\"\":{\"\":", "\ufeff"]


def strings_of(value, keys, values):
    if isinstance(value, dict):
        for k, v in value.items():
            keys.add(k)
            strings_of(v, keys, values)
    elif isinstance(value, list):
        for v in value:
            strings_of(v, keys, values)
    elif isinstance(value, str) and len(value) <= 40:
        values.add(value)


def dict_json():
    keys, values = set(), set()
    for case in load("input_cases.json")["cases"]:
        for step in case["steps"]:
            strings_of(step.get("kwargs", {}), keys, values)
    specs = load("spec_cases.json")
    for section in ("construct", "pairs", "keras_serialized"):
        for case in specs[section]:
            for field in ("args", "a", "b", "spec", "tf_keras_json"):
                if field in case:
                    strings_of(case[field], keys, values)
    dtypes = ["float32", "float64", "float16", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "uint16",
              "uint32", "uint64", "bool", "string", "float8_e4m3fn", "float8_e5m2", "complex64", "complex128",
              "int", "float", "double", "half"]
    tokens = JSON_TOKENS + ['"%s"' % k for k in sorted(keys)] + ['"%s"' % v for v in sorted(values | set(dtypes))]
    return tokens


def dict_keras():
    keys, values = set(), set()
    for name in model_names():
        for _, text in model_texts(name):
            strings_of(json.loads(text), keys, values)
    values = {v for v in values if not re.fullmatch(r"(group\d+-shard\d+of\d+\.bin)", v)}
    tokens = ['"%s"' % k for k in sorted(keys)] + ['"%s"' % v for v in sorted(values)]
    tokens += ["Functional", "Sequential", "Model", "__keras_tensor__", "keras_history", "inbound_nodes",
               "weightsManifest", "modelTopology", "layers-model", "graph-model", "quantization",
               "original_dtype", "paths", "shard.bin", "../x", "/etc/passwd", "a\\b",
               SEPARATOR, b"PK\x03\x04", b"\x89HDF\r\n\x1a\n"]
    return tokens


def write_dict(path, tokens, check):
    seen, lines = set(), ["# Generated by tools/make_fuzz_corpus.py from the fixtures; do not edit."]
    for token in tokens:
        line = dict_line(token)
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return write(path, ("\n".join(lines) + "\n").encode("utf-8"), check)


# ------------------------------------------------------------------------------------------------


def write(path, data, check):
    if os.path.exists(path) and read(path) == data:
        return True
    if check:
        print("differs: " + os.path.relpath(path, ROOT))
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when something differs")
    args = parser.parse_args()
    same = True
    total = 0
    for target, make in TARGETS.items():
        directory = os.path.join(FUZZ, "corpus", target)
        seeds = {}
        for seed in make():
            seeds.setdefault(hashlib.sha1(seed).hexdigest()[:16], seed)
        existing = set(os.listdir(directory)) if os.path.isdir(directory) else set()
        for stale in sorted(existing - set(seeds)):
            same = False
            if args.check:
                print("stale: " + os.path.join("fuzz", "corpus", target, stale))
            else:
                os.remove(os.path.join(directory, stale))
        for name, seed in sorted(seeds.items()):
            same &= write(os.path.join(directory, name), seed, args.check)
        size = sum(len(s) for s in seeds.values())
        total += size
        print("%-18s %4d seeds %8d bytes" % (target, len(seeds), size))
    same &= write_dict(os.path.join(FUZZ, "dict", "json.dict"), dict_json(), args.check)
    same &= write_dict(os.path.join(FUZZ, "dict", "keras.dict"), dict_json() + dict_keras(), args.check)
    print("total %d bytes" % total)
    return 0 if same or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
