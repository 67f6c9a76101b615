/** Stage 1: lesson file → parsed lesson (frontmatter, blocks, files, commands, outputs, tables, iterations). */
export { dockerBuild, segments, splitCommands } from './commands.js'
export { outputTable } from './docker-output.js'
export { documentRole, isReaderSection, parseDocument, sectionAt } from './document.js'
export { filesAt, fileVersions, isExcerpt } from './files.js'
export { parseFrontmatter } from './frontmatter.js'
export { plain } from './markdown.js'
export { decodeLesson, MAX_LESSON_BYTES } from './source.js'

import { readFile } from 'node:fs/promises'
import { LessonError } from '../errors.js'
import type { Lesson } from '../model/index.js'
import { parseDocument } from './document.js'
import { decodeLesson } from './source.js'

/**
 * Reads and parses one document; unreadable files become a LessonError at line 1.
 * `reading` is the file's bytes already being read (a run reads ahead of parsing).
 */
export async function loadLesson(
  path: string,
  reading: Promise<Uint8Array> = readFile(path),
): Promise<Lesson> {
  let bytes: Uint8Array
  try {
    bytes = await reading
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    throw new LessonError({ file: path, line: 1, reason: `cannot read the file (${code})`, cause })
  }
  return parseDocument(path, decodeLesson(path, bytes))
}
