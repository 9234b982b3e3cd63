"""`sovereign-router classify`: scan text or chat requests and print the detected tier.

    echo "Pt John Smith, MRN 1234567, has CHF" | sovereign-router classify
    sovereign-router classify --jsonl < requests.jsonl

Plain mode reads all of stdin as one text. With `--jsonl`, each line is a JSON object,
`{"text": ...}` or a chat request `{"messages": [...]}`, and each output line is
`{"tier", "entities": [{"type", "start", "end", "text", ...}], "reasons"}`. Offsets index
the input text (for chat requests, the field named by `path`). A line that cannot be
scanned yields `{"error": {...}}` and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from router.errors import RouterError


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "classify",
        help="detect PHI in text read from stdin and print the tier as JSON",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read one JSON object per line ({"text": ...} or {"messages": [...]})',
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from router.phi import Classifier
    from router.settings import Settings

    # The server's own settings, so that the verdict is the one the server would give.
    classifier = Classifier(Settings().phi.classifier_config())
    stdin = _decoded_stdin()
    if args.jsonl:
        return _run_jsonl(classifier, stdin, sys.stdout)
    text = stdin.read()
    try:
        result = _result(classifier.classify_text(text))
    except RouterError as error:
        _write(sys.stdout, {"error": error.to_openai()["error"]})
        return 1
    _write(sys.stdout, result)
    return 0


def _decoded_stdin() -> TextIO:
    # Invalid UTF-8 is kept as lone surrogates, one per byte, so offsets still line up
    # with the input and nothing is silently dropped before scanning.
    import io

    return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")


def _run_jsonl(classifier: Any, lines: TextIO, out: TextIO) -> int:
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            _write(out, _classify_line(classifier, line))
        except (RouterError, ValueError) as error:
            status = 1
            message = error.message if isinstance(error, RouterError) else "invalid JSON line"
            _write(out, {"error": {"line": number, "message": message}})
    return status


def _classify_line(classifier: Any, line: str) -> dict[str, object]:
    from router.errors import ClassificationRejected

    record = json.loads(line)
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return _result(classifier.classify_text(record["text"]))
    if isinstance(record, dict) and "messages" in record:
        return _result(classifier.classify_chat(record), with_paths=True)
    raise ClassificationRejected('each line must hold "text" or "messages"')


def _result(classification: Any, *, with_paths: bool = False) -> dict[str, object]:
    entities = []
    for entity in classification.entities:
        item: dict[str, object] = {
            "type": entity.type.value,
            "start": entity.start,
            "end": entity.end,
            "text": entity.text,
            "confidence": round(entity.confidence, 2),
        }
        if with_paths:
            item["path"] = entity.path
            item["message_index"] = entity.message_index
        entities.append(item)
    return {
        "tier": classification.tier.value,
        "entities": entities,
        "reasons": list(classification.reasons),
        "has_health_information": classification.has_health_information,
    }


def _write(out: TextIO, record: dict[str, object]) -> None:
    # ensure_ascii keeps lone surrogates (from invalid input bytes) printable as escapes.
    out.write(json.dumps(record, ensure_ascii=True) + "\n")
    out.flush()
