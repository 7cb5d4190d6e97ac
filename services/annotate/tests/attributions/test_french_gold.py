"""The French attribution gold set is well-formed: every span matches its text, kinds agree."""

import importlib.util
from pathlib import Path
from types import ModuleType

GOLD = Path(__file__).resolve().parents[1] / "data" / "attributions_fr"


def load_validator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validate_french_gold", GOLD / "validate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gold_set_validates() -> None:
    assert load_validator().validate() == []


def test_the_gold_set_is_large_enough_and_split() -> None:
    counts = load_validator().stats()
    text = str(counts)
    assert "dev" in text
    assert "test" in text
    lines = {
        name: (GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() for name in ("dev", "test")
    }
    assert len(lines["test"]) >= 31  # the seed and at least 30 Wikinews articles
    assert any('"rhc-2022-02-03-poutine-macron"' in line for line in lines["test"])
