/**
 * The known name closest to a misspelt one, for "unknown field 'tickIntervallS'; did you mean
 * 'tickIntervalS'?". Pure; used by the config and the trace reader.
 */

/** Edit distance (insert, delete, substitute; case-insensitive), by the two-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitute = (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitute));
    }
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/**
 * The candidate nearest to `name`, or undefined when none is near enough to be a plausible typo:
 * at most a third of the name's length in edits (at least 1, at most 3), so `mem` does not become
 * `memoryBytes` and unrelated fields stay unknown rather than wrongly "corrected".
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
