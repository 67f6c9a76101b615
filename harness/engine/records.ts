/**
 * BuildKit's cache records that lessonproof's builds made, remembered so `lessonproof clean
 * --prune` can remove them and nothing else. The engine says which records exist, when each was
 * made and what it is, not which build made it; so a record counts as lessonproof's when it was
 * made while one of its builds ran and that build ran a step (a build entirely from the cache
 * makes none). That is exact on an engine only lessonproof builds on. On a shared engine, a
 * record another build made in the same seconds is taken too (pruning it costs that build a
 * rebuild, never a wrong result); a record lessonproof's builds only reused is never taken.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { z } from 'zod'

/** When a build ran, in the engine's clock (ms). */
export interface BuildWindow {
  start: number
  end: number
}

const Remembered = z.object({
  /** Record IDs, as `docker system df -v` and `docker builder prune --filter id=` name them. */
  records: z.array(z.string()),
})

export const RECORDS_FILE = 'buildkit-records.json'

/** The records made during the given windows (with a second's slack either side for clock rounding). */
export async function recordsMadeDuring(docker: Dockerode, windows: BuildWindow[]): Promise<string[]> {
  if (windows.length === 0) return []
  const df = (await docker.df()) as { BuildCache?: { ID: string; CreatedAt: string }[] | null }
  return (df.BuildCache ?? [])
    .filter((r) => {
      const made = Date.parse(r.CreatedAt)
      return windows.some((w) => made >= w.start - 1_000 && made <= w.end + 1_000)
    })
    .map((r) => r.ID)
}

export async function readRecords(cacheDir: string): Promise<string[]> {
  try {
    return Remembered.parse(JSON.parse(await readFile(join(cacheDir, RECORDS_FILE), 'utf8'))).records
  } catch {
    return []
  }
}

/** Adds to what is remembered; written whole and renamed, so a crash leaves the old list. */
export async function rememberRecords(cacheDir: string, records: string[]): Promise<void> {
  if (records.length === 0) return
  const all = [...new Set([...(await readRecords(cacheDir)), ...records])]
  await mkdir(cacheDir, { recursive: true })
  const path = join(cacheDir, RECORDS_FILE)
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify({ records: all })}\n`)
  await rename(temp, path)
}

/** Removes the remembered records from BuildKit's cache; returns the bytes reclaimed. */
export async function pruneRecords(docker: Dockerode, records: string[]): Promise<number> {
  if (records.length === 0) return 0
  // Filters of one key are alternatives: one call removes them all.
  const result = (await docker.pruneBuilder({
    filters: { id: records },
  } as Dockerode.PruneBuilderOptions)) as {
    SpaceReclaimed?: number
  }
  return result.SpaceReclaimed ?? 0
}
