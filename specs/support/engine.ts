/** What the engine holds of one run: its labelled images and containers, its tags, its temp dirs. */
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { RUN_LABEL } from '../../harness/settings/index.js'

export async function leftBy(
  runId: string,
): Promise<{ images: string[]; containers: string[]; temp: string[] }> {
  const { getContainerRuntimeClient } = await import('testcontainers')
  const docker = (await getContainerRuntimeClient()).container.dockerode
  const label = `${RUN_LABEL}=${runId}`
  const labelled = await docker.listImages({ all: true, filters: { label: [label] } })
  const tagged = (await docker.listImages()).filter((i) =>
    (i.RepoTags ?? []).some((t) => t.startsWith(`lessonproof-${runId}-`)),
  )
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } })
  const temp = (await readdir(tmpdir())).filter((d) => d.startsWith(`lessonproof-${runId}-`))
  return {
    images: [...new Set([...labelled, ...tagged].map((i) => i.RepoTags?.join(',') || i.Id))],
    containers: containers.map((c) => `${c.Image} ${c.Id.slice(0, 12)}`),
    temp,
  }
}
