/**
 * `npm run eval -- --runtime onnx`: an exported ONNX folder (mobile-mm export
 * --format onnx) answered through onnxruntime-node with the same decoding
 * as answer(): greedy with the KV cache, OCR also through the CTC head.
 * Preprocessing is vision's, on the tfjs backend eval starts.
 */
import * as ort from 'onnxruntime-node';
import { OnnxVisionModel, type OrtModule } from '@mobile-mm/export/onnx-runtime';
import type { Predictor } from './evaluate.js';

export async function onnxPredictor(dir: string, threads: number): Promise<{ predictor: Predictor; model: OnnxVisionModel; variant: string }> {
  const model = await OnnxVisionModel.load(ort as unknown as OrtModule, dir, { sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 } });
  const p = (model.config.onnx as unknown as { projections: { kind: string; bits?: number; accuracyLevel?: number } }).projections;
  const variant = p.kind === 'float' ? 'onnx-fp32' : `onnx-int${p.bits}${p.accuracyLevel ? `-acc${p.accuracyLevel}` : ''}`;
  const predictor: Predictor = {
    hasCtcHead: model.hasCtcHead,
    async answerRows(rows, decoding, batchSize) {
      const out: string[] = [];
      for (let off = 0; off < rows.length; off += batchSize) {
        const part = rows.slice(off, off + batchSize);
        const prompts = part[0].task === 'vqa' ? part.map((r) => r.prompt) : undefined;
        const answers = await model.answer(part.map((s) => s.image), part[0].task, prompts, { decoding: decoding === 'ctc' ? 'ctc' : 'greedy', lang: part[0].lang });
        out.push(...answers.map((a) => a.text));
      }
      return out;
    },
  };
  return { predictor, model, variant };
}
