import { describe, expect, it } from 'vitest'
import { refusal } from '../testing.js'
import { decodeDocument, MAX_DOCUMENT_BYTES } from './index.js'

const FILE = 'lessons/x.md'
const bytes = (text: string) => new TextEncoder().encode(text)

describe('decodeDocument', () => {
  it('reads UTF-8 text, dropping a byte-order mark', () => {
    expect(decodeDocument(FILE, bytes('\uFEFF# Größe: 458MB\n'))).toEqual({ text: '# Größe: 458MB\n' })
  })

  it('folds CRLF (and lone CR) line ends to LF without adding or losing lines', () => {
    const { text } = decodeDocument(FILE, bytes('a\r\nb\rc\n\r\nd'))
    expect(text).toBe('a\nb\nc\n\nd')
    expect(text.split('\n')).toHaveLength(5)
  })

  it('reads an empty file as empty text (parsing reports it, the run goes on)', () => {
    expect(decodeDocument(FILE, new Uint8Array())).toEqual({ text: '' })
    expect(decodeDocument(FILE, bytes(' \n\t\r\n  \n'))).toEqual({ text: ' \n\t\n  \n' })
  })

  it('refuses a binary file at the line of its first NUL byte', () => {
    const binary = bytes('---\ntitle: T\n---\nPNG\0\0\0 data\n')
    expect(() => decodeDocument(FILE, binary)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:4: file is binary (it contains a NUL byte), not a lesson
        expected: UTF-8 text (Markdown or plain text)
        received: NUL byte at offset 20]
    `)
    expect(refusal(() => decodeDocument(FILE, binary))).toMatchObject({ file: FILE, line: 4 })
  })

  it('reads invalid UTF-8 with U+FFFD in place, and reports it unreadable at the line of the first bad byte', () => {
    // Line 3 holds a Latin-1 "é" (0xE9), which is not a UTF-8 sequence on its own.
    const latin1 = new Uint8Array([...bytes('# Title\n\ncaf'), 0xe9, ...bytes('\nmore\n')])
    const decoded = decodeDocument(FILE, latin1)
    expect(decoded.text).toBe('# Title\n\ncaf\uFFFD\nmore\n')
    expect(decoded.unreadable).toMatchInlineSnapshot(`
      {
        "expected": "UTF-8 text (Markdown or plain text)",
        "line": 3,
        "reason": "file is not valid UTF-8 text",
        "received": "bytes that do not decode as UTF-8 on line 3",
        "what": "encoding",
      }
    `)
  })

  it('refuses a file over MAX_DOCUMENT_BYTES quickly, giving its size', () => {
    const huge = new Uint8Array(MAX_DOCUMENT_BYTES + 1024 * 1024).fill(0x61)
    huge[0] = 0 // would be reported as binary if the bytes were scanned before the size was checked
    const started = performance.now()
    const error = refusal(() => decodeDocument(FILE, huge))
    expect(performance.now() - started).toBeLessThan(50)
    expect(error).toMatchObject({ file: FILE, line: 1, received: `${huge.byteLength} bytes` })
    expect(error.message).toMatchInlineSnapshot(`
      "lessons/x.md:1: file is 3.0 MiB, larger than the 2.0 MiB a lesson may be
        expected: a lesson document under the size limit
        received: 3145728 bytes"
    `)
  })

  it('accepts a file of exactly MAX_DOCUMENT_BYTES', () => {
    const limit = new Uint8Array(MAX_DOCUMENT_BYTES).fill(0x61)
    expect(decodeDocument(FILE, limit).text).toHaveLength(MAX_DOCUMENT_BYTES)
  })
})
