#!/bin/sh
# Claude Code PreToolUse hook: tells burstguard which tool is about to run, so the pod is resized
# before the tool's burst instead of after the next scrape (docs/hints.md). Never blocks the tool:
# a refused or lost hint only means the normal control loop sizes the pod, as without hints.
# Claude Code passes the hook input as JSON on stdin; tool_name is e.g. "Bash", "Edit", "WebFetch".
# For Bash, the first word of the command refines the tool (Bash:test for `npm test`, `pytest`, ...);
# map it to the tool names your class priors use.
input=$(cat)
tool=$(printf '%s' "$input" | node -e '
  let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
    const j = JSON.parse(s); let t = j.tool_name ?? "unknown";
    const cmd = String(j.tool_input?.command ?? "");
    if (t === "Bash" && /\b(test|pytest|jest|vitest|go test|cargo test)\b/.test(cmd)) t = "Bash:test";
    else if (t === "Bash" && /\b(npm (ci|install)|pip install|apt-get install|cargo build)\b/.test(cmd)) t = "Bash:pkg_install";
    process.stdout.write(t);
  });')
burstguard hint --container "${BURSTGUARD_CONTAINER:-agent}" --tool "$tool" >/dev/null 2>&1 || true
exit 0
