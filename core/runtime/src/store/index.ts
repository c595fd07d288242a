// DocumentStore implementations (embedded NeDB + mingo, MongoDB) and their contract suite.
export {};
