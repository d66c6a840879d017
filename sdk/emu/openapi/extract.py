#!/usr/bin/env python3
"""Writes the trimmed copy of Discord's OpenAPI description that bothost uses.

Usage: sdk/emu/openapi/extract.py SOURCE.json [OUT.json]

SOURCE is Discord's own specs/openapi.json (github.com/discord/discord-api-spec).
The copy keeps every path, operation, parameter, request body, response and
component schema, and drops what only documents them (descriptions, titles,
summaries, examples, tags) and the bodies other than application/json, and
applies the CORRECTIONS below (where Discord's documentation disagrees), so that bothost's tests can check routes and bodies
without the 1.2 MB original. Maps (properties, paths, responses, ...) keep all
their keys; only schema and operation objects lose their annotations.
"""
import json
import sys

ANNOTATIONS = {"description", "title", "summary", "example", "examples", "externalDocs", "tags"}
MAPS = {"properties", "patternProperties", "$defs", "schemas", "paths", "responses", "headers",
        "content", "securitySchemes", "requestBodies", "parameters_map"}


# Where the description and Discord's written documentation disagree, the documentation
# wins (the description's own README says so). Each correction: the JSON path of the
# schema to replace, what replaces it, and where the documentation says so.
CORRECTIONS = [
    # docs: reference#error-messages: an inner error's code is a string ("BASE_TYPE_REQUIRED").
    (["components", "schemas", "InnerErrors", "properties", "_errors", "items"],
     {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
      "required": ["code", "message"]}),
]


def correct(spec):
    for path, replacement in CORRECTIONS:
        node = spec
        for key in path[:-1]:
            node = node[key]
        if path[-1] not in node:
            raise SystemExit("extract.py: correction target %s is gone" % "/".join(path))
        node[path[-1]] = replacement


def trim(node, is_map=False):
    if isinstance(node, list):
        return [trim(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if not is_map and key in ANNOTATIONS:
            continue
        if is_map:
            out[key] = trim(value)
        elif key == "content" and isinstance(value, dict):
            # Bodies as bothost sends and reads them: JSON only.
            out[key] = {k: trim(v) for k, v in value.items() if k == "application/json"}
        else:
            out[key] = trim(value, key in MAPS and isinstance(value, dict))
    return out


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    out = {
        "openapi": spec["openapi"],
        "info": {"title": spec["info"].get("title", ""), "version": spec["info"].get("version", ""),
                 "x-bothost-note": "trimmed by sdk/emu/openapi/extract.py; see sdk/emu/openapi/README.md"},
        "servers": spec.get("servers", []),
        "paths": trim(spec["paths"], True),
        "components": trim(spec["components"]),
    }
    correct(out)
    text = json.dumps(out, indent=None, separators=(",", ":"), sort_keys=False, ensure_ascii=False)
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
