// createTestRuntime(): RuntimeDeps on in-memory ports for service tests.
export {};
