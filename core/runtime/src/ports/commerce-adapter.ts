// The CommerceAdapter port (one implementation per platform under adapters/).
// Owned by the catalog sync issue; declared here so adapters depend on core, never on services.
export {};
