"""Annotating on every core: chunks of articles handed to worker processes, results in order.

spaCy holds the interpreter while it parses, so one process uses one core. Workers are forked
from a parent that has already loaded the pipelines they need, so the models' memory is shared
between them until written to.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

from parallax.annotate.annotate import ArticleInput, annotate_many, attributions_many
from parallax.annotate.annotation import Annotation
from parallax.annotate.pipelines import pipeline_for

_CHUNK = 32
Result = TypeVar("Result")


def annotate_in_parallel(
    articles: Iterable[ArticleInput], *, workers: int = 0, languages: Iterable[str | None] = ("fr", "en")
) -> Iterator[Annotation]:
    """`annotate_many` over worker processes (0 = one per core), yielding in input order."""
    yield from _map_chunks(_annotate_chunk, articles, workers=workers, languages=languages)


def attributions_in_parallel(
    articles: Iterable[ArticleInput], *, workers: int = 0, languages: Iterable[str | None] = ("fr", "en")
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """`attributions_many` over worker processes (0 = one per core), yielding in input order."""
    yield from _map_chunks(_attributions_chunk, articles, workers=workers, languages=languages)


def _map_chunks(
    work: Callable[[list[ArticleInput]], list[Result]],
    articles: Iterable[ArticleInput],
    *,
    workers: int,
    languages: Iterable[str | None],
) -> Iterator[Result]:
    count = workers or os.cpu_count() or 1
    iterator = iter(articles)
    if count <= 1:
        while chunk := list(islice(iterator, _CHUNK)):
            yield from work(chunk)
        return
    for language in languages:
        pipeline_for(language)  # loaded before forking: the workers share it
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        in_flight: deque[Future[list[Result]]] = deque()
        while chunk := list(islice(iterator, _CHUNK)):
            in_flight.append(pool.submit(work, chunk))
            if len(in_flight) > count * 2:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _annotate_chunk(chunk: list[ArticleInput]) -> list[Annotation]:
    return list(annotate_many(chunk))


def _attributions_chunk(chunk: list[ArticleInput]) -> list[tuple[str, list[dict[str, Any]]]]:
    return list(attributions_many(chunk))
