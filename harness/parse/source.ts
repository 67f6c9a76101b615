import { open, stat } from 'node:fs/promises'
import { DocumentError } from '../errors.js'
import type { Unreadable } from '../model/index.js'

/** Lessons larger than this are refused rather than parsed slowly: no course page is near it. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

/**
 * A document's bytes, read only from a regular file and only up to the limit: a FIFO, a device
 * (a symlink to /dev/zero) or a socket is refused without being opened, and a file larger than
 * the limit (a sparse one, say) by its size, before anything is read.
 */
export async function readDocumentBytes(path: string, maxBytes = MAX_DOCUMENT_BYTES): Promise<Uint8Array> {
  const info = await stat(path)
  if (!info.isFile()) {
    const kind = info.isFIFO()
      ? 'a FIFO'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device'
        : info.isSocket()
          ? 'a socket'
          : info.isDirectory()
            ? 'a directory'
            : 'not a file'
    throw new DocumentError({
      file: path,
      line: 1,
      reason: `not a regular file (${kind}): lessonproof reads lessons only from regular files`,
      expected: 'a regular file (a symlink to one is fine)',
      received: kind,
    })
  }
  if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes)
  const handle = await open(path, 'r')
  try {
    // One byte past the limit tells a file that grew since it was looked at.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length === buffer.length) break
    }
    if (length > maxBytes) throw tooLarge(path, length, maxBytes)
    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

function tooLarge(file: string, bytes: number, maxBytes: number): DocumentError {
  return new DocumentError({
    file,
    line: 1,
    reason: `file is ${formatBytes(bytes)}, larger than the ${formatBytes(maxBytes)} a lesson may be`,
    expected: 'a lesson document under the size limit',
    received: `${bytes} bytes`,
  })
}

/** A document's text, and why part of it could not be read when its bytes are not all UTF-8. */
export interface Decoded {
  text: string
  unreadable?: Unreadable
}

/**
 * Turns a document's bytes into text lessonproof can parse, folding CRLF to LF (line numbers
 * are unchanged). Refuses only what is not text at all: a binary file (a NUL byte) or one too
 * large to be a lesson. Bytes that are not UTF-8 (a Latin-1 "é") are decoded with U+FFFD in
 * their place and reported as `unreadable` at their line, so the rest is still read.
 */
export function decodeDocument(file: string, bytes: Uint8Array, maxBytes = MAX_DOCUMENT_BYTES): Decoded {
  if (bytes.byteLength > maxBytes) throw tooLarge(file, bytes.byteLength, maxBytes)
  const nul = bytes.indexOf(0)
  if (nul !== -1) {
    throw new DocumentError({
      file,
      line: lineAt(bytes, nul),
      reason: 'file is binary (it contains a NUL byte), not a lesson',
      expected: 'UTF-8 text (Markdown or plain text)',
      received: `NUL byte at offset ${nul}`,
    })
  }
  let text: string
  let unreadable: Unreadable | undefined
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = new TextDecoder('utf-8').decode(bytes)
    const line = invalidUtf8Line(bytes)
    unreadable = {
      line,
      what: 'encoding',
      reason: 'file is not valid UTF-8 text',
      expected: 'UTF-8 text (Markdown or plain text)',
      received: `bytes that do not decode as UTF-8 on line ${line}`,
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  text = text.replace(/\r\n?/g, '\n')
  return unreadable ? { text, unreadable } : { text }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
  return line
}

/** The first line that does not decode; a line feed never occurs inside a UTF-8 sequence. */
function invalidUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let start = 0
  let line = 1
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue
    try {
      decoder.decode(bytes.subarray(start, i))
    } catch {
      return line
    }
    start = i + 1
    line++
  }
  return 1
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`
}
