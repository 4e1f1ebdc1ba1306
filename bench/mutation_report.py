#!/usr/bin/env python3
"""Score per package and the surviving mutants, from PIT's mutations.xml under target/pit-reports/<package>/."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path



def mutations_of(report):
    """PIT streams mutations.xml; a run cut short leaves a file without its end, read up to the last mutation."""
    text = report.read_text(encoding="utf-8", errors="replace")
    try:
        return ET.fromstring(text).findall("mutation"), False
    except ET.ParseError:
        end = text.rfind("</mutation>")
        cut = text[:end + len("</mutation>")] if end >= 0 else "<mutations>"
        return ET.fromstring(cut + "</mutations>").findall("mutation"), True


root, packages = Path(sys.argv[1]), sys.argv[2:]
for pkg in packages:
    # a package run in parts (bench/mutation.sh) has one report per part below its directory
    reports = sorted((root / pkg).rglob("mutations.xml"))
    if not reports:
        print(f"io.bqexport.{pkg}: no report ({root / pkg})")
        continue
    mutations, partial = [], False
    for report in reports:
        part, cut = mutations_of(report)
        mutations += part
        partial = partial or cut
    killed = [m for m in mutations if m.get("detected") == "true"]
    alive = [m for m in mutations if m.get("detected") != "true"]
    score = 100.0 * len(killed) / len(mutations) if mutations else 100.0
    print(f"io.bqexport.{pkg}: {score:.1f}% ({len(killed)}/{len(mutations)} killed, {len(alive)} alive)"
          + (" PARTIAL: the run was cut short" if partial else ""))
    for m in sorted(alive, key=lambda m: (m.findtext("sourceFile"), int(m.findtext("lineNumber")))):
        mutator = m.findtext("mutator").rsplit(".", 1)[-1]
        print(f"  {m.get('status'):<12} {m.findtext('sourceFile')}:{m.findtext('lineNumber')}"
              f" {m.findtext('mutatedMethod')} {mutator}: {m.findtext('description')}")
