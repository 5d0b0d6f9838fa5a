import os

# polars' allocator (jemalloc) gives freed memory back to the system after 0.5–1 s. The intake
# frees and takes the same buffers again batch after batch, a second or two apart, and paid
# for each return in page faults; kept for 5 s they are reused. Read once, when polars loads.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:5000")
