"""What every file reader needs: bounded reading, payloads kept for refusals, metadata files.

- `read_file_bytes` reads a file up to `PARALLAX_MAX_FILE_BYTES` or refuses it, saying why.
- `payload_of_bytes` / `truncate_payload` keep a refused input for the record.
- Metadata for a file comes from a sidecar next to it, named after the full file name or its
  stem: `article.txt.meta.json` or `article.meta.json` (also `.meta.yaml`, `.meta.yml`).
  `sidecar_metadata` reads it; `load_metadata` parses a JSON or YAML mapping with YAML 1.2
  scalars (values come out as the user wrote them).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml

from parallax.ingest.decoding import decode_bytes
from parallax.ingest.records import Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
_PREVIEW_BYTES = 64


class _MetadataLoader(yaml.SafeLoader):
    """YAML's safe loader with YAML 1.2 scalars: values come out as the user wrote them.

    Plain YAML 1.1 reads `language: no` (Norwegian) as false, `id: 0123` as the octal number
    83 and `published: 2022-02-03` as a date object (which JSON cannot store). Here only
    true/false are booleans, only plain decimals are numbers, and dates stay text.
    """


_YAML_11_SCALARS = {f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp")}
_MetadataLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _YAML_11_SCALARS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MetadataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_MetadataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_MetadataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789"),
)


class MetadataError(ValueError):
    """Front matter or a sidecar file that cannot be read; the message says where and how to fix it."""


def sidecar_paths(path: Path) -> list[Path]:
    """The sidecar metadata files of `path` that exist: NAME.meta.json/.yaml/.yml for NAME the
    full file name (`article.txt.meta.json`) or its stem (`article.meta.json`)."""
    names = [path.name]
    if path.suffix:
        names.append(path.stem)
    return [
        candidate
        for stem in names
        for suffix in SIDECAR_SUFFIXES
        if (candidate := path.with_name(stem + suffix)).is_file()
    ]


def sidecar_metadata(path: Path, *, name: str, settings: Settings) -> dict[str, Any]:
    """The fields of `path`'s sidecar metadata file ({} when there is none).

    Raises MetadataError, naming the file, when it cannot be read or parsed.
    """
    found = sidecar_paths(path)
    if not found:
        return {}
    if len(found) > 1:
        listed = ", ".join(f"'{p}'" for p in found)
        raise MetadataError(
            f"'{name}' has several metadata files ({listed}); keep one of them, or merge them"
        )
    sidecar = found[0]
    where = f"the metadata file '{sidecar}'"
    try:
        with sidecar.open("rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except OSError as error:
        raise MetadataError(f"{where} cannot be read: {_os_error_reason(error)}") from error
    if len(data) > settings.max_file_bytes:
        raise MetadataError(
            f"{where} is over the limit of {settings.max_file_bytes:,} bytes "
            "(PARALLAX_MAX_FILE_BYTES); a metadata file holds a few fields"
        )
    try:
        source = decode_bytes(data)
    except ValueError as error:
        raise MetadataError(f"{where} is not text ({error}); save it as UTF-8 JSON or YAML") from error
    return load_metadata(source, where=where, first_line=1, is_json=sidecar.suffix == ".json")


def load_metadata(source: str, *, where: str, first_line: int, is_json: bool) -> dict[str, Any]:
    """Parse a metadata mapping (JSON or YAML); `first_line` is the file line `source` starts on."""
    try:
        if is_json:
            loaded = json.loads(source) if source.strip() else {}
        else:
            loaded = yaml.load(source, Loader=_MetadataLoader)  # a SafeLoader: no arbitrary objects
    except json.JSONDecodeError as error:
        raise MetadataError(
            f"{where} is not valid JSON at line {error.lineno + first_line - 1}, column {error.colno}: "
            f'{error.msg}; fix it (a JSON object such as {{"outlet": "Le Monde"}})'
        ) from error
    except yaml.YAMLError as error:
        raise MetadataError(_yaml_problem(error, where=where, first_line=first_line)) from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise MetadataError(
            f"{where} must be a mapping of fields (lines such as 'outlet: Le Monde'), "
            f"not {_yaml_kind(loaded)}"
        )
    bad_keys = [key for key in loaded if not isinstance(key, str) or not key.strip()]
    if bad_keys:
        raise MetadataError(
            f"{where} has field names that are not names ({', '.join(map(repr, bad_keys))}); "
            "use text keys such as 'title' or 'outlet'"
        )
    if "text" in loaded:
        raise MetadataError(
            f"{where} has a 'text' field; the article's text is the file's body, "
            "so remove 'text' from the metadata"
        )
    # A field left empty ("title:") means "not given": the caller or the normaliser fills it in.
    return {key: value for key, value in loaded.items() if value is not None}


def _yaml_problem(error: yaml.YAMLError, *, where: str, first_line: int) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    at = f" at line {mark.line + first_line}" if mark is not None else ""
    return (
        f"{where} is not valid YAML{at}: {problem}; fix it "
        "(one 'field: value' per line; quote values that contain ': ' or start with a quote, '#' or '@')"
    )


def _yaml_kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    return f"a single value ({value!r})"


def read_file_bytes(path: Path, *, provenance: Provenance, settings: Settings) -> bytes | Refusal:
    """The bytes of `path`, or a refusal if it cannot be read or is over `settings.max_file_bytes`."""
    name = provenance.source
    limit = settings.max_file_bytes
    keep = settings.max_rejected_payload_chars
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size <= limit:
                # One byte more than allowed: the file may have grown since it was measured.
                data = handle.read(limit + 1)
                if len(data) <= limit:
                    return data
                head = data[:keep]
            else:
                head = handle.read(keep)
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        return Refusal(
            provenance,
            RefusalReason.UNREADABLE_FILE,
            f"'{name}' cannot be read: {_os_error_reason(error)}",
        )
    # Keep the head up to a line end, so that no character is cut in two.
    line_end = head.rfind(b"\n")
    return Refusal(
        provenance,
        RefusalReason.TOO_LARGE,
        f"'{name}' is {size:,} bytes, over the limit of {limit:,} bytes; split it, or raise the "
        "limit with the setting PARALLAX_MAX_FILE_BYTES",
        payload_of_bytes(head[: line_end + 1] if line_end >= 0 else head, settings=settings),
    )


def _os_error_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file; check the path"
    if isinstance(error, IsADirectoryError):
        return "it is a directory, not a file; give the files inside it"
    if isinstance(error, PermissionError):
        return "permission denied; check the file's permissions"
    return f"{error.strerror or error}; check that the file is readable"


def payload_of_bytes(data: bytes, *, settings: Settings) -> str:
    """A refused input as kept for the record: its text if it decodes, else a repr of its first bytes."""
    try:
        return truncate_payload(decode_bytes(data), settings=settings)
    except ValueError:  # BinaryContentError, UndecodableError
        return repr(data[:_PREVIEW_BYTES])


def truncate_payload(text: str, *, settings: Settings) -> str:
    """`text` cut to `settings.max_rejected_payload_chars`."""
    return text[: settings.max_rejected_payload_chars]
