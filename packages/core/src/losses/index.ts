export { ctcLoss, ctcGreedyDecode, type CtcOptions } from './ctc.js';
