"""BM25 beside bm25s on one generated corpus: the same top-10 rankings, and queries per second.

    .venv/bin/python benchmarks/bm25.py                 # 100k documents, 1,000 queries
    .venv/bin/python benchmarks/bm25.py --n 20000       # a quick run

The corpus is topical text of pseudo-words (a Zipf background, words of the document's topic, English stopwords,
capitals and punctuation), the queries a few words of one topic, now and then with a stopword. Both sides score
with Weaviate's BM25 (k1 1.2, b 0.75, idf ln(1 + (N - n + 0.5) / (n + 0.5)), bm25s method "lucene") and see the
same tokens: bm25s is given each document as Weaviate's word tokenizer splits it (every token indexed, stopwords
too, as Weaviate does), and each query with the en stopwords taken out, as Weaviate takes them out.

Timed, one query at a time on one thread:
- vectordb: `Database.search(SearchRequest(bm25=...))`, embedded, the objects of the top 10 included;
- bm25s: `BM25.retrieve(tokens, k=10)` (its numpy backend; numba is not installed).
Rankings, per query: the same scores at every rank (to 1e-5, relative: bm25s scores in float32), the same ids at
every rank whose score is not tied with a neighbour's (tied ones may come in either order), the same ids in the
same order, the overlap of the two top-10 sets, and the largest score difference.
Prints a table and writes benchmarks/results/bm25.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search import pseudo_words, zipf_weights  # noqa: E402
from storage.tokenize import PRESETS, WORD, tokenize  # noqa: E402
from vectordb.config import Settings  # noqa: E402
from vectordb.database import Database  # noqa: E402
from vectordb.query.request import SearchRequest  # noqa: E402

CLASS = "Docs"
K = 10
K1, B = 1.2, 0.75
BATCH = 1000
VOCABULARY = 20_000
TOPICS = 100
TOPIC_WORDS = 30
TOPIC_POOL = (20, 2000)  # background frequency ranks topic words come from, so other topics use them too
STOPWORD_SHARE = 0.25
SCORE_TOLERANCE = 1e-5  # relative: bm25s keeps its scores in float32
TOPIC_SHARE = 0.2


def corpus(n: int, n_queries: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    vocab = np.array(pseudo_words(VOCABULARY, rng))
    stop = np.array(sorted(PRESETS["en"]))
    background = zipf_weights(VOCABULARY)
    topic_lists = np.stack([rng.choice(np.arange(*TOPIC_POOL), TOPIC_WORDS, replace=False) for _ in range(TOPICS)])
    in_topic = zipf_weights(TOPIC_WORDS, 0.8)
    topics = rng.integers(0, TOPICS, n)
    texts = []
    for doc in range(n):
        length = int(rng.integers(20, 81))
        words = vocab[rng.choice(VOCABULARY, length, p=background)]
        draw = rng.random(length)
        own = draw < TOPIC_SHARE
        words[own] = vocab[topic_lists[topics[doc]][rng.choice(TOPIC_WORDS, int(own.sum()), p=in_topic)]]
        stops = draw > 1 - STOPWORD_SHARE
        words[stops] = rng.choice(stop, int(stops.sum()))
        words = words.tolist()
        words[0] = words[0].capitalize()
        texts.append(" ".join(words) + ".")
    queries = []
    for t in rng.integers(0, TOPICS, n_queries):
        words = vocab[rng.choice(topic_lists[t], int(rng.integers(2, 5)), replace=False, p=in_topic)].tolist()
        if rng.random() < 0.3:
            words.insert(int(rng.integers(0, len(words))), str(rng.choice(stop)))
        queries.append(" ".join(words))
    return texts, queries


def class_definition() -> dict[str, Any]:
    return {
        "class": CLASS,
        "vectorizer": "none",
        "invertedIndexConfig": {"bm25": {"k1": K1, "b": B}, "stopwords": {"preset": "en"}},
        "properties": [
            {"name": "i", "dataType": ["int"]},
            {"name": "body", "dataType": ["text"], "tokenization": "word"},
        ],
    }


def load(db: Database, texts: list[str]) -> float:
    db.create_collection(class_definition())
    start = time.perf_counter()
    for lo in range(0, len(texts), BATCH):
        batch = [{"class": CLASS, "id": str(uuid.UUID(int=i + 1)), "properties": {"i": i, "body": texts[i]}}
                 for i in range(lo, min(lo + BATCH, len(texts)))]
        failed = [r["error"] for r in db.batch_objects(batch) if r.get("error")]
        if failed:
            raise RuntimeError(f"import failed: {failed[0]}")
    return len(texts) / (time.perf_counter() - start)


def timed(fn: Any, items: list[Any]) -> tuple[list[Any], float]:
    for item in items:
        fn(item)  # one warm pass: both sides read their index into memory first
    start = time.perf_counter()
    out = [fn(item) for item in items]
    return out, len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bm25.json")
    args = parser.parse_args()
    t0 = time.perf_counter()
    texts, queries = corpus(args.n, args.queries)
    stop = PRESETS["en"]
    doc_tokens = [tokenize(t, WORD) for t in texts]
    query_tokens = [[w for w in tokenize(q, WORD) if w not in stop] for q in queries]

    ref = bm25s.BM25(method="lucene", k1=K1, b=B)
    start = time.perf_counter()
    ref.index(doc_tokens, show_progress=False)
    ref_index_s = time.perf_counter() - start
    # bm25s takes token ids; a query word no document has scores nothing on either side
    known = [[w for w in q if w in ref.vocab_dict] for q in query_tokens]
    ids = [[ref.vocab_dict[w] for w in q] for q in known]

    def ref_search(q: list[int]) -> list[tuple[int, float]]:
        if not q:
            return []
        docs, scores = ref.retrieve([q], k=K, show_progress=False, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    ref_hits, ref_qps = timed(ref_search, ids)

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": tmp}))
        try:
            import_per_s = load(db, texts)

            def ours(text: str) -> list[tuple[int, float]]:
                hits = db.search(SearchRequest(collection=CLASS, limit=K, bm25={"query": text}))
                return [(h.properties["i"], float(h.score)) for h in hits]

            our_hits, our_qps = timed(ours, queries)
        finally:
            db.close()

    same_order = same_scores = same_untied = overlap = 0.0
    gap = 0.0
    for mine, theirs in zip(our_hits, ref_hits, strict=True):
        a, b = [d for d, _ in mine], [d for d, _ in theirs]
        same_order += a == b
        overlap += len(set(a) & set(b)) / len(b) if b else float(not a)
        gap = max([gap, *(abs(x - y) for (_, x), (_, y) in zip(mine, theirs, strict=False))])
        scores_equal = len(mine) == len(theirs) and all(
            abs(x - y) <= SCORE_TOLERANCE * max(1.0, y) for (_, x), (_, y) in zip(mine, theirs, strict=True))
        same_scores += scores_equal
        # Equal scores may come in either order (bm25s scores in float32); every other rank must agree.
        tied = {i for i in range(len(theirs)) for j in (i - 1, i + 1)
                if 0 <= j < len(theirs) and abs(theirs[i][1] - theirs[j][1]) <= SCORE_TOLERANCE * theirs[i][1]}
        same_untied += scores_equal and all(a[i] == b[i] for i in range(len(b)) if i not in tied)
    n_q = len(queries)
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_average": os.getloadavg()},
        "params": {"documents": args.n, "queries": n_q, "k": K, "k1": K1, "b": B,
                   "bm25s": bm25s.__version__, "mean_tokens_per_doc": float(np.mean([len(t) for t in doc_tokens]))},
        "vectordb": {"qps": our_qps, "import_per_s": import_per_s},
        "bm25s": {"qps": ref_qps, "index_s": ref_index_s},
        "rankings": {"same_top10_in_order": same_order / n_q, "same_scores_at_every_rank": same_scores / n_q,
                     "same_ids_at_every_untied_rank": same_untied / n_q, "overlap@10": overlap / n_q,
                     "max_score_difference": gap},
        "qps_ratio_vectordb_to_bm25s": our_qps / ref_qps,
        "elapsed_s": time.perf_counter() - t0,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"{args.n:,} documents, {n_q:,} queries, load {report['machine']['load_average'][0]:.1f}")
    print(f"{'':10s} {'QPS':>9s}")
    print(f"{'vectordb':10s} {our_qps:9,.0f}")
    print(f"{'bm25s':10s} {ref_qps:9,.0f}")
    print(f"ratio {our_qps / ref_qps:.2f}")
    print(f"rankings: same scores at every rank {same_scores / n_q:.1%}, same ids at every untied rank "
          f"{same_untied / n_q:.1%}, same ids in the same order {same_order / n_q:.1%}, overlap@10 "
          f"{overlap / n_q:.3f}, largest score difference {gap:.2e}")
    print(f"wrote {args.out} ({report['elapsed_s']:.0f} s)")


if __name__ == "__main__":
    main()
