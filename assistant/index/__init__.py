"""The index: embeddings, FAISS and BM25 backends, the term bridge, and the on-disk build format."""
