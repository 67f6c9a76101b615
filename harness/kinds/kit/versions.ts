import type { FileVersion } from '../../model/index.js'

/**
 * The document line of a line of a file version: its content starts on the fence's next line,
 * or on the command's own line for `echo '…' | tee Dockerfile`.
 */
export function documentLine(version: Pick<FileVersion, 'line' | 'contentLine'>, lineInFile: number): number {
  return (version.contentLine ?? version.line + 1) + lineInFile - 1
}
