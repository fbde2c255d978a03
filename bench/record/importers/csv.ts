import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { err, ok, type Result } from '../../../src/core/result.js';

/** One CSV record keyed by the header's column names. Missing trailing cells read as ''. */
export type CsvRow = Readonly<Record<string, string>>;

/**
 * Parses RFC-4180-style CSV text: a header line, comma separators, double-quoted cells that may hold
 * commas, doubled quotes and newlines. The shared data tables are small (< 30k rows), so parsing the
 * whole text at once is simpler than streaming and fast enough.
 */
export function parseCsv(text: string): CsvRow[] {
  const records = splitRecords(text);
  const header = records.shift();
  if (header === undefined) return [];
  return records
    .filter((cells) => !(cells.length === 1 && cells[0] === ''))
    .map((cells) => {
      const row: Record<string, string> = {};
      header.forEach((name, i) => {
        row[name] = cells[i] ?? '';
      });
      return row;
    });
}

function splitRecords(text: string): string[][] {
  const out: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      out.push(cells);
      cells = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    out.push(cells);
  }
  return out;
}

/** Reads a CSV file (gunzipped when the name ends `.gz`); a missing or unreadable file is an error value. */
export async function readCsv(path: string): Promise<Result<CsvRow[]>> {
  try {
    const raw = await readFile(path);
    const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    return ok(parseCsv(text));
  } catch (e: unknown) {
    return err(new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** A numeric cell, or undefined when empty or not a finite number (unknown stays absent, never zero). */
export function num(row: CsvRow, column: string): number | undefined {
  const s = row[column];
  if (s === undefined || s.trim() === '') return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** A boolean cell: `1`, `true`, `True` are true; anything else false. */
export function flag(row: CsvRow, column: string): boolean {
  const s = (row[column] ?? '').trim().toLowerCase();
  return s === '1' || s === 'true';
}

/** Cell text ('' when absent). */
export function str(row: CsvRow, column: string): string {
  return row[column] ?? '';
}
