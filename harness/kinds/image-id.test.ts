import { describe, expect, it } from 'vitest'
import { bareId, isHex, sameId } from './image-id.js'

describe('IDs as Docker prints them', () => {
  it('drops sha256: and an ellipsis, and ignores placeholders', () => {
    expect(bareId('sha256:f5ae1a5d5c8b...')).toBe('f5ae1a5d5c8b')
    expect(bareId('abc123…')).toBe('abc123')
    expect(bareId('<missing>')).toBeUndefined()
    expect(bareId('<none>')).toBeUndefined()
  })

  it('holds IDs to hex', () => {
    expect(isHex('f5ae1a5d5c8b')).toBe(true)
    expect(isHex('f5g6h7i8j9k0')).toBe(false)
  })

  it('takes a short ID and a full one of the same image as the same', () => {
    expect(sameId('f5ae1a5d5c8b', 'f5ae1a5d5c8b7e6d5c4b3a29180706f5e4d3c2b1a0f9e8d7c6b5a4938271605f')).toBe(
      true,
    )
    expect(sameId('131c782e8c35', '298d3b970412')).toBe(false)
  })
})
