import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { afterEach, describe, expect, it } from 'vitest'
import { findLeftovers, removalCommands, removeLeftovers } from './leftovers.js'
import { OWNER_LABEL } from './owner.js'

const RUN = 'org.lessonproof.run'
const tmp = mkdtempSync(join(tmpdir(), 'lessonproof-leftovers-'))
afterEach(() => rmSync(tmp, { recursive: true, force: true }))

/** An engine holding labelled things, recording what is removed. */
function engine(removed: string[]) {
  const labels = (run: string, owner?: string) => ({ [RUN]: run, ...(owner ? { [OWNER_LABEL]: owner } : {}) })
  return {
    listContainers: async () => [
      { Id: 'c-dead', Labels: labels('dead1', 'here/1/5') },
      { Id: 'c-foreign', Labels: labels('foreign') },
    ],
    listImages: async () => [
      { Id: 'sha256:i-dead', Labels: labels('dead1', 'here/1/5') },
      { Id: 'sha256:i-live', Labels: labels('live1', 'here/2/7') },
    ],
    listNetworks: async () => [{ Name: 'lessonproof-dead1', Labels: labels('dead1', 'here/1/5') }],
    getContainer: (id: string) => ({ remove: async () => void removed.push(`container ${id}`) }),
    getImage: (id: string) => ({ remove: async () => void removed.push(`image ${id}`) }),
    getNetwork: (name: string) => ({ remove: async () => void removed.push(`network ${name}`) }),
  } as unknown as Dockerode
}

describe('leftovers of runs', () => {
  it('tells dead runs from live ones and from runs whose owner is not known, by label alone', async () => {
    mkdirSync(tmp, { recursive: true })
    mkdirSync(join(tmp, 'lessonproof-dead1-context-abc'))
    writeFileSync(join(tmp, 'lessonproof-dead1-owner'), 'here/1/5\n')
    // A temp dir named like a run no label or owner file speaks for: never taken.
    mkdirSync(join(tmp, 'lessonproof-nobody-context-x'))
    const removed: string[] = []
    const judge = (owner: string | undefined) =>
      owner === 'here/1/5' ? 'dead' : owner === 'here/2/7' ? 'alive' : 'unknown'
    const runs = await findLeftovers(engine(removed), { tmp, proc: join(tmp, 'no-proc'), judge })
    expect(runs.map((r) => [r.runId, r.liveness])).toEqual([
      ['dead1', 'dead'],
      ['foreign', 'unknown'],
      ['live1', 'alive'],
    ])
    const dead = runs[0]
    expect(dead?.temp.sort()).toEqual(
      [join(tmp, 'lessonproof-dead1-context-abc'), join(tmp, 'lessonproof-dead1-owner')].sort(),
    )
    expect(removalCommands(runs[1] as (typeof runs)[number])).toEqual(['docker rm -f -v c-foreign'])
    expect(await removeLeftovers(engine(removed), dead as (typeof runs)[number])).toEqual([])
    expect(removed).toEqual(['container c-dead', 'image sha256:i-dead', 'network lessonproof-dead1'])
  })
})
