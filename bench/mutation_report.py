#!/usr/bin/env python3
"""Score per package and the surviving mutants, from PIT's mutations.xml under target/pit-reports/<package>/."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

root, packages = Path(sys.argv[1]), sys.argv[2:]
for pkg in packages:
    report = root / pkg / "mutations.xml"
    if not report.exists():
        print(f"io.bqexport.{pkg}: no report ({report})")
        continue
    mutations = ET.parse(report).getroot().findall("mutation")
    killed = [m for m in mutations if m.get("detected") == "true"]
    alive = [m for m in mutations if m.get("detected") != "true"]
    score = 100.0 * len(killed) / len(mutations) if mutations else 100.0
    print(f"io.bqexport.{pkg}: {score:.1f}% ({len(killed)}/{len(mutations)} killed, {len(alive)} alive)")
    for m in sorted(alive, key=lambda m: (m.findtext("sourceFile"), int(m.findtext("lineNumber")))):
        mutator = m.findtext("mutator").rsplit(".", 1)[-1]
        print(f"  {m.get('status'):<12} {m.findtext('sourceFile')}:{m.findtext('lineNumber')}"
              f" {m.findtext('mutatedMethod')} {mutator}: {m.findtext('description')}")
