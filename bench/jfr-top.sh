#!/usr/bin/env bash
# Hot methods of a JFR recording: the top frames of its execution samples, most frequent first.
# Usage: bench/jfr-top.sh recording.jfr [N]
set -euo pipefail
jfr print --events jdk.ExecutionSample "$1" \
  | awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' \
  | sort | uniq -c | sort -rn | head -"${2:-25}"
