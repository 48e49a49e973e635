/**
 * What kind of file this is, told from its first bytes: workbook or text, encoding (from further in
 * where those are plain ASCII), delimiter, line ends.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const SNIFF_BYTES = 64 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];

export type CsvNewline = '\n' | '\r';
type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Lines end at \n, so that files mixing \r\n and \n read whole (a \r left on a row's last value is
 * trimmed with the rest of its spaces); only a file with no \n at all ends them at \r.
 */
export function sniffNewline(sample: string): CsvNewline {
  return sample.includes('\r') && !sample.includes('\n') ? '\r' : '\n';
}

/** A workbook (XLSX) is a zip archive, whatever its name says. */
export function isWorkbook(head: Buffer): boolean {
  return head.subarray(0, 4).equals(Buffer.from('PK\x03\x04'));
}

export async function firstBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The text encoding of a file's first bytes: UTF-16 by its byte-order mark (as Excel's "Unicode text"
 * saves), UTF-8 where the bytes are valid as such, else Windows-1252; none for a binary file.
 */
function sniffEncoding(head: Buffer): TextEncoding | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.includes(0)) return undefined;
  return isUtf8(head) ? 'utf-8' : 'windows-1252';
}

/**
 * The text encoding of a whole file. Plain ASCII is the same in UTF-8 and Windows-1252, and a council's
 * file may hold nothing else for thousands of rows before its first "£" or "é": where the first bytes
 * are ASCII, the first others decide, or every such character would be read as U+FFFD, unseen.
 */
export async function sniffFileEncoding(path: string, head: Buffer): Promise<TextEncoding | undefined> {
  const byHead = sniffEncoding(head);
  // A head shorter than the sample is the whole file: nothing further to look at.
  if (byHead !== 'utf-8' || !isAscii(head) || head.length < SNIFF_BYTES) return byHead;
  // Every byte before this chunk was ASCII, so none of its characters began in the last one.
  for await (const chunk of createReadStream(path, { start: head.length, highWaterMark: SNIFF_BYTES })) {
    if (!isAscii(chunk as Buffer)) return isUtf8(chunk as Buffer) ? 'utf-8' : 'windows-1252';
  }
  return 'utf-8';
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // stream: true forgives a character cut in two at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The delimiter that splits the first lines into the most, and most equal, pieces. */
export function sniffDelimiter(sample: string): string {
  const lines = sample
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => l.split(d).length - 1).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    const consistent = counts.filter((c) => c === median).length;
    const score = median * consistent;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}
