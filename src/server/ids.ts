// Identifiers: seeded objects get stable uuids (derived from their names, so a reset restores
// the same ids), new objects get random ones; tokens are random and opaque.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export function stableUuid(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const newUuid = (): string => randomUUID();

export const newToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
