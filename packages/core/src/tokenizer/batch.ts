/**
 * Batch encoding shared by every Tokenizer: truncate, add bos/eos, pad, mask.
 * A tokenizer supplies only its plain `encode` (no special tokens).
 */
import { MobileMMError } from '../errors.js';
import type { EncodeBatchOptions, EncodedBatch } from './tokenizer.js';

export interface BatchSpecialIds {
  padId: number;
  bosId: number;
  eosId: number;
}

/**
 * Encodes `texts` with `encodePlain` (which must not add special tokens) and
 * pads them into a rectangular batch with an attention mask.
 */
export function encodeBatchWith(
  encodePlain: (text: string) => number[],
  ids: BatchSpecialIds,
  texts: readonly string[],
  options: EncodeBatchOptions = {},
): EncodedBatch {
  if (!Array.isArray(texts)) {
    throw new MobileMMError('INVALID_ARGUMENT', 'encodeBatch: texts must be an array of strings.');
  }
  const padTo = options.padTo ?? 'longest';
  if (padTo !== 'longest' && !(Number.isInteger(padTo) && padTo >= 0)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `encodeBatch: padTo must be 'longest' or a non-negative integer, got ${String(padTo)}.`,
      { option: 'padTo' },
    );
  }
  const side = options.paddingSide ?? 'right';
  if (side !== 'right' && side !== 'left') {
    throw new MobileMMError('INVALID_ARGUMENT', `encodeBatch: paddingSide must be 'right' or 'left', got ${String(side)}.`, {
      option: 'paddingSide',
    });
  }
  const nSpecial = (options.addBos ? 1 : 0) + (options.addEos ? 1 : 0);

  const rows = texts.map((text, i) => {
    let body = encodePlain(text);
    if (typeof padTo === 'number' && body.length + nSpecial > padTo) {
      if (!options.truncate) {
        throw new MobileMMError(
          'INVALID_ARGUMENT',
          `encodeBatch: row ${i} needs ${body.length + nSpecial} tokens but padTo is ${padTo}; ` +
            'pass truncate: true to cut it, or a larger padTo.',
          { row: i, length: body.length + nSpecial, padTo },
        );
      }
      body = body.slice(0, Math.max(0, padTo - nSpecial));
    }
    const row = [...(options.addBos ? [ids.bosId] : []), ...body, ...(options.addEos ? [ids.eosId] : [])];
    // Only reachable when padTo < number of special tokens.
    return typeof padTo === 'number' ? row.slice(0, padTo) : row;
  });

  const width = typeof padTo === 'number' ? padTo : rows.reduce((m, r) => Math.max(m, r.length), 0);
  const out: EncodedBatch = { ids: [], attentionMask: [], lengths: [] };
  for (const row of rows) {
    const pad = new Array<number>(width - row.length).fill(ids.padId);
    const ones = new Array<number>(row.length).fill(1);
    const zeros = new Array<number>(width - row.length).fill(0);
    out.ids.push(side === 'right' ? [...row, ...pad] : [...pad, ...row]);
    out.attentionMask.push(side === 'right' ? [...ones, ...zeros] : [...zeros, ...ones]);
    out.lengths.push(row.length);
  }
  return out;
}
