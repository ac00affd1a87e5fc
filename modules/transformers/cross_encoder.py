"""In-process cross-encoder reranking with onnxruntime, for a user-supplied model directory.

A cross-encoder reads the query and one document together ([CLS] query [SEP] document [SEP]) and gives one
relevance logit. As sentence-transformers' CrossEncoder does, a single logit is passed through a sigmoid; a
two-class head gives the softmax probability of the last (relevant) class.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from modules.base import ModuleError
from modules.transformers.onnx_embedder import ModelFiles, OnnxModel, model_files

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 16


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def _softmax_last(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp[:, -1] / exp.sum(axis=1)


class OnnxCrossEncoder(OnnxModel):
    """One loaded cross-encoder; thread-safe, runs serialised like the embedder's."""

    def __init__(self, files: ModelFiles, threads: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE):
        super().__init__(files, threads, batch_size)
        self._output_name = self._pick_output()
        log.info("loaded ONNX cross-encoder %s from %s", files.name, files.model)

    def _pick_output(self) -> str:
        outputs = self.session.get_outputs()
        named = [item for item in outputs if item.name in ("logits", "scores")]
        chosen = (named or outputs)[0]
        if len(chosen.shape or ()) not in (1, 2):
            raise ModuleError(
                f"ONNX cross-encoder {str(self.files.model)!r}: output {chosen.name!r} has shape "
                f"{chosen.shape}; expected [batch] or [batch, labels]"
            )
        return chosen.name

    def score(self, query: str, documents: Sequence[str]) -> list[float]:
        """One relevance score per document, in order."""
        if not documents:
            return []
        encodings = self.tokenizer.encode_batch([(query, document) for document in documents])
        scores = np.empty(len(documents), dtype=np.float64)
        for rows, batch in self.length_batches(encodings):
            with self._run_lock:
                (logits,) = self.session.run([self._output_name], batch.feed(self.input_names))
            scores[rows] = self._to_scores(np.asarray(logits, dtype=np.float64))
        return scores.tolist()

    def _to_scores(self, logits: np.ndarray) -> np.ndarray:
        if logits.ndim == 1:
            return _sigmoid(logits)
        if logits.shape[1] == 1:
            return _sigmoid(logits[:, 0])
        if logits.shape[1] == 2:
            return _softmax_last(logits)
        raise ModuleError(
            f"ONNX cross-encoder {self.files.name}: {logits.shape[1]} labels per pair; a reranker gives one "
            "logit (or two classes)"
        )

    def meta(self) -> dict[str, Any]:
        return {
            "name": self.files.name,
            "onnx_file": str(self.files.model),
            "max_seq_length": self.max_length,
        }


_encoders: dict[str, OnnxCrossEncoder] = {}
_encoders_lock = threading.Lock()


def get_cross_encoder(model_dir: str | os.PathLike[str]) -> OnnxCrossEncoder:
    """The cross-encoder for a model directory, created once per process."""
    key = str(Path(model_dir).expanduser().resolve())
    with _encoders_lock:
        encoder = _encoders.get(key)
        if encoder is None:
            encoder = OnnxCrossEncoder(model_files(model_dir))
            _encoders[key] = encoder
        return encoder
