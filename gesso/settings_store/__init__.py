"""App settings: a small key/value store in the database (holds the JWT secret)."""
