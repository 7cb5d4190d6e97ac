"""`parallax demo`: the bundled corpus ingested, annotated and clustered, what Parallax makes visible shown."""

from collections.abc import Callable

from click.testing import Result

Invoke = Callable[..., Result]


def test_the_demo_shows_the_reference_article_cleaned_and_annotated(invoke: Invoke) -> None:
    first = invoke("demo")
    assert first.exit_code == 0, first.output
    assert "3 stored, 0 duplicates, 1 revision, 0 refused" in first.output
    assert "dateline kept   'Moscou/Paris, 3 février (RHC)'" in first.output
    assert "gouvernement de Russie" not in first.output
    assert "Kremlin (metonym)" in first.output
    assert "'martèle' (distancing_verb)" in first.output
    assert "«clair» (text)" in first.output
    assert "Put 3 article(s) in events" in first.output
    # the French and English reports of the call meet in one event
    assert "languages en, fr" in first.output
    assert first.output.count("started it") + first.output.count("joined, p=") == 3
    # the event compared, and each article explained against the others
    assert "Compared 1 event(s); 0 already up to date." in first.output
    assert "(“provocatrices”, “martèle”)" in first.output
    assert "This article quotes gouvernement russe 6 times" in first.output
    again = invoke("demo")
    assert "0 stored, 4 duplicates" in again.output
    assert "Annotated 0 article(s); 3 already up to date." in again.output
    assert "Put 0 article(s) in events (0 new)." in again.output
    assert "Compared 0 event(s); 1 already up to date." in again.output
    assert (
        again.output.split("The events they report:")[1] == first.output.split("The events they report:")[1]
    )
