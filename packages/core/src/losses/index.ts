export { ctcLoss, ctcBestPath, ctcGreedyDecode, type CtcOptions, type CtcPath } from './ctc.js';
