"""Pooling candidates (pistes de mutualisation): which reviewed, proposed or approved schemes
overlap enough that the COTECH should look at pooling them, and why.

- `features`: the schemes' facts the score reads, loaded in a few statements;
- `scoring`: sparse-matrix scoring of every pair that shares ground (no loop over all pairs);
- `reasons`: the parts of a score put into French or English words;
- `groups`: groups of three or more schemes that all overlap each other;
- `store`: the stored candidates, recomputed in full or for the schemes that changed.
"""
