"""Shared by the transformers tests: a uvicorn server in a thread, and a tiny ONNX cross-encoder."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

#: Word -> logit contribution of the tiny cross-encoder; every other token contributes 0.
TINY_WEIGHTS = {"cat": 2.0, "dog": 1.0, "car": -1.5, "kitten": 0.5}
TINY_WORDS = [
    "[UNK]",
    "[PAD]",
    "[CLS]",
    "[SEP]",
    "the",
    "a",
    "is",
    "on",
    "cat",
    "dog",
    "car",
    "kitten",
    "mat",
    "road",
    "sat",
    "fast",
    "small",
]


@contextlib.contextmanager
def serve(app: object) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 (ephemeral port) in a thread; yields its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def build_tiny_cross_encoder(directory: Path, labels: int = 1) -> Path:
    """A cross-encoder whose logit is the sum of per-token weights over the attended tokens.

    Inputs input_ids / attention_mask (int64, [batch, seq]); output logits [batch, labels]. With two labels
    the logits are [0, s], whose softmax last class equals sigmoid(s), so both heads score alike.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    directory.mkdir(parents=True, exist_ok=True)
    vocab = {word: index for index, word in enumerate(TINY_WORDS)}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tokenizer.save(str(directory / "tokenizer.json"))

    weights = np.zeros((len(TINY_WORDS), 1), dtype=np.float32)
    for word, weight in TINY_WEIGHTS.items():
        weights[vocab[word], 0] = weight
    nodes = [
        helper.make_node("Gather", ["weights", "input_ids"], ["gathered"], axis=0),
        helper.make_node("Squeeze", ["gathered", "axis2"], ["per_token"]),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["per_token", "mask"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=1),
    ]
    initializers = [
        numpy_helper.from_array(weights, "weights"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
    ]
    if labels == 1:
        nodes.append(helper.make_node("Identity", ["summed"], ["logits"]))
    else:
        initializers.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"))
        nodes += [
            helper.make_node("Mul", ["summed", "zero"], ["zeros"]),
            helper.make_node("Concat", ["zeros", "summed"], ["logits"], axis=1),
        ]
    graph = helper.make_graph(
        nodes,
        "tiny_cross_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", labels])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    return directory


def tiny_expected_score(query: str, document: str) -> float:
    """What the tiny cross-encoder must give: sigmoid of the summed weights of the pair's words."""
    total = sum(TINY_WEIGHTS.get(word, 0.0) for word in (query + " " + document).split())
    return float(1.0 / (1.0 + np.exp(-total)))
