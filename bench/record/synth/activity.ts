/**
 * What an agent did, independent of any resource figure: the input of the synthetic resource model.
 * Importers turn each public data set into these; the model turns them into memory and CPU per second.
 * Times are seconds since the session's start.
 */

/** One tool execution. Parallel calls (Claude Code issues several at once) may overlap. */
export interface ToolCall {
  readonly start: number;
  /** >= start; a call that took no measurable time has end === start. */
  readonly end: number;
  /** Tool or tool category, e.g. `Bash:test`, `Read`, `Api`. */
  readonly tool: string;
  /** The call ended in an error (non-zero exit, traceback, tool error flag). */
  readonly error: boolean;
  /** The call repeats the previous action after a failure or a rejected response (a retry loop step). */
  readonly retry: boolean;
}

/** The agent's context size as of a model response at time t. */
export interface ContextPoint {
  readonly t: number;
  readonly tokens: number;
}

/** One session's activity: the unit a trace session is generated from. */
export interface SessionActivity {
  readonly id: string;
  readonly agentClass: string;
  /** Seconds from start to the last event (>= every tool end and context point). */
  readonly durationSeconds: number;
  readonly tools: readonly ToolCall[];
  readonly contextPoints: readonly ContextPoint[];
}

/** The duration implied by the events, at least `floor` seconds. */
export function activityDuration(tools: readonly ToolCall[], points: readonly ContextPoint[], floor = 1): number {
  let d = floor;
  for (const c of tools) d = Math.max(d, c.end);
  for (const p of points) d = Math.max(d, p.t);
  return d;
}

/**
 * Classifies a shell command by its first word into the Bash categories AgentCgroup uses (test, build,
 * pkg_install, python_run, git, file_explore, text_proc, other). Only the first word is known in the
 * public step tables, so `python` stays python_run unless the caller knows better (see importers).
 */
export function bashCategory(head: string): string {
  const h = head.trim().replace(/^.*\//, '').toLowerCase();
  if (/^(pytest|py\.test|tox|nox|runtests\.py|test|make|ctest|jest|mocha)$/.test(h)) return 'Bash:test';
  if (/^(pip|pip3|apt|apt-get|conda|npm|yarn|poetry|uv)$/.test(h)) return 'Bash:pkg_install';
  if (/^(gcc|cc|g\+\+|cargo|go|mvn|gradle|cmake|sphinx-build|tsc)$/.test(h)) return 'Bash:build';
  if (/^(python|python3|python3\.\d+|ipython)$/.test(h)) return 'Bash:python_run';
  if (h === 'git') return 'Bash:git';
  if (/^(ls|find|cat|nl|head|tail|grep|rg|tree|wc|pwd|file|stat|less|diff)$/.test(h)) return 'Bash:file_explore';
  if (/^(sed|awk|tr|sort|uniq|cut|echo|printf|xargs|perl)$/.test(h)) return 'Bash:text_proc';
  return 'Bash:other';
}
