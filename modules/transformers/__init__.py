"""The transformers provider: text2vec-transformers and reranker-transformers.

Both talk to Weaviate's inference containers when their URL is set, and otherwise run an ONNX model in
process (onnx_embedder.py, cross_encoder.py); `vectordb inference` serves those same models over the
containers' protocol.
"""
