import type { Stats } from 'node:fs';

/**
 * Byte order marks and what they mean. YAML 1.2 allows UTF-16 and UTF-32 streams, but
 * editors on Windows save them by accident and our parser reads UTF-8 only, so they are
 * named rather than misread as garbage keys.
 */
const MARKS: readonly { bytes: readonly number[]; encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32LE' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32BE' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16LE' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16BE' },
];
const UTF8_MARK = [0xef, 0xbb, 0xbf];

/** UTF-8 text (a UTF-8 byte order mark is dropped), or why the bytes are not. */
export function decodeConfigBytes(bytes: Uint8Array): { text: string } | { problem: string } {
  const startsWith = (mark: readonly number[]) => mark.every((byte, i) => bytes[i] === byte);
  const saveAs = 'save it as UTF-8';
  for (const { bytes: mark, encoding } of MARKS) {
    if (startsWith(mark))
      return { problem: `the file is ${encoding} (it starts with a byte order mark); ${saveAs}` };
  }
  // Without a mark, ASCII text in UTF-16 shows as a NUL beside every character.
  if (bytes.length >= 2 && bytes.includes(0)) {
    const guess = bytes[0] === 0 ? 'UTF-16BE' : bytes[1] === 0 ? 'UTF-16LE' : undefined;
    return {
      problem: `the file contains NUL bytes${guess ? `, so it looks like ${guess}` : ''}; ${saveAs}`,
    };
  }
  const body = startsWith(UTF8_MARK) ? bytes.subarray(UTF8_MARK.length) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { problem: `the file is not valid UTF-8 (Latin-1 or another code page?); ${saveAs}` };
  }
}

/** What a non-regular path is, for the refusal message. */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
