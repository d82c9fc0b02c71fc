"""Writes whole sequence models (issue 17's "Why": text classifiers, time series, Transformers, seq2seq) with the
real Keras 3 and tf_keras 2 (seeded random weights), each into a folder of its own under
tests/fixtures/sequence_models/<name>/, for the CTests of tests/sequence_models/:

  model.keras                      Keras 3 model.save() (zip rewritten with fixed dates, as
                                   tools/fixtures/gen_model_fixtures.py does)
  summary.txt                      Keras 3's model.summary() text (line_length=None, COLUMNS=250)
  input_b1.npy, input_b8.npy       inputs at batch 1 and 8 (input_<i>_b<batch>.npy for several inputs): int32
                                   token ids with zero padding, each row its own length; float32 for the
                                   float-input models. Models with a `None` time axis get another length at
                                   batch 1 than at batch 8.
  expected_b1.npy, expected_b8.npy Keras 3's model.predict (expected_<i>_b<batch>.npy for several outputs)
and, where tf_keras builds the same model (every model here but those listed in TF_KERAS_SKIPPED):
  model.h5                         tf_keras model.save(save_format="h5"), the same weights layer by layer
  tf_keras.json                    tf_keras model.to_json() (its weights are model.h5's)
  tfjs/model.json (+ shards)       tensorflowjs_converter of model.h5, where the converter can
  expected_tf_keras_b<batch>.npy   tf_keras's predict

Weights: numpy RandomState(crc32(name)) in model.weights order, as make_app_models.py draws them (He-scaled
kernels, biases 0.1 n, LayerNormalization gamma 1 + 0.1 n), except embeddings (standard normal x 0.5, so that
token vectors are of order 1 rather than sqrt(2 / vocab)). Inputs are seeded by crc32(name + "/b<batch>").

Run (the fixture venv; tensorflowjs for the tfjs files, see gen_model_fixtures.py's TFJS_CONVERTER):
  KERAS_BACKEND=tensorflow /tmp/kvenv/bin/python tools/realmodels/make_seq_models.py [NAME ...]
  ... make_seq_models.py list
TensorFlow runs with one thread (make_app_models.py sets it) so that float reductions do not depend on the
machine.
"""
import json
import os
import shutil
import sys
import zlib

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["COLUMNS"] = "250"  # before keras is imported: Keras's default summary widths

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import numpy as np  # noqa: E402
import make_app_models as apps  # noqa: E402  (sets TensorFlow's threads; imports keras and tf_keras)
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
from gen_model_fixtures import (TFJS_CONVERTER, copy_weights_to_tf_keras, save_keras_file,  # noqa: E402
                                tfjs_convert)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "sequence_models")
VOCAB = 1000
BATCHES = (1, 8)

# ---------------------------------------------------------------------------------------------------------
# The models. Each builder takes the Keras module (keras or tf_keras) and returns the model; every layer is
# named so that the tf_keras copy receives the Keras 3 weights layer by layer. A model's "inputs" entry says how
# its inputs are drawn: ("tokens", T) int32 ids with zero padding at the end of each row, ("tokens_pre", T)
# padded at the start, ("float", T, F) standard normal. T is the time length at batch 8; models with a None
# time axis get T * 2 // 3 at batch 1.


def lstm_classifier(k):
    L = k.layers
    ids = k.Input((None,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, name="embedding")(ids)
    x = L.LSTM(32, name="lstm")(x)
    return k.Model(ids, L.Dense(1, activation="sigmoid", name="score")(x), name="lstm_classifier")


def gru_classifier(k):
    L = k.layers
    ids = k.Input((24,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, name="embedding")(ids)
    x = L.GRU(24, return_sequences=True, name="gru_1")(x)
    x = L.GRU(16, name="gru_2")(x)
    return k.Model(ids, L.Dense(4, activation="softmax", name="classes")(x), name="gru_classifier")


def bilstm_classifier(k):
    L = k.layers
    ids = k.Input((None,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, name="embedding")(ids)
    x = L.Bidirectional(L.LSTM(16, return_sequences=True, name="lstm_1"), name="bidirectional_1")(x)
    x = L.Bidirectional(L.LSTM(12, name="lstm_2"), merge_mode="sum", name="bidirectional_2")(x)
    return k.Model(ids, L.Dense(3, activation="softmax", name="classes")(x), name="bilstm_classifier")


def text_cnn(k):
    L = k.layers
    ids = k.Input((32,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, name="embedding")(ids)
    x = L.Conv1D(32, 5, activation="relu", name="conv1d")(x)
    x = L.GlobalMaxPooling1D(name="max_pool")(x)
    x = L.Dense(16, activation="relu", name="hidden")(x)
    x = L.Dropout(0.5, name="dropout")(x)
    return k.Model(ids, L.Dense(1, activation="sigmoid", name="score")(x), name="text_cnn")


def encoder_block(k, x, d_model, heads, ff, prefix):
    """The Keras docs' Transformer encoder block: self-attention + residual + LayerNorm, feed-forward + residual
    + LayerNorm."""
    L = k.layers
    a = L.MultiHeadAttention(heads, d_model // heads, name=f"{prefix}_attention")(x, x)
    a = L.Dropout(0.1, name=f"{prefix}_dropout_1")(a)
    x = L.LayerNormalization(epsilon=1e-6, name=f"{prefix}_norm_1")(L.Add(name=f"{prefix}_add_1")([x, a]))
    f = L.Dense(ff, activation="relu", name=f"{prefix}_ff_1")(x)
    f = L.Dense(d_model, name=f"{prefix}_ff_2")(f)
    f = L.Dropout(0.1, name=f"{prefix}_dropout_2")(f)
    return L.LayerNormalization(epsilon=1e-6, name=f"{prefix}_norm_2")(L.Add(name=f"{prefix}_add_2")([x, f]))


def transformer_block(k):
    x = inp = k.Input((16, 32), name="sequence")
    return k.Model(inp, encoder_block(k, x, 32, 4, 64, "encoder"), name="transformer_block")


def time_distributed_dense(k):
    L = k.layers
    x = inp = k.Input((12, 8), name="frames")
    x = L.TimeDistributed(L.Dense(16, activation="relu", name="dense_1"), name="time_distributed_1")(x)
    x = L.TimeDistributed(L.Dense(4, name="dense_2"), name="time_distributed_2")(x)
    return k.Model(inp, x, name="time_distributed_dense")


def lstm_timeseries(k):
    L = k.layers
    x = inp = k.Input((None, 3), name="series")
    x = L.LSTM(32, return_sequences=True, name="lstm_1")(x)
    x = L.LSTM(16, name="lstm_2")(x)
    return k.Model(inp, L.Dense(1, name="forecast")(x), name="lstm_timeseries")


def masked_lstm(k):
    """Embedding(mask_zero=True): padded steps are skipped by the LSTMs and left out of the average."""
    L = k.layers
    ids = k.Input((None,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, mask_zero=True, name="embedding")(ids)
    x = L.LSTM(24, return_sequences=True, name="lstm")(x)
    s = L.GRU(16, name="gru")(x)
    p = L.GlobalAveragePooling1D(name="average")(x)
    x = L.Concatenate(name="concat")([s, p])
    return k.Model(ids, L.Dense(2, activation="softmax", name="classes")(x), name="masked_lstm")


def rnn_cells(k):
    """keras.layers.RNN over cells: a StackedRNNCells of an LSTMCell and a GRUCell on masked tokens, then a
    SimpleRNNCell running backwards (the Keras docs' RNN-with-cells pattern)."""
    L = k.layers
    ids = k.Input((None,), dtype="int32", name="tokens")
    x = L.Embedding(VOCAB, 16, mask_zero=True, name="embedding")(ids)
    x = L.RNN([L.LSTMCell(24, name="lstm_cell"), L.GRUCell(16, name="gru_cell")], return_sequences=True,
              name="stacked")(x)
    x = L.RNN(L.SimpleRNNCell(12, name="simple_rnn_cell"), go_backwards=True, name="backwards")(x)
    return k.Model(ids, L.Dense(3, activation="softmax", name="classes")(x), name="rnn_cells")


def seq2seq(k):
    """Encoder LSTM states -> decoder LSTM initial_state (the Keras docs' character-level seq2seq, on tokens)."""
    L = k.layers
    enc_ids = k.Input((None,), dtype="int32", name="encoder_tokens")
    dec_ids = k.Input((None,), dtype="int32", name="decoder_tokens")
    e = L.Embedding(VOCAB, 16, name="encoder_embedding")(enc_ids)
    _, h, c = L.LSTM(32, return_state=True, name="encoder_lstm")(e)
    d = L.Embedding(64, 16, name="decoder_embedding")(dec_ids)
    d = L.LSTM(32, return_sequences=True, name="decoder_lstm")(d, initial_state=[h, c])
    out = L.Dense(64, activation="softmax", name="next_token")(d)
    return k.Model([enc_ids, dec_ids], out, name="seq2seq")


def transformer_classifier(k):
    """The Keras docs' "Text classification with Transformer" without its custom classes: token embedding +
    position embedding (positions 0..T-1 computed from the ids by op-layers), one encoder block, average pooling,
    a small head."""
    L = k.layers
    maxlen = 20
    ids = k.Input((maxlen,), dtype="int32", name="tokens")
    if k is keras:
        positions = keras.ops.cumsum(keras.ops.ones_like(ids), axis=1) - 1
    else:
        positions = tf.cumsum(tf.ones_like(ids), axis=1) - 1
    x = L.Add(name="embeddings")([L.Embedding(VOCAB, 32, name="token_embedding")(ids),
                                  L.Embedding(maxlen, 32, name="position_embedding")(positions)])
    x = encoder_block(k, x, 32, 2, 32, "encoder")
    x = L.GlobalAveragePooling1D(name="average")(x)
    x = L.Dropout(0.1, name="dropout_1")(x)
    x = L.Dense(20, activation="relu", name="hidden")(x)
    x = L.Dropout(0.1, name="dropout_2")(x)
    return k.Model(ids, L.Dense(2, activation="softmax", name="classes")(x), name="transformer_classifier")


# name -> (builder, input kinds, one per model input)
MODELS = {
    "lstm_classifier": (lstm_classifier, [("tokens", 24)]),
    "gru_classifier": (gru_classifier, [("tokens_pre", 24)]),
    "bilstm_classifier": (bilstm_classifier, [("tokens", 20)]),
    "text_cnn": (text_cnn, [("tokens", 32)]),
    "transformer_block": (transformer_block, [("float", 16, 32)]),
    "time_distributed_dense": (time_distributed_dense, [("float", 12, 8)]),
    "lstm_timeseries": (lstm_timeseries, [("float", 30, 3)]),
    "masked_lstm": (masked_lstm, [("tokens", 18)]),
    "seq2seq": (seq2seq, [("tokens", 15), ("tokens_small", 10)]),
    "rnn_cells": (rnn_cells, [("tokens", 16)]),
    "transformer_classifier": (transformer_classifier, [("tokens", 20)]),
}
# tf_keras writes tf.* calls on symbolic tensors as TFOpLambda layers: a different model, not written.
TF_KERAS_SKIPPED = {"transformer_classifier": "its positions are Keras 3 op-layers (cumsum, ones_like); tf_keras "
                                              "would record TFOpLambda layers instead"}


# ---------------------------------------------------------------------------------------------------------
# Weights, inputs, files

def seeded_weights(model, seed):
    apps.seeded_weights(model, seed)
    rs = np.random.RandomState(seed ^ 0x5EED)
    for w in model.weights:
        if w.path.split("/")[-1] == "embeddings":
            w.assign((0.5 * rs.standard_normal(tuple(w.shape))).astype(np.float32))


def make_inputs(model, name, batch):
    rs = np.random.RandomState(zlib.crc32(f"{name}/b{batch}".encode()) & 0x7FFFFFFF)
    out = []
    for t, kind in zip(model.inputs, MODELS[name][1]):
        fixed = t.shape[1]
        steps = fixed if fixed is not None else (kind[1] if batch > 1 else kind[1] * 2 // 3)
        if kind[0] == "float":
            out.append(rs.standard_normal((batch, steps) + tuple(t.shape[2:])).astype(np.float32))
            continue
        vocab = 64 if kind[0] == "tokens_small" else VOCAB
        x = np.zeros((batch, steps), np.int32)
        for row in range(batch):
            # Row 0 is full; the others are padded, down to a third of the steps.
            n = steps if row == 0 else int(rs.randint(max(1, steps // 3), steps + 1))
            ids = rs.randint(1, vocab, n)
            if kind[0] == "tokens_pre":
                x[row, steps - n:] = ids
            else:
                x[row, :n] = ids
        out.append(x)
    return out


def predict(model, xs):
    ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return [np.asarray(y, dtype=np.float32) for y in (ys if isinstance(ys, (list, tuple)) else [ys])]


def write_tf_keras(name, model, folder):
    """model.h5, tf_keras.json and tfjs/ of the same model in tf_keras; returns the tf_keras model."""
    tf_keras.backend.clear_session()
    tf_model = MODELS[name][0](tf_keras)
    copy_weights_to_tf_keras(model, tf_model)
    tf_model.save(os.path.join(folder, "model.h5"), save_format="h5")
    with open(os.path.join(folder, "tf_keras.json"), "w") as f:
        json.dump(json.loads(tf_model.to_json()), f, indent=1)
        f.write("\n")
    try:
        tfjs_convert(os.path.join(folder, "model.h5"), os.path.join(folder, "tfjs"))
    except RuntimeError as e:
        print(f"{name}: no tfjs files (the converter failed): {str(e).splitlines()[-1]}", flush=True)
    return tf_model


def record(name):
    keras.utils.clear_session()
    model = MODELS[name][0](keras)
    seeded_weights(model, zlib.crc32(name.encode()) & 0x7FFFFFFF)
    folder = os.path.join(OUT, name)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    save_keras_file(model, os.path.join(folder, "model.keras"))
    with open(os.path.join(folder, "summary.txt"), "w") as f:
        f.write(apps.summary_text(model))
    tf_model = None if name in TF_KERAS_SKIPPED else write_tf_keras(name, model, folder)
    scale = []
    for batch in BATCHES:
        xs = make_inputs(model, name, batch)
        ys = predict(model, xs)
        assert all(np.all(np.isfinite(y)) for y in ys), name
        scale.append(max(float(np.abs(y).max()) for y in ys))
        for fname, x in zip(apps.npy_names(model, "input", batch), xs):
            np.save(os.path.join(folder, fname), x)
        for fname, y in zip(apps.npy_names(model, "expected", batch), ys):
            np.save(os.path.join(folder, fname), y)
        if tf_model is not None:
            for fname, y in zip(apps.npy_names(model, "expected_tf_keras", batch), predict(tf_model, xs)):
                np.save(os.path.join(folder, fname), y)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    print(f"{name}: {apps.params(model):,} params, {size / 1e3:.0f} KB, max |output| {max(scale):.3g}"
          + (f"; no tf_keras files: {TF_KERAS_SKIPPED[name]}" if name in TF_KERAS_SKIPPED else ""), flush=True)


def main():
    names = sys.argv[1:]
    if names == ["list"]:
        print(" ".join(MODELS))
        return
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; known: {' '.join(MODELS)}")
    if not os.access(TFJS_CONVERTER, os.X_OK):
        sys.exit(f"no tensorflowjs_converter at {TFJS_CONVERTER}: see gen_model_fixtures.py")
    for name in names or list(MODELS):
        record(name)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"{OUT}: {total / 1e6:.2f} MB in all")


if __name__ == "__main__":
    main()
