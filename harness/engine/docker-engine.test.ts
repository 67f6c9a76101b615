import { describe, expect, it } from 'vitest'
import { binaryPaths, demultiplex, imagesCreated, logLines } from './docker-engine.js'

describe('imagesCreated', () => {
  it('lists the images the build made, never the base image nor cached steps', () => {
    const log = [
      'Step 1/4 : FROM debian:bookworm-slim',
      ' ---> 30430e06935c',
      'Step 2/4 : RUN apt-get update',
      ' ---> Using cache',
      ' ---> 9e7820afb487',
      'Step 3/4 : COPY main.py .',
      ' ---> 3bda331d8d8c',
      'Step 4/4 : CMD ["python3"]',
      ' ---> Running in 5f0c1d2e3a4b',
      'Removing intermediate container 5f0c1d2e3a4b',
      ' ---> 911a21b2334e',
      'Successfully built 911a21b2334e',
    ]
    expect(imagesCreated(log)).toEqual(['3bda331d8d8c', '911a21b2334e'])
  })
})

describe('demultiplex', () => {
  it("strips the 8-byte frame headers of Docker's log stream", () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text)
      const head = Buffer.alloc(8)
      head[0] = stream
      head.writeUInt32BE(body.length, 4)
      return Buffer.concat([head, body])
    }
    expect(demultiplex(Buffer.concat([frame(1, 'started\n'), frame(2, 'oops\n')]))).toBe('started\noops\n')
    expect(demultiplex(Buffer.from('plain text'))).toBe('plain text')
  })
})

describe('binaryPaths', () => {
  it('looks a tool up in every PATH directory', () => {
    expect(binaryPaths('uv')).toContain('/usr/local/bin/uv')
    expect(binaryPaths('uv')).toContain('/usr/bin/uv')
  })
})

describe('logLines', () => {
  it('drops colour codes and empty lines', () => {
    expect(logLines('Get:1 x\n\u001b[91mE: Unable to locate package nope\n\u001b[0m\n')).toEqual([
      'Get:1 x',
      'E: Unable to locate package nope',
    ])
  })
})
