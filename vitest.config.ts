import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'specs/**/*.spec.ts'],
    // Engine specs build images; their own timeouts bound each step.
    testTimeout: 20_000,
  },
})
