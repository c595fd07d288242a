/**
 * Widget strings. English is the reference; every other language must define every key
 * (the type says so). Placeholders are `{name}`.
 */
const en = {
  tryOn: "Try on",
  tryOnTitle: "Virtual try-on",
  close: "Close",
  photoTab: "Photo",
  liveTab: "Live camera",
  uploadPrompt: "Drop a photo of your face here, or choose one",
  choosePhoto: "Choose a photo",
  photoPrivacy: "Your photo is sent to render the try-on and is not stored.",
  livePrivacy: "Live mode runs on your device: no image leaves this page.",
  startCamera: "Start camera",
  stopCamera: "Stop camera",
  loadingModels: "Loading face models…",
  rendering: "Rendering your try-on…",
  noFace: "We could not find a face in that photo. Try a brighter, front-facing photo.",
  retakeFaceCamera:
    "We could not measure your face: it is turned away from the camera. Take the photo again facing the camera, looking straight into the lens.",
  retakeLevelHead: "We could not measure your face: your head is tilted. Take the photo again with your head level.",
  retakeCloser:
    "We could not measure your face: it is too small in the photo. Move closer so your face fills most of the picture.",
  retakeLight:
    "We could not measure your face reliably. Take the photo again in bright, even light, without glasses, holding the camera still.",
  error: "Something went wrong. Please try again.",
  cameraDenied: "The camera is not available. You can upload a photo instead.",
  framesLabel: "Frames",
  snapshot: "Save snapshot",
  addToCart: "Add to cart",
  addedToCart: "Added to cart",
  resultAlt: "You wearing {title}",
  liveAlt: "Live try-on of {title}",
  pd: "PD {value} ± {error} mm",
  faceShape: "Face shape: {shape}",
  tracking: "Tracking",
  searching: "Looking for your face…",
  finderTitle: "Find frames that fit",
  finderIntro: "Scan your face from a photo, or answer three quick questions.",
  scanFace: "Scan my face",
  answerQuestions: "Answer questions",
  styleQuestion: "Which style do you like?",
  styleClassic: "Classic",
  styleBold: "Bold",
  styleMinimal: "Minimal",
  usageQuestion: "What will you wear them for most?",
  usageEveryday: "Everyday",
  usageScreen: "Screen work",
  usageOccasion: "Going out",
  sizeQuestion: "How wide is your face?",
  sizeNarrow: "Narrow",
  sizeAverage: "Average",
  sizeWide: "Wide",
  next: "Next",
  back: "Back",
  showResults: "Show my frames",
  startOver: "Start over",
  resultsTitle: "Your best frames",
  noResults: "No frames match yet. Try different answers.",
  recommendationsTitle: "Recommended for you",
  recommendationsEmpty: "Try on a frame or scan your face to get personal recommendations.",
  previous: "Previous",
  nextItems: "Next",
  loading: "Loading…",
  rank: "Number {rank}",
  sizeUnknown: "Size not listed",
  view: "View {title}",
  badgeWidthMatch: "Fits your face width",
  badgeNarrow: "Narrower than your face",
  badgeWide: "Wider than your face",
  badgePdComfortable: "Lenses centred for your PD",
  badgePdDecentration: "Lens centring off for your PD",
  badgeLensHeightMatch: "Good lens height",
  badgeLensShallow: "Shallow lenses",
  badgeLensDeep: "Deep lenses",
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const fr: Messages = {
  tryOn: "Essayer",
  tryOnTitle: "Essayage virtuel",
  close: "Fermer",
  photoTab: "Photo",
  liveTab: "Caméra en direct",
  uploadPrompt: "Déposez ici une photo de votre visage, ou choisissez-en une",
  choosePhoto: "Choisir une photo",
  photoPrivacy: "Votre photo sert à l'essayage et n'est pas conservée.",
  livePrivacy: "Le mode direct fonctionne sur votre appareil : aucune image ne quitte cette page.",
  startCamera: "Démarrer la caméra",
  stopCamera: "Arrêter la caméra",
  loadingModels: "Chargement des modèles du visage…",
  rendering: "Préparation de votre essayage…",
  noFace: "Aucun visage trouvé sur cette photo. Essayez une photo de face, mieux éclairée.",
  retakeFaceCamera:
    "Impossible de mesurer votre visage : votre tête est tournée. Reprenez la photo face à l'appareil, en regardant droit dans l'objectif.",
  retakeLevelHead:
    "Impossible de mesurer votre visage : votre tête est penchée. Reprenez la photo en gardant la tête droite.",
  retakeCloser:
    "Impossible de mesurer votre visage : il est trop petit sur la photo. Rapprochez-vous pour que votre visage remplisse presque toute l'image.",
  retakeLight:
    "Impossible de mesurer votre visage de façon fiable. Reprenez la photo sous une lumière vive et uniforme, sans lunettes, sans bouger l'appareil.",
  error: "Une erreur est survenue. Veuillez réessayer.",
  cameraDenied: "La caméra n'est pas disponible. Vous pouvez envoyer une photo.",
  framesLabel: "Montures",
  snapshot: "Enregistrer l'image",
  addToCart: "Ajouter au panier",
  addedToCart: "Ajouté au panier",
  resultAlt: "Vous portant {title}",
  liveAlt: "Essayage en direct de {title}",
  pd: "EP {value} ± {error} mm",
  faceShape: "Forme du visage : {shape}",
  tracking: "Suivi actif",
  searching: "Recherche de votre visage…",
  finderTitle: "Trouvez des montures à votre taille",
  finderIntro: "Analysez votre visage sur une photo, ou répondez à trois questions.",
  scanFace: "Analyser mon visage",
  answerQuestions: "Répondre aux questions",
  styleQuestion: "Quel style aimez-vous ?",
  styleClassic: "Classique",
  styleBold: "Audacieux",
  styleMinimal: "Minimaliste",
  usageQuestion: "Pour quel usage surtout ?",
  usageEveryday: "Tous les jours",
  usageScreen: "Travail sur écran",
  usageOccasion: "Sorties",
  sizeQuestion: "Votre visage est plutôt…",
  sizeNarrow: "Étroit",
  sizeAverage: "Moyen",
  sizeWide: "Large",
  next: "Suivant",
  back: "Retour",
  showResults: "Voir mes montures",
  startOver: "Recommencer",
  resultsTitle: "Vos meilleures montures",
  noResults: "Aucune monture ne correspond. Essayez d'autres réponses.",
  recommendationsTitle: "Recommandé pour vous",
  recommendationsEmpty: "Essayez une monture ou analysez votre visage pour des recommandations personnelles.",
  previous: "Précédent",
  nextItems: "Suivant",
  loading: "Chargement…",
  rank: "Numéro {rank}",
  sizeUnknown: "Taille non indiquée",
  view: "Voir {title}",
  badgeWidthMatch: "Adaptée à la largeur de votre visage",
  badgeNarrow: "Plus étroite que votre visage",
  badgeWide: "Plus large que votre visage",
  badgePdComfortable: "Verres centrés pour votre EP",
  badgePdDecentration: "Centrage des verres à vérifier",
  badgeLensHeightMatch: "Bonne hauteur de verre",
  badgeLensShallow: "Verres peu hauts",
  badgeLensDeep: "Verres hauts",
};

const de: Messages = {
  tryOn: "Anprobieren",
  tryOnTitle: "Virtuelle Anprobe",
  close: "Schließen",
  photoTab: "Foto",
  liveTab: "Live-Kamera",
  uploadPrompt: "Foto Ihres Gesichts hier ablegen oder auswählen",
  choosePhoto: "Foto auswählen",
  photoPrivacy: "Ihr Foto wird nur für die Anprobe gesendet und nicht gespeichert.",
  livePrivacy: "Der Live-Modus läuft auf Ihrem Gerät: Kein Bild verlässt diese Seite.",
  startCamera: "Kamera starten",
  stopCamera: "Kamera stoppen",
  loadingModels: "Gesichtsmodelle werden geladen…",
  rendering: "Ihre Anprobe wird erstellt…",
  noFace: "Auf diesem Foto wurde kein Gesicht gefunden. Versuchen Sie ein helleres Foto von vorne.",
  retakeFaceCamera:
    "Ihr Gesicht konnte nicht vermessen werden: Ihr Kopf ist zur Seite gedreht. Nehmen Sie das Foto erneut auf, mit Blick gerade in die Kamera.",
  retakeLevelHead:
    "Ihr Gesicht konnte nicht vermessen werden: Ihr Kopf ist geneigt. Nehmen Sie das Foto erneut mit gerade gehaltenem Kopf auf.",
  retakeCloser:
    "Ihr Gesicht konnte nicht vermessen werden: Es ist auf dem Foto zu klein. Gehen Sie näher heran, sodass Ihr Gesicht den Großteil des Bildes füllt.",
  retakeLight:
    "Ihr Gesicht konnte nicht zuverlässig vermessen werden. Nehmen Sie das Foto erneut bei hellem, gleichmäßigem Licht auf, ohne Brille und mit ruhiger Kamera.",
  error: "Etwas ist schiefgelaufen. Bitte erneut versuchen.",
  cameraDenied: "Die Kamera ist nicht verfügbar. Sie können stattdessen ein Foto hochladen.",
  framesLabel: "Fassungen",
  snapshot: "Bild speichern",
  addToCart: "In den Warenkorb",
  addedToCart: "Im Warenkorb",
  resultAlt: "Sie mit {title}",
  liveAlt: "Live-Anprobe von {title}",
  pd: "PD {value} ± {error} mm",
  faceShape: "Gesichtsform: {shape}",
  tracking: "Verfolgung aktiv",
  searching: "Suche nach Ihrem Gesicht…",
  finderTitle: "Passende Fassungen finden",
  finderIntro: "Gesicht per Foto vermessen oder drei kurze Fragen beantworten.",
  scanFace: "Gesicht vermessen",
  answerQuestions: "Fragen beantworten",
  styleQuestion: "Welcher Stil gefällt Ihnen?",
  styleClassic: "Klassisch",
  styleBold: "Auffällig",
  styleMinimal: "Minimalistisch",
  usageQuestion: "Wofür tragen Sie sie meistens?",
  usageEveryday: "Alltag",
  usageScreen: "Bildschirmarbeit",
  usageOccasion: "Ausgehen",
  sizeQuestion: "Wie breit ist Ihr Gesicht?",
  sizeNarrow: "Schmal",
  sizeAverage: "Mittel",
  sizeWide: "Breit",
  next: "Weiter",
  back: "Zurück",
  showResults: "Meine Fassungen zeigen",
  startOver: "Neu beginnen",
  resultsTitle: "Ihre besten Fassungen",
  noResults: "Noch keine passende Fassung. Versuchen Sie andere Antworten.",
  recommendationsTitle: "Für Sie empfohlen",
  recommendationsEmpty: "Probieren Sie eine Fassung an oder vermessen Sie Ihr Gesicht für persönliche Empfehlungen.",
  previous: "Zurück",
  nextItems: "Weiter",
  loading: "Wird geladen…",
  rank: "Nummer {rank}",
  sizeUnknown: "Größe nicht angegeben",
  view: "{title} ansehen",
  badgeWidthMatch: "Passt zu Ihrer Gesichtsbreite",
  badgeNarrow: "Schmaler als Ihr Gesicht",
  badgeWide: "Breiter als Ihr Gesicht",
  badgePdComfortable: "Gläser passend zu Ihrer PD zentriert",
  badgePdDecentration: "Glaszentrierung prüfen",
  badgeLensHeightMatch: "Gute Glashöhe",
  badgeLensShallow: "Flache Gläser",
  badgeLensDeep: "Hohe Gläser",
};

export const LOCALES = { en, fr, de } as const;
export type Locale = keyof typeof LOCALES;

/**
 * The widget language: the element's `lang` (or the page's), else the browser's preferred
 * languages, else the tenant default, else English. `fr-CA` matches `fr`.
 */
export function pickLocale(candidates: ReadonlyArray<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const base = candidate.toLowerCase().split(/[-_]/)[0] ?? "";
    if (base in LOCALES) return base as Locale;
  }
  return "en";
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function createTranslator(locale: Locale): Translate {
  const messages: Messages = LOCALES[locale];
  return (key, params) => {
    const template = messages[key] ?? en[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

const BADGE_KEYS: Record<string, MessageKey> = {
  "width-match": "badgeWidthMatch",
  narrow: "badgeNarrow",
  wide: "badgeWide",
  "pd-comfortable": "badgePdComfortable",
  "pd-decentration": "badgePdDecentration",
  "lens-height-match": "badgeLensHeightMatch",
  "lens-shallow": "badgeLensShallow",
  "lens-deep": "badgeLensDeep",
  "size-unknown": "sizeUnknown",
};

/** Fit badges arrive as codes (`width-match`); unknown codes are shown humanised rather than hidden. */
export function badgeLabel(code: string, t: Translate): string {
  const key = BADGE_KEYS[code];
  if (key) return t(key);
  const text = code.replace(/[-_]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Badges that warn rather than reassure. */
export const WARNING_BADGES: ReadonlySet<string> = new Set([
  "narrow",
  "wide",
  "pd-decentration",
  "lens-shallow",
  "lens-deep",
  "size-unknown",
]);
