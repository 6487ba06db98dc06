/**
 * The OCR CTC head (config.ocrCtc): a linear classifier over a text line's
 * column tokens, K = blank + the tokenizer's OCR characters.
 *
 *   logp = logSoftmax(W·memory + b)                     [B, T, K]
 *   loss = Σ_rows CTC(logp, line) / Σ_rows (|line| + 1) normalised like the decoder's cross-entropy
 *   read = best path: argmax per column, repeats merged, blanks dropped → characters
 *
 * Trained next to the decoder (joint CTC/attention, EXPERIMENTS.md run 5):
 * CTC scores every column against the line directly, so the encoder learns
 * where each character is before the decoder's attention can find it. It
 * also reads a line in one encoder pass (answer(..., {decoding: 'ctc'})).
 *
 * Shapes: B=lines, T=columns, C=encoder width, K=1+characters.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError, ctcBestPath, ctcLoss } from '@mobile-mm/core';
import { TokenClassHead } from './token-class-head.js';

/** One line read by the head. */
export interface CtcReading {
  /** The characters, trimmed. */
  text: string;
  /** Each emitted character (untrimmed), with the log p of the column it came from. */
  chars: string[];
  logProbs: number[];
  /** log p of the whole best path. */
  score: number;
}

export class OcrCtcHead {
  readonly head: TokenClassHead;

  constructor(
    dim: number,
    /** The characters, class c ↔ chars[c − 1] (0 is the blank). */
    readonly chars: readonly string[],
  ) {
    this.head = new TokenClassHead({ dim, classes: chars.length + 1, name: 'ocr_ctc' });
  }

  /** memory [B, T, C] → log-probabilities [B, T, K]. Call inside tf.tidy. */
  forward(memory: tf.Tensor3D): tf.Tensor3D {
    return this.head.forward(memory);
  }

  /** A line's CTC class ids: character index + 1 (unknown characters are rejected). */
  classes(text: string): number[] {
    return [...text].map((c) => {
      const i = this.chars.indexOf(c);
      if (i < 0) throw new MobileMMError('INVALID_ARGUMENT', `OCR text ${JSON.stringify(text)} has "${c}"; accepted characters: ${this.chars.join('')}.`);
      return i + 1;
    });
  }

  /** The loss term (a scalar): Σ CTC over the rows, per target like the cross-entropy (characters + <eos>), times `weight`. */
  loss(memory: tf.Tensor3D, labels: number[][], weight: number): tf.Scalar {
    const nll = ctcLoss(this.forward(memory), labels); // [B]
    const targets = labels.reduce((s, l) => s + l.length + 1, 0);
    return tf.mul(tf.sum(nll), weight / targets) as tf.Scalar;
  }

  /** Best-path readings of memory [B, T, C]. Synchronous (dataSync): one small read-back. */
  read(memory: tf.Tensor3D): CtcReading[] {
    const logp = tf.tidy(() => this.forward(memory)); // [B, T, K]
    const [b, t, k] = logp.shape;
    const data = logp.dataSync();
    logp.dispose();
    return Array.from({ length: b }, (_, i) => {
      const p = ctcBestPath(data.subarray(i * t * k, (i + 1) * t * k), t, k);
      const chars = p.labels.map((c) => this.chars[c - 1]);
      return { text: chars.join('').trim(), chars, logProbs: p.logProbs, score: p.score };
    });
  }
}
