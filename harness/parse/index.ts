/** Stage 1: lesson file → parsed lesson (frontmatter, blocks, files, commands, outputs, tables, iterations). */
export { dockerBuild, isShellLang, readShell, segments, splitCommands } from './commands.js'
export { readControls } from './controls.js'
export { outputTable } from './docker-output.js'
export { documentRole, parseDocument, resolveFile } from './document.js'
export { applyDiff, dockerfileShape, filesAt, isExcerpt } from './files.js'
export { readFrontmatter } from './frontmatter.js'
export { infoString, plain } from './markdown.js'
export { isOutputLead } from './outputs.js'
export { readThrough } from './readthrough.js'
export { headingPathAt, inReaderSection, isReaderSection, sectionAt } from './sections.js'
export { type Decoded, decodeDocument, MAX_DOCUMENT_BYTES, readDocumentBytes } from './source.js'
export { isPlaceholder, shellWrites } from './writes.js'

import { DocumentError } from '../errors.js'
import type { Document } from '../model/index.js'
import { parseDocument } from './document.js'
import { decodeDocument, readDocumentBytes } from './source.js'

/**
 * Reads and parses one document. Only what is not text at all (unreadable bytes on disk, a
 * binary file, one too large to be a lesson) becomes a DocumentError; everything else is a
 * Document, with what could not be read recorded on it (`unreadable`, `problems`).
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
