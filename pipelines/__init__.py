import naleving  # noqa: F401  (first: it sets polars' allocator before polars loads)
