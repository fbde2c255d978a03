import { CONFIG_KEY, formatIssues, parseConfigYaml, type Config, type ConfigIssue } from '../config/index.js';
import type { Logger } from '../engine/ports.js';

/** The data of the ConfigMap as the watch delivers it; undefined when the ConfigMap is gone. */
export type ConfigMapData = Readonly<Record<string, string>> | undefined;

/** A Kubernetes Event about the ConfigMap, recorded by whoever owns the API client. */
export interface ConfigEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'ConfigApplied' | 'ConfigRejected';
  readonly message: string;
}

/** What one delivered version led to. */
export type ReloadOutcome =
  | { readonly result: 'applied'; readonly config: Config; readonly restartRequired: readonly string[] }
  | { readonly result: 'rejected'; readonly issues: readonly ConfigIssue[] }
  | { readonly result: 'unchanged' };

export interface ConfigWatchDeps {
  readonly logger: Logger;
  /** Records an Event on the ConfigMap; failures are logged, never thrown. */
  readonly recordEvent: (e: ConfigEvent) => void | Promise<void>;
  /** Counts reloads by result; prom-client's Counter satisfies it. */
  readonly reloads: { inc(labels: { result: string }): void };
  /** Called with each config that becomes current (the first one included). */
  readonly onApply?: (next: Config, previous: Config | undefined) => void;
}

/**
 * Sections read once at start-up (listening port, Lease, namespace of the informers): a change is
 * applied to the config object but only takes effect after a restart, so it is reported as such. The
 * rest is live: the composition root rebuilds the policy, the Prometheus source, the pod informer and
 * the schedule when their sections change.
 */
export const RESTART_FIELDS: readonly string[] = ['http', 'leaderElection', 'engine.namespace'];

function pick(c: Config, path: string): unknown {
  let v: unknown = c;
  for (const seg of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[seg];
  return v;
}

/**
 * Keeps the last good Config across ConfigMap versions. Pure apart from the injected callbacks: feed it
 * versions with `update`, read `current()`. An invalid version is rejected (log with field paths, Event,
 * metric) and the previous config keeps running; a valid one swaps in.
 */
export class ConfigWatcher {
  private good: Config | undefined;
  private lastText: string | undefined;

  constructor(private readonly deps: ConfigWatchDeps) {}

  /** The config in force; undefined until a valid version has been seen. */
  current(): Config | undefined {
    return this.good;
  }

  /** Handles one delivered version of the ConfigMap's data. */
  update(data: ConfigMapData): ReloadOutcome {
    const text = data?.[CONFIG_KEY];
    if (text === undefined) {
      const message = data === undefined ? 'the ConfigMap is missing' : `the ConfigMap has no '${CONFIG_KEY}' key`;
      return this.reject(`\u0000missing:${message}`, [{ path: `data.${CONFIG_KEY}`, message }]);
    }
    if (text === this.lastText) {
      this.deps.reloads.inc({ result: 'unchanged' });
      return { result: 'unchanged' };
    }
    const parsed = parseConfigYaml(text);
    if (!parsed.ok) return this.reject(text, parsed.error);
    return this.apply(text, parsed.value);
  }

  private apply(text: string, next: Config): ReloadOutcome {
    const previous = this.good;
    this.lastText = text;
    this.good = next;
    const restartRequired =
      previous === undefined
        ? []
        : RESTART_FIELDS.filter((f) => JSON.stringify(pick(previous, f)) !== JSON.stringify(pick(next, f)));
    this.deps.reloads.inc({ result: 'applied' });
    const first = previous === undefined;
    this.deps.logger.info({ first, dryRun: next.engine.dryRun, policy: next.policy, restartRequired }, 'config applied');
    if (restartRequired.length > 0) {
      this.deps.logger.warn({ restartRequired }, 'config changed fields that take effect only after a restart');
    }
    const suffix = restartRequired.length > 0 ? ` (restart needed for: ${restartRequired.join(', ')})` : '';
    this.event({
      type: 'Normal',
      reason: 'ConfigApplied',
      message: `${first ? 'configuration loaded' : 'new configuration applied'}: policy ${next.policy}, dryRun ${String(next.engine.dryRun)}${suffix}`,
    });
    this.deps.onApply?.(next, previous);
    return { result: 'applied', config: next, restartRequired };
  }

  private reject(text: string, issues: readonly ConfigIssue[]): ReloadOutcome {
    // The same bad text delivered again (resync) is not news: count it, do not repeat the Event.
    const repeat = text === this.lastText;
    this.lastText = text;
    this.deps.reloads.inc({ result: 'rejected' });
    const keeping = this.good !== undefined ? 'keeping the last good configuration' : 'no valid configuration yet';
    this.deps.logger.error({ issues: issues.map((i) => ({ ...i })), keeping }, 'config rejected');
    if (!repeat) {
      this.event({ type: 'Warning', reason: 'ConfigRejected', message: `${formatIssues(issues)} (${keeping})` });
    }
    return { result: 'rejected', issues };
  }

  private event(e: ConfigEvent): void {
    try {
      const p = this.deps.recordEvent(e);
      if (p instanceof Promise) {
        p.catch((error: unknown) => this.deps.logger.warn({ error: String(error), reason: e.reason }, 'could not record Event'));
      }
    } catch (error) {
      this.deps.logger.warn({ error: String(error), reason: e.reason }, 'could not record Event');
    }
  }
}

/** A transport that delivers ConfigMap data on every change (a watch, an informer, a file poller…). */
export type ConfigFeed = (onData: (data: ConfigMapData) => void) => { stop(): void };

/** Wires a feed to a watcher: every delivered version goes through `update`. */
export function watchConfig(feed: ConfigFeed, deps: ConfigWatchDeps): { readonly watcher: ConfigWatcher; stop(): void } {
  const watcher = new ConfigWatcher(deps);
  const handle = feed((data) => {
    watcher.update(data);
  });
  return { watcher, stop: () => handle.stop() };
}
