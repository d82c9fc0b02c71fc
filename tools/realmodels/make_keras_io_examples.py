#!/usr/bin/env python3
"""keras.io's sequence examples, built as their pages write them (random weights), for a whole-model check of
inlay on models nobody here designed. Writes OUT/<name>/{model.keras, input_<i>.npy, expected_<i>.npy,
summary.txt} (Keras 3's outputs and model.summary(), COLUMNS=250 as tests/sequence_models records them); the
models are full size (an Embedding of 20,000 x 128), so they are generated, not committed. Check with

    for m in OUT/*; do inlay predict $m/model.keras -i $m/input_*.npy --expect $m/expected_*.npy \\
        --atol 1e-4 --rtol 1e-4 && inlay summary $m/model.keras | cmp - $m/summary.txt; done

Usage: KERAS_BACKEND=tensorflow python tools/realmodels/make_keras_io_examples.py OUT
Pages: nlp/bidirectional_lstm_imdb, timeseries/timeseries_classification_transformer,
generative/lstm_character_level_text_generation, timeseries/timeseries_weather_forecasting, nlp/lstm_seq2seq,
nlp/text_classification_from_scratch (the model after its TextVectorization).
"""
import os
import sys

import numpy as np

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["COLUMNS"] = "250"  # before keras is imported: the summary widths tests/sequence_models records
import keras
from keras import layers
out=sys.argv[1]
def save(name, model, xs):
    d=os.path.join(out,name); os.makedirs(d,exist_ok=True)
    model.save(os.path.join(d,"model.keras"))
    for i,x in enumerate(xs): np.save(os.path.join(d,f"input_{i}.npy"), x)
    ys=model.predict(xs if len(xs)>1 else xs[0], verbose=0)
    if not isinstance(ys,list): ys=[ys]
    for i,y in enumerate(ys): np.save(os.path.join(d,f"expected_{i}.npy"), np.asarray(y,np.float32))
    import io
    buf=io.StringIO()
    model.summary(print_fn=lambda text, **kw: buf.write(text), line_length=None)
    open(os.path.join(d,"summary.txt"),"w").write(buf.getvalue())
rng=np.random.default_rng(0)
# 1. keras.io/examples/nlp/bidirectional_lstm_imdb
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(20000, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
save("bidirectional_lstm_imdb", keras.Model(inputs, outputs), [rng.integers(0,20000,(4,200)).astype(np.int32)])
# 2. keras.io/examples/timeseries/timeseries_classification_transformer
def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
    x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(inputs, inputs)
    x = layers.Dropout(dropout)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    res = x + inputs
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
    x = layers.Dropout(dropout)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    return x + res
def build_model(input_shape, head_size, num_heads, ff_dim, num_transformer_blocks, mlp_units, dropout=0, mlp_dropout=0):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)
    x = layers.GlobalAveragePooling1D(data_format="channels_last")(x)
    for dim in mlp_units:
        x = layers.Dense(dim, activation="relu")(x)
        x = layers.Dropout(mlp_dropout)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs, outputs)
m=build_model((500,1), head_size=256, num_heads=4, ff_dim=4, num_transformer_blocks=4, mlp_units=[128], mlp_dropout=0.4, dropout=0.25)
save("timeseries_transformer", m, [rng.standard_normal((2,500,1)).astype(np.float32)])
# 3. keras.io/examples/generative/lstm_character_level_text_generation
maxlen, chars = 40, 57
m = keras.Sequential([keras.Input(shape=(maxlen, chars)), layers.LSTM(128), layers.Dense(chars, activation="softmax")])
save("char_lstm", m, [rng.integers(0,2,(3,maxlen,chars)).astype(np.float32)])
# 4. keras.io/examples/timeseries/timeseries_weather_forecasting
inputs = keras.layers.Input(shape=(120, 7))
lstm_out = keras.layers.LSTM(32)(inputs)
outputs = keras.layers.Dense(1)(lstm_out)
save("weather_lstm", keras.Model(inputs=inputs, outputs=outputs), [rng.standard_normal((5,120,7)).astype(np.float32)])
# 5. keras.io/examples/nlp/lstm_seq2seq (character-level translation, training model)
num_encoder_tokens, num_decoder_tokens, latent_dim = 71, 93, 256
encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
m = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
save("lstm_seq2seq", m, [rng.integers(0,2,(2,15,71)).astype(np.float32), rng.integers(0,2,(2,12,93)).astype(np.float32)])
# 6. Conv1D text classification (keras.io/examples/nlp/text_classification_from_scratch, after vectorization)
inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(20000, 128)(inputs)
x = layers.Dropout(0.5)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(128, activation="relu")(x)
x = layers.Dropout(0.5)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
save("text_cnn_scratch", keras.Model(inputs, predictions), [rng.integers(0,20000,(3,500)).astype(np.int64)])
