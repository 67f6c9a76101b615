import { describe, expect, it } from 'vitest'
import { imagesCreated, logLines } from './docker-engine.js'

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

describe('logLines', () => {
  it('drops colour codes and empty lines', () => {
    expect(logLines('Get:1 x\n\u001b[91mE: Unable to locate package nope\n\u001b[0m\n')).toEqual([
      'Get:1 x',
      'E: Unable to locate package nope',
    ])
  })
})
