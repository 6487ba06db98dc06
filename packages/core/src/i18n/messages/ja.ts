/**
 * Japanese (ja). Keys, arguments and conventions: see en.ts. です・ます調;
 * full-width 。、：（）「」 with no space before them; code, flags and
 * variable names stay as they are.
 */
import type { Catalog } from './en.js';

export const ja: Catalog = {
  'code.INVALID_CONFIG': '設定が正しくありません。',
  'code.INVALID_SHAPE': 'テンソルの形状が正しくありません。',
  'code.INVALID_DTYPE': 'テンソルのデータ型が正しくありません。',
  'code.INVALID_ARGUMENT': '引数が正しくありません。',
  'code.INVALID_TOKEN': 'トークン ID が語彙の範囲外です。',
  'code.SAFETENSORS_CORRUPT': '重みファイルが壊れているか、safetensors 形式ではありません。',
  'code.WEIGHTS_MISMATCH': '重みがモデルと一致しません。',
  'code.WEIGHTS_MISSING': 'モデルの重みの一部が見つかりません。',
  'code.FILE_NOT_FOUND': 'ファイルが見つからないか、読み込めません。',
  'code.BACKEND_UNAVAILABLE': '指定された計算バックエンドはこの環境では使えません。',
  'code.UNSUPPORTED': 'この操作はこの環境ではサポートされていません。',
  'code.OUT_OF_MEMORY': 'この操作に必要なメモリが足りません。',
  'code.IMAGE_UNSUPPORTED_FORMAT': 'この画像形式には対応していません。対応形式は PNG と JPEG です。',
  'code.IMAGE_TOO_LARGE': '画像が大きすぎます。',
  'code.IMAGE_CORRUPT': '画像ファイルが壊れていて、デコードできません。',
  'code.IMAGE_INVALID': '画像データが正しくありません。',
  'code.FONT_UNAVAILABLE': 'ジェネレーターに必要なフォントがありません。',
  'code.RATE_LIMITED': 'リクエストが多すぎます。少し待ってから再試行してください。',
  'code.CIRCUIT_OPEN': '失敗が続いたため、サービスを一時停止しています。しばらくしてから再試行してください。',
  'code.BULKHEAD_FULL': '実行中または待機中のリクエストが多すぎます。しばらくしてから再試行してください。',
  'code.DEADLINE_EXCEEDED': 'リクエストに時間がかかりすぎたため、停止しました。',
  'code.ABORTED': 'リクエストはキャンセルされました。',
  'code.BACKENDS_EXHAUSTED': 'リクエストを実行できる計算バックエンドがありません。',
  'code.CONTEXT_LOST': 'グラフィックスコンテキストが失われました。',
  'code.BACKEND_UNHEALTHY': '計算バックエンドがヘルスチェックに失敗しました。',
  'code.TENSOR_LEAK': '呼び出しの後にテンソルがメモリに残っています。',
  'code.PROMPT_EMPTY': '質問が空です。',
  'code.PROMPT_TOO_LONG': '質問が長すぎます。',
  'code.PROMPT_INVALID': '質問に使用できない文字が含まれています。',
  'code.MODEL_NOT_FOUND': 'モデルが見つかりません。',
  'code.MODEL_DOWNLOAD_FAILED': 'モデルをダウンロードできませんでした。',
  'code.MODEL_VARIANT_MISMATCH': 'モデルファイルが指定されたバリアントではありません。',
  'code.DISPOSED': 'このインスタンスはすでに破棄されています。',
  'code.INTERNAL': '内部エラーが発生しました。',
  'code.BODY_TOO_LARGE': 'リクエスト本文が大きすぎます。',
  'code.CLIENT_CLOSED': 'クライアントが接続を閉じました。',
  'code.INVALID_JSON': 'リクエスト本文が正しい JSON ではありません。',
  'code.INVALID_REQUEST': 'リクエストが正しくありません。',
  'code.NOT_FOUND': 'そのルートはありません。',
  'code.QUEUE_FULL': 'サーバーが処理能力の上限に達しています。少し待ってから再試行してください。',
  'code.REMOTE_IMAGE_URL': '画像は data: URL として埋め込んで送ってください。',
  'code.REPLICA_CRASHED': 'リクエストを処理していたワーカーが停止しました。再試行してください。',
  'code.UNAUTHORIZED': '有効な API キーが必要です。',
  'code.UNAVAILABLE': 'サーバーは現在利用できません。',
  'code.UNKNOWN_MODEL': 'このモデルはここでは提供していません。',
  'code.UNSUPPORTED_MEDIA_TYPE': 'このメディアタイプは受け付けていません。',

  'error.technical': '{lead}詳細（英語）：{detail}',

  'file.notFound': '{file} を読み込めません：ファイルが存在しません。',
  'file.unreadable': '{file} を読み込めません：{reason}。',
  'image.fileNotFound': '画像ファイル {path}：ファイルが存在しません。',
  'image.fileUnreadable': '画像ファイル {path} を読み込めません（{reason}）。',

  'image.accepted':
    "受け付ける入力：PNG または JPEG のバイト列（Uint8Array、ArrayBuffer、Node の Buffer）、ファイルパス（Node のみ）、RGBA または RGB のバイト列を持つ '{'data, width, height'}'、ImageData、tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': '画像の入力ではありません（受け取った値：{got}）。{accepted}。',
  'image.pathInBrowser': 'ファイルパスは Node でのみ使えます。ブラウザーではファイルを取得して、そのバイト列を渡してください。{accepted}。',
  'image.unknownFormat': '対応していない画像形式です（{format}）。デコードできるのは PNG と JPEG だけです。{accepted}。',
  'image.empty': '画像の入力が空です（0 バイト）。',
  'image.tooManyPixels':
    '画像のサイズは {width}×{height} = {pixels, number} ピクセルで、上限の {max, number} を超えています（デコード前に確認）。受け付けるには {option} を大きくしてください。',
  'image.tooManyBytes': '画像は {bytes, number} バイトで、上限の {max, number} バイトを超えています。受け付けるには {option} を大きくしてください。',

  'prompt.notString': '質問は文字列で指定してください（受け取った値：{got}）。',
  'prompt.empty': '質問が空です（または空白だけです）。「what color is the circle?」のように質問してください。',
  'prompt.tooLong': '質問は {chars, plural, other {#文字}}あります。上限は {max, plural, other {#文字}}です（maxPromptChars）。',
  'prompt.loneSurrogate': '質問の {index, number} 文字目に単独のサロゲート {char} があります。正しい Unicode テキストではありません。',
  'prompt.controlChar': '質問の {index, number} 文字目に制御文字 {char} があります。使えるのはタブ、改行（LF）、復帰（CR）だけです（空白として扱います）。',
  'prompt.bidiControl':
    '質問の {index, number} 文字目に双方向制御文字 {char} があります。オーバーライドと分離（U+202A〜U+202E、U+2066〜U+2069）は使えません。',

  'config.notAccepted': 'config.{field}{source}：{value} は使えません。使える値：{accepted}。',
  'config.integerRange': 'config.{field}{source}：{value} は使えません。1 から {max, number} までの整数を指定してください。',
  'config.notObject': 'config：オプションはオブジェクトで指定してください（受け取った値：{got}）。',
  'config.unknownOption': 'config.{field}：不明なオプションです。使えるオプション：{accepted}。',
  'config.envNotObject': 'config.env：環境変数のオブジェクトで指定してください。',
  'config.modelDir': 'config.modelDir{source}：{value} は使えません。フォルダーのパスまたは URL を指定してください。',
  'config.localeType': 'config.locale：{value} は使えません。{examples} や fr-CA のような言語タグを指定してください。',
  'config.onProgress': 'config.onProgress：関数（loaded、total、file、filesDone、files を受け取る）または undefined を指定してください。',
  'config.telemetry': 'config.telemetry：ModelTelemetry（@mobile-mm/telemetry）または false を指定してください。',
  'config.fromEnv': '（{envVar} より）',
  'config.strictContentCapture': 'config：MOBILE_MM_SECURITY_MODE=strict ではコンテンツの記録（{envVar}）は許可されません。設定を外すか、standard モードを使ってください。',

  'note.localeUnsupported': 'ロケール {locale} は {accepted} のいずれでもありません。en を使います。',
  'note.modelLanguages': 'このモデルが答えられる言語は {languages} です。{want} の代わりに en で答えます。',
  'note.localeNotSpoken': 'ロケール {locale}：このモデルが答えられる言語は {languages} です。回答は en になります。',
  'note.int2NotBundled': 'INT2 モデル（models/tiny-int2）はまだ同梱されていません。fp32 モデルを使います。',

  'model.notFound': 'モデルフォルダー {dir} が存在しないか、config.json がありません{int2, select, yes {（INT2 モデルはまだこのパッケージに書き出されていません。バリアント「fp32」を使ってください）} other {}}。',
  'model.incomplete': 'モデルフォルダー {dir} に足りないファイルがあります{int2, select, yes {（INT2 モデルはまだこのパッケージに書き出されていません。バリアント「fp32」を使ってください）} other {}}：{detail}',
  'call.disposed': '{task}：この MobileMultiModalLLM は破棄されています。新しく作成してください。',
  'call.disposedDuring': '{task}：この MobileMultiModalLLM は呼び出しの途中で破棄されました。',
  'call.lang': '{task}：lang {value} は使えません。使える値：{accepted}。',
  'call.options': '{task}：オプションはオブジェクトで指定してください。',
  'call.internal': '{task}：予期しないエラー：{detail}',

  'resilience.circuitOpen': '{where}失敗が続いたため、サーキットブレーカーが開いています。しばらくしてから再試行してください。',
  'resilience.bulkheadFull': '{where}実行中と待機中のリクエストが多すぎます。しばらくしてから再試行してください。',
  'resilience.cancelled': '{where}リクエストは完了前にキャンセルされました。',
  'resilience.abortedBeforeStart': 'リクエストは開始前にキャンセルされました。',
  'resilience.deadline': 'リクエストが制限時間（{ms, number} ms）を超えました。生成を停止し、メモリを解放しました。',
  'resilience.deadlineBeforeFinish': 'リクエストは完了する前に制限時間（{ms, number} ms）を超えました。',
  'resilience.rateLimited': 'クライアント {client} がレート制限（同時 {burst, number}、毎秒 {rps, number}）を超えています。{waitMs, number} ms 後に再試行してください。',

  'server.bodyTooLarge': 'リクエスト本文が上限（MOBILE_MM_MAX_BODY_BYTES）を超えています。',
  'server.contentType': 'この Content-Type は受け付けていません。使えるもの：application/json、image/png、image/jpeg。',
  'server.emptyBody': '本文が空です。JSON オブジェクトを送ってください。',
  'server.contentLength': 'Content-Length が本文と一致しません。',
  'server.invalidJson': '本文が正しい JSON ではありません：{detail}',
  'server.shuttingDown': 'サーバーは停止処理中です。別のインスタンスで再試行してください。',
  'server.unauthorized': '有効な API キーが必要です。「Authorization: Bearer <キー>」を送ってください。',
  'server.rateLimited': 'このクライアントからのリクエストが多すぎます（上限は毎秒 {rps, number}、バースト {burst, number}）。{wait, plural, other {#秒}}後に再試行してください。',
  'server.noRoute': 'ルート {method} {path} はありません。GET /v1/models と POST /v1/chat/completions を参照してください。',
  'server.deadline': 'リクエストが {ms, number} ms（MOBILE_MM_REQUEST_TIMEOUT_MS）を超えたため、処理を停止しました。',
  'server.queueFull':
    'サーバーが上限に達しています：実行中 {running, number} 件（max-concurrent {maxConcurrent, number}）、待機中 {queued, number} 件（max-queue {maxQueue, number}）。Retry-After の時間が過ぎてから再試行してください。',
  'server.unknownModel': 'モデル {model} はここでは提供していません。使えるモデル：{accepted}。',
  'server.remoteImage':
    '{param}：使えるのは data: URL（data:image/png;base64,… または data:image/jpeg;base64,…）だけです。サーバーは {scheme}: の URL を取得しません。',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict では API キーが必要です。MOBILE_MM_API_KEYS を設定してください。',

  'demo.header': 'mobile-mm デモ · バックエンド {backend} · バリアント {variant} · プロファイル {profile} · モデル {model}',
  'demo.samples': 'サンプル：SynthScenes の {split} 分割から {n, plural, other {#枚}}の画像（{dir}）',
  'demo.warmup': 'ウォームアップ：タスクごとに 1 回の呼び出し（集計外）：{ms, number, ::.0} ms',
  'demo.cached': '（画像の特徴量はキャッシュから）',
  'demo.question': '  質問：{text}',
  'demo.answer': '  回答：{text}',
  'demo.truth': '  正解：{text}',
  'demo.summary': '1 回あたりの中央値（ms）：{medians} · 完全一致 {correct, number}/{total, number}',
  'demo.synthetic': '（SynthScenes は合成データです。同梱のモデルが答えられるのは、これらのサンプルのように描かれたシーンとテキスト行で、写真ではありません。）',
  'cli.help': `mobile-mm：端末上で動く小さなモデルによる画像キャプション、OCR、画像についての質問応答

使い方：
  mobile-mm caption 画像 [オプション]         シーンを説明します
  mobile-mm ocr 画像 [オプション]             1 行のテキストを読み取ります
  mobile-mm vqa 画像 "質問" [オプション]      シーンについての質問に答えます
  mobile-mm demo [オプション]                 同梱のサンプルで 3 つのタスクをすべて実行します
  mobile-mm serve [オプション]                HTTP サーバー：OpenAI 互換 API、ヘルスチェック、メトリクス（serve --help を参照）
  mobile-mm plan --rps R --p95-ms L           サーバーのベンチマークからレプリカ数、CPU、オートスケールの目標を出します
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                              他のランタイム向けにチェックポイントを書き出します（mobile-mm export --help）

画像は PNG または JPEG ファイルです。モデルが知っているのは SynthScenes の画像
（色付きの図形を描いた 64×64 のシーンと、32×128 のテキスト行）です（パッケージの README を参照）。

オプション：
  --backend NAME                     tfjs のバックエンド：{backends}（{backendEnv}。既定は auto：Node では wasm）
  --variant int2|fp32                モデルのバリアント（{variantEnv}。既定は同梱されていれば int2、なければ fp32）
  --profile fast|balanced|accuracy   速度と品質のプロファイル（{profileEnv}。既定は balanced）
  --model-dir DIR                    チェックポイントのフォルダー（{modelDirEnv}。既定は同梱のモデル）
  --max-image-pixels N               受け付ける幅×高さの上限（{maxImagePixelsEnv}。既定は {maxImagePixels, number}）
  --max-prompt-chars N               質問の最大文字数（{maxPromptCharsEnv}。既定は {maxPromptChars, number}）
  --locale タグ                      使用する言語。例：ja、fr-CA（{localeEnv}、次に LC_ALL/LANG。既定は en）
  --lang en|es|fr|de|ja|zh           この呼び出しの回答言語（既定はロケールの言語。モデルがその言語に対応している場合）
  --json                             stdout に JSON オブジェクトを 1 つ出力します
  --metrics                          続けて呼び出しの OpenTelemetry メトリクスを Prometheus 形式で出力します（stdout。--json のときは stderr）
  -h, --help                         このテキスト
  --version                          パッケージのバージョン

終了コード：0 成功 · 1 その他の失敗 · 2 使い方または設定の誤り · 3 入力の誤り（画像または質問）
`,
  'serve.help': `mobile-mm serve：モデルの HTTP サーバー（OpenAI 互換の chat completions、/v1/caption|ocr|vqa、ヘルスチェック、メトリクス）

使い方：mobile-mm serve [オプション]

オプション（それぞれ対応する変数からも読み込みます。コマンドラインのオプションが優先されます）：
  --port N                 待ち受けポート（{portEnv}。既定は 8080）
  --host アドレス          待ち受けアドレス（{hostEnv}。既定は 127.0.0.1。コンテナーでは 0.0.0.0）
  --replicas N             ワーカースレッド数。それぞれがモデルを 1 つ持ちます（{replicasEnv}。既定はコアごとに 1 つ）
  --max-concurrent N       同時に実行するリクエスト数（{maxConcurrentEnv}。既定はレプリカ数と同じ）
  --max-queue N            待機できるリクエスト数。超えると 503 + Retry-After（{maxQueueEnv}。既定は 4 × max-concurrent）
  --request-timeout-ms N   リクエストごとの制限時間。超えると 504 で処理を中止（{requestTimeoutEnv}。既定は 30000）
  --max-body-bytes N       本文の最大サイズ。超えると 413（{bodyLimitEnv}。既定は 8388608）
  --dispatch S             least-loaded | round-robin | weighted（{dispatchEnv}。既定は least-loaded）
  --replica-weights W,W    weighted で振り分けるときの重み（{replicaWeightsEnv}）
  --rate-limit-rps N       クライアントごとの毎秒リクエスト数。0 で無制限（{rateLimitRpsEnv}）。--rate-limit-burst N（{rateLimitBurstEnv}）
  --drain-timeout-ms N     SIGTERM の後、実行中のリクエストが終わるまで待つ時間（{drainTimeoutEnv}。既定は 25000）
  --drain-delay-ms N       SIGTERM の後、まずこの時間だけ処理を続けます（readiness は 503）（{drainDelayEnv}。既定は 0）
  --backend, --variant, --profile, --model-dir   モデルの指定。他のコマンドと同じです（MOBILE_MM_BACKEND など）
API キー：{apiKeysEnv}=key1,key2（環境変数でのみ指定。キーがプロセス一覧に出ないようにするため）。
エラーメッセージは各リクエストの Accept-Language（en、es、fr、de、ja、zh）に従います。
`,
  'export.help': `mobile-mm export：チェックポイントを ONNX、tf.io の重み、または safetensors チェックポイントとして書き出します

使い方：
  mobile-mm export --format 形式 --checkpoint DIR --out DIR [オプション]

  --format onnx|tfjs|safetensors   onnx：encoder_scene/encoder_text/decoder.onnx（opset 17、IR 8）。
                                   tfjs：model.json とシャード（tf.io）。safetensors：このプロジェクトのチェックポイント
  --checkpoint DIR                 チェックポイントのフォルダー（config.json、model.safetensors、tokenizer.json）
  --out DIR                        書き出し先のフォルダー（新規または空）
  --bits N                         射影：{bits}（32 = float。
                                   既定はチェックポイントに保存されているとおり。tfjs は 32）
  --method rtn|mse                 --bits 2|4|8 のときの float チェックポイントの量子化方法（既定は rtn）
  --accuracy-level 0|4             onnx の MatMulNBits の accuracy_level（既定は 0：float32 で計算。4：int8 の活性化）
  --quant-op matmulnbits|dequantize  onnx：パックした射影を MatMulNBits として出力（既定）、またはグラフ内で展開し、
                                   セッションの読み込み時に float32 に畳み込みます（ファイルはパック済み、速度とメモリは float 相当）
  --force                          空でない --out を置き換えます
  --json                           JSON オブジェクトを 1 つ出力します
`,
  'plan.help': `mobile-mm plan：サーバーのベンチマークから、負荷に対するレプリカ数、CPU、オートスケールの目標を出します

使い方：mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results ファイル] [--json]

  --rps R               処理する毎秒リクエスト数
  --p95-ms L            超えてはならない 95 パーセンタイルのレイテンシ（ms）
  --task T              リクエストの中で最も重いタスク（既定は caption）
  --replicas-per-pod N  Pod あたりのワーカースレッド数。MOBILE_MM_REPLICAS と同じ（既定は 2。deploy/k8s と同じ）
  --results ファイル    ベンチマークの JSON（既定は apps/bench/results/serve.json。npm run bench -- serve で作成）
  --json                計画を JSON で出力します
`,
  'cli.error': 'エラー [{code}]：{message}',
  'cli.note': '注意：{message}',
  'cli.seeHelp': '使い方は `mobile-mm --help` で確認できます。',
  'cli.noCommand': 'コマンドがありません。caption、ocr、vqa、demo のいずれかを使ってください（--help を参照）。',
  'cli.unknownCommand': '不明なコマンド {command} です。caption、ocr、vqa、demo のいずれかを使ってください（--help を参照）。',
  'cli.arity': '{command} には {want} を指定します。受け取った引数は {n, plural, other {#個}}です{quoteHint, select, yes {（空白を含む質問は引用符で囲んでください）} other {}}。',
  'cli.arityNone': '引数なし',
  'cli.flagInteger': '--{flag} には正の整数を指定してください（受け取った値：{value}）。',
  'cli.flagOneOf': '--{flag} には {accepted} のいずれかを指定してください（受け取った値：{value}）。',
  'cli.badOption': '{detail}（--help を参照）。',
  'cli.outOfVocabulary': 'モデルは {words} を知りません。回答は推測です。',
  'cli.summary': '（{task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms）',
  'cli.notInstalled': '`mobile-mm {command}` には @mobile-mm/server パッケージが必要です：npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server はまだビルドされていません。先にリポジトリのルートで `npm run build` を実行してください。',
};
