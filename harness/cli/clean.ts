/** `lessonproof clean [--prune]`: what runs that ended without cleaning up left, removed by label. */
import { rm } from 'node:fs/promises'

export interface CleanOptions {
  /** Also empty the result cache and remove the BuildKit cache records lessonproof's builds made. */
  prune: boolean
  cacheDir: string
  io: { out: (text: string) => void; env?: Record<string, string | undefined> }
}

/**
 * Returns the exit status: 1 when something it set out to remove could not be removed, else 0.
 * Runs it cannot judge (another host, no owner recorded) are listed with their commands, not
 * counted: on a shared engine they are other people's.
 */
export async function clean({ prune, cacheDir, io }: CleanOptions): Promise<number> {
  const engine = await import('../engine/index.js')
  const { docker, address } = await engine.connectDocker(io.env ?? {}, io.env?.LESSONPROOF_DOCKER)
  io.out(`lessonproof clean: engine at ${address.host} (${address.source})`)
  let left = 0
  const runs = await engine.findLeftovers(docker)
  for (const run of runs) {
    const what = engine.describeLeftovers(run)
    if (run.liveness === 'dead') {
      const failed = await engine.removeLeftovers(docker, run)
      io.out(`removed run ${run.runId} (its process ${ownerText(run.owner)} is gone): ${what}`)
      if (failed.length > 0) {
        left++
        io.out(`  could not remove all of it; remove it with:\n    ${failed.join('\n    ')}`)
      }
    } else if (run.liveness === 'alive') {
      io.out(`left run ${run.runId} alone: it is still going (${ownerText(run.owner)}): ${what}`)
    } else {
      io.out(
        `left run ${run.runId} alone: ${run.owner ? `it ran on another host (${run.owner})` : 'its owner is not recorded (an older lessonproof, or another tool)'}, so whether it still goes cannot be told: ${what}\n  if it is over, remove it with:\n    ${engine.removalCommands(run).join('\n    ')}`,
      )
    }
  }
  if (runs.length === 0) io.out('nothing left by earlier runs')
  if (prune) {
    const records = await engine.readRecords(cacheDir)
    const reclaimed = await engine.pruneRecords(docker, records)
    await rm(cacheDir, { recursive: true, force: true })
    io.out(
      `pruned: ${cacheDir} (the result cache) and ${records.length} BuildKit cache record${records.length === 1 ? '' : 's'} lessonproof's builds made (${(reclaimed / 1e6).toFixed(1)} MB reclaimed)`,
    )
  }
  return left > 0 ? 1 : 0
}

function ownerText(owner: string | undefined): string {
  const [host, pid] = (owner ?? '').split('/')
  return host && pid ? `pid ${pid} on ${host}` : 'unknown'
}
