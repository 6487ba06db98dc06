/**
 * The English catalogue: the source of every user-facing text, and the
 * fallback for a key missing elsewhere (none is: the catalogue test checks
 * that every locale has every key with the same ICU arguments).
 *
 * Messages are ICU MessageFormat (formatted by intl-messageformat): `{name}`
 * is an argument, `{n, number}` a number in the locale's digits and grouping,
 * `{n, plural, one {…} other {…}}` a plural. A literal brace is quoted: '{'.
 * An array argument is joined as the locale's "a, b or c" (Intl.ListFormat).
 *
 * Key families:
 *   code.*     one sentence per error code: what kind of failure it is. Errors
 *              with a technical English message (kernel shapes, file formats)
 *              are shown in another locale as this sentence + the English detail.
 *   error.*    how such a message is put together.
 *   <area>.*   whole messages of the paths a user meets: configuration, image
 *              input, prompts, model folders, the CLI, the server, resilience.
 */
export const en = {
  // ---------------------------------------------------------------- per code
  'code.INVALID_CONFIG': 'The configuration is not valid.',
  'code.INVALID_SHAPE': 'A tensor has the wrong shape.',
  'code.INVALID_DTYPE': 'A tensor has the wrong data type.',
  'code.INVALID_ARGUMENT': 'An argument is not valid.',
  'code.INVALID_TOKEN': 'A token id is outside the vocabulary.',
  'code.SAFETENSORS_CORRUPT': 'The weights file is damaged or not a safetensors file.',
  'code.WEIGHTS_MISMATCH': 'The weights do not fit the model.',
  'code.WEIGHTS_MISSING': 'Some of the model’s weights are missing.',
  'code.FILE_NOT_FOUND': 'A file could not be found or read.',
  'code.BACKEND_UNAVAILABLE': 'The requested compute backend is not available here.',
  'code.UNSUPPORTED': 'This operation is not supported here.',
  'code.OUT_OF_MEMORY': 'There is not enough memory for this operation.',
  'code.IMAGE_UNSUPPORTED_FORMAT': 'The image format is not supported; PNG and JPEG are.',
  'code.IMAGE_TOO_LARGE': 'The image is too large.',
  'code.IMAGE_CORRUPT': 'The image file is damaged and cannot be decoded.',
  'code.IMAGE_INVALID': 'The image data is not valid.',
  'code.FONT_UNAVAILABLE': 'A font the generator needs is not available.',
  'code.RATE_LIMITED': 'Too many requests; try again shortly.',
  'code.CIRCUIT_OPEN': 'The service is paused after repeated failures; try again later.',
  'code.BULKHEAD_FULL': 'Too many requests are running or waiting; try again later.',
  'code.DEADLINE_EXCEEDED': 'The request took too long and was stopped.',
  'code.ABORTED': 'The request was cancelled.',
  'code.BACKENDS_EXHAUSTED': 'No compute backend could run the request.',
  'code.CONTEXT_LOST': 'The graphics context was lost.',
  'code.BACKEND_UNHEALTHY': 'The compute backend failed its health check.',
  'code.TENSOR_LEAK': 'Tensors were left in memory after a call.',
  'code.PROMPT_EMPTY': 'The question is empty.',
  'code.PROMPT_TOO_LONG': 'The question is too long.',
  'code.PROMPT_INVALID': 'The question contains text that is not accepted.',
  'code.MODEL_NOT_FOUND': 'The model could not be found.',
  'code.MODEL_DOWNLOAD_FAILED': 'The model could not be downloaded.',
  'code.MODEL_VARIANT_MISMATCH': 'The model files are not the requested variant.',
  'code.DISPOSED': 'This instance has been disposed.',
  'code.INTERNAL': 'An internal error occurred.',
  'code.BODY_TOO_LARGE': 'The request body is too large.',
  'code.CLIENT_CLOSED': 'The client closed the connection.',
  'code.INVALID_JSON': 'The request body is not valid JSON.',
  'code.INVALID_REQUEST': 'The request is not valid.',
  'code.NOT_FOUND': 'There is no such route.',
  'code.QUEUE_FULL': 'The server is at capacity; try again shortly.',
  'code.REMOTE_IMAGE_URL': 'Images must be sent inline as data: URLs.',
  'code.REPLICA_CRASHED': 'The worker running the request stopped; retry.',
  'code.UNAUTHORIZED': 'A valid API key is required.',
  'code.UNAVAILABLE': 'The server is not available right now.',
  'code.UNKNOWN_MODEL': 'This model is not served here.',
  'code.UNSUPPORTED_MEDIA_TYPE': 'This media type is not accepted.',

  // ------------------------------------------------------- message assembly
  /** Another locale, a message known only in English: the code's sentence and the English detail. */
  'error.technical': '{lead} Detail: {detail}',

  // ------------------------------------------------------------------ files
  'file.notFound': 'Cannot read {file}: there is no such file.',
  'file.unreadable': 'Cannot read {file}: {reason}.',
  'image.fileNotFound': 'Image file {path}: there is no such file.',
  'image.fileUnreadable': 'Image file {path} cannot be read ({reason}).',

  // ------------------------------------------------------------ image input
  'image.accepted':
    "accepted inputs: PNG or JPEG bytes (Uint8Array, ArrayBuffer, Node Buffer), a file path (Node only), '{'data, width, height'}' with RGBA or RGB bytes, an ImageData, or a tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': 'Not an image input (got {got}); {accepted}.',
  'image.pathInBrowser': 'File paths are accepted in Node only; in a browser, fetch the file and pass its bytes. {accepted}.',
  'image.unknownFormat': 'Unsupported image format ({format}); only PNG and JPEG are decoded. {accepted}.',
  'image.empty': 'The image input is empty (0 bytes).',
  'image.tooManyPixels':
    'The image declares {width}×{height} = {pixels, number} pixels, over the limit of {max, number} (checked before decoding); raise {option} to accept it.',
  'image.tooManyBytes': 'The image is {bytes, number} bytes, over the limit of {max, number} bytes; raise {option} to accept it.',

  // ---------------------------------------------------------------- prompts
  'prompt.notString': 'The question must be a string, got {got}.',
  'prompt.empty': 'The question is empty (or only spaces); ask one, e.g. "what color is the circle?".',
  'prompt.tooLong':
    'The question is {chars, plural, one {# character} other {# characters}} long; the limit is {max, plural, one {# character} other {# characters}} (maxPromptChars).',
  'prompt.loneSurrogate': 'The question has a lone surrogate {char} at position {index, number}: it is not valid Unicode text.',
  'prompt.controlChar': 'The question has the control character {char} at position {index, number}; only tab, line feed and carriage return are accepted (read as spaces).',
  'prompt.bidiControl':
    'The question has the bidirectional control {char} at position {index, number}; overrides and isolates (U+202A–U+202E, U+2066–U+2069) are not accepted.',

  // ---------------------------------------------------------- configuration
  'config.notAccepted': 'config.{field}{source}: {value} is not accepted; accepted: {accepted}.',
  'config.integerRange': 'config.{field}{source}: {value} is not accepted; accepted: an integer from 1 to {max, number}.',
  'config.notObject': 'config: the options must be an object, got {got}.',
  'config.unknownOption': 'config.{field}: unknown option; accepted: {accepted}.',
  'config.envNotObject': 'config.env: must be an object of environment variables.',
  'config.modelDir': 'config.modelDir{source}: {value} is not accepted; accepted: a folder path or a URL.',
  'config.localeType': 'config.locale: {value} is not accepted; accepted: a language tag such as {examples} or fr-CA.',
  'config.onProgress': 'config.onProgress: must be a function (called with loaded, total, file, filesDone, files) or undefined.',
  'config.telemetry': 'config.telemetry: must be a ModelTelemetry (from @mobile-mm/telemetry) or false.',
  'config.fromEnv': ' (from {envVar})',
  'config.strictContentCapture': 'config: MOBILE_MM_SECURITY_MODE=strict does not allow content capture ({envVar}); unset it or use standard mode.',

  // ------------------------------------------------------------------ notes
  'note.localeUnsupported': 'The locale {locale} is not one of {accepted}; using en.',
  'note.modelLanguages': 'This model answers in {languages}; answering in en instead of {want}.',
  'note.localeNotSpoken': 'Locale {locale}: this model answers in {languages}; answers are in en.',
  'note.int2NotBundled': 'The INT2 model (models/tiny-int2) is not bundled yet; using the fp32 model.',

  // ----------------------------------------------------------------- models
  'model.notFound': 'The model folder {dir} does not exist or has no config.json{int2, select, yes { (the INT2 model has not been exported into this package yet; use variant "fp32")} other {}}.',
  'model.incomplete': 'The model folder {dir} is incomplete{int2, select, yes { (the INT2 model has not been exported into this package yet; use variant "fp32")} other {}}: {detail}',
  'call.disposed': '{task}: this MobileMultiModalLLM was disposed; create a new one.',
  'call.disposedDuring': '{task}: this MobileMultiModalLLM was disposed during the call.',
  'call.lang': '{task}: lang {value} is not accepted; accepted: {accepted}.',
  'call.options': '{task}: options must be an object.',
  'call.internal': '{task}: an unexpected failure: {detail}',

  // ------------------------------------------------------------- resilience
  'resilience.circuitOpen': '{where}the circuit breaker is open after repeated failures; try again later.',
  'resilience.bulkheadFull': '{where}too many requests are in flight and queued; try again later.',
  'resilience.cancelled': '{where}the request was cancelled before it finished.',
  'resilience.abortedBeforeStart': 'The request was cancelled before it started.',
  'resilience.deadline': 'The request passed its deadline of {ms, number} ms; generation stopped and its memory was freed.',
  'resilience.deadlineBeforeFinish': 'The request passed its deadline of {ms, number} ms before it could finish.',
  'resilience.rateLimited': 'Client {client} is over its rate limit ({burst, number} at once, {rps, number} per second); retry in {waitMs, number} ms.',

  // ----------------------------------------------------------------- server
  'server.bodyTooLarge': 'The request body is over the limit (MOBILE_MM_MAX_BODY_BYTES).',
  'server.contentType': 'This Content-Type is not accepted; accepted: application/json, image/png, image/jpeg.',
  'server.emptyBody': 'The body is empty; send a JSON object.',
  'server.contentLength': 'Content-Length does not match the body.',
  'server.invalidJson': 'The body is not valid JSON: {detail}',
  'server.shuttingDown': 'The server is shutting down; retry on another instance.',
  'server.unauthorized': 'A valid API key is required: send "Authorization: Bearer <key>".',
  'server.rateLimited': 'Too many requests from this client (limit {rps, number} per second, burst {burst, number}); retry in {wait, plural, one {# second} other {# seconds}}.',
  'server.noRoute': 'There is no route {method} {path}; see GET /v1/models and POST /v1/chat/completions.',
  'server.deadline': 'The request took over {ms, number} ms (MOBILE_MM_REQUEST_TIMEOUT_MS); its work was stopped.',
  'server.queueFull':
    'The server is at capacity: {running, number} requests running (max-concurrent {maxConcurrent, number}) and {queued, number} waiting (max-queue {maxQueue, number}); retry after the Retry-After delay.',
  'server.unknownModel': 'The model {model} is not served here; accepted: {accepted}.',
  'server.remoteImage': '{param}: only data: URLs are accepted (data:image/png;base64,… or data:image/jpeg;base64,…); the server does not fetch {scheme}: URLs.',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict requires an API key: set MOBILE_MM_API_KEYS.',

  // ------------------------------------------------------------------- demo
  'demo.header': 'mobile-mm demo · backend {backend} · variant {variant} · profile {profile} · model {model}',
  'demo.samples': 'samples: {n, plural, one {# image} other {# images}} from the SynthScenes {split} split ({dir})',
  'demo.warmup': 'warm-up: one call per task, not counted: {ms, number, ::.0} ms',
  'demo.cached': ' (image features from cache)',
  'demo.question': '  question: {text}',
  'demo.answer': '  answer:   {text}',
  'demo.truth': '  truth:    {text}',
  'demo.summary': 'median ms per call: {medians} · exact answers {correct, number}/{total, number}',
  'demo.synthetic': '(SynthScenes is synthetic: the shipped model answers scenes and text lines drawn like these samples, not photos.)',

  // -------------------------------------------------------------------- CLI
  'cli.help': `mobile-mm: captioning, OCR and visual question answering with a small on-device model

Usage:
  mobile-mm caption IMAGE [options]        describe a scene
  mobile-mm ocr IMAGE [options]            read a text line
  mobile-mm vqa IMAGE "QUESTION" [options] answer a question about a scene
  mobile-mm demo [options]                 all three tasks on the bundled samples
  mobile-mm serve [options]                HTTP server: OpenAI-compatible API, health, metrics (see serve --help)
  mobile-mm plan --rps R --p95-ms L        replicas, CPU and autoscaling targets from the serve benchmark
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                           write a checkpoint for other runtimes (mobile-mm export --help)

IMAGE is a PNG or JPEG file. The model knows SynthScenes images: 64×64
scenes of coloured shapes and 32×128 text lines (see the package README).

Options:
  --backend NAME                     tfjs backend: {backends} ({backendEnv}; default auto: wasm in Node)
  --variant int2|fp32                model variant ({variantEnv}; default int2 when bundled, else fp32)
  --profile fast|balanced|accuracy   speed/quality profile ({profileEnv}; default balanced)
  --model-dir DIR                    checkpoint folder ({modelDirEnv}; default the bundled model)
  --max-image-pixels N               largest width·height accepted ({maxImagePixelsEnv}; default {maxImagePixels, number})
  --max-prompt-chars N               longest question ({maxPromptCharsEnv}; default {maxPromptChars, number})
  --locale TAG                       your language, e.g. ja or fr-CA ({localeEnv}, then LC_ALL/LANG; default en)
  --lang en|es|fr|de|ja|zh           answer language of this call (default: the locale's, where the model speaks it)
  --json                             print one JSON object on stdout
  --metrics                          then print the calls' OpenTelemetry metrics as Prometheus text (stdout; stderr with --json)
  -h, --help                         this text
  --version                          the package version

Exit codes: 0 ok · 1 other failure · 2 usage or configuration error · 3 input error (image or prompt)
`,
  'serve.help': `mobile-mm serve: an HTTP server for the model (OpenAI-compatible chat completions, /v1/caption|ocr|vqa, health, metrics)

Usage: mobile-mm serve [options]

Options (each also read from its variable; flags win):
  --port N                 listen port ({portEnv}; default 8080)
  --host ADDR              listen address ({hostEnv}; default 127.0.0.1; 0.0.0.0 in a container)
  --replicas N             worker threads, one model each ({replicasEnv}; default one per core)
  --max-concurrent N       requests running at once ({maxConcurrentEnv}; default = replicas)
  --max-queue N            requests waiting; beyond: 503 + Retry-After ({maxQueueEnv}; default 4 × max-concurrent)
  --request-timeout-ms N   deadline per request: 504, work aborted ({requestTimeoutEnv}; default 30000)
  --max-body-bytes N       largest body: 413 ({bodyLimitEnv}; default 8388608)
  --dispatch S             least-loaded | round-robin | weighted ({dispatchEnv}; default least-loaded)
  --replica-weights W,W    weights for weighted dispatch ({replicaWeightsEnv})
  --rate-limit-rps N       per-client requests/s, 0 = off ({rateLimitRpsEnv}); --rate-limit-burst N ({rateLimitBurstEnv})
  --drain-timeout-ms N     after SIGTERM, time for requests to finish ({drainTimeoutEnv}; default 25000)
  --drain-delay-ms N       after SIGTERM, keep serving (readiness 503) this long first ({drainDelayEnv}; default 0)
  --backend, --variant, --profile, --model-dir   the model, as for the other commands (MOBILE_MM_BACKEND, …)
API keys: {apiKeysEnv}=key1,key2 (environment only, so keys stay out of process lists).
Error messages follow each request's Accept-Language (en, es, fr, de, ja, zh).
`,
  'export.help': `mobile-mm export: write a checkpoint as ONNX, tf.io weights or a safetensors checkpoint

Usage:
  mobile-mm export --format FORMAT --checkpoint DIR --out DIR [options]

  --format onnx|tfjs|safetensors   onnx: encoder_scene/encoder_text/decoder.onnx (opset 17, IR 8);
                                   tfjs: model.json + shards (tf.io); safetensors: our checkpoint
  --checkpoint DIR                 a checkpoint folder (config.json, model.safetensors, tokenizer.json)
  --out DIR                        the export folder (must be new or empty)
  --bits N                         projections: {bits} (32 = float;
                                   default: as the checkpoint holds them; tfjs 32)
  --method rtn|mse                 how a float checkpoint is quantized for --bits 2|4|8 (default rtn)
  --accuracy-level 0|4             onnx MatMulNBits accuracy_level (default 0: float32 compute; 4: int8 activations)
  --quant-op matmulnbits|dequantize  onnx: packed projections as MatMulNBits (default), or unpacked in the graph and
                                   folded to float32 when the session loads (packed file, float speed and memory)
  --force                          replace a non-empty --out
  --json                           print one JSON object
`,
  'plan.help': `mobile-mm plan: replicas, CPU and autoscaling targets for a load, from the serve benchmark

Usage: mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results FILE] [--json]

  --rps R               requests per second to serve
  --p95-ms L            95th-percentile latency to stay under, in ms
  --task T              the request mix's heaviest task (default caption)
  --replicas-per-pod N  worker threads per pod, = MOBILE_MM_REPLICAS (default 2, as deploy/k8s)
  --results FILE        the benchmark's JSON (default apps/bench/results/serve.json; npm run bench -- serve)
  --json                print the plan as JSON
`,
  'cli.error': 'error [{code}]: {message}',
  'cli.note': 'note: {message}',
  'cli.seeHelp': 'run `mobile-mm --help` for usage.',
  'cli.noCommand': 'No command; use caption, ocr, vqa or demo (see --help).',
  'cli.unknownCommand': 'Unknown command {command}; use caption, ocr, vqa or demo (see --help).',
  'cli.arity':
    '{command} takes {want}; got {n, plural, one {# argument} other {# arguments}}{quoteHint, select, yes { (quote a question with spaces)} other {}}.',
  'cli.arityNone': 'no arguments',
  'cli.flagInteger': '--{flag} takes a positive integer, got {value}.',
  'cli.flagOneOf': '--{flag} takes one of {accepted}, got {value}.',
  'cli.badOption': '{detail} (see --help).',
  'cli.outOfVocabulary': 'the model does not know {words}; the answer is a guess.',
  'cli.summary': '({task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms)',
  'cli.notInstalled': '`mobile-mm {command}` needs the package @mobile-mm/server: npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server is not built yet; run `npm run build` at the repository root first.',
} as const;

/** Every message key. */
export type MessageKey = keyof typeof en;

/** A catalogue for one locale: every key, ICU text. */
export type Catalog = Readonly<Record<MessageKey, string>>;
