/**
 * Bearer-token check against MOBILE_MM_API_KEYS. Each key is compared with
 * crypto.timingSafeEqual on SHA-256 digests (equal lengths whatever the
 * input), and every key is tried, so the time taken says nothing about how
 * much of a key matched or which key it was.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The index of the matching key, or -1. `header` is the Authorization header. */
  check(header: string | undefined): number {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const given = digest(m?.[1] ?? '');
    let found = -1;
    for (let i = 0; i < this.digests.length; i++) if (timingSafeEqual(given, this.digests[i]) && found < 0) found = i;
    return m === null ? -1 : found;
  }
}
