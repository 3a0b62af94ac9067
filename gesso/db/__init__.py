"""Database access: the shared MetaData, the engine with its transactions, and migrations."""
