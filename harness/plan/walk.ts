/**
 * A lesson's walk as plain data: in document order, the files the lesson shows (written into the
 * working directory where the reader would save them) and the commands it has the reader run,
 * each with how it runs: its time limit, in the background (a server in the foreground), or not
 * at all and why. Pure: the walker carries it out.
 */
import { lessonSteps } from '../kinds/readings/steps.js'
import type { Document } from '../model/index.js'
import { headingPathAt, inReaderSection } from '../parse/index.js'
import type { Settings } from '../settings/index.js'
import { findDockerCommands, looksLongRunning, needsPerson } from './steps.js'

/** A file the lesson shows in a block (not one a command writes: the command does). */
export interface WalkFile {
  kind: 'file'
  line: number
  name: string
  content: string
}

/** A command the reader runs. */
export interface WalkStep {
  kind: 'step'
  /** Its first line: the key of its facts. */
  line: number
  /** What runs (continuations joined, heredocs whole). */
  command: string
  /** The heading path it stands under: a server it starts is stopped when this changes. */
  section: string
  timeoutMs: number
  /** Started in the background and probed; stopped when its section ends. */
  background?: { waitMs: number; probeUrl?: string; why: string }
  /** Why it is not run (an author's skip, a person needed, the reader's own project, another tab). */
  skip?: string
  /** Skipped by the author: later steps may depend on what it would have done. */
  authorSkip?: boolean
}

export type WalkAction = WalkFile | WalkStep

export interface WalkPlan {
  document: string
  /** The image the lesson names (`lessonproof: { workstation }`), or lessonproof's own. */
  workstation?: string
  /** Debian packages added to lessonproof's image. */
  packages: string[]
  actions: WalkAction[]
  /** How long a started container may take to listen on its published ports. */
  readyTimeoutMs: number
}

/** The URL a server started by a command answers on: its `-p`/`--port`, else the next loopback URL a step uses. */
function probeFor(command: string, later: string[]): string | undefined {
  const publish = /(?:^|\s)(?:-p|--publish)[\s=]+(?:(?:\d{1,3}\.){3}\d{1,3}:)?(\d+):\d+/.exec(command)
  if (publish) return `http://127.0.0.1:${publish[1]}/`
  const port = /--port[\s=]+(\d+)/.exec(command)
  if (port) return `http://127.0.0.1:${port[1]}/`
  for (const text of later) {
    const url = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?[^\s'"]*/.exec(text)?.[0]
    if (url) return url.replace('0.0.0.0', '127.0.0.1').replace('localhost', '127.0.0.1')
  }
  return undefined
}

export function planWalk(doc: Document, settings: Settings): WalkPlan {
  const blocks = lessonSteps(doc)
  const actions: WalkAction[] = []
  for (const file of doc.files) {
    if (file.via === 'shell' || file.alternativeTo !== undefined || inReaderSection(doc, file.line)) continue
    actions.push({ kind: 'file', line: file.line, name: file.name, content: `${file.content}\n` })
  }
  const allCommands = blocks.flatMap((b) => b.commands.map((c) => ({ line: c.line, run: c.run })))
  for (const block of blocks) {
    for (const command of block.commands) {
      const step: WalkStep = {
        kind: 'step',
        line: command.line,
        command: command.run,
        section: block.section || headingPathAt(doc, block.line).join(' > '),
        timeoutMs: (block.controls?.timeoutS ?? settings.step_timeout_s) * 1000,
      }
      // A build is the iteration's build, and its app's /health is awaited: its own limits apply.
      if (
        block.controls?.timeoutS === undefined &&
        findDockerCommands(command.run).some((a) => a[0] === 'build')
      )
        step.timeoutMs = Math.max(
          step.timeoutMs,
          (settings.build_timeout_s + settings.health_timeout_s + 60) * 1000,
        )
      const person = needsPerson(command.run)
      if (block.controls?.skip !== undefined) {
        step.skip = `skipped by the author: ${block.controls.skip}`
        step.authorSkip = true
      } else if (block.notRun) step.skip = block.notRun
      else if (person) step.skip = person
      const long = block.controls?.background
        ? 'the author marks it background'
        : looksLongRunning(command.run)
      if (long && step.skip === undefined) {
        const later = allCommands.filter((c) => c.line > command.line).map((c) => c.run)
        const probeUrl = block.controls?.probe ?? probeFor(command.run, later.slice(0, 3))
        step.background = {
          waitMs: probeUrl ? settings.health_timeout_s * 1000 : Math.min(10_000, step.timeoutMs),
          why: long,
          ...(probeUrl ? { probeUrl } : {}),
        }
      }
      actions.push(step)
    }
  }
  // Files before the commands of the same line: a block is shown, then run.
  actions.sort((a, b) => a.line - b.line || (a.kind === 'file' ? -1 : 1))
  const plan: WalkPlan = {
    document: doc.path,
    packages: settings.workstation_packages,
    actions,
    readyTimeoutMs: settings.health_timeout_s * 1000,
  }
  if (settings.workstation !== '') plan.workstation = settings.workstation
  return plan
}
