import { expect, it } from 'vitest'
import { parseDocument } from '../../parse/index.js'
import { Extraction } from '../kit/index.js'
import { composeFiles } from './compose.js'

it('reads services with their lines: build, ports in both forms, a health check, a command, the environment', () => {
  const doc = parseDocument(
    'lessons/c.md',
    [
      '# Compose',
      '',
      '**File: compose.yaml**',
      '',
      '```yaml',
      'services:',
      '  api:',
      '    build:',
      '      context: ./api',
      '      dockerfile: Dockerfile.dev',
      '    ports:',
      '      - "8000:8000"',
      '      - target: 9000',
      '        published: 9001',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "curl -f http://localhost:8000/health || exit 1"]',
      '    command: uvicorn main:app --port 8000',
      '    environment:',
      '      - LOG_LEVEL=info',
      '  db:',
      '    image: postgres:16',
      '```',
      '',
    ].join('\n'),
  )
  const [file] = new Extraction(doc, []).read(composeFiles)
  const [api, db] = file?.services ?? []
  expect(api).toMatchObject({
    name: 'api',
    line: 7,
    build: { context: './api', dockerfile: 'Dockerfile.dev' },
    ports: [
      { host: '8000', container: 8000, line: 12 },
      { host: '9001', container: 9000, line: 13 },
    ],
    healthcheck: { argv: ['/bin/sh', '-c', 'curl -f http://localhost:8000/health || exit 1'], line: 16 },
    command: { argv: ['uvicorn', 'main:app', '--port', '8000'], line: 17 },
    environment: { LOG_LEVEL: 'info' },
  })
  expect(db).toMatchObject({ name: 'db', image: { ref: 'postgres:16', line: 21 } })
})
