/**
 * The output file of a recording, written chunk by chunk so that an interrupted recording can go on
 * where it stopped. A `.gz` file is a series of gzip members, one per chunk (gunzip, and the trace
 * reader, read concatenated members as one stream); a plain file is appended to. Beside it,
 * `FILE.progress.json` says how many chunks are complete and the file's size after the last of them,
 * and which recording it is; `--resume` cuts the file back to that size (dropping a half-written chunk)
 * and appends from the next chunk. The progress file is removed when the recording completes.
 */
import { appendFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

/** What identifies a recording: a resume must be asked with the same settings. */
export interface RecordingKey {
  readonly url: string;
  readonly namespace: string;
  readonly fromS: number;
  readonly toS: number;
  readonly stepS: number;
  readonly chunkPoints: number;
  readonly queries: readonly string[];
}

export interface Progress {
  readonly version: 1;
  readonly key: RecordingKey;
  /** Chunks written completely, from the first. */
  readonly chunksDone: number;
  /** File size after the last complete chunk. */
  readonly bytes: number;
  /** Samples written so far (for the summary). */
  readonly samples: number;
  readonly sessions: readonly string[];
}

/** The parts of a key a resume must repeat (the window is the saved one). */
export type ResumeKey = Omit<RecordingKey, 'fromS' | 'toS'>;

export function resumeKey(k: RecordingKey): ResumeKey {
  return { url: k.url, namespace: k.namespace, stepS: k.stepS, chunkPoints: k.chunkPoints, queries: k.queries };
}

export const progressPath = (out: string): string => `${out}.progress.json`;

function encode(out: string, text: string): Buffer {
  return out.endsWith('.gz') ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
}

/** Starts the file afresh with the header line. Returns its size. */
export async function startFile(out: string, headerLine: string): Promise<number> {
  const data = encode(out, `${headerLine}\n`);
  await writeFile(out, data);
  return data.length;
}

/** Appends one chunk's lines; returns the new size. */
export async function appendChunk(out: string, lines: readonly string[], size: number): Promise<number> {
  if (lines.length === 0) return size;
  const data = encode(out, `${lines.join('\n')}\n`);
  await appendFile(out, data);
  return size + data.length;
}

export async function saveProgress(out: string, p: Progress): Promise<void> {
  await writeFile(progressPath(out), `${JSON.stringify(p)}\n`);
}

/**
 * The saved progress of `out`, or why the recording cannot be resumed. The window is the saved one
 * (with `--since`, "now" has moved on since the first run); server, namespace, step and queries must
 * be the same as before, or the file would mix two recordings.
 */
export async function loadProgress(out: string, key: ResumeKey): Promise<Progress | string> {
  let p: Progress;
  try {
    p = JSON.parse(await readFile(progressPath(out), 'utf8')) as Progress;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? `nothing to resume: ${progressPath(out)} does not exist (the recording completed, or never started); run without --resume to record afresh`
      : `cannot read ${progressPath(out)}: ${(e as Error).message}`;
  }
  if (JSON.stringify(resumeKey(p.key)) !== JSON.stringify(key)) {
    return `--resume must repeat the interrupted recording's settings (it was: ${p.key.url} namespace ${p.key.namespace}, step ${p.key.stepS}s, the same queries)`;
  }
  let size: number;
  try {
    size = (await stat(out)).size;
  } catch {
    return `cannot resume: ${out} is gone`;
  }
  if (size < p.bytes) return `cannot resume: ${out} is shorter (${size} B) than its last complete chunk (${p.bytes} B)`;
  if (size > p.bytes) await truncate(out, p.bytes); // a chunk was half written when it stopped
  return p;
}

export async function finish(out: string): Promise<void> {
  await rm(progressPath(out), { force: true });
}

/** Removes the file and its progress (a recording with nothing in it). */
export async function discard(out: string): Promise<void> {
  await rm(out, { force: true });
  await finish(out);
}
