/**
 * French (fr). Keys, arguments and conventions: see en.ts. Typography: a
 * no-break space (U+00A0) before « : » and inside guillemets, a narrow
 * no-break space (U+202F) before ; ? and !; vouvoiement.
 */
import type { Catalog } from './en.js';

export const fr: Catalog = {
  'code.INVALID_CONFIG': 'La configuration n’est pas valide.',
  'code.INVALID_SHAPE': 'Un tenseur n’a pas la bonne forme.',
  'code.INVALID_DTYPE': 'Un tenseur n’a pas le bon type de données.',
  'code.INVALID_ARGUMENT': 'Un argument n’est pas valide.',
  'code.INVALID_TOKEN': 'Un identifiant de jeton est hors du vocabulaire.',
  'code.SAFETENSORS_CORRUPT': 'Le fichier de poids est endommagé ou n’est pas un fichier safetensors.',
  'code.WEIGHTS_MISMATCH': 'Les poids ne correspondent pas au modèle.',
  'code.WEIGHTS_MISSING': 'Des poids du modèle sont manquants.',
  'code.FILE_NOT_FOUND': 'Un fichier est introuvable ou illisible.',
  'code.BACKEND_UNAVAILABLE': 'Le moteur de calcul demandé n’est pas disponible ici.',
  'code.UNSUPPORTED': 'Cette opération n’est pas prise en charge ici.',
  'code.OUT_OF_MEMORY': 'La mémoire est insuffisante pour cette opération.',
  'code.IMAGE_UNSUPPORTED_FORMAT': 'Ce format d’image n’est pas pris en charge ; les formats PNG et JPEG le sont.',
  'code.IMAGE_TOO_LARGE': 'L’image est trop grande.',
  'code.IMAGE_CORRUPT': 'Le fichier image est endommagé et ne peut pas être décodé.',
  'code.IMAGE_INVALID': 'Les données de l’image ne sont pas valides.',
  'code.FONT_UNAVAILABLE': 'Une police nécessaire au générateur n’est pas disponible.',
  'code.RATE_LIMITED': 'Trop de requêtes ; réessayez dans un instant.',
  'code.CIRCUIT_OPEN': 'Le service est suspendu après des échecs répétés ; réessayez plus tard.',
  'code.BULKHEAD_FULL': 'Trop de requêtes sont en cours ou en attente ; réessayez plus tard.',
  'code.DEADLINE_EXCEEDED': 'La requête a pris trop de temps et a été interrompue.',
  'code.ABORTED': 'La requête a été annulée.',
  'code.BACKENDS_EXHAUSTED': 'Aucun moteur de calcul n’a pu traiter la requête.',
  'code.CONTEXT_LOST': 'Le contexte graphique a été perdu.',
  'code.BACKEND_UNHEALTHY': 'Le moteur de calcul a échoué à son contrôle de santé.',
  'code.TENSOR_LEAK': 'Des tenseurs sont restés en mémoire après un appel.',
  'code.PROMPT_EMPTY': 'La question est vide.',
  'code.PROMPT_TOO_LONG': 'La question est trop longue.',
  'code.PROMPT_INVALID': 'La question contient du texte non accepté.',
  'code.MODEL_NOT_FOUND': 'Le modèle est introuvable.',
  'code.MODEL_DOWNLOAD_FAILED': 'Le modèle n’a pas pu être téléchargé.',
  'code.MODEL_VARIANT_MISMATCH': 'Les fichiers du modèle ne sont pas de la variante demandée.',
  'code.DISPOSED': 'Cette instance a été libérée.',
  'code.INTERNAL': 'Une erreur interne s’est produite.',
  'code.BODY_TOO_LARGE': 'Le corps de la requête est trop volumineux.',
  'code.CLIENT_CLOSED': 'Le client a fermé la connexion.',
  'code.INVALID_JSON': 'Le corps de la requête n’est pas du JSON valide.',
  'code.INVALID_REQUEST': 'La requête n’est pas valide.',
  'code.NOT_FOUND': 'Cette route n’existe pas.',
  'code.QUEUE_FULL': 'Le serveur est à pleine capacité ; réessayez dans un instant.',
  'code.REMOTE_IMAGE_URL': 'Les images doivent être envoyées en ligne, sous forme d’URL data:.',
  'code.REPLICA_CRASHED': 'Le processus qui traitait la requête s’est arrêté ; réessayez.',
  'code.UNAUTHORIZED': 'Une clé d’API valide est requise.',
  'code.UNAVAILABLE': 'Le serveur n’est pas disponible pour le moment.',
  'code.UNKNOWN_MODEL': 'Ce modèle n’est pas servi ici.',
  'code.UNSUPPORTED_MEDIA_TYPE': 'Ce type de média n’est pas accepté.',

  'error.technical': '{lead} Détail (en anglais) : {detail}',

  'file.notFound': 'Impossible de lire {file} : ce fichier n’existe pas.',
  'file.unreadable': 'Impossible de lire {file} : {reason}.',
  'image.fileNotFound': 'Fichier image {path} : ce fichier n’existe pas.',
  'image.fileUnreadable': 'Le fichier image {path} ne peut pas être lu ({reason}).',

  'image.accepted':
    "formats acceptés : octets PNG ou JPEG (Uint8Array, ArrayBuffer, Buffer de Node), un chemin de fichier (Node uniquement), '{'data, width, height'}' avec des octets RGBA ou RGB, un ImageData ou un tf.Tensor3D [H, W, 3|4]",
  'image.notAnImage': 'Ce n’est pas une image (reçu : {got}) ; {accepted}.',
  'image.pathInBrowser': 'Les chemins de fichier ne sont acceptés que dans Node ; dans un navigateur, récupérez le fichier et passez ses octets. {accepted}.',
  'image.unknownFormat': 'Format d’image non pris en charge ({format}) ; seuls PNG et JPEG sont décodés. {accepted}.',
  'image.empty': 'L’image fournie est vide (0 octet).',
  'image.tooManyPixels':
    'L’image déclare {width}×{height} = {pixels, number} pixels, au-delà de la limite de {max, number} (vérifiée avant le décodage) ; augmentez {option} pour l’accepter.',
  'image.tooManyBytes': 'L’image fait {bytes, number} octets, au-delà de la limite de {max, number} octets ; augmentez {option} pour l’accepter.',

  'prompt.notString': 'La question doit être une chaîne de caractères (reçu : {got}).',
  'prompt.empty': 'La question est vide (ou ne contient que des espaces) ; posez-en une, par exemple « what color is the circle? ».',
  'prompt.tooLong':
    'La question compte {chars, plural, one {# caractère} other {# caractères}} ; la limite est de {max, plural, one {# caractère} other {# caractères}} (maxPromptChars).',
  'prompt.loneSurrogate': 'La question contient un demi-codet isolé {char} à la position {index, number} : ce n’est pas du texte Unicode valide.',
  'prompt.controlChar':
    'La question contient le caractère de contrôle {char} à la position {index, number} ; seuls la tabulation, le saut de ligne et le retour chariot sont acceptés (lus comme des espaces).',
  'prompt.bidiControl':
    'La question contient le contrôle bidirectionnel {char} à la position {index, number} ; les forçages et isolements (U+202A–U+202E, U+2066–U+2069) ne sont pas acceptés.',

  'config.notAccepted': 'config.{field}{source} : {value} n’est pas accepté ; valeurs acceptées : {accepted}.',
  'config.integerRange': 'config.{field}{source} : {value} n’est pas accepté ; valeur acceptée : un entier de 1 à {max, number}.',
  'config.notObject': 'config : les options doivent être un objet (reçu : {got}).',
  'config.unknownOption': 'config.{field} : option inconnue ; options acceptées : {accepted}.',
  'config.envNotObject': 'config.env : doit être un objet de variables d’environnement.',
  'config.modelDir': 'config.modelDir{source} : {value} n’est pas accepté ; valeur acceptée : un chemin de dossier ou une URL.',
  'config.localeType': 'config.locale : {value} n’est pas accepté ; valeur acceptée : une étiquette de langue comme {examples} ou fr-CA.',
  'config.onProgress': 'config.onProgress : doit être une fonction (appelée avec loaded, total, file, filesDone, files) ou undefined.',
  'config.telemetry': 'config.telemetry : doit être un ModelTelemetry (de @mobile-mm/telemetry) ou false.',
  'config.fromEnv': ' (depuis {envVar})',
  'config.strictContentCapture': 'config : MOBILE_MM_SECURITY_MODE=strict n’autorise pas la capture du contenu ({envVar}) ; retirez-la ou utilisez le mode standard.',

  'note.localeUnsupported': 'La locale {locale} ne fait pas partie de {accepted} ; en est utilisé.',
  'note.modelLanguages': 'Ce modèle répond en {languages} ; réponse en en au lieu de {want}.',
  'note.localeNotSpoken': 'Locale {locale} : ce modèle répond en {languages} ; les réponses seront en en.',
  'note.int2NotBundled': 'Le modèle INT2 (models/tiny-int2) n’est pas encore inclus ; le modèle fp32 est utilisé.',

  'model.notFound': 'Le dossier du modèle {dir} n’existe pas ou ne contient pas de config.json{int2, select, yes { (le modèle INT2 n’a pas encore été exporté dans ce paquet ; utilisez la variante « fp32 »)} other {}}.',
  'model.incomplete': 'Le dossier du modèle {dir} est incomplet{int2, select, yes { (le modèle INT2 n’a pas encore été exporté dans ce paquet ; utilisez la variante « fp32 »)} other {}} : {detail}',
  'call.disposed': '{task} : ce MobileMultiModalLLM a été libéré ; créez-en un nouveau.',
  'call.disposedDuring': '{task} : ce MobileMultiModalLLM a été libéré pendant l’appel.',
  'call.lang': '{task} : lang {value} n’est pas accepté ; valeurs acceptées : {accepted}.',
  'call.options': '{task} : les options doivent être un objet.',
  'call.internal': '{task} : échec inattendu : {detail}',

  'resilience.circuitOpen': '{where}le disjoncteur est ouvert après des échecs répétés ; réessayez plus tard.',
  'resilience.bulkheadFull': '{where}trop de requêtes sont en cours et en file d’attente ; réessayez plus tard.',
  'resilience.cancelled': '{where}la requête a été annulée avant la fin.',
  'resilience.abortedBeforeStart': 'La requête a été annulée avant de commencer.',
  'resilience.deadline': 'La requête a dépassé son délai de {ms, number} ms ; la génération a été arrêtée et sa mémoire libérée.',
  'resilience.deadlineBeforeFinish': 'La requête a dépassé son délai de {ms, number} ms avant de pouvoir se terminer.',
  'resilience.rateLimited': 'Le client {client} dépasse sa limite ({burst, number} à la fois, {rps, number} par seconde) ; réessayez dans {waitMs, number} ms.',

  'server.bodyTooLarge': 'Le corps de la requête dépasse la limite (MOBILE_MM_MAX_BODY_BYTES).',
  'server.contentType': 'Ce Content-Type n’est pas accepté ; types acceptés : application/json, image/png, image/jpeg.',
  'server.emptyBody': 'Le corps est vide ; envoyez un objet JSON.',
  'server.contentLength': 'Content-Length ne correspond pas au corps.',
  'server.invalidJson': 'Le corps n’est pas du JSON valide : {detail}',
  'server.shuttingDown': 'Le serveur s’arrête ; réessayez sur une autre instance.',
  'server.unauthorized': 'Une clé d’API valide est requise : envoyez « Authorization: Bearer <clé> ».',
  'server.rateLimited':
    'Trop de requêtes de ce client (limite de {rps, number} par seconde, rafale de {burst, number}) ; réessayez dans {wait, plural, one {# seconde} other {# secondes}}.',
  'server.noRoute': 'La route {method} {path} n’existe pas ; voir GET /v1/models et POST /v1/chat/completions.',
  'server.deadline': 'La requête a dépassé {ms, number} ms (MOBILE_MM_REQUEST_TIMEOUT_MS) ; son traitement a été arrêté.',
  'server.queueFull':
    'Le serveur est à pleine capacité : {running, number} requêtes en cours (max-concurrent {maxConcurrent, number}) et {queued, number} en attente (max-queue {maxQueue, number}) ; réessayez après le délai indiqué par Retry-After.',
  'server.unknownModel': 'Le modèle {model} n’est pas servi ici ; modèles acceptés : {accepted}.',
  'server.remoteImage':
    '{param} : seules les URL data: sont acceptées (data:image/png;base64,… ou data:image/jpeg;base64,…) ; le serveur ne télécharge pas les URL {scheme}:.',
  'server.strictNeedsKey': 'MOBILE_MM_SECURITY_MODE=strict exige une clé d’API : définissez MOBILE_MM_API_KEYS.',

  'demo.header': 'démo mobile-mm · moteur {backend} · variante {variant} · profil {profile} · modèle {model}',
  'demo.samples': 'exemples : {n, plural, one {# image} other {# images}} de la partition {split} de SynthScenes ({dir})',
  'demo.warmup': 'préchauffage : un appel par tâche, non compté : {ms, number, ::.0} ms',
  'demo.cached': ' (caractéristiques de l’image depuis le cache)',
  'demo.question': '  question : {text}',
  'demo.answer': '  réponse :  {text}',
  'demo.truth': '  attendu :  {text}',
  'demo.summary': 'médiane en ms par appel : {medians} · réponses exactes {correct, number}/{total, number}',
  'demo.synthetic': '(SynthScenes est synthétique ; le modèle fourni répond sur des scènes et des lignes de texte dessinées comme ces exemples, pas sur des photos.)',
  'cli.help': `mobile-mm : description d’images, OCR et réponses à des questions visuelles avec un petit modèle exécuté sur l’appareil

Utilisation :
  mobile-mm caption IMAGE [options]            décrit une scène
  mobile-mm ocr IMAGE [options]                lit une ligne de texte
  mobile-mm vqa IMAGE "QUESTION" [options]     répond à une question sur une scène
  mobile-mm demo [options]                     les trois tâches sur les exemples fournis
  mobile-mm serve [options]                    serveur HTTP : API compatible OpenAI, santé, métriques (voir serve --help)
  mobile-mm plan --rps R --p95-ms L            répliques, CPU et cibles d’autoscaling d’après le banc d’essai
  mobile-mm export --format onnx|tfjs|safetensors --checkpoint DIR --out DIR
                                               écrit un checkpoint pour d’autres environnements (mobile-mm export --help)

IMAGE est un fichier PNG ou JPEG. Le modèle connaît les images SynthScenes :
scènes de 64×64 avec des formes colorées et lignes de texte de 32×128 (voir le README du paquet).

Options :
  --backend NAME                     moteur tfjs : {backends} ({backendEnv} ; par défaut auto : wasm dans Node)
  --variant int2|fp32                variante du modèle ({variantEnv} ; par défaut int2 s’il est inclus, sinon fp32)
  --profile fast|balanced|accuracy   profil vitesse/qualité ({profileEnv} ; par défaut balanced)
  --model-dir DIR                    dossier du checkpoint ({modelDirEnv} ; par défaut le modèle inclus)
  --max-image-pixels N               largeur·hauteur maximale acceptée ({maxImagePixelsEnv} ; par défaut {maxImagePixels, number})
  --max-prompt-chars N               longueur maximale de la question ({maxPromptCharsEnv} ; par défaut {maxPromptChars, number})
  --locale ÉTIQUETTE                 votre langue, par ex. ja ou fr-CA ({localeEnv}, puis LC_ALL/LANG ; par défaut en)
  --lang en|es|fr|de|ja|zh           langue de la réponse pour cet appel (par défaut celle de la locale, si le modèle la parle)
  --json                             affiche un seul objet JSON sur stdout
  --metrics                          affiche ensuite les métriques OpenTelemetry des appels au format Prometheus (stdout ; stderr avec --json)
  -h, --help                         ce texte
  --version                          la version du paquet

Codes de sortie : 0 succès · 1 autre échec · 2 erreur d’utilisation ou de configuration · 3 erreur d’entrée (image ou question)
`,
  'serve.help': `mobile-mm serve : un serveur HTTP pour le modèle (chat completions compatibles OpenAI, /v1/caption|ocr|vqa, santé, métriques)

Utilisation : mobile-mm serve [options]

Options (chacune est aussi lue dans sa variable ; les options de la ligne de commande l’emportent) :
  --port N                 port d’écoute ({portEnv} ; par défaut 8080)
  --host ADRESSE           adresse d’écoute ({hostEnv} ; par défaut 127.0.0.1 ; 0.0.0.0 dans un conteneur)
  --replicas N             fils de travail, un modèle chacun ({replicasEnv} ; par défaut un par cœur)
  --max-concurrent N       requêtes traitées en même temps ({maxConcurrentEnv} ; par défaut = répliques)
  --max-queue N            requêtes en attente ; au-delà : 503 + Retry-After ({maxQueueEnv} ; par défaut 4 × max-concurrent)
  --request-timeout-ms N   délai par requête : 504, traitement interrompu ({requestTimeoutEnv} ; par défaut 30000)
  --max-body-bytes N       corps maximal : 413 ({bodyLimitEnv} ; par défaut 8388608)
  --dispatch S             least-loaded | round-robin | weighted ({dispatchEnv} ; par défaut least-loaded)
  --replica-weights W,W    poids pour la répartition weighted ({replicaWeightsEnv})
  --rate-limit-rps N       requêtes/s par client, 0 = sans limite ({rateLimitRpsEnv}) ; --rate-limit-burst N ({rateLimitBurstEnv})
  --drain-timeout-ms N     après SIGTERM, temps laissé aux requêtes pour finir ({drainTimeoutEnv} ; par défaut 25000)
  --drain-delay-ms N       après SIGTERM, continuer à servir (readiness 503) pendant ce temps d’abord ({drainDelayEnv} ; par défaut 0)
  --backend, --variant, --profile, --model-dir   le modèle, comme pour les autres commandes (MOBILE_MM_BACKEND, …)
Clés d’API : {apiKeysEnv}=clé1,clé2 (environnement uniquement, pour que les clés n’apparaissent pas dans la liste des processus).
Les messages d’erreur suivent l’Accept-Language de chaque requête (en, es, fr, de, ja, zh).
`,
  'export.help': `mobile-mm export : écrit un checkpoint au format ONNX, en poids tf.io ou en checkpoint safetensors

Utilisation :
  mobile-mm export --format FORMAT --checkpoint DIR --out DIR [options]

  --format onnx|tfjs|safetensors   onnx : encoder_scene/encoder_text/decoder.onnx (opset 17, IR 8) ;
                                   tfjs : model.json + fragments (tf.io) ; safetensors : notre checkpoint
  --checkpoint DIR                 un dossier de checkpoint (config.json, model.safetensors, tokenizer.json)
  --out DIR                        le dossier d’export (nouveau ou vide)
  --bits N                         projections : {bits} (32 = float ;
                                   par défaut : comme le checkpoint les contient ; tfjs 32)
  --method rtn|mse                 comment un checkpoint float est quantifié pour --bits 2|4|8 (par défaut rtn)
  --accuracy-level 0|4             accuracy_level de MatMulNBits en onnx (par défaut 0 : calcul float32 ; 4 : activations int8)
  --quant-op matmulnbits|dequantize  onnx : projections compactées en MatMulNBits (par défaut), ou décompactées dans le graphe et
                                   repliées en float32 au chargement de la session (fichier compact, vitesse et mémoire du float)
  --force                          remplace un --out non vide
  --json                           affiche un seul objet JSON
`,
  'plan.help': `mobile-mm plan : répliques, CPU et cibles d’autoscaling pour une charge, d’après le banc d’essai du serveur

Utilisation : mobile-mm plan --rps R --p95-ms L [--task caption|ocr|vqa] [--replicas-per-pod N] [--results FICHIER] [--json]

  --rps R               requêtes par seconde à servir
  --p95-ms L            latence au 95e centile à ne pas dépasser, en ms
  --task T              la tâche la plus lourde du mélange de requêtes (par défaut caption)
  --replicas-per-pod N  fils de travail par pod, = MOBILE_MM_REPLICAS (par défaut 2, comme deploy/k8s)
  --results FICHIER     le JSON du banc d’essai (par défaut apps/bench/results/serve.json ; npm run bench -- serve)
  --json                affiche le plan en JSON
`,
  'cli.error': 'erreur [{code}] : {message}',
  'cli.note': 'remarque : {message}',
  'cli.seeHelp': 'lancez `mobile-mm --help` pour voir l’utilisation.',
  'cli.noCommand': 'Aucune commande ; utilisez caption, ocr, vqa ou demo (voir --help).',
  'cli.unknownCommand': 'Commande inconnue {command} ; utilisez caption, ocr, vqa ou demo (voir --help).',
  'cli.arity':
    '{command} attend {want} ; {n, plural, one {# argument reçu} other {# arguments reçus}}{quoteHint, select, yes { (mettez entre guillemets une question qui contient des espaces)} other {}}.',
  'cli.arityNone': 'aucun argument',
  'cli.flagInteger': '--{flag} attend un entier positif (reçu : {value}).',
  'cli.flagOneOf': '--{flag} attend l’une de ces valeurs : {accepted} (reçu : {value}).',
  'cli.badOption': '{detail} (voir --help).',
  'cli.outOfVocabulary': 'le modèle ne connaît pas {words} ; la réponse est une supposition.',
  'cli.summary': '({task} · {backend} · {variant} · {profile} · {ms, number, ::.0} ms)',
  'cli.notInstalled': '`mobile-mm {command}` nécessite le paquet @mobile-mm/server : npm install @mobile-mm/server',
  'cli.notBuilt': '@mobile-mm/server n’est pas encore compilé ; lancez d’abord `npm run build` à la racine du dépôt.',
};
