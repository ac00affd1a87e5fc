"""One BLAS thread per call in this process, so concurrent queries share the cores instead of fighting over them.

The exact scans (flat indexes, filtered searches under flatSearchCutoff) are matrix-vector products that
OpenBLAS splits over every core. Measured on the 2-core machine with other work running, a 20k x 128 scan then
took 29 ms instead of 3 ms: its threads spin while they wait for each other. A query server runs many such
scans at once, one per request, which parallelises better than splitting each. Set OPENBLAS_NUM_THREADS (or
OMP_NUM_THREADS, MKL_NUM_THREADS) to choose otherwise; an explicit setting is left alone.
"""

from __future__ import annotations

import logging
import os
import threading

from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

_CHOSEN_BY = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_lock = threading.Lock()
_applied = False


def single_threaded_blas() -> None:
    """Limit BLAS to one thread, once per process, unless the environment chose a number."""
    global _applied
    with _lock:
        if _applied:
            return
        _applied = True
        chosen = [name for name in _CHOSEN_BY if os.environ.get(name)]
        if chosen:
            log.debug("BLAS threads left as %s says", chosen[0])
            return
        threadpool_limits(limits=1, user_api="blas")
        log.debug("BLAS limited to one thread per call")
