"""The graph engine: typed node types, graph validation, and execution with progress and
cancellation."""
