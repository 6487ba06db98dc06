/**
 * The names this package emits: OpenTelemetry GenAI semantic conventions
 * (development status) where one fits, `mobile_mm.*` where none does.
 *
 * The GenAI names are written out here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`, as that package advises
 * for experimental names: a minor release there may rename them, and the
 * names we emit must not change under our users' dashboards. The tests check
 * each one against the package's constant.
 *
 * The model runs in the caller's process, so one call is both the client's
 * operation and the model server's request: we record the client duration and
 * token usage (what the app sees) and the server's time to first token and
 * time per output token (token-level timings only the generator can see).
 */

// --- Metrics ------------------------------------------------------------------

/** Histogram, seconds: the whole call, failures included (with error.type). */
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Histogram, {token}: input and output tokens per successful call (gen_ai.token.type). */
export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Histogram, seconds: call start to the first generated token, successful calls with ≥ 1 token. */
export const METRIC_TIME_TO_FIRST_TOKEN = 'gen_ai.server.time_to_first_token';
/** Histogram, seconds: (last token − first token) / (tokens − 1), successful calls with ≥ 2 tokens. */
export const METRIC_TIME_PER_OUTPUT_TOKEN = 'gen_ai.server.time_per_output_token';
/** Histogram, seconds: one tfjs kernel execution, recorded by profileCall(). */
export const METRIC_KERNEL_DURATION = 'mobile_mm.kernel.duration';
/** Observable gauge, bytes: tf.memory().numBytes (all tensors of the active backend). */
export const METRIC_TENSOR_MEMORY = 'mobile_mm.tensor.memory.usage';
/** Observable gauge, {tensor}: tf.memory().numTensors. */
export const METRIC_TENSOR_COUNT = 'mobile_mm.tensor.count';
/** Observable gauge, bytes: the process's resident set size (Node only). The process semantic conventions' name. */
export const METRIC_PROCESS_MEMORY = 'process.memory.usage';
/** Counter, {switch}: calls moved from one backend to another (resilience fallback). */
export const METRIC_BACKEND_SWITCHES = 'mobile_mm.backend.switches';

/** Bucket boundaries the conventions advise for gen_ai.client.operation.duration (seconds). */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** For gen_ai.server.time_to_first_token (seconds). */
export const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
/** For gen_ai.server.time_per_output_token (seconds). */
export const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
/** For gen_ai.client.token.usage. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** For mobile_mm.kernel.duration (seconds): kernels of a small model take microseconds to milliseconds. */
export const KERNEL_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1];

// --- Attributes ---------------------------------------------------------------

export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** Opt-in content (captureContent): the prompt and image, as the conventions' JSON message list. */
export const ATTR_INPUT_MESSAGES = 'gen_ai.input.messages';
/** Opt-in content (captureContent): the answer. */
export const ATTR_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_ERROR_TYPE = 'error.type';

/** The mobile-mm task: caption, ocr, vqa or generate (all four are gen_ai.operation.name generate_content). */
export const ATTR_TASK = 'mobile_mm.task';
export const ATTR_BACKEND = 'mobile_mm.backend';
export const ATTR_VARIANT = 'mobile_mm.variant';
export const ATTR_PROFILE = 'mobile_mm.profile';
/** greedy, beam or sample. */
export const ATTR_DECODING = 'mobile_mm.decoding';
/** The image's encoder output came from the feature cache. */
export const ATTR_CACHED = 'mobile_mm.cached';
/** Per-stage times of the call, seconds (span attributes only). */
export const ATTR_PREPROCESS_DURATION = 'mobile_mm.preprocess.duration';
export const ATTR_ENCODE_DURATION = 'mobile_mm.encode.duration';
export const ATTR_DECODE_DURATION = 'mobile_mm.decode.duration';
export const ATTR_TIME_TO_FIRST_TOKEN = 'mobile_mm.time_to_first_token';
/** The consumer stopped reading a stream before it ended (span attribute). */
export const ATTR_STREAM_CANCELLED = 'mobile_mm.stream.cancelled';
export const ATTR_KERNEL_NAME = 'mobile_mm.kernel.name';
export const ATTR_BACKEND_FROM = 'mobile_mm.backend.from';
export const ATTR_BACKEND_TO = 'mobile_mm.backend.to';
export const ATTR_SWITCH_REASON = 'mobile_mm.backend.switch_reason';

// --- Values -------------------------------------------------------------------

/**
 * gen_ai.operation.name for every task. The conventions' well-known value
 * for multimodal generation ("such as Gemini Generate Content"): image plus
 * optional text in, text out. The task itself goes in mobile_mm.task.
 */
export const OPERATION_GENERATE_CONTENT = 'generate_content';
/** gen_ai.provider.name: no well-known value fits an in-process model, so a custom one. */
export const PROVIDER_NAME = 'mobile_mm';
/** error.type when the error carries no code and no class name. */
export const ERROR_TYPE_OTHER = '_OTHER';
