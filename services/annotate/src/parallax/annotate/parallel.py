"""Annotating on every core: chunks of articles handed to worker processes, results in order.

spaCy releases no lock while it parses, so one process uses one core. Workers are forked
from a parent that has already loaded the pipelines it will need, so the models' memory is
shared between them until written to.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from parallax.annotate.annotate import ArticleInput, annotate_many
from parallax.annotate.annotation import Annotation
from parallax.annotate.pipelines import pipeline_for

_CHUNK = 32


def annotate_in_parallel(
    articles: Iterable[ArticleInput], *, workers: int = 0, languages: Iterable[str | None] = ("fr", "en")
) -> Iterator[Annotation]:
    """`annotate_many` over worker processes (0 = one per core), yielding in input order.

    `languages` are loaded before the workers start, so that they share the models' memory.
    """
    count = workers or os.cpu_count() or 1
    iterator = iter(articles)
    if count <= 1:
        yield from annotate_many(iterator)
        return
    for language in languages:
        pipeline_for(language)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        in_flight: deque[Future[list[Annotation]]] = deque()
        while chunk := list(islice(iterator, _CHUNK)):
            in_flight.append(pool.submit(_annotate_chunk, chunk))
            if len(in_flight) > count * 2:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _annotate_chunk(chunk: list[ArticleInput]) -> list[Annotation]:
    return list(annotate_many(chunk))
