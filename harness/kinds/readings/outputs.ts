/** What the document shows commands printing: `docker images` rows, `docker history`, build logs. */
import { type Iteration, type Output, parseSize, type Size, type Table } from '../../model/index.js'
import { dockerBuild, segments } from '../../parse/index.js'
import type { Reading } from '../kit/index.js'

/** The image a `docker images X` / `docker history X` command is about (its first operand). */
export function operand(command: string | undefined): string | undefined {
  const argv = command ? segments(command)[0] : undefined
  if (argv?.[0] !== 'docker') return undefined
  const args = argv.slice(argv[1] === 'image' ? 3 : 2)
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--format' || a === '-f' || a === '--filter') i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

/** A row of a `docker images` output or `--format` table that states an image's size. */
export interface ImageRow {
  line: number
  image: string
  size: Size
  origin: 'docker-images' | 'format-table'
}

export const imageRows: Reading<ImageRow[]> = (x) =>
  x.doc.tables.flatMap((table): ImageRow[] => {
    if (table.origin !== 'output') return []
    if (table.header[0] === 'REPOSITORY') {
      return table.rows.flatMap((row) => {
        const [repo = '', tag = '', , , sizeText = ''] = row.cells
        const size = parseSize(sizeText)
        return size
          ? [{ line: row.line, image: `${repo}:${tag}`, size, origin: 'docker-images' as const }]
          : []
      })
    }
    if (table.header[0] !== 'IMAGE' && table.header.includes('TAG') && table.header.includes('SIZE')) {
      const repo = operand(table.command)
      const tagAt = table.header.indexOf('TAG')
      const sizeAt = table.header.indexOf('SIZE')
      return table.rows.flatMap((row) => {
        const size = parseSize(row.cells[sizeAt] ?? '')
        return size && repo
          ? [{ line: row.line, image: `${repo}:${row.cells[tagAt]}`, size, origin: 'format-table' as const }]
          : []
      })
    }
    return []
  })

/** A `docker history` output. */
export interface History {
  table: Table
  image: string
  it: Iteration | undefined
  layers: { line: number; createdBy: string; size: Size }[]
  truncated: boolean
}

export const histories: Reading<History[]> = (x) =>
  x.doc.tables.flatMap((table): History[] => {
    if (table.origin !== 'output' || table.header[0] !== 'IMAGE') return []
    const image = operand(table.command) ?? '?'
    const layers = table.rows.flatMap((row) => {
      const size = parseSize(row.cells[3] ?? '')
      return size ? [{ line: row.line, createdBy: row.cells[2] ?? '', size }] : []
    })
    return [
      {
        table,
        image,
        it: x.iterations.byTag(image, table.line),
        layers,
        truncated: table.truncated ?? false,
      },
    ]
  })

const STEP = /=>\s+\[(?:([\w.-]+)\s+)?(\d+)\/(\d+)\]\s+(.+?)\s{2,}(\d+(?:\.\d+)?)s\b/

/** A numbered step of a BuildKit log as a lesson shows it: `=> [builder 2/4] RUN …   1.8s`. */
export interface LoggedStep {
  line: number
  stage: string
  index: number
  total: number
  instruction: string
  seconds: number
}

/** The output of a `docker build` the document shows. */
export interface BuildLog {
  output: Output
  image: string
  dockerfile: string
  it: Iteration | undefined
  steps: LoggedStep[]
}

export const buildLogs: Reading<BuildLog[]> = (x) =>
  x.doc.outputs.flatMap((output): BuildLog[] => {
    const argv = output.command ? segments(output.command)[0] : undefined
    const build = argv ? dockerBuild(argv) : undefined
    if (!build) return []
    const image = build.tag ?? '?'
    const steps = output.text.split('\n').flatMap((text, i): LoggedStep[] => {
      const m = STEP.exec(text)
      if (!m) return []
      const [, stage = '', index = '0', total = '0', instruction = '', seconds = '0'] = m
      return [
        {
          line: output.line + 1 + i,
          stage,
          index: Number(index),
          total: Number(total),
          instruction,
          seconds: Number(seconds),
        },
      ]
    })
    return [
      {
        output,
        image,
        dockerfile: build.file,
        // The build this log is the output of; a tag may be built more than once.
        it:
          x.iterations.all.find((i) => i.line === output.commandLine) ??
          x.iterations.byTag(image, output.line),
        steps,
      },
    ]
  })
