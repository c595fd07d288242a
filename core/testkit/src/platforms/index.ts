// Platform simulator, msw handlers per platform and the CommerceAdapter contract suite.
export {};
