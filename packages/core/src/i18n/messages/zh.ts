/**
 * Chinese, simplified (zh). Keys, arguments and conventions: see en.ts.
 * Full-width ，。；：（）“” with no space before them; code, flags and
 * variable names stay as they are.
 */
import type { Catalog } from './en.js';

export const zh: Catalog = {
  'code.INVALID_CONFIG': '配置无效。',
  'code.INVALID_SHAPE': '张量的形状不正确。',
  'code.INVALID_DTYPE': '张量的数据类型不正确。',
  'code.INVALID_ARGUMENT': '参数无效。',
  'code.INVALID_TOKEN': '词元 ID 超出了词表范围。',
  'code.SAFETENSORS_CORRUPT': '权重文件已损坏，或不是 safetensors 文件。',
  'code.WEIGHTS_MISMATCH': '权重与模型不匹配。',
  'code.WEIGHTS_MISSING': '模型缺少部分权重。',
  'code.FILE_NOT_FOUND': '找不到文件或无法读取文件。',
  'code.BACKEND_UNAVAILABLE': '所请求的计算后端在此环境中不可用。',
  'code.UNSUPPORTED': '此环境不支持该操作。',
  'code.OUT_OF_MEMORY': '内存不足，无法执行该操作。',
  'code.IMAGE_UNSUPPORTED_FORMAT': '不支持该图像格式；支持 PNG 和 JPEG。',
  'code.IMAGE_TOO_LARGE': '图像太大。',
  'code.IMAGE_CORRUPT': '图像文件已损坏，无法解码。',
  'code.IMAGE_INVALID': '图像数据无效。',
  'code.FONT_UNAVAILABLE': '生成器所需的字体不可用。',
  'code.RATE_LIMITED': '请求过多，请稍后重试。',
  'code.CIRCUIT_OPEN': '由于连续失败，服务已暂停，请稍后重试。',
  'code.BULKHEAD_FULL': '正在运行或等待的请求过多，请稍后重试。',
  'code.DEADLINE_EXCEEDED': '请求耗时过长，已被停止。',
  'code.ABORTED': '请求已取消。',
  'code.BACKENDS_EXHAUSTED': '没有可以执行该请求的计算后端。',
  'code.CONTEXT_LOST': '图形上下文已丢失。',
  'code.BACKEND_UNHEALTHY': '计算后端未通过健康检查。',
  'code.TENSOR_LEAK': '调用结束后仍有张量留在内存中。',
  'code.PROMPT_EMPTY': '问题为空。',
  'code.PROMPT_TOO_LONG': '问题太长。',
  'code.PROMPT_INVALID': '问题中包含不允许的文本。',
  'code.MODEL_NOT_FOUND': '找不到模型。',
  'code.MODEL_DOWNLOAD_FAILED': '无法下载模型。',
  'code.MODEL_VARIANT_MISMATCH': '模型文件不是所请求的变体。',
  'code.DISPOSED': '此实例已被释放。',
  'code.INTERNAL': '发生了内部错误。',
  'code.BODY_TOO_LARGE': '请求体太大。',
  'code.CLIENT_CLOSED': '客户端关闭了连接。',
  'code.INVALID_JSON': '请求体不是有效的 JSON。',
  'code.INVALID_REQUEST': '请求无效。',
  'code.NOT_FOUND': '没有这个路由。',
  'code.QUEUE_FULL': '服务器已满负荷，请稍后重试。',
  'code.REMOTE_IMAGE_URL': '图像必须以 data: URL 的形式内嵌发送。',
  'code.REPLICA_CRASHED': '处理该请求的工作进程已停止，请重试。',
  'code.UNAUTHORIZED': '需要有效的 API 密钥。',
  'code.UNAVAILABLE': '服务器暂时不可用。',
  'code.UNKNOWN_MODEL': '此处不提供该模型。',
  'code.UNSUPPORTED_MEDIA_TYPE': '不接受该媒体类型。',

  'error.technical': '{lead}详细信息（英文）：{detail}',

  'file.notFound': '无法读取 {file}：文件不存在。',
  'file.unreadable': '无法读取 {file}：{reason}。',
  'image.fileNotFound': '图像文件 {path}：文件不存在。',
  'image.fileUnreadable': '无法读取图像文件 {path}（{reason}）。',

  'image.accepted':
    "可接受的输入：PNG 或 JPEG 字节（Uint8Array、ArrayBuffer、Node 的 Buffer）、文件路径（仅限 Node）、包含 RGBA 或 RGB 字节的 '{'data, width, height'}'、ImageData，或 tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': '输入不是图像（收到的是 {got}）。{accepted}。',
  'image.pathInBrowser': '只有在 Node 中才能使用文件路径；在浏览器中请先获取文件，再传入其字节。{accepted}。',
  'image.unknownFormat': '不支持的图像格式（{format}）；只能解码 PNG 和 JPEG。{accepted}。',
  'image.empty': '图像输入为空（0 字节）。',
  'image.tooManyPixels': '图像声明的尺寸为 {width}×{height} = {pixels, number} 像素，超过了上限 {max, number}（在解码前检查）；如需接受，请调大 {option}。',
  'image.tooManyBytes': '图像大小为 {bytes, number} 字节，超过了上限 {max, number} 字节；如需接受，请调大 {option}。',

  'prompt.notString': '问题必须是字符串（收到的是 {got}）。',
  'prompt.empty': '问题为空（或只有空格）；请提出一个问题，例如“what color is the circle?”。',
  'prompt.tooLong': '问题长 {chars, plural, other {# 个字符}}；上限为 {max, plural, other {# 个字符}}（maxPromptChars）。',
  'prompt.loneSurrogate': '问题的第 {index, number} 个位置有单独的代理项 {char}：这不是有效的 Unicode 文本。',
  'prompt.controlChar': '问题的第 {index, number} 个位置有控制字符 {char}；只允许制表符、换行符和回车符（按空格处理）。',
  'prompt.bidiControl': '问题的第 {index, number} 个位置有双向控制字符 {char}；不允许使用覆盖和隔离字符（U+202A–U+202E、U+2066–U+2069）。',

  'config.notAccepted': 'config.{field}{source}：不接受 {value}；可接受的值：{accepted}。',
  'config.integerRange': 'config.{field}{source}：不接受 {value}；请使用 1 到 {max, number} 之间的整数。',
  'config.notObject': 'config：选项必须是对象（收到的是 {got}）。',
  'config.unknownOption': 'config.{field}：未知选项；可接受的选项：{accepted}。',
  'config.envNotObject': 'config.env：必须是由环境变量组成的对象。',
  'config.modelDir': 'config.modelDir{source}：不接受 {value}；请使用文件夹路径或 URL。',
  'config.localeType': 'config.locale：不接受 {value}；请使用 {examples} 或 fr-CA 这样的语言标记。',
  'config.onProgress': 'config.onProgress：必须是函数（参数为 loaded、total、file、filesDone、files）或 undefined。',
  'config.telemetry': 'config.telemetry：必须是 ModelTelemetry（来自 @mobile-mm/telemetry）或 false。',
  'config.fromEnv': '（来自 {envVar}）',
  'config.strictContentCapture': 'config：MOBILE_MM_SECURITY_MODE=strict 不允许记录内容（{envVar}）；请取消该设置，或使用 standard 模式。',

  'note.localeUnsupported': '区域设置 {locale} 不在 {accepted} 之中；将使用 en。',
  'note.modelLanguages': '此模型可用 {languages} 回答；将用 en 代替 {want} 回答。',
  'note.localeNotSpoken': '区域设置 {locale}：此模型可用 {languages} 回答；回答将使用 en。',
  'note.int2NotBundled': 'INT2 模型（models/tiny-int2）尚未随包提供；将使用 fp32 模型。',

  'model.notFound': '模型文件夹 {dir} 不存在，或其中没有 config.json{int2, select, yes {（INT2 模型尚未导出到此包中；请使用变体“fp32”）} other {}}。',
  'model.incomplete': '模型文件夹 {dir} 不完整{int2, select, yes {（INT2 模型尚未导出到此包中；请使用变体“fp32”）} other {}}：{detail}',
  'call.disposed': '{task}：此 MobileMultiModalLLM 已被释放；请新建一个。',
  'call.disposedDuring': '{task}：此 MobileMultiModalLLM 在调用过程中被释放。',
  'call.lang': '{task}：不接受 lang {value}；可接受的值：{accepted}。',
  'call.options': '{task}：选项必须是对象。',
  'call.internal': '{task}：意外故障：{detail}',

  'resilience.circuitOpen': '{where}由于连续失败，断路器已打开；请稍后重试。',
  'resilience.bulkheadFull': '{where}正在运行和排队的请求过多；请稍后重试。',
  'resilience.cancelled': '{where}请求在完成前被取消。',
  'resilience.abortedBeforeStart': '请求在开始前被取消。',
  'resilience.deadline': '请求超过了 {ms, number} ms 的时限；已停止生成并释放其内存。',
  'resilience.deadlineBeforeFinish': '请求在完成前超过了 {ms, number} ms 的时限。',
  'resilience.rateLimited': '客户端 {client} 超出了速率限制（一次 {burst, number} 个，每秒 {rps, number} 个）；请在 {waitMs, number} ms 后重试。',

  'server.bodyTooLarge': '请求体超过了上限（MOBILE_MM_MAX_BODY_BYTES）。',
  'server.contentType': '不接受此 Content-Type；可接受的类型：application/json、image/png、image/jpeg。',
  'server.emptyBody': '请求体为空；请发送一个 JSON 对象。',
  'server.contentLength': 'Content-Length 与请求体不符。',
  'server.invalidJson': '请求体不是有效的 JSON：{detail}',
  'server.shuttingDown': '服务器正在关闭；请在其他实例上重试。',
  'server.unauthorized': '需要有效的 API 密钥：请发送“Authorization: Bearer <密钥>”。',
  'server.rateLimited': '此客户端的请求过多（上限为每秒 {rps, number} 个，突发 {burst, number} 个）；请在 {wait, plural, other {# 秒}}后重试。',
  'server.noRoute': '没有路由 {method} {path}；请参阅 GET /v1/models 和 POST /v1/chat/completions。',
  'server.deadline': '请求耗时超过 {ms, number} ms（MOBILE_MM_REQUEST_TIMEOUT_MS）；其处理已停止。',
  'server.queueFull':
    '服务器已满负荷：{running, number} 个请求正在运行（max-concurrent {maxConcurrent, number}），{queued, number} 个在等待（max-queue {maxQueue, number}）；请在 Retry-After 指定的时间后重试。',
  'server.unknownModel': '此处不提供模型 {model}；可用的模型：{accepted}。',
  'server.remoteImage': '{param}：只接受 data: URL（data:image/png;base64,… 或 data:image/jpeg;base64,…）；服务器不会获取 {scheme}: URL。',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict 要求使用 API 密钥：请设置 MOBILE_MM_API_KEYS。',

  'demo.header': 'mobile-mm 演示 · 后端 {backend} · 变体 {variant} · 配置 {profile} · 模型 {model}',
  'demo.samples': '示例：来自 SynthScenes {split} 划分的 {n, plural, other {# 张}}图像（{dir}）',
  'demo.warmup': '预热：每项任务调用一次，不计入：{ms, number, ::.0} ms',
  'demo.cached': '（图像特征来自缓存）',
  'demo.question': '  问题：{text}',
  'demo.answer': '  回答：{text}',
  'demo.truth': '  正确答案：{text}',
  'demo.summary': '每次调用的中位数（ms）：{medians} · 完全正确 {correct, number}/{total, number}',
  'demo.synthetic': '（SynthScenes 是合成数据：随附的模型回答的是像这些示例一样绘制的场景和文字行，而不是照片。）',
  'cli.help': `mobile-mm：用在设备上运行的小模型完成图像描述、OCR 和视觉问答

用法：
  mobile-mm caption 图像 [选项]            描述一个场景
  mobile-mm ocr 图像 [选项]                读取一行文字
  mobile-mm vqa 图像 "问题" [选项]         回答关于场景的问题
  mobile-mm demo [选项]                    用随附的示例运行全部三项任务
  mobile-mm serve [选项]                   HTTP 服务器：兼容 OpenAI 的 API、健康检查、指标（见 serve --help）
  mobile-mm plan --rps R --p95-ms L        根据服务器基准测试给出副本数、CPU 和自动扩缩容目标
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                           为其他运行时写出检查点（mobile-mm export --help）

图像为 PNG 或 JPEG 文件。模型认识 SynthScenes 图像：
64×64 的彩色图形场景和 32×128 的文字行（见包的 README）。

选项：
  --backend NAME                     tfjs 后端：{backends}（{backendEnv}；默认 auto：在 Node 中为 wasm）
  --variant int2|fp32                模型变体（{variantEnv}；默认：随包提供时为 int2，否则为 fp32）
  --profile fast|balanced|accuracy   速度与质量配置（{profileEnv}；默认 balanced）
  --model-dir DIR                    检查点文件夹（{modelDirEnv}；默认为随附的模型）
  --max-image-pixels N               可接受的最大宽×高（{maxImagePixelsEnv}；默认 {maxImagePixels, number}）
  --max-prompt-chars N               问题的最大长度（{maxPromptCharsEnv}；默认 {maxPromptChars, number}）
  --locale 标记                      你的语言，例如 ja 或 fr-CA（{localeEnv}，其次 LC_ALL/LANG；默认 en）
  --lang en|es|fr|de|ja|zh           本次调用的回答语言（默认为区域设置的语言，前提是模型支持）
  --json                             在 stdout 输出一个 JSON 对象
  --metrics                          随后以 Prometheus 文本格式输出调用的 OpenTelemetry 指标（stdout；使用 --json 时为 stderr）
  -h, --help                         显示本帮助
  --version                          包的版本

退出码：0 成功 · 1 其他失败 · 2 用法或配置错误 · 3 输入错误（图像或问题）
`,
  'serve.help': `mobile-mm serve：模型的 HTTP 服务器（兼容 OpenAI 的 chat completions、/v1/caption|ocr|vqa、健康检查、指标）

用法：mobile-mm serve [选项]

选项（每项也可从对应的变量读取；命令行选项优先）：
  --port N                 监听端口（{portEnv}；默认 8080）
  --host 地址              监听地址（{hostEnv}；默认 127.0.0.1；在容器中为 0.0.0.0）
  --replicas N             工作线程数，每个线程一个模型（{replicasEnv}；默认每个核心一个）
  --max-concurrent N       同时运行的请求数（{maxConcurrentEnv}；默认等于副本数）
  --max-queue N            等待中的请求数；超出时返回 503 + Retry-After（{maxQueueEnv}；默认 4 × max-concurrent）
  --request-timeout-ms N   每个请求的时限：超时返回 504 并中止处理（{requestTimeoutEnv}；默认 30000）
  --max-body-bytes N       请求体的最大字节数：超出返回 413（{bodyLimitEnv}；默认 8388608）
  --dispatch S             least-loaded | round-robin | weighted（{dispatchEnv}；默认 least-loaded）
  --replica-weights W,W    weighted 分发时的权重（{replicaWeightsEnv}）
  --rate-limit-rps N       每个客户端每秒的请求数，0 表示不限（{rateLimitRpsEnv}）；--rate-limit-burst N（{rateLimitBurstEnv}）
  --drain-timeout-ms N     收到 SIGTERM 后，留给进行中请求完成的时间（{drainTimeoutEnv}；默认 25000）
  --drain-delay-ms N       收到 SIGTERM 后，先继续服务这么长时间（readiness 为 503）（{drainDelayEnv}；默认 0）
  --backend, --variant, --profile, --model-dir   模型设置，与其他命令相同（MOBILE_MM_BACKEND 等）
API 密钥：{apiKeysEnv}=key1,key2（只能通过环境变量设置，以免密钥出现在进程列表中）。
错误信息遵循每个请求的 Accept-Language（en、es、fr、de、ja、zh）。
`,
  'export.help': `mobile-mm export：把检查点写成 ONNX、tf.io 权重或 safetensors 检查点

用法：
  mobile-mm export --format 格式 --checkpoint DIR --out DIR [选项]

  --format onnx|tfjs|safetensors   onnx：encoder_scene/encoder_text/decoder.onnx（opset 17、IR 8）；
                                   tfjs：model.json 加分片（tf.io）；safetensors：本项目的检查点
  --checkpoint DIR                 检查点文件夹（config.json、model.safetensors、tokenizer.json）
  --out DIR                        导出文件夹（必须是新的或空的）
  --bits N                         投影：{bits}（32 = float；
                                   默认与检查点中保存的相同；tfjs 为 32）
  --method rtn|mse                 为 --bits 2|4|8 量化 float 检查点的方法（默认 rtn）
  --accuracy-level 0|4             onnx MatMulNBits 的 accuracy_level（默认 0：float32 计算；4：int8 激活）
  --quant-op matmulnbits|dequantize  onnx：把打包的投影写成 MatMulNBits（默认），或在图中解包，
                                   在会话加载时折叠为 float32（文件保持打包，速度和内存与 float 相同）
  --force                          替换非空的 --out
  --json                           输出一个 JSON 对象
`,
  'plan.help': `mobile-mm plan：根据服务器基准测试，给出某一负载所需的副本数、CPU 和自动扩缩容目标

用法：mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results 文件] [--json]

  --rps R               需要处理的每秒请求数
  --p95-ms L            不得超过的第 95 百分位延迟（毫秒）
  --task T              请求组合中最重的任务（默认 caption）
  --replicas-per-pod N  每个 Pod 的工作线程数，等于 MOBILE_MM_REPLICAS（默认 2，与 deploy/k8s 相同）
  --results 文件        基准测试的 JSON（默认 apps/bench/results/serve.json；由 npm run bench -- serve 生成）
  --json                以 JSON 输出计划
`,
  'cli.error': '错误 [{code}]：{message}',
  'cli.note': '提示：{message}',
  'cli.seeHelp': '运行 `mobile-mm --help` 查看用法。',
  'cli.noCommand': '缺少命令；请使用 caption、ocr、vqa 或 demo（见 --help）。',
  'cli.unknownCommand': '未知命令 {command}；请使用 caption、ocr、vqa 或 demo（见 --help）。',
  'cli.arity': '{command} 需要 {want}；收到了 {n, plural, other {# 个参数}}{quoteHint, select, yes {（含空格的问题请加引号）} other {}}。',
  'cli.arityNone': '不带参数',
  'cli.flagInteger': '--{flag} 需要一个正整数（收到的是 {value}）。',
  'cli.flagOneOf': '--{flag} 需要以下值之一：{accepted}（收到的是 {value}）。',
  'cli.badOption': '{detail}（见 --help）。',
  'cli.outOfVocabulary': '模型不认识 {words}；回答是猜测的。',
  'cli.summary': '（{task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms）',
  'cli.notInstalled': '`mobile-mm {command}` 需要 @mobile-mm/server 包：npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server 尚未构建；请先在仓库根目录运行 `npm run build`。',
};
