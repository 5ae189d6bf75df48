import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive, with its Unix mode (0 when the archive recorded none). */
export interface ZipEntry {
  readonly name: string;
  readonly mode: number;
  readonly data: Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * The files of a zip archive (directories left out), read through its central directory —
 * enough for the kubectl layer, whose entries are stored or deflated, without zip64. Anything
 * else throws, so a changed archive fails loudly instead of unpacking garbage.
 */
export function readZipEntries(archive: Buffer, wanted?: (name: string) => boolean): ZipEntry[] {
  const end = findEndOfCentralDirectory(archive);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) {
      throw new Error(`zip: no central directory header at ${offset}`);
    }
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const externalAttributes = archive.readUInt32LE(offset + 38);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || (wanted && !wanted(name))) continue;
    if (archive.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) {
      throw new Error(`zip: no local header for ${name}`);
    }
    const dataStart =
      localOffset +
      30 +
      archive.readUInt16LE(localOffset + 26) +
      archive.readUInt16LE(localOffset + 28);
    const raw = archive.subarray(dataStart, dataStart + compressedSize);
    const data =
      method === STORED ? Buffer.from(raw) : method === DEFLATED ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`zip: ${name} uses compression method ${method}`);
    if (data.length !== size)
      throw new Error(`zip: ${name} unpacked to ${data.length}, not ${size}`);
    // Unix permissions sit in the high 16 bits of the external attributes.
    entries.push({ name, mode: (externalAttributes >>> 16) & 0o777, data });
  }
  return entries;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let offset = archive.length - 22; offset >= earliest; offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new Error('zip: no end of central directory record');
}
