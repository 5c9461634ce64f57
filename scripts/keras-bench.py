#!/usr/bin/env python3
"""Our architectures in Keras, timed the way `digits bench` times ours, for a side-by-side comparison.

Needs tensorflow-cpu (scripts/compare-keras.sh installs it into a virtual environment of its own and runs both
sides alternately). Synthetic input, like `digits bench`; prints one JSON object:
    python3 scripts/keras-bench.py --arch convnet          # the original Keras example
    python3 scripts/keras-bench.py --arch bnnet            # the same layers as digits' bnnet
    python3 scripts/keras-bench.py --arch convnet --train DIR  # also train 15 epochs on MNIST in DIR, test accuracy
"""
import argparse
import json
import os
import resource
import struct
import time

import numpy as np


def convnet(keras):
    # keras-io examples/vision/mnist_convnet.py
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])


def bnnet(keras):
    # digits' bnnet (Sources/DigitCore/Network/Architecture.swift), layer for layer.
    layers = keras.layers

    def conv(filters, padding):
        return [layers.Conv2D(filters, (3, 3), padding=padding), layers.BatchNormalization(momentum=0.9),
                layers.ReLU()]

    return keras.Sequential([keras.Input(shape=(28, 28, 1))]
                            + conv(32, "same") + conv(32, "valid") + [layers.MaxPooling2D((2, 2))]
                            + conv(64, "valid") + conv(64, "valid") + [layers.MaxPooling2D((2, 2))]
                            + [layers.Flatten(), layers.Dense(256), layers.BatchNormalization(momentum=0.9),
                               layers.ReLU(), layers.Dropout(0.4), layers.Dense(10, activation="softmax")])


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", choices=["convnet", "bnnet"], default="convnet")
    parser.add_argument("--train", metavar="DIR", help="MNIST directory: train 15 epochs and report test accuracy")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from tensorflow import keras

    build = {"convnet": convnet, "bnnet": bnnet}[args.arch]
    model = build(keras)
    optimizer = keras.optimizers.Adam() if args.arch == "convnet" else keras.optimizers.AdamW(weight_decay=5e-3)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    rng = np.random.default_rng(7)
    x = rng.random((128 * 40, 28, 28, 1), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 10, len(x)), 10)

    model.fit(x[:128 * 3], y[:128 * 3], batch_size=128, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    train = len(x) / (time.perf_counter() - start)

    single = tf.function(lambda t: model(t, training=False))
    one = tf.constant(x[:1])
    for _ in range(50):
        single(one)
    latencies = []
    for _ in range(500):
        start = time.perf_counter()
        single(one).numpy()
        latencies.append((time.perf_counter() - start) * 1e6)
    latencies.sort()

    batch = tf.constant(x[:128])
    single(batch)
    start = time.perf_counter()
    for _ in range(150):
        single(batch).numpy()
    infer = 150 * 128 / (time.perf_counter() - start)

    result = {"arch": "keras-" + args.arch, "tensorflow": tf.__version__, "keras": keras.__version__, "train_img_per_s": train, "latency_us": latencies[len(latencies) // 2],
              "latency_p99_us": latencies[len(latencies) * 99 // 100], "infer_img_per_s": infer,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if args.train:
        d = args.train
        name = lambda n: next(os.path.join(d, f) for f in (n, n.replace("-idx", ".idx"))
                              if os.path.exists(os.path.join(d, f)))
        xs = read_idx(name("train-images-idx3-ubyte")).astype("float32")[..., None] / 255
        ys = keras.utils.to_categorical(read_idx(name("train-labels-idx1-ubyte")), 10)
        xt = read_idx(name("t10k-images-idx3-ubyte")).astype("float32")[..., None] / 255
        yt = keras.utils.to_categorical(read_idx(name("t10k-labels-idx1-ubyte")), 10)
        model = build(keras)
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(xs, ys, batch_size=128, epochs=15, validation_split=0.1, verbose=2)
        result["test_accuracy"] = float(model.evaluate(xt, yt, verbose=0)[1])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
