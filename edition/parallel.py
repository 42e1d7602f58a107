"""Sharing work among processes, with results in the order of the jobs.

The jobs' shared state (the edition, the site being built) is handed to the
workers by ``fork``: each worker starts as a copy of the building process, so
nothing large is sent to it; only each job's small argument goes out and its
result comes back.  Jobs whose result is already known (from the build cache)
are not sent at all.  Few jobs are done in this process: starting workers
costs more than it saves.  Jobs go to the workers a few at a time, as their results
are taken: the results waiting in this process stay few, however slowly it takes them.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os

MIN_JOBS = 16  # fewer missing results than this are computed here
AHEAD = 4  # chunks of jobs sent to each worker beyond the results taken

_shared = None
_function = None


def _run(jobs: list) -> list:
    return [_function(_shared, job) for job in jobs]


def workers_default() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ordered(function, jobs: list, have: list[bool], load, shared, workers: int | None = None):
    """``function(shared, job)`` for each job, yielded in job order.  Where ``have[i]``,
    the result is ``load(i)`` instead (read when its turn comes, so that results are not
    all held at once); should that fail (None), it is computed here after all."""
    global _shared, _function
    missing = [job for job, known in zip(jobs, have) if not known]
    workers = workers_default() if workers is None else workers
    pool = None
    if workers > 1 and len(missing) >= MIN_JOBS and "fork" in multiprocessing.get_all_start_methods():
        _shared, _function = shared, function
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        computed = _paced(pool, missing, max(1, min(8, len(missing) // (4 * workers))), AHEAD * workers) if pool else None
        for i, (job, known) in enumerate(zip(jobs, have)):
            if not known:
                yield next(computed) if pool else function(shared, job)
                continue
            result = load(i)
            yield function(shared, job) if result is None else result
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            _shared = _function = None


def _paced(pool, jobs: list, size: int, ahead: int):
    """The results of ``jobs``, in order, computed by ``pool`` ``size`` at a time, with at
    most ``ahead`` such chunks sent (the first of them at once) before their results are
    taken.  (``Pool.imap`` sends every job at once, so its results would pile up here
    whenever this process takes them more slowly than the workers make them.)"""
    chunks = iter([jobs[i:i + size] for i in range(0, len(jobs), size)])
    sent = collections.deque(pool.apply_async(_run, (chunk,)) for chunk in itertools.islice(chunks, ahead))

    def results():
        while sent:
            taken = sent.popleft()
            for chunk in itertools.islice(chunks, 1):  # the next chunk, in its place
                sent.append(pool.apply_async(_run, (chunk,)))
            yield from taken.get()

    return results()
