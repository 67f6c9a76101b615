/** Stage 1: lesson file → parsed lesson (frontmatter, blocks, files, commands, outputs, tables, iterations). */
export { dockerBuild, segments, splitCommands } from './commands.js'
export { outputTable } from './docker-output.js'
export { documentRole, isReaderSection, parseDocument, sectionAt } from './document.js'
export { filesAt, fileVersions, isExcerpt } from './files.js'
export { parseFrontmatter } from './frontmatter.js'
export { plain } from './markdown.js'
export { decodeDocument, MAX_DOCUMENT_BYTES, readDocumentBytes } from './source.js'

import { DocumentError } from '../errors.js'
import type { Document } from '../model/index.js'
import { parseDocument } from './document.js'
import { decodeDocument, readDocumentBytes } from './source.js'

/**
 * Reads and parses one document; unreadable files become a DocumentError at line 1.
 * `reading` is the file's bytes already being read (a run reads ahead of parsing).
 */
export async function loadDocument(
  path: string,
  reading: Promise<Uint8Array> = readDocumentBytes(path),
): Promise<Document> {
  let bytes: Uint8Array
  try {
    bytes = await reading
  } catch (cause) {
    if (cause instanceof DocumentError) throw cause
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    throw new DocumentError({ file: path, line: 1, reason: `cannot read the file (${code})`, cause })
  }
  return parseDocument(path, decodeDocument(path, bytes))
}
