"""The join model file: the shipped one loads, a broken one says what is wrong."""

import json
from pathlib import Path

import pytest

from parallax.cluster.model import ModelError, read_join_model, shipped_join_model
from parallax.cluster.signals import SIGNALS


def test_the_shipped_model_loads_and_says_what_it_was_fitted_on() -> None:
    model = shipped_join_model()
    assert model.version.startswith("join.v")
    assert "half a" in model.trained_on
    assert 0.0 < model.time_scale < model.window_days
    # more shared words and actors make the same event more likely
    low = model.probability({"body": 0.1, "actors": 0.1}, crossing=False)
    high = model.probability({"body": 0.8, "actors": 0.8}, crossing=False)
    assert 0.0 <= low < high <= 1.0


def test_a_model_missing_a_part_or_with_other_signals_is_refused(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[1] / "src" / "parallax" / "cluster" / "data" / "join_model.json"
    data = json.loads(shipped.read_text(encoding="utf-8"))
    del data["decision"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="lacks 'decision'"):
        read_join_model(path)
    data = json.loads(shipped.read_text(encoding="utf-8"))
    data["same_language"]["weights"] = dict.fromkeys(SIGNALS[:-1], 0.0)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="not the code's"):
        read_join_model(path)
    data = json.loads(shipped.read_text(encoding="utf-8"))
    data["time_scale"] = 0
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="time_scale must be a positive number"):
        read_join_model(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read"):
        read_join_model(path)
